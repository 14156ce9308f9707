import { Hono } from 'hono'
import type { Store } from '@qcc/store'
import type { AdminDeps, RoutingBarrier } from './admin/context'
import { mountAdmin } from './admin/mount'
import { renderAdminError } from './admin/errors'
import type { Env } from './env'
import { EventBus } from './events/bus'
import { mountAdminAssets, type loadAdminAssets } from './http/admin-assets'
import { mountMetrics } from './http/metrics-route'
import { notifyRoutes } from './notify/routes'
import type { Notifier } from './notify/notifier'
import type { Logger } from './observability/logger'
import { tunnelRoutes } from './tunnel/routes'
import type { TunnelSupervisor } from './tunnel/supervisor'
import type { Registry } from 'prom-client'

export interface AppDeps {
  store: Store
  logger: Logger
  env: Env
  /** The console's live events; a private bus when absent (nothing published then). */
  eventBus?: EventBus
  version: { version: string; commit: string; builtAt: string }
  adminAssets: ReturnType<typeof loadAdminAssets>
  /** Idle lifetime of a login session (default `PROXY_SESSION_TTL_SEC`). */
  sessionTtlMs?: number
  now?: () => number
  /** Abort it when shutdown starts, so console event streams end instead of holding the drain. */
  shutdown?: AbortSignal
  /** Prometheus registry served at `/metrics` (resolved on the first scrape). */
  metricsRegistry?: () => Promise<Registry>
  /** Cloudflare Tunnel control (`/admin/api/tunnel*`); routes absent without it. */
  tunnel?: TunnelSupervisor
  /** Notifications (`/admin/api/notifications/*`); routes absent without it. */
  notifier?: Notifier
  /** Admin mutations answer once this replica's routing has them (absent: nothing to wait for). */
  routing?: RoutingBarrier
}

/**
 * The control plane: login, the admin API, `/metrics` and the console. The `/v1/*` data path and
 * the health probes are answered on the raw request before it (server.ts).
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  if (deps.metricsRegistry) mountMetrics(app, deps.metricsRegistry, deps.env.PROXY_METRICS_TOKEN)
  const admin: AdminDeps = {
    store: deps.store,
    env: deps.env,
    logger: deps.logger,
    events: deps.eventBus ?? new EventBus(),
    sessionTtlMs: deps.sessionTtlMs ?? deps.env.PROXY_SESSION_TTL_SEC * 1000,
    sessionMaxAgeMs: deps.env.PROXY_SESSION_MAX_AGE_SEC * 1000,
    now: deps.now ?? Date.now,
    shutdown: deps.shutdown,
    routing: deps.routing,
    tunnelRunning: () => deps.tunnel?.isRunning() ?? false,
  }
  // Tunnel and notification routes bring their own admin guards; they go before mountAdmin so
  // its 404/405 fallback for unknown /admin/api paths does not answer for them.
  if (deps.tunnel) app.route('/', tunnelRoutes({ admin, tunnel: deps.tunnel }))
  if (deps.notifier) app.route('/', notifyRoutes({ admin, notifier: deps.notifier }))
  mountAdmin(app, admin, deps.version.version)
  mountAdminAssets(app, deps.adminAssets)
  app.notFound((c) => c.json({ error: 'not found' }, 404))
  app.onError((err, c) => renderAdminError(err, c, deps.logger))
  return app
}
