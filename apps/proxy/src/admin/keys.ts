import type { Context } from 'hono'
import type { ProxyKey } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError, notFound } from './errors'
import type { TrustedProxies } from './request-meta'
import { accountScope, targetAccount } from './roles'
import { defineRoute, type RouteGroup } from './route-table'
import type { keyAnswer } from './responses'
import { createdKeyAnswer, keysAnswer, rotatedKeyAnswer } from './responses'
import { TENANT_KEY_CAP, type TenantCap } from './tenant-caps'

export const keysQuery = z.object({ account_id: z.string().max(64).optional() })
export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  key: z.string().min(16).max(512).optional(),
})
export const keyIdBody = z.object({ id: z.string().min(1).max(64) })

const view = (k: ProxyKey): z.infer<typeof keyAnswer> => ({
  id: k.id,
  account_id: k.accountId,
  name: k.name,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
  revoked_at: k.revokedAt?.toISOString() ?? null,
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
})

/**
 * Proxy keys, several per account: listed by prefix only, the secret shown once at creation or
 * rotation. Revocation reaches every replica through the store's change version within seconds.
 * A tenant's account holds at most {@link TENANT_KEY_CAP} live keys (`keyCap`, shared with the
 * settings.json generator, which issues keys too).
 */
export function keyRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  keyCap: TenantCap,
): void {
  const { store } = deps

  const ownedKey = async (c: Context<AdminEnv>, id: string): Promise<ProxyKey> => {
    const me = c.get('account')
    const keys = await store.listProxyKeys(me.isAdmin ? undefined : me.id)
    const key = keys.find((k) => k.id === id)
    if (!key) throw notFound('key not found')
    return key
  }

  defineRoute(api, 'GET /keys', {
    summary: 'Proxy keys (prefix only)',
    query: keysQuery,
    response: keysAnswer,
    handler: async (c, { query }) => {
      const accountId = await accountScope(c, deps, query.account_id)
      return c.json({ keys: (await store.listProxyKeys(accountId)).map(view) })
    },
  })

  defineRoute(api, 'POST /keys', {
    summary: `Create a proxy key; the key is shown in this answer only (a tenant account holds at most ${TENANT_KEY_CAP} live keys: 409 beyond)`,
    query: keysQuery,
    body: createKeyBody,
    response: createdKeyAnswer,
    status: 201,
    handler: async (c, input) => {
      const account = await targetAccount(c, deps, input.query.account_id)
      const body = await input.body()
      // A chosen key is an admin's privilege (docs/contract.md §5); tenants get a generated, high-entropy one.
      if (body.key !== undefined && !c.get('account').isAdmin) {
        throw new ApiError('forbidden', 'key: only an admin may choose a key')
      }
      const issued = await keyCap.run(c.get('account'), account.id, () =>
        store.createProxyKey({ accountId: account.id, name: body.name ?? null, key: body.key }),
      )
      await audit(c, deps, trusted, {
        action: 'key.create',
        accountId: account.id,
        targetType: 'key',
        targetId: issued.key.id,
        detail: { prefix: issued.key.prefix },
      })
      return c.json({ ...view(issued.key), key: issued.secret }, 201)
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
      return c.json(view(revoked ?? key))
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
      return c.json({ ...view(issued.key), key: issued.secret, replaces: key.id })
    },
  })
}
