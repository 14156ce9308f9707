import type { AdminHttp } from './http'
import type { LimitsPatch } from './limits'
import { request, type Body } from './routes'
import type { KeyPatch, ProxyKey } from './types'

/** Proxy keys of one account (`accountId` only for admins; a tenant's are its own). */
export function keysApi(http: AdminHttp) {
  return {
    list: async (accountId?: string): Promise<ProxyKey[]> =>
      (await request(http, 'GET /admin/api/keys', { query: { account_id: accountId } })).keys,
    /** @returns the key with its secret, shown in this answer only */
    create: (name: string | undefined, accountId?: string, limits?: LimitsPatch) => {
      const body: Body<'POST /admin/api/keys'> = limits ? { name, limits } : { name }
      return request(http, 'POST /admin/api/keys', { query: { account_id: accountId }, body })
    },
    /** docs/contract.md §10: partial; `limits` merges field by field, `null` removes them all. */
    update: async (id: string, patch: KeyPatch): Promise<void> => {
      await request(http, 'PUT /admin/api/keys', { query: { id }, body: patch })
    },
    /** @returns the replacement key's secret, shown once */
    rotate: (id: string) => request(http, 'POST /admin/api/keys/rotate', { body: { id } }),
    revoke: async (id: string): Promise<void> => {
      await request(http, 'POST /admin/api/keys/revoke', { body: { id } })
    },
  }
}
