import type { AdminHttp } from './http'
import type { LimitsPatch } from './limits'
import { request } from './routes'
import type { Account, AccountInput, AccountPatch } from './types'

/** Accounts (admins manage them; a tenant sees its own). */
export function accountsApi(http: AdminHttp) {
  return {
    list: async (): Promise<Account[]> => (await request(http, 'GET /admin/api/accounts')).accounts,
    /** @returns the new account with its first proxy key, shown in this answer only */
    create: (input: AccountInput) => request(http, 'POST /admin/api/accounts', { body: input }),
    update: async (id: string, patch: AccountPatch): Promise<void> => {
      await request(http, 'PUT /admin/api/accounts', { query: { id }, body: patch })
    },
    /** Admins only (docs/contract.md §10); merges field by field, `null` removes them all. */
    setLimits: async (id: string, limits: LimitsPatch | null): Promise<void> => {
      await request(http, 'PUT /admin/api/accounts', { query: { id }, body: { limits } })
    },
    remove: async (id: string): Promise<void> => {
      await request(http, 'DELETE /admin/api/accounts', { query: { id } })
    },
  }
}
