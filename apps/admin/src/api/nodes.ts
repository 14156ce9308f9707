import type { AdminHttp } from './http'
import { request, type Query } from './routes'
import type { HealthCheck, NodeCommand, NodeInput, NodePatch, NodeView } from './types'

/** The upstream nodes of an account (`'*'`: every account, admins) and their health checks. */
export function nodesApi(http: AdminHttp) {
  return {
    list: async (accountId?: string): Promise<NodeView[]> =>
      (await request(http, 'GET /admin/api/nodes', { query: { account_id: accountId } })).nodes,
    create: (input: NodeInput, accountId?: string) =>
      request(http, 'POST /admin/api/nodes', { query: { account_id: accountId }, body: input }),
    update: async (id: string, patch: NodePatch): Promise<void> => {
      await request(http, 'PUT /admin/api/nodes', { query: { id }, body: patch })
    },
    remove: async (id: string): Promise<void> => {
      await request(http, 'DELETE /admin/api/nodes', { query: { id } })
    },
    command: async (verb: NodeCommand, id: string): Promise<void> => {
      await request(http, `POST /admin/api/nodes/${verb}`, { body: { id } })
    },
    /** Recent checks, newest first. */
    healthHistory: async (query: Query<'GET /admin/api/health/history'>): Promise<HealthCheck[]> =>
      (await request(http, 'GET /admin/api/health/history', { query })).checks,
  }
}
