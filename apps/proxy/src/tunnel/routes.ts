/**
 * `GET|PUT /admin/api/tunnel`, `POST /admin/api/tunnel/start|stop`. The tunnel belongs to the
 * installation: every logged-in account may read its status and public URL, only admins change it.
 */
import { z } from 'zod'
import { audit } from '../admin/audit'
import type { AdminRouteModule } from '../admin/context'
import { defineRoute } from '../admin/route-table'
import type { TunnelState, TunnelStatus, TunnelSupervisor } from './supervisor'

// A DNS label (or several): what `<subdomain>.<zone>` may start with.
const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i
const configBody = z.strictObject({
  subdomain: z.string().regex(label, 'not a DNS name').nullable().optional(),
  zone: z.string().regex(label, 'not a DNS name').nullable().optional(),
  api_token: z.string().min(1).max(500).nullable().optional(),
})

const STATUSES = {
  stopped: 'stopped',
  starting: 'starting',
  running: 'running',
  restarting: 'restarting',
  stopping: 'stopping',
  error: 'error',
} as const satisfies { [S in TunnelStatus]: S }
const tunnelAnswer = z.object({
  status: z.enum(STATUSES),
  enabled: z.boolean(),
  subdomain: z.string().nullable(),
  zone: z.string().nullable(),
  has_api_token: z.boolean(),
  public_url: z.string().nullable(),
  tunnel_id: z.string().nullable(),
  pid: z.number().int().nullable(),
  restarts: z.number().int(),
  last_error: z.string().nullable(),
  updated_at: z.string(),
})

/** The API's view of the tunnel (snake_case, never the token). */
function tunnelView(s: TunnelState): z.infer<typeof tunnelAnswer> {
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

/** The tunnel routes, for the admin API's mount (app.ts). */
export function tunnelRoutes(tunnel: TunnelSupervisor): AdminRouteModule {
  return (api, deps, trusted) => {
    // Installation-wide actions: recorded under no account.
    const record = (
      c: Parameters<typeof audit>[0],
      action: string,
      detail: Record<string, unknown>,
    ) => audit(c, deps, trusted, { action, accountId: null, detail })

    defineRoute(api, 'GET /tunnel', {
      summary: 'Status and public URL of the Cloudflare Tunnel',
      response: tunnelAnswer,
      handler: async (c) => c.json(tunnelView(await tunnel.state())),
    })

    defineRoute(api, 'PUT /tunnel', {
      summary: 'Save (a patch of) the tunnel settings; a running tunnel keeps running',
      auth: 'admin',
      body: configBody,
      response: tunnelAnswer,
      handler: async (c, input) => {
        const body = await input.body()
        const state = await tunnel.configure({
          ...(body.subdomain === undefined
            ? {}
            : { subdomain: body.subdomain?.toLowerCase() ?? null }),
          ...(body.zone === undefined ? {} : { zone: body.zone?.toLowerCase() ?? null }),
          ...(body.api_token === undefined ? {} : { apiToken: body.api_token }),
        })
        await record(c, 'tunnel.configure', {
          subdomain: state.subdomain,
          zone: state.zone,
          api_token_changed: body.api_token !== undefined,
        })
        return c.json(tunnelView(state))
      },
    })

    defineRoute(api, 'POST /tunnel/start', {
      summary: 'Set up and start the tunnel (502 with last_error when the setup fails)',
      auth: 'admin',
      response: tunnelAnswer,
      handler: async (c) => {
        const state = await tunnel.start()
        await record(c, 'tunnel.start', { status: state.status })
        return c.json(tunnelView(state), state.status === 'error' ? 502 : 200)
      },
    })

    defineRoute(api, 'POST /tunnel/stop', {
      summary: 'Stop the tunnel and remove its DNS record',
      auth: 'admin',
      response: tunnelAnswer,
      handler: async (c) => {
        const state = await tunnel.stop()
        await record(c, 'tunnel.stop', { status: state.status })
        return c.json(tunnelView(state))
      },
    })
  }
}
