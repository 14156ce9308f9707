import { checkDownloadLink, downloadAad, downloadIdHash, newDownloadToken } from '../download-link'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { Mem } from './state'

type DownloadMethods = Pick<Store, 'createDownloadLink' | 'consumeDownloadLink'>

/** One-time download links of the memory adapter (one process: consumption is a plain check). */
export function memoryDownloadLinks(m: Mem): DownloadMethods {
  const { state, ctx } = m
  return {
    async createDownloadLink(input) {
      m.live()
      const link = checkDownloadLink(input)
      if (!state.accounts.has(link.accountId))
        throw new StoreError('not_found', 'account not found')
      const { token, idHash } = newDownloadToken(ctx.pepper)
      state.downloads.set(idHash, {
        accountId: link.accountId,
        payloadSealed: ctx.box.seal(link.payload, downloadAad(idHash)),
        createdAt: ctx.now(),
        expiresAt: new Date(link.expiresAt.getTime()),
        usedAt: null,
      })
      return { token }
    },
    async consumeDownloadLink(token) {
      m.live()
      const idHash = downloadIdHash(token, ctx.pepper)
      const row = idHash === null ? undefined : state.downloads.get(idHash)
      if (!row || row.usedAt !== null || row.expiresAt.getTime() <= ctx.clock.now()) return null
      row.usedAt = ctx.now()
      return ctx.box.open(row.payloadSealed, downloadAad(idHash as string))
    },
  }
}
