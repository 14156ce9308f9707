import type { Context } from 'hono'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import { accountScope, ownedNode } from './roles'

/** The scope fields every usage query takes (docs/contract.md §6.2). */
export interface UsageScopeQuery {
  account_id?: string | undefined
  node_id?: string | undefined
  from?: string | undefined
  to?: string | undefined
}

/**
 * The filter a usage query may use. Tenants are pinned to their own account whatever they
 * pass; admins default to every account. A node filter must be a node the caller owns.
 */
export async function usageScope(c: Context<AdminEnv>, deps: AdminDeps, q: UsageScopeQuery) {
  const me = c.get('account')
  const accountId = await accountScope(c, deps, q.account_id ?? (me.isAdmin ? '*' : undefined))
  const nodeId = q.node_id ? (await ownedNode(c, deps, q.node_id)).id : undefined
  const from = q.from ? new Date(q.from) : undefined
  const to = q.to ? new Date(q.to) : undefined
  if (from && to && from >= to) throw new ApiError('invalid_request', 'from: must be before to')
  return { accountId, nodeId, from, to }
}
