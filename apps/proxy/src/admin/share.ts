import type { BlankEnv } from 'hono/types'
import type { ShareLink } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import type { AdminDeps, AdminEnv } from './context'
import { notFound } from './errors'
import { activeNodeId, nodeStatus } from './node-view'
import { publicOrigin, type TrustedProxies } from './request-meta'
import { accountScope, targetAccount } from './roles'
import {
  createdShareAnswer,
  sharedMonitorAnswer,
  type shareAnswer,
  sharesAnswer,
} from './responses'
import { defineRoute, type RouteGroup } from './route-table'
import { TENANT_SHARE_CAP, tenantShareCap } from './tenant-caps'

const EXPIRY_MS = { '1h': 3_600_000, '24h': 86_400_000, '168h': 7 * 86_400_000, permanent: null }
export const shareBody = z.object({
  account_id: z.string().max(64).optional(),
  expires_in: z.enum(['1h', '24h', '168h', 'permanent']).default('24h'),
})
export const sharesQuery = z.object({
  account_id: z.string().max(64).optional(),
  include_revoked: z.enum(['true', 'false']).optional(),
})
export const shareIdQuery = z.object({ id: z.string().min(1).max(64) })

const view = (s: ShareLink): z.infer<typeof shareAnswer> => ({
  id: s.id,
  account_id: s.accountId,
  prefix: s.prefix,
  created_by: s.createdBy,
  created_at: s.createdAt.toISOString(),
  expires_at: s.expiresAt?.toISOString() ?? null,
  revoked_at: s.revokedAt?.toISOString() ?? null,
})

/**
 * Monitor share links: created and revoked by the account's users, listed without tokens. A
 * tenant's account holds at most {@link TENANT_SHARE_CAP} live links.
 */
export function shareRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  const { store } = deps
  const cap = tenantShareCap(store, deps.now)

  defineRoute(api, 'POST /shares', {
    summary: `Create a monitor share link (token shown once; a tenant account holds at most ${TENANT_SHARE_CAP} live links: 409 beyond)`,
    body: shareBody,
    response: createdShareAnswer,
    status: 201,
    handler: async (c, input) => {
      const body = await input.body()
      const account = await targetAccount(c, deps, body.account_id)
      const ttl = EXPIRY_MS[body.expires_in]
      // Before anything is created: a bad Host is refused with nothing changed.
      const origin = deps.env.PROXY_PUBLIC_URL ?? publicOrigin(c, trusted)
      const { link, token } = await cap.run(c.get('account'), account.id, () =>
        store.createShareLink({
          accountId: account.id,
          createdBy: c.get('account').id,
          expiresAt: ttl === null ? null : new Date(deps.now() + ttl),
        }),
      )
      await audit(c, deps, trusted, {
        action: 'share.create',
        accountId: account.id,
        targetType: 'share',
        targetId: link.id,
      })
      return c.json(
        // A console page (the SPA serves every /admin/* path); it reads /api/monitor/share/:token.
        {
          ...view(link),
          token,
          share_url: `${origin}/admin/monitor/share/${token}`,
        },
        201,
      )
    },
  })

  defineRoute(api, 'GET /shares', {
    summary: 'Share links (no tokens)',
    query: sharesQuery,
    response: sharesAnswer,
    handler: async (c, { query: q }) => {
      const me = c.get('account')
      const accountId = await accountScope(c, deps, q.account_id ?? (me.isAdmin ? '*' : undefined))
      const links = await store.listShareLinks({
        accountId,
        includeRevoked: q.include_revoked === 'true',
      })
      return c.json({ shares: links.map(view) })
    },
  })

  defineRoute(api, 'DELETE /shares', {
    summary: 'Revoke a share link',
    query: shareIdQuery,
    handler: async (c, { query }) => {
      const { id } = query
      const me = c.get('account')
      const links = await store.listShareLinks({ accountId: me.isAdmin ? undefined : me.id })
      const link = links.find((l) => l.id === id)
      if (!link || !(await store.deleteShareLink(id))) throw notFound('share not found')
      await audit(c, deps, trusted, {
        action: 'share.revoke',
        accountId: link.accountId,
        targetType: 'share',
        targetId: id,
      })
      return c.json({ deleted: id })
    },
  })
}

/**
 * `GET /api/monitor/share/:token`: the public, read-only monitor of the shared account. Names
 * and states only: no base URLs, keys or errors that could name internal hosts.
 */
export function publicShareRoutes(root: RouteGroup<BlankEnv>, deps: AdminDeps): void {
  defineRoute(root, 'GET /api/monitor/share/:token', {
    summary: 'Public read-only monitor of a shared account',
    response: sharedMonitorAnswer,
    handler: async (c) => {
      const link = await deps.store.getShareLink(c.req.param('token') ?? '')
      if (!link) throw notFound('share not found')
      const account = await deps.store.getAccount(link.accountId)
      if (!account) throw notFound('share not found')
      const nodes = await deps.store.listNodes({ accountId: account.id })
      const states = new Map((await deps.store.getNodeStates()).map((s) => [s.nodeId, s]))
      const usage = await deps.store.usageSummary({ accountId: account.id, groupBy: 'node' })
      const byNode = new Map(usage.groups.map((g) => [g.key, g]))
      const now = deps.now()
      const active = activeNodeId(account, nodes, states, now)
      c.header('cache-control', 'no-store')
      return c.json({
        account_name: account.name,
        updated_at: new Date(now).toISOString(),
        expires_at: link.expiresAt?.toISOString() ?? null,
        nodes: [...nodes]
          .sort((a, b) => a.weight - b.weight || a.createdAt.getTime() - b.createdAt.getTime())
          .map((n) => ({
            id: n.id,
            name: n.name,
            weight: n.weight,
            status: nodeStatus(n, states.get(n.id), now),
            active: n.id === active,
            requests: byNode.get(n.id)?.requests ?? 0,
            errors: byNode.get(n.id)?.errors ?? 0,
            last_success_at: states.get(n.id)?.lastSuccessAt?.toISOString() ?? null,
          })),
      })
    },
  })
}
