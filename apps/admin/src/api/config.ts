import type { AdminHttp } from './http'
import { request } from './routes'
import type { RoutingConfig, RoutingConfigPatch } from './types'

/** An account's routing settings: effective values and its own overrides. */
export function configApi(http: AdminHttp) {
  return {
    get: (accountId?: string): Promise<RoutingConfig> =>
      request(http, 'GET /admin/api/config', { query: { account_id: accountId } }),
    update: async (patch: RoutingConfigPatch, accountId?: string): Promise<void> => {
      await request(http, 'PUT /admin/api/config', {
        query: { account_id: accountId },
        body: patch,
      })
    },
  }
}
