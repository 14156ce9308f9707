import type { Limits, LimitWindows } from '@qcc/core'
import { isProxyKeyInUse, isStoreError, type Account } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import { publishConfigChanged } from './config-events'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError, notFound } from './errors'
import { windowsOf } from './limit-windows'
import {
  limitChanges,
  limitsAfter,
  limitsInput,
  limitsView,
  replacingPatch,
  windowsView,
} from './limits-schema'
import type { TrustedProxies } from './request-meta'
import { defineRoute, type RouteGroup } from './route-table'
import type { accountAnswer } from './responses'
import { accountsAnswer, createdAccountAnswer } from './responses'

// qcc_plus clients send "" for "keep as is"; treat it as absent.
const keepIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional())

export const createAccountBody = z.object({
  name: z.string().trim().min(1).max(128),
  password: keepIfEmpty(z.string().min(8).max(1024)),
  proxy_api_key: keepIfEmpty(z.string().min(4).max(512)),
  is_admin: z.boolean().optional(),
})
export const updateAccountBody = z.object({
  name: keepIfEmpty(z.string().trim().min(1).max(128)),
  password: keepIfEmpty(z.string().min(8).max(1024)),
  proxy_api_key: keepIfEmpty(z.string().min(4).max(512)),
  is_admin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  // Not `keepIfEmpty`: null here means "remove every limit" (docs/contract.md §10).
  limits: limitsInput.nullable().optional(),
})
export const idQuery = z.object({ id: z.string().min(1).max(64) })

/** The display prefix of the account's oldest live key (qcc_plus had one key per account). */
async function keyPrefixes(deps: AdminDeps): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const key of await deps.store.listProxyKeys()) {
    if (!key.revokedAt && !out.has(key.accountId)) out.set(key.accountId, key.prefix)
  }
  return out
}

const view = (
  a: Account,
  prefix: string | undefined,
  windows: LimitWindows,
): z.infer<typeof accountAnswer> => ({
  id: a.id,
  name: a.name,
  is_admin: a.isAdmin,
  disabled: a.disabled,
  key_prefix: prefix ?? null,
  created_at: a.createdAt.toISOString(),
  limits: limitsView(a.limits),
  windows: windowsView(windows),
})

