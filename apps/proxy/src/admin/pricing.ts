import { createModelPricer, isValidModelId, MODEL_ID_MAX, PRICES } from '@qcc/core'
import type { PriceRecord } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import { publishConfigChanged } from './config-events'
import type { AdminDeps, AdminEnv } from './context'
import { notFound } from './errors'
import type { TrustedProxies } from './request-meta'
import { priceAnswer, pricingAnswer, unpricedModelsAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'

const price = z.number().min(0).max(999_999)
// docs/contract.md §15: a price row names an id the data path takes (`*`: the default row).
const modelId = z
  .string()
  .trim()
  .refine(isValidModelId, `a model id of 1 to ${MODEL_ID_MAX} printable characters`)
export const priceBody = z.object({
  model: modelId,
  input_per_mtok: price,
  output_per_mtok: price,
  cache_write_5m_per_mtok: price,
  cache_write_1h_per_mtok: price,
  cache_read_per_mtok: price,
})
export const modelQuery = z.object({ model: z.string().min(1).max(MODEL_ID_MAX) })

const view = (p: PriceRecord): z.infer<typeof priceAnswer> => ({
  model: p.model,
  input_per_mtok: p.inputPerMTok,
  output_per_mtok: p.outputPerMTok,
  cache_write_5m_per_mtok: p.cacheWrite5mPerMTok,
  cache_write_1h_per_mtok: p.cacheWrite1hPerMTok,
  cache_read_per_mtok: p.cacheReadPerMTok,
  updated_at: p.updatedAt.toISOString(),
})

/** Model prices (USD per million tokens): everyone reads, admins edit. */
export function pricingRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  defineRoute(api, 'GET /pricing', {
    summary: 'Model prices (USD per MTok)',
    response: pricingAnswer,
    handler: async (c) => c.json({ pricing: (await deps.store.listPrices()).map(view) }),
  })

  defineRoute(api, 'GET /pricing/unpriced', {
    summary: 'Model ids seen without a table price, most requests first (docs/contract.md §15)',
    auth: 'admin',
    response: unpricedModelsAnswer,
    handler: async (c) => {
      const [seen, rows] = await Promise.all([deps.store.unpricedModels(), deps.store.listPrices()])
      // Priced as the data path prices them now: an id given a price since drops off the list.
      const price = createModelPricer([rows, PRICES])
      const models = seen.flatMap((s) => {
        const { pricedBy } = price(s.model)
        if (pricedBy === 'table') return []
        return [
          {
            model: s.model,
            requests: s.requests,
            last_seen_at: s.lastSeenAt.toISOString(),
            priced_by: pricedBy,
          },
        ]
      })
      return c.json({ models })
    },
  })

  defineRoute(api, 'PUT /pricing', {
    summary: 'Create or update the price of a model',
    auth: 'admin',
    body: priceBody,
    response: priceAnswer,
    handler: async (c, input) => {
      const b = await input.body()
      const saved = await deps.store.upsertPrice({
        model: b.model,
        inputPerMTok: b.input_per_mtok,
        outputPerMTok: b.output_per_mtok,
        cacheWrite5mPerMTok: b.cache_write_5m_per_mtok,
        cacheWrite1hPerMTok: b.cache_write_1h_per_mtok,
        cacheReadPerMTok: b.cache_read_per_mtok,
      })
      await audit(c, deps, trusted, {
        action: 'price.upsert',
        accountId: null,
        targetType: 'price',
        targetId: b.model,
        detail: { ...b },
      })
      publishConfigChanged(deps, null)
      return c.json(view(saved))
    },
  })

  defineRoute(api, 'DELETE /pricing', {
    summary: 'Delete the price of a model',
    auth: 'admin',
    query: modelQuery,
    handler: async (c, { query }) => {
      const { model } = query
      if (!(await deps.store.deletePrice(model))) throw notFound('price not found')
      await audit(c, deps, trusted, {
        action: 'price.delete',
        accountId: null,
        targetType: 'price',
        targetId: model,
      })
      publishConfigChanged(deps, null)
      return c.json({ deleted: model })
    },
  })
}
