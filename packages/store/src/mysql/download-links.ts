import { and, eq, gt, isNull } from 'drizzle-orm'
import { checkDownloadLink, downloadAad, downloadIdHash, newDownloadToken } from '../download-link'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { My } from './db'
import { accounts, downloadLinks } from './schema'

type DownloadMethods = Pick<Store, 'createDownloadLink' | 'consumeDownloadLink'>

/**
 * One-time download links of the MySQL adapter, shared by every replica. Consumption is one
 * conditional UPDATE (unused and unexpired), so of two replicas downloading at once exactly one
 * changes the row and reads the payload.
 */
export function mysqlDownloadLinks(m: My): DownloadMethods {
  const { db, ctx } = m
  return {
    async createDownloadLink(input) {
      m.live()
      const link = checkDownloadLink(input)
      const [a] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, link.accountId))
      if (!a) throw new StoreError('not_found', 'account not found')
      const { token, idHash } = newDownloadToken(ctx.pepper)
      await db.insert(downloadLinks).values({
        idHash,
        accountId: link.accountId,
        payloadEnc: ctx.box.seal(link.payload, downloadAad(idHash)),
        createdAt: ctx.now(),
        expiresAt: link.expiresAt,
        usedAt: null,
      })
      return { token }
    },
    async consumeDownloadLink(token) {
      m.live()
      const idHash = downloadIdHash(token, ctx.pepper)
      if (idHash === null) return null
      const now = ctx.now()
      const [res] = await db
        .update(downloadLinks)
        .set({ usedAt: now })
        .where(
          and(
            eq(downloadLinks.idHash, idHash),
            isNull(downloadLinks.usedAt),
            gt(downloadLinks.expiresAt, now),
          ),
        )
      if (res.affectedRows === 0) return null
      const [row] = await db
        .select({ payloadEnc: downloadLinks.payloadEnc })
        .from(downloadLinks)
        .where(eq(downloadLinks.idHash, idHash))
      return row ? ctx.box.open(row.payloadEnc, downloadAad(idHash)) : null
    },
  }
}
