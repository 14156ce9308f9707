import type { AdminHttp } from './http'
import { request } from './routes'
import type { ProxyKey } from './types'

/** Proxy keys of one account (`accountId` only for admins; a tenant's are its own). */
export function keysApi(http: AdminHttp) {
  return {
    list: async (accountId?: string): Promise<ProxyKey[]> =>
      (await request(http, 'GET /admin/api/keys', { query: { account_id: accountId } })).keys,
    /** @returns the key with its secret, shown in this answer only */
    create: (name: string | undefined, accountId?: string) =>
      request(http, 'POST /admin/api/keys', { query: { account_id: accountId }, body: { name } }),
    /** @returns the replacement key's secret, shown once */
    rotate: (id: string) => request(http, 'POST /admin/api/keys/rotate', { body: { id } }),
    revoke: async (id: string): Promise<void> => {
      await request(http, 'POST /admin/api/keys/revoke', { body: { id } })
    },
  }
}
