import type { PriceStore } from '../interface'
import { newPriceRow } from '../rows/prices'
import type { Mem } from './state'

/** Writes the price seed (a new memory store is always a new database). */
export function seedMemoryPrices(m: Mem): void {
  for (const p of m.ctx.seedPrices) m.state.prices.set(p.model, newPriceRow(p, m.ctx.now()))
}

/** Model prices of the memory adapter. */
export function memoryPrices(m: Mem): PriceStore {
  const { state, ctx } = m
  return {
    async listPrices() {
      return [...state.prices.values()]
        .sort((a, b) => a.model.localeCompare(b.model))
        .map((p) => ({ ...p }))
    },
    async upsertPrice(input) {
      const row = newPriceRow(input, ctx.now())
      state.prices.set(row.model, row)
      m.changed()
      return { ...row }
    },
    async deletePrice(model) {
      const ok = state.prices.delete(model)
      if (ok) m.changed()
      return ok
    },
  }
}
