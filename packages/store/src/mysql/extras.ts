import { and, asc, desc, eq, gt, gte, isNull, lt, or } from 'drizzle-orm'
import { displayPrefix, generateSecret, hashSecret, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { HealthCheckSource, PriceInput, PriceRecord } from '../types/extras'
import { checkHealthCheck, checkPrice } from '../validate-extras'
import { clampLimit } from '../validate'
import type { My } from './db'
import { accounts, healthChecks, prices, shareLinks } from './schema'

type ExtraMethods = Pick<
  Store,
  | 'recordHealthCheck'
  | 'listHealthChecks'
  | 'listPrices'
  | 'upsertPrice'
  | 'deletePrice'
  | 'createShareLink'
  | 'getShareLink'
  | 'listShareLinks'
  | 'deleteShareLink'
>

const PRICE_FIELDS = [
  'inputPerMTok',
  'outputPerMTok',
  'cacheWrite5mPerMTok',
  'cacheWrite1hPerMTok',
  'cacheReadPerMTok',
] as const

/** A price row as written (decimals as strings). */
export function priceRow(p: PriceInput, updatedAt: Date) {
  const c = checkPrice(p)
  const out = { model: c.model, updatedAt } as typeof prices.$inferInsert
  for (const f of PRICE_FIELDS) out[f] = c[f].toFixed(6)
  return out
}

const toPrice = (row: typeof prices.$inferSelect): PriceRecord => {
  const out = { model: row.model, updatedAt: row.updatedAt } as PriceRecord
  for (const f of PRICE_FIELDS) out[f] = Number(row[f])
  return out
}

/** Health history, pricing and share links of the MySQL adapter. */
export function mysqlExtras(m: My): ExtraMethods {
  const { db, ctx } = m
  const toShare = ({ tokenHash: _, ...s }: typeof shareLinks.$inferSelect) => s

  return {
    async recordHealthCheck(input) {
      const row = { ...checkHealthCheck(input), id: newId() }
      await db.insert(healthChecks).values(row)
      return row
    },
    async listHealthChecks(f) {
      const h = healthChecks
      const rows = await db
        .select()
        .from(h)
        .where(
          and(
            f.accountId ? eq(h.accountId, f.accountId) : undefined,
            f.nodeId ? eq(h.nodeId, f.nodeId) : undefined,
            f.source ? eq(h.source, f.source) : undefined,
            f.from ? gte(h.at, f.from) : undefined,
            f.to ? lt(h.at, f.to) : undefined,
          ),
        )
        .orderBy(desc(h.at), desc(h.id))
        .limit(clampLimit(f.limit, 300, 2000))
        .offset(Math.max(0, Math.floor(f.offset ?? 0)))
      return rows.map((r) => ({ ...r, source: r.source as HealthCheckSource }))
    },

    async listPrices() {
      return (await db.select().from(prices).orderBy(asc(prices.model))).map(toPrice)
    },
    async upsertPrice(input) {
      const row = priceRow(input, ctx.now())
      await m.mutate((tx) => tx.insert(prices).values(row).onDuplicateKeyUpdate({ set: row }))
      const [saved] = await db.select().from(prices).where(eq(prices.model, row.model))
      return toPrice(saved as typeof prices.$inferSelect)
    },
    async deletePrice(model) {
      return m.mutate(
        async (tx) => (await tx.delete(prices).where(eq(prices.model, model)))[0].affectedRows > 0,
        { bumpIf: (ok) => ok },
      )
    },

    async createShareLink(input) {
      const [a] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, input.accountId))
      if (!a) throw new StoreError('not_found', 'account not found')
      const token = generateSecret('', 24)
      const link = {
        id: newId(),
        accountId: input.accountId,
        prefix: displayPrefix(token),
        createdBy: input.createdBy ?? null,
        createdAt: ctx.now(),
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      }
      await m.mutate((tx) =>
        tx.insert(shareLinks).values({ ...link, tokenHash: hashSecret(token, ctx.pepper) }),
      )
      return { link, token }
    },
    async getShareLink(token) {
      const s = shareLinks
      const [row] = await db
        .select()
        .from(s)
        .where(
          and(
            eq(s.tokenHash, hashSecret(String(token), ctx.pepper)),
            isNull(s.revokedAt),
            or(isNull(s.expiresAt), gt(s.expiresAt, ctx.now())),
          ),
        )
      return row ? toShare(row) : null
    },
    async listShareLinks(f) {
      const s = shareLinks
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
      return rows.map(toShare)
    },
    async deleteShareLink(id) {
      return m.mutate(
        async (tx) => {
          const [res] = await tx
            .update(shareLinks)
            .set({ revokedAt: ctx.now() })
            .where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
          return res.affectedRows > 0
        },
        { bumpIf: (ok) => ok },
      )
    },
  }
}
