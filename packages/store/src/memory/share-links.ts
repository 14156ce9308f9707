import type { ShareLinkStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import {
  newShareLink,
  shareTokenHash,
  shareTokenTaken,
  toShareLink,
  type ShareLinkRow,
} from '../rows/share-links'
import type { Mem } from './state'

/**
 * MySQL's `ORDER BY created_at DESC, id DESC` (ids compared as binary strings): imported links
 * carry their own creation time, so insertion order is not creation order.
 */
function newestFirst(a: ShareLinkRow, b: ShareLinkRow): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime()
  if (byTime !== 0) return byTime
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Monitor share links of the memory adapter; a revoked link is kept for the record. */
export function memoryShareLinks(m: Mem): ShareLinkStore {
  const { state, ctx } = m
  return {
    async createShareLink(input) {
      if (!state.accounts.has(input.accountId)) throw accountNotFound()
      const { token, link, row } = newShareLink(ctx, input)
      for (const other of state.shares.values()) {
        if (other.tokenHash === row.tokenHash) throw shareTokenTaken()
      }
      state.shares.set(row.id, row)
      m.changed()
      return { link, token }
    },
    async getShareLink(token) {
      const hash = shareTokenHash(ctx, token)
      const s = [...state.shares.values()].find((x) => x.tokenHash === hash)
      if (!s || s.revokedAt || (s.expiresAt && s.expiresAt.getTime() <= ctx.clock.now())) {
        return null
      }
      return toShareLink(s)
    },
    async listShareLinks(f) {
      return [...state.shares.values()]
        .filter(
          (s) =>
            (!f?.accountId || s.accountId === f.accountId) && (f?.includeRevoked || !s.revokedAt),
        )
        .sort(newestFirst)
        .map(toShareLink)
    },
    async deleteShareLink(id) {
      const s = state.shares.get(id)
      if (!s || s.revokedAt) return false
      s.revokedAt = ctx.now()
      m.changed()
      return true
    },
  }
}
