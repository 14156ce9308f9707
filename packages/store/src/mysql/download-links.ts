import { and, eq, gt, isNull } from 'drizzle-orm'
import type { DownloadLinkStore } from '../interface'
import {
  checkDownloadLink,
  downloadIdHash,
  newDownloadLink,
  openDownloadPayload,
} from '../rows/download-links'
import { requireAccount } from './accounts'
import type { My } from './db'
import { downloadLinks } from './schema'

/**
 * One-time download links of the MySQL adapter, shared by every replica. Consumption is one
 * conditional UPDATE (unused and unexpired), so of two replicas downloading at once exactly one
 * changes the row and reads the payload.
 */
export function mysqlDownloadLinks(m: My): DownloadLinkStore {
  const { db, ctx } = m
  const d = downloadLinks
  return {
    async createDownloadLink(input) {
      m.live()
      const link = checkDownloadLink(input)
      await requireAccount(db, link.accountId)
      const { token, row } = newDownloadLink(ctx, link)
      await db.insert(d).values(row)
      return { token }
    },
    async consumeDownloadLink(token) {
      m.live()
      const idHash = downloadIdHash(ctx, token)
      if (idHash === null) return null
      const now = ctx.now()
      const [res] = await db
        .update(d)
        .set({ usedAt: now })
        .where(and(eq(d.idHash, idHash), isNull(d.usedAt), gt(d.expiresAt, now)))
      if (res.affectedRows === 0) return null
      const [row] = await db
        .select({ idHash: d.idHash, payloadEnc: d.payloadEnc })
        .from(d)
        .where(eq(d.idHash, idHash))
      return row ? openDownloadPayload(ctx, row) : null
    },
  }
}
