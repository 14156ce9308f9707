import type { DownloadLinkStore } from '../interface'
import {
  checkDownloadLink,
  downloadIdHash,
  newDownloadLink,
  openDownloadPayload,
} from '../rows/download-links'
import { accountNotFound } from '../rows/fields'
import type { Mem } from './state'

/** One-time download links of the memory adapter (one process: consumption is a plain check). */
export function memoryDownloadLinks(m: Mem): DownloadLinkStore {
  const { state, ctx } = m
  return {
    async createDownloadLink(input) {
      m.live()
      const link = checkDownloadLink(input)
      if (!state.accounts.has(link.accountId)) throw accountNotFound()
      const { token, row } = newDownloadLink(ctx, link)
      state.downloads.set(row.idHash, row)
      return { token }
    },
    async consumeDownloadLink(token) {
      m.live()
      const idHash = downloadIdHash(ctx, token)
      const row = idHash === null ? undefined : state.downloads.get(idHash)
      if (!row || row.usedAt !== null || row.expiresAt.getTime() <= ctx.clock.now()) return null
      row.usedAt = ctx.now()
      return openDownloadPayload(ctx, row)
    },
  }
}
