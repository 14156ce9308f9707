import { createModelPricer, PRICES, type ModelPricer, type ModelPricing } from '@qcc/core'
import type { Store } from '@qcc/store'

/**
 * The operator's price table (the store's, editable in the console), held in memory for the
 * cost of each request; core's built-in table fills models the store does not list, and core's
 * pricer settles ids neither lists (docs/contract.md §15: family, the `*` row, or none).
 */
export class PriceTable {
  private pricer: ModelPricer = createModelPricer([PRICES])

  constructor(private readonly store: Pick<Store, 'listPrices'>) {}

  async refresh(): Promise<void> {
    this.pricer = createModelPricer([await this.store.listPrices(), PRICES])
  }

  /**
   * How a request is priced: with a node's `model_map` (docs/contract.md §13) the upstream id's
   * own table price when it has one, else the requested id by every rule of §15.
   */
  price(model: string, upstreamModel?: string): ModelPricing {
    if (upstreamModel !== undefined) {
      const upstream = this.pricer(upstreamModel)
      if (upstream.pricedBy === 'table') return upstream
    }
    return this.pricer(model)
  }

  /** True when `model` has no price at all (no table row, no family, no `*` row). */
  unpriced(model: string): boolean {
    return this.pricer(model).pricedBy === 'none'
  }
}
