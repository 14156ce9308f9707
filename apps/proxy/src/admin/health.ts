import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { accountScope, ownedNode } from './roles'
import { healthCheckSource, healthHistoryAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'

const time = z.iso.datetime({ offset: true })
export const healthQuery = z.object({
  node_id: z.string().max(64).optional(),
  account_id: z.string().max(64).optional(),
  source: healthCheckSource.optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(300),
  offset: z.coerce.number().int().min(0).default(0),
})

/** `GET /admin/api/health/history`: probe results per node, newest first. */
export function healthRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  defineRoute(api, 'GET /health/history', {
    summary: 'Health-check history of a node or an account (default: last 24 h)',
    query: healthQuery,
    response: healthHistoryAnswer,
    handler: async (c, { query: q }) => {
      const nodeId = q.node_id ? (await ownedNode(c, deps, q.node_id)).id : undefined
      const accountId = nodeId ? undefined : await accountScope(c, deps, q.account_id)
      const checks = await deps.store.listHealthChecks({
        nodeId,
        accountId,
        source: q.source,
        from: q.from ? new Date(q.from) : new Date(deps.now() - 86_400_000),
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      })
      return c.json({
        checks: checks.map((h) => ({
          id: h.id,
          node_id: h.nodeId,
          account_id: h.accountId,
          at: h.at.toISOString(),
          ok: h.ok,
          latency_ms: h.latencyMs,
          status: h.status,
          error: h.error,
          method: h.method,
          source: h.source,
        })),
      })
    },
  })
}
