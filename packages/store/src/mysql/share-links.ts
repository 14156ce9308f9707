import { and, desc, eq, gt, isNull, or } from 'drizzle-orm'
import type { ShareLinkStore } from '../interface'
import { newShareLink, shareTokenHash, shareTokenTaken, toShareLink } from '../rows/share-links'
import { requireAccount } from './accounts'
import { isDuplicate, type My } from './db'
import { shareLinks } from './schema'

/** Monitor share links of the MySQL adapter; a revoked link is kept for the record. */
export function mysqlShareLinks(m: My): ShareLinkStore {
  const { db, ctx } = m
  const s = shareLinks
  return {
    async createShareLink(input) {
      await requireAccount(db, input.accountId)
      const { token, link, row } = newShareLink(ctx, input)
      try {
        await m.mutate((tx) => tx.insert(s).values(row))
      } catch (error) {
        throw isDuplicate(error) ? shareTokenTaken() : error
      }
      return { link, token }
    },
    async getShareLink(token) {
      const [row] = await db
        .select()
        .from(s)
        .where(
          and(
            eq(s.tokenHash, shareTokenHash(ctx, token)),
            isNull(s.revokedAt),
            or(isNull(s.expiresAt), gt(s.expiresAt, ctx.now())),
          ),
        )
      return row ? toShareLink(row) : null
    },
    async listShareLinks(f) {
      const rows = await db
        .select()
        .from(s)
        .where(
          and(
            f?.accountId ? eq(s.accountId, f.accountId) : undefined,
            f?.includeRevoked ? undefined : isNull(s.revokedAt),
          ),
        )
        .orderBy(desc(s.createdAt), desc(s.id))
      return rows.map(toShareLink)
    },
    async deleteShareLink(id) {
      return m.mutate(
        async (tx) => {
          const [res] = await tx
            .update(s)
            .set({ revokedAt: ctx.now() })
            .where(and(eq(s.id, id), isNull(s.revokedAt)))
          return res.affectedRows > 0
        },
        { bumpIf: (ok) => ok },
      )
    },
  }
}
