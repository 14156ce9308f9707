import { asc, eq } from 'drizzle-orm'
import type { StoreContext } from '../config'
import type { PriceStore } from '../interface'
import { newPriceRow, PRICE_FIELDS } from '../rows/prices'
import type { PriceInput, PriceRecord } from '../types/prices'
import type { Db, My } from './db'
import { meta, prices } from './schema'

/** A price row as written: the rates as DECIMAL strings. @throws StoreError `invalid` */
function priceColumns(p: PriceInput, updatedAt: Date) {
  const checked = newPriceRow(p, updatedAt)
  const out = { model: checked.model, updatedAt } as typeof prices.$inferInsert
  for (const f of PRICE_FIELDS) out[f] = checked[f].toFixed(6)
  return out
}

function toPrice(row: typeof prices.$inferSelect): PriceRecord {
  const out = { model: row.model, updatedAt: row.updatedAt } as PriceRecord
  for (const f of PRICE_FIELDS) out[f] = Number(row[f])
  return out
}

/** Writes the price seed once per database (later admin edits and deletions stick). */
export async function seedMysqlPrices(db: Db, ctx: StoreContext): Promise<void> {
  const seed = ctx.seedPrices
  if (seed.length === 0) return
  await db.transaction(async (tx) => {
    const [res] = await tx.insert(meta).ignore().values({ name: 'prices_seeded', value: 'yes' })
    if (res.affectedRows === 0) return
    await tx
      .insert(prices)
      .ignore()
      .values(seed.map((p) => priceColumns(p, ctx.now())))
  })
}

/** Model prices of the MySQL adapter. */
export function mysqlPrices(m: My): PriceStore {
  const { db, ctx } = m
  return {
    async listPrices() {
      return (await db.select().from(prices).orderBy(asc(prices.model))).map(toPrice)
    },
    async upsertPrice(input) {
      const row = priceColumns(input, ctx.now())
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
  }
}
