/**
 * `GET|PUT /admin/api/tunnel`, `POST /admin/api/tunnel/start|stop`. The tunnel belongs to the
 * installation: every logged-in account may read its status and public URL, only admins change it.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from '../admin/context'
import { renderAdminError } from '../admin/errors'
import { requireAdmin } from '../admin/roles'
import { jsonBody } from '../admin/validate'
import { guardAdminPaths } from './guard'
import type { TunnelState, TunnelSupervisor } from './supervisor'

export interface TunnelRoutesDeps {
  admin: AdminDeps
  tunnel: TunnelSupervisor
}

// A DNS label (or several): what `<subdomain>.<zone>` may start with.
const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i
const configBody = z.strictObject({
  subdomain: z.string().regex(label, 'not a DNS name').nullable().optional(),
  zone: z.string().regex(label, 'not a DNS name').nullable().optional(),
  api_token: z.string().min(1).max(500).nullable().optional(),
})

/** The API's view of the tunnel (snake_case, never the token). */
export function tunnelView(s: TunnelState) {
  return {
    status: s.status,
    enabled: s.enabled,
    subdomain: s.subdomain,
    zone: s.zone,
    has_api_token: s.hasApiToken,
    public_url: s.publicUrl,
    tunnel_id: s.tunnelId,
    pid: s.pid,
    restarts: s.restarts,
    last_error: s.lastError,
    updated_at: s.updatedAt,
  }
}

/** The tunnel routes with their own admin guards; mount before the admin API's 404 fallback. */
export function tunnelRoutes(deps: TunnelRoutesDeps): Hono<AdminEnv> {
  const { admin, tunnel } = deps
  const app = new Hono<AdminEnv>()
  guardAdminPaths(app, admin, ['/admin/api/tunnel', '/admin/api/tunnel/*'])
  const record = async (actorId: string, action: string, detail: Record<string, unknown>) => {
    try {
      await admin.store.appendAudit({ actorId, accountId: null, action, detail })
    } catch (err) {
      admin.logger.warn({ err, action }, 'audit write failed')
    }
  }

  app.get('/admin/api/tunnel', async (c) => c.json(tunnelView(await tunnel.state())))

  app.put('/admin/api/tunnel', async (c) => {
    const me = requireAdmin(c)
    const body = await jsonBody(c, configBody)
    const state = await tunnel.configure({
      ...(body.subdomain === undefined ? {} : { subdomain: body.subdomain?.toLowerCase() ?? null }),
      ...(body.zone === undefined ? {} : { zone: body.zone?.toLowerCase() ?? null }),
      ...(body.api_token === undefined ? {} : { apiToken: body.api_token }),
    })
    await record(me.id, 'tunnel.configure', {
      subdomain: state.subdomain,
      zone: state.zone,
      api_token_changed: body.api_token !== undefined,
    })
    return c.json(tunnelView(state))
  })

  app.post('/admin/api/tunnel/start', async (c) => {
    const me = requireAdmin(c)
    const state = await tunnel.start()
    await record(me.id, 'tunnel.start', { status: state.status })
    return c.json(tunnelView(state), state.status === 'error' ? 502 : 200)
  })

  app.post('/admin/api/tunnel/stop', async (c) => {
    const me = requireAdmin(c)
    const state = await tunnel.stop()
    await record(me.id, 'tunnel.stop', { status: state.status })
    return c.json(tunnelView(state))
  })

  app.onError((err, c) => renderAdminError(err, c, admin.logger))
  return app
}
