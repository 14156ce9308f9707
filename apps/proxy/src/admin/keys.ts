import type { Context } from 'hono'
import { limitsBeyond, type Limits, type LimitWindows } from '@qcc/core'
import type { Account, ProxyKey } from '@qcc/store'
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
import { accountScope, targetAccount } from './roles'
import { defineRoute, type RouteGroup } from './route-table'
import { createdKeyAnswer, keyAnswer, keysAnswer, rotatedKeyAnswer } from './responses'
import { TENANT_KEY_CAP, type TenantCap } from './tenant-caps'

export const keysQuery = z.object({ account_id: z.string().max(64).optional() })
export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  key: z.string().min(16).max(512).optional(),
  limits: limitsInput.nullable().optional(),
})
export const updateKeyBody = z.object({
  name: z.string().trim().min(1).max(128).nullable().optional(),
  limits: limitsInput.nullable().optional(),
})
export const keyIdBody = z.object({ id: z.string().min(1).max(64) })
export const keyIdQuery = keyIdBody

const view = (k: ProxyKey, windows: LimitWindows): z.infer<typeof keyAnswer> => ({
  id: k.id,
  account_id: k.accountId,
  name: k.name,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
  revoked_at: k.revokedAt?.toISOString() ?? null,
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  first_used_at: k.firstUsedAt?.toISOString() ?? null,
  limits: limitsView(k.limits),
  windows: windowsView(windows),
})

/**
 * docs/contract.md §10: a tenant may limit its own keys, never beyond its account's limits (a
 * number no higher, `models` and `ips` a subset, `expires_at` no later); admins may set anything.
 * @throws ApiError `invalid_request` naming the field
 */
function assertWithinAccount(me: Account, account: Account, limits: Limits): void {
  if (me.isAdmin) return
  const field = limitsBeyond(account.limits, limits)
  if (field) {
    throw new ApiError('invalid_request', `limits.${field}: beyond the account's ${field} limit`)
  }
}

/**
 * Proxy keys, several per account: listed by prefix only, the secret shown once at creation or
 * rotation. Revocation reaches every replica through the store's change version within seconds.
 * A tenant's account holds at most {@link TENANT_KEY_CAP} live keys (`keyCap`, shared with the
 * settings.json generator, which issues keys too). Each key carries its own limits, listed
 * with their windows (docs/contract.md §10).
 */
