import { Hono } from 'hono'
import type { PriceRecord } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import type { AdminDeps, AdminEnv } from './context'
import { notFound } from './errors'
import type { TrustedProxies } from './request-meta'
import { requireAdmin } from './roles'
import type { RouteDoc } from './route-doc'
import { jsonBody, queryOf } from './validate'

const price = z.number().min(0).max(999_999)
export const priceBody = z.object({
  model: z.string().trim().min(1).max(128),
  input_per_mtok: price,
  output_per_mtok: price,
  cache_write_5m_per_mtok: price,
  cache_write_1h_per_mtok: price,
  cache_read_per_mtok: price,
})
export const modelQuery = z.object({ model: z.string().min(1).max(128) })

const view = (p: PriceRecord) => ({
  model: p.model,
  input_per_mtok: p.inputPerMTok,
  output_per_mtok: p.outputPerMTok,
  cache_write_5m_per_mtok: p.cacheWrite5mPerMTok,
  cache_write_1h_per_mtok: p.cacheWrite1hPerMTok,
  cache_read_per_mtok: p.cacheReadPerMTok,
  updated_at: p.updatedAt.toISOString(),
})

/** Model prices (USD per million tokens): everyone reads, admins edit. */
export function pricingRoutes(deps: AdminDeps, trusted: TrustedProxies): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>()
  const changed = () =>
    deps.events.publish({
      type: 'config.changed',
      accountId: null,
      data: { at: new Date(deps.now()).toISOString() },
    })
  app.get('/pricing', async (c) => c.json({ pricing: (await deps.store.listPrices()).map(view) }))

  app.put('/pricing', async (c) => {
    requireAdmin(c)
    const b = await jsonBody(c, priceBody)
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
    changed()
    return c.json(view(saved))
  })

  app.delete('/pricing', async (c) => {
    requireAdmin(c)
    const { model } = queryOf(c, modelQuery)
    if (!(await deps.store.deletePrice(model))) throw notFound('price not found')
    await audit(c, deps, trusted, {
      action: 'price.delete',
      accountId: null,
      targetType: 'price',
      targetId: model,
    })
    changed()
    return c.json({ deleted: model })
  })
  return app
}

export const pricingDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/api/pricing',
    summary: 'Model prices (USD per MTok)',
    auth: 'session',
  },
  {
    method: 'put',
    path: '/admin/api/pricing',
    summary: 'Create or update the price of a model',
    auth: 'admin',
    body: priceBody,
  },
  {
    method: 'delete',
    path: '/admin/api/pricing',
    summary: 'Delete the price of a model',
    auth: 'admin',
    query: modelQuery,
  },
]