/** `GET|POST|PUT|DELETE /admin/api/accounts` (qcc_plus-compatible). */
export function accountRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  const { store } = deps

  defineRoute(api, 'GET /accounts', {
    summary: 'Accounts (a tenant sees only its own)',
    response: accountsAnswer,
    handler: async (c) => {
      const me = c.get('account')
      const accounts = me.isAdmin ? await store.listAccounts() : [me]
      const prefixes = await keyPrefixes(deps)
      const subjects = accounts.map((a) => ({
        scope: 'account' as const,
        id: a.id,
        limits: a.limits,
      }))
      const windows = await windowsOf(deps.limits, subjects, deps.logger)
      return c.json({
        accounts: accounts.map((a, i) => view(a, prefixes.get(a.id), windows[i] ?? {})),
      })
    },
  })

  defineRoute(api, 'POST /accounts', {
    summary: 'Create an account with its first proxy key',
    auth: 'admin',
    body: createAccountBody,
    response: createdAccountAnswer,
    status: 201,
    handler: async (c, input) => {
      const body = await input.body()
      // No password: the account is used through its proxy key until an admin sets one, and
      // nothing is hashed (a 128 MiB scrypt per tenant made provisioning thousands take hours).
      // One commit for both: a key already in use creates nothing.
      let created
      try {
        created = await store.createAccountWithKey(
          { name: body.name, password: body.password ?? null, isAdmin: body.is_admin },
          { name: 'default', key: body.proxy_api_key },
        )
      } catch (err) {
        if (isProxyKeyInUse(err)) throw new ApiError('conflict', 'proxy_api_key: already in use')
        throw err
      }
      const { account, secret } = created
      await audit(c, deps, trusted, {
        action: 'account.create',
        accountId: account.id,
        targetType: 'account',
        targetId: account.id,
        detail: { name: account.name, is_admin: account.isAdmin },
      })
      publishConfigChanged(deps, account.id)
      return c.json(
        {
          id: account.id,
          name: account.name,
          is_admin: account.isAdmin,
          proxy_api_key: secret,
        },
        201,
      )
    },
  })

  defineRoute(api, 'PUT /accounts', {
    summary:
      'Update an account (partial; `limits` merges field by field, a null field removes that ' +
      'limit, "limits": null removes them all; limits are for admins only: 403 for a tenant)',
    query: idQuery,
    body: updateAccountBody,
    handler: async (c, input) => {
      const me = c.get('account')
      const { id } = input.query
      // Ownership before validation: another tenant's id is 404 whatever the body says.
      if (!me.isAdmin && id !== me.id) throw notFound('account not found')
      const target = await store.getAccount(id)
      if (!target) throw notFound('account not found')
      const body = await input.body()
      if (!me.isAdmin) {
        if (body.is_admin !== undefined || body.disabled !== undefined) {
          throw new ApiError('forbidden', 'only an admin may change is_admin or disabled')
        }
        // docs/contract.md §10: an account's limits bind its tenant, so only an admin sets them.
        if (body.limits !== undefined) {
          throw new ApiError('forbidden', 'limits: only an admin may change account limits')
        }
        if (body.password !== undefined || body.proxy_api_key !== undefined) {
          throw new ApiError('forbidden', 'use /admin/api/me/password and /admin/api/keys')
        }
        // docs/contract.md §9: a tenant cannot take a name that passes for another account (`Admin`).
        if (body.name !== undefined && body.name !== target.name) {
          throw new ApiError('forbidden', 'only an admin may rename an account')
        }
      }
      if (me.isAdmin && id === me.id && (body.is_admin === false || body.disabled === true)) {
        if ((await store.countAdmins()) <= 1)
          throw new ApiError('conflict', 'the last admin cannot be demoted or disabled')
      }
      let limits: Limits | undefined
      if (body.limits !== undefined) {
        // The merged result is what binds, so it is what is checked and stored.
        limits = limitsAfter(target.limits, body.limits)
      }
      const updated = await store.updateAccount(id, {
        name: body.name,
        password: body.password,
        isAdmin: body.is_admin,
        disabled: body.disabled,
        limits: limits && replacingPatch(limits),
      })
      if (!updated) throw notFound('account not found')
      if (body.proxy_api_key !== undefined) {
        // qcc_plus semantics: the account's key is replaced by the chosen one.
        const old = (await store.listProxyKeys(id)).filter((k) => !k.revokedAt)
        try {
          await store.createProxyKey({ accountId: id, name: 'default', key: body.proxy_api_key })
        } catch (err) {
          if (isStoreError(err, 'conflict'))
            throw new ApiError('conflict', 'proxy_api_key: already in use')
          throw err
        }
        for (const k of old) await store.revokeProxyKey(k.id)
      }
      await audit(c, deps, trusted, {
        action: 'account.update',
        accountId: id,
        targetType: 'account',
        targetId: id,
        detail: {
          fields: Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined),
          // Old and new value of each limit that changed (limits are not secrets).
          ...(limits ? { limits: limitChanges(target.limits, updated.limits) } : {}),
        },
      })
      publishConfigChanged(deps, id, { limits: limits !== undefined })
      return c.json({ id })
    },
  })

  defineRoute(api, 'DELETE /accounts', {
    // Checked by the handler, not as `auth: 'admin'`: another account's id is 404 for a tenant.
    summary:
      'Delete an account with its keys, nodes and sessions (admins only: 403 for a tenant on ' +
      'its own account, 404 on any other)',
    query: idQuery,
    handler: async (c, input) => {
      const me = c.get('account')
      const { id } = input.query
      if (!me.isAdmin)
        throw id === me.id ? new ApiError('forbidden', 'admin only') : notFound('account not found')
      if (id === me.id) throw new ApiError('conflict', 'an admin cannot delete their own account')
      if (!(await store.deleteAccount(id))) throw notFound('account not found')
      await audit(c, deps, trusted, {
        action: 'account.delete',
        accountId: null,
        targetType: 'account',
        targetId: id,
      })
      publishConfigChanged(deps, id)
      return c.json({ deleted: id })
    },
  })
}
