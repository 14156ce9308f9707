import type { UsageTotals } from '@qcc/store'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { defineRoute, type RouteGroup } from './route-table'
import { usageLogRoutes } from './usage-logs'
import { usageScope } from './usage-scope'
import { usageSeriesAnswer, usageSummaryAnswer, type usageTotalsAnswer } from './responses'

const time = z.iso.datetime({ offset: true })
const scope = {
  account_id: z.string().max(64).optional(),
  node_id: z.string().max(64).optional(),
  from: time.optional(),
  to: time.optional(),
}
export const summaryQuery = z.object({
  ...scope,
  group_by: z.enum(['model', 'node', 'key']).optional(),
})
export const seriesQuery = z.object({
  ...scope,
  bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
})

/** The store's usage totals as the API answers them (docs/contract.md §6.1/6.2). */
export const totals = (t: UsageTotals): z.infer<typeof usageTotalsAnswer> => ({
  requests: t.requests,
  errors: t.errors,
  input_tokens: t.inputTokens,
  output_tokens: t.outputTokens,
  cache_creation_input_tokens: t.cacheCreationInputTokens,
  cache_creation_5m_input_tokens: t.cacheCreation5mTokens,
  cache_creation_1h_input_tokens: t.cacheCreation1hTokens,
  cache_read_input_tokens: t.cacheReadInputTokens,
  cost_usd: t.costUsd,
  bytes: t.bytes,
  avg_duration_ms: t.requests ? Math.round(t.durationMsSum / t.requests) : null,
  avg_ttfb_ms: t.requests ? Math.round(t.ttfbMsSum / t.requests) : null,
})

/** Usage summary, request logs and time series, all from the store's rollups and raw events. */
export function usageRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  const { store } = deps

  defineRoute(api, 'GET /usage/summary', {
    summary: 'Usage totals, or groups by model, node or key',
    query: summaryQuery,
    response: usageSummaryAnswer,
    handler: async (c, { query: q }) => {
      const summary = await store.usageSummary({
        ...(await usageScope(c, deps, q)),
        groupBy: q.group_by,
      })
      if (!q.group_by) return c.json(totals(summary.total))
      return c.json({
        groups: summary.groups.map((g) => ({ key: g.key, name: g.name, ...totals(g) })),
      })
    },
  })

  usageLogRoutes(api, deps)

  defineRoute(api, 'GET /usage/series', {
    summary: 'Usage time series (minute, hour or day buckets)',
    query: seriesQuery,
    response: usageSeriesAnswer,
    handler: async (c, { query: q }) => {
      const s = await usageScope(c, deps, q)
      const spanMs = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 }[q.bucket]
      const to = s.to ?? new Date(deps.now())
      const from = s.from ?? new Date(to.getTime() - spanMs)
      const points = await store.usageSeries({ ...s, from, to, bucket: q.bucket })
      return c.json({
        bucket: q.bucket,
        from: from.toISOString(),
        to: to.toISOString(),
        points: points.map((p) => ({ at: p.at.toISOString(), ...totals(p) })),
      })
    },
  })
}
