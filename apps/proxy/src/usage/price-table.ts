import { findPrice, type ModelPrice } from '@qcc/core'
import type { Store } from '@qcc/store'

/**
 * The operator's price table (the store's, editable in the console), held in memory for the
 * cost of each request; core's built-in table fills models the store does not list.
 */
export class PriceTable {
  private table: readonly ModelPrice[] = []

  constructor(private readonly store: Store) {}

  async refresh(): Promise<void> {
    this.table = await this.store.listPrices()
  }

  find(model: string): ModelPrice | undefined {
    return findPrice(model, this.table) ?? findPrice(model)
  }
}
