import type { Context } from 'hono'
import type { Account, NodeRecord } from '@qcc/store'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError, notFound } from './errors'

/** Admin-only actions answer 403 to a tenant (docs/contract.md §6.2). */
export function requireAdmin(c: Context<AdminEnv>): Account {
  const me = c.get('account')
  if (!me.isAdmin) throw new ApiError('forbidden', 'admin only')
  return me
}

/**
 * The account a request is about: the caller's own unless an admin names another. A tenant
 * naming any account but its own gets 404, exactly as for an account that does not exist.
 */
export async function targetAccount(
  c: Context<AdminEnv>,
  deps: Pick<AdminDeps, 'store'>,
  accountId: string | undefined,
): Promise<Account> {
  const me = c.get('account')
  if (accountId === undefined || accountId === '' || accountId === me.id) return me
  if (!me.isAdmin) throw notFound('account not found')
  const account = await deps.store.getAccount(accountId)
  if (!account) throw notFound('account not found')
  return account
}

/** An account filter for list endpoints: `undefined` = every account (admins asking for `*`). */
export async function accountScope(
  c: Context<AdminEnv>,
  deps: Pick<AdminDeps, 'store'>,
  accountId: string | undefined,
): Promise<string | undefined> {
  if (accountId === '*') {
    if (!c.get('account').isAdmin) throw notFound('account not found')
    return undefined
  }
  return (await targetAccount(c, deps, accountId)).id
}

/** A node the caller may see: its own, or any for an admin; 404 otherwise. */
export async function ownedNode(
  c: Context<AdminEnv>,
  deps: Pick<AdminDeps, 'store'>,
  id: string | undefined,
): Promise<NodeRecord> {
  if (!id) throw new ApiError('invalid_request', 'id: required')
  const node = await deps.store.getNode(id)
  const me = c.get('account')
  if (!node || (!me.isAdmin && node.accountId !== me.id)) throw notFound('node not found')
  return node
}
