import { Hono } from 'hono'
import type { Store } from '@qcc/store'
import type { AdminDeps, AdminRouteModule, RoutingBarrier } from './admin/context'
import type { LimitWindowSource } from './admin/limit-windows'
import { mountAdmin } from './admin/mount'
import { ApiError, renderAdminError } from './admin/errors'
import { createRequestIds } from './data-path/request-id'
import type { Env } from './env'
import { EventBus } from './events/bus'
import { mountAdminAssets, type loadAdminAssets } from './http/admin-assets'
import { mountMetrics } from './http/metrics-route'
import { notifyRoutes } from './notify/routes'
import type { Notifier } from './notify/notifier'
import type { Logger } from './observability/logger'
import type { RedisLink } from './redis/connection'
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
  /** Names each admin request (`x-qcc-request-id`); a generator of the data path's ids if absent. */
  newRequestId?: () => string
  /** The limit counters' windows for the admin API and `/key/status` (absent: none shown). */
  limits?: LimitWindowSource
  /** Drops this replica's sticky bindings to a node, answering how many (`AdminDeps.unstickNode`). */
  unstickNode?: (nodeId: string) => number
  /** The replicas' shared Redis: login throttling and download links go through it (`AdminDeps.redis`). */
  redis?: RedisLink
}

/**
 * The control plane: login, the admin API, `/metrics` and the console. The `/v1/*` data path and
 * the health probes are answered on the raw request before it (runtime/request-handler.ts).
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
    newRequestId: deps.newRequestId ?? createRequestIds(),
    limits: deps.limits,
    unstickNode: deps.unstickNode,
    redis: deps.redis,
  }
  // Tunnel and notification routes live in their areas; they are mounted inside the admin API.
  const modules: AdminRouteModule[] = []
  if (deps.tunnel) modules.push(tunnelRoutes(deps.tunnel))
  if (deps.notifier) modules.push(notifyRoutes(deps.notifier))
  mountAdmin(app, admin, { version: deps.version.version, modules })
  mountAdminAssets(app, deps.adminAssets)
  app.notFound((c) => renderAdminError(new ApiError('not_found', 'not found'), c, deps.logger))
  app.onError((err, c) => renderAdminError(err, c, deps.logger))
  return app
}