export function keyRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  keyCap: TenantCap,
): void {
  const { store } = deps

  const accountOf = async (key: ProxyKey): Promise<Account> => {
    const account = await store.getAccount(key.accountId)
    if (!account) throw notFound('key not found')
    return account
  }

  const ownedKey = async (c: Context<AdminEnv>, id: string): Promise<ProxyKey> => {
    const me = c.get('account')
    const keys = await store.listProxyKeys(me.isAdmin ? undefined : me.id)
    const key = keys.find((k) => k.id === id)
    if (!key) throw notFound('key not found')
    return key
  }

  /** The keys as listed, each with its own windows (one batch for the page). */
  const views = async (keys: readonly ProxyKey[]) => {
    const subjects = keys.map((k) => ({ scope: 'key' as const, id: k.id, limits: k.limits }))
    const windows = await windowsOf(deps.limits, subjects, deps.logger)
    return keys.map((k, i) => view(k, windows[i] ?? {}))
  }
  const viewOne = async (key: ProxyKey) => (await views([key]))[0] as z.infer<typeof keyAnswer>

  defineRoute(api, 'GET /keys', {
    summary: 'Proxy keys (prefix only)',
    query: keysQuery,
    response: keysAnswer,
    handler: async (c, { query }) => {
      const accountId = await accountScope(c, deps, query.account_id)
      return c.json({ keys: await views(await store.listProxyKeys(accountId)) })
    },
  })

  defineRoute(api, 'POST /keys', {
    summary: `Create a proxy key, optionally with limits (a tenant never beyond its account's: 400); the key is shown in this answer only (a tenant account holds at most ${TENANT_KEY_CAP} live keys: 409 beyond)`,
    query: keysQuery,
    body: createKeyBody,
    response: createdKeyAnswer,
    status: 201,
    handler: async (c, input) => {
      const account = await targetAccount(c, deps, input.query.account_id)
      const body = await input.body()
      // A chosen key is an admin's privilege (docs/contract.md §5); tenants get a generated, high-entropy one.
      const me = c.get('account')
      if (body.key !== undefined && !me.isAdmin) {
        throw new ApiError('forbidden', 'key: only an admin may choose a key')
      }
      const limits = body.limits ? limitsAfter({}, body.limits) : {}
      assertWithinAccount(me, account, limits)
      const issued = await keyCap.run(me, account.id, () =>
        store.createProxyKey({
          accountId: account.id,
          name: body.name ?? null,
          key: body.key,
          limits,
        }),
      )
      const limited = Object.keys(limits).length > 0
      await audit(c, deps, trusted, {
        action: 'key.create',
        accountId: account.id,
        targetType: 'key',
        targetId: issued.key.id,
        detail: { prefix: issued.key.prefix, ...(limited ? { limits: limitsView(limits) } : {}) },
      })
      if (limited) publishConfigChanged(deps, account.id, { limits: true })
      return c.json({ ...(await viewOne(issued.key)), key: issued.secret }, 201)
    },
  })

  defineRoute(api, 'PUT /keys', {
    summary:
      'Rename a key or change its limits (partial: a null limit field removes that limit, ' +
      '"limits": null removes them all; a tenant never beyond its account\'s limits: 400)',
    query: keyIdQuery,
    body: updateKeyBody,
    response: keyAnswer,
    handler: async (c, input) => {
      // Ownership before validation: another tenant's key is 404 whatever the body says.
      const key = await ownedKey(c, input.query.id)
      const body = await input.body()
      const me = c.get('account')
      let limits: Limits | undefined
      if (body.limits !== undefined) {
        // docs/contract.md §10: the merged result is what binds, so it is what is checked.
        limits = limitsAfter(key.limits, body.limits)
        if (!me.isAdmin) assertWithinAccount(me, await accountOf(key), limits)
      }
      const updated = await store.updateProxyKey(key.id, {
        name: body.name,
        limits: limits && replacingPatch(limits),
      })
      if (!updated) throw notFound('key not found')
      const renamed = body.name !== undefined && body.name !== key.name
      const changed = limitChanges(key.limits, updated.limits)
      await audit(c, deps, trusted, {
        action: 'key.update',
        accountId: key.accountId,
        targetType: 'key',
        targetId: key.id,
        detail: {
          ...(renamed ? { name: { old: key.name, new: updated.name } } : {}),
          ...(Object.keys(changed).length > 0 ? { limits: changed } : {}),
        },
      })
      if (Object.keys(changed).length > 0) {
        publishConfigChanged(deps, key.accountId, { limits: true })
      }
      return c.json(await viewOne(updated))
    },
  })

  defineRoute(api, 'POST /keys/revoke', {
    summary: 'Revoke a key',
    body: keyIdBody,
    handler: async (c, input) => {
      const key = await ownedKey(c, (await input.body()).id)
      const revoked = await store.revokeProxyKey(key.id)
      await audit(c, deps, trusted, {
        action: 'key.revoke',
        accountId: key.accountId,
        targetType: 'key',
        targetId: key.id,
      })
      return c.json(await viewOne(revoked ?? key))
    },
  })

  defineRoute(api, 'POST /keys/rotate', {
    summary: 'Revoke a key and issue its successor',
    body: keyIdBody,
    response: rotatedKeyAnswer,
    handler: async (c, input) => {
      const key = await ownedKey(c, (await input.body()).id)
      if (key.revokedAt) throw new ApiError('conflict', 'id: key is revoked')
      const issued = await store.rotateProxyKey(key.id)
      if (!issued) throw notFound('key not found')
      await audit(c, deps, trusted, {
        action: 'key.rotate',
        accountId: key.accountId,
        targetType: 'key',
        targetId: issued.key.id,
        detail: { replaces: key.id },
      })
      return c.json({ ...(await viewOne(issued.key)), key: issued.secret, replaces: key.id })
    },
  })
}
