import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { BlankEnv } from 'hono/types'
import { accountRoutes } from './accounts'
import { auditRoutes } from './audit'
import { loginRoutes, meRoutes } from './auth-routes'
import { configRoutes } from './config'
import type { AdminDeps, AdminEnv, AdminRouteModule } from './context'
import { csrfGuard } from './csrf'
import { envRoutes } from './env-view'
import { ApiError, renderAdminError } from './errors'
import { eventRoutes } from './events'
import { healthRoutes } from './health'
import { keyStatusRoutes } from './key-status'
import { keyRoutes } from './keys'
import { nodeRoutes } from './nodes'
import { nodeUnstickRoutes } from './node-unstick'
import { openApiRoutes } from './openapi'
import { pricingRoutes } from './pricing'
import { requestIds } from './request-id'
import { TrustedProxies } from './request-meta'
import { requireAdmin } from './roles'
import type { RouteDoc, RouteGroup } from './route-table'
import { requireSession } from './sessions'
import { LOGIN_THROTTLE_DEFAULTS, LoginThrottle } from './throttle'
import { claudeConfigDownloadRoute, claudeConfigRoutes, storeDownloadLinks } from './settings-gen'
import { publicShareRoutes, shareRoutes } from './share'
import { tenantKeyCap } from './tenant-caps'
import { usageRoutes } from './usage'
import { redisDownloadLinks } from './redis-download-links'
import { RedisLoginWindow } from './redis-login-window'

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']
/** Admin bodies are small; a cap keeps a logged-in client from filling memory. */
const MAX_ADMIN_BODY = 1024 * 1024

export interface AdminMountOptions {
  /** The version `openapi.json` names. */
  version: string
  /** Other areas' routes (tunnel, notifications), defined inside the admin API. */
  modules?: readonly AdminRouteModule[]
}

/** The 405 fallback's view of the defined routes: `{id}` path templates as expressions. */
function allowedMethods(docs: readonly RouteDoc[]): (path: string) => string[] {
  const known = docs.map((d) => ({
    method: d.method.toUpperCase(),
    re: new RegExp(`^${d.path.replace(/\{\w+\}/g, '[^/]+')}$`),
  }))
  return (path) => [...new Set(known.filter((k) => k.re.test(path)).map((k) => k.method))]
}

/**
 * Mounts login, the admin API (every route of it behind one guard chain: session, CSRF, body
 * cap, no-store, read-your-writes) and the public helpers (shared monitor, settings download,
 * a proxy key's own status) on the app. Every route is defined through `defineRoute`, so `openapi.json` and the 405
 * fallback list exactly what is mounted.
 */
export function mountAdmin(app: Hono, deps: AdminDeps, options: AdminMountOptions): void {
  const trusted = new TrustedProxies(deps.env.PROXY_TRUSTED_PROXIES, {
    tunnelRunning: deps.tunnelRunning,
  })
  const docs: RouteDoc[] = []
  const ids = requestIds(deps.newRequestId)
  for (const path of ['/login', '/logout', '/api/*', '/admin/api/*', '/key/*']) app.use(path, ids)
  const limit = bodyLimit({
    maxSize: MAX_ADMIN_BODY,
    onError: () => {
      throw new ApiError('body_too_large', 'request body too large')
    },
  })
  app.use('/login', limit)
  app.use('/login', csrfGuard({ trusted, formTypes: FORM_TYPES }))
  app.use('/logout', csrfGuard({ trusted, anyBody: () => true }))
  const root: RouteGroup<BlankEnv> = { app, prefix: '', docs, access: { kind: 'public' } }
  // One throttle for every password check of this process: login and password change. With
  // Redis its failures count across replicas (docs/contract.md §11); its cap stays this process's.
  const window = deps.redis
    ? new RedisLoginWindow({ link: deps.redis, limits: LOGIN_THROTTLE_DEFAULTS })
    : undefined
  const logins = new LoginThrottle(LOGIN_THROTTLE_DEFAULTS, deps.now, window)
  const storeLinks = storeDownloadLinks(deps.store)
  const downloads =
    deps.downloadLinks ??
    (deps.redis
      ? redisDownloadLinks({ link: deps.redis, fallback: storeLinks, now: deps.now })
      : storeLinks)
  loginRoutes(root, deps, trusted, logins)
  publicShareRoutes(root, deps)
  claudeConfigDownloadRoute(root, downloads)
  // Authenticated by the proxy key, not a session (docs/contract.md §10).
  keyStatusRoutes(root, deps, trusted)

  const apiApp = new Hono<AdminEnv>()
  // Answers carry account data: never cached by browsers or proxies, never content-sniffed.
  apiApp.use('*', async function noStore(c, next) {
    await next()
    c.header('cache-control', 'no-store')
    c.header('x-content-type-options', 'nosniff')
  })
  // Session first: an anonymous caller learns nothing about a route, not even its rules.
  apiApp.use('*', requireSession(deps, trusted))
  apiApp.use('*', csrfGuard({ trusted }))
  apiApp.use('*', limit)
  // Read your writes (docs/contract.md §9): a mutation's 2xx leaves only once the routing updates it started
  // are in force on this replica. Reads, failures and routing-neutral changes wait for nothing.
  apiApp.use('*', async function readYourWrites(c, next) {
    const routing = deps.routing
    if (!routing || c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const position = routing.position()
    await next()
    if (c.res.status >= 200 && c.res.status < 300) await routing.settled(position)
  })
  const api: RouteGroup<AdminEnv> = {
    app: apiApp,
    prefix: '/admin/api',
    docs,
    access: { kind: 'session', requireAdmin },
  }
  // Both issue proxy keys: one cap, one queue per account.
  const keyCap = tenantKeyCap(deps.store)
  meRoutes(api, deps, trusted, logins)
  accountRoutes(api, deps, trusted)
  nodeRoutes(api, deps, trusted)
  nodeUnstickRoutes(api, deps, trusted)
  keyRoutes(api, deps, trusted, keyCap)
  configRoutes(api, deps, trusted)
  usageRoutes(api, deps)
  healthRoutes(api, deps)
  pricingRoutes(api, deps, trusted)
  shareRoutes(api, deps, trusted)
  claudeConfigRoutes(api, deps, trusted, keyCap, downloads)
  envRoutes(api, deps)
  auditRoutes(api, deps)
  eventRoutes(api, deps)
  for (const defineModule of options.modules ?? []) defineModule(api, deps, trusted)
  openApiRoutes(api, options.version)

  let allowed: ((path: string) => string[]) | undefined
  apiApp.all('*', (c) => {
    const methods = (allowed ??= allowedMethods(docs))(c.req.path)
    if (methods.length === 0) throw new ApiError('not_found', 'not found')
    throw new ApiError('method_not_allowed', 'method not allowed', { allow: methods.join(', ') })
  })
  apiApp.onError((err, c) => renderAdminError(err, c, deps.logger))
  app.route('/admin/api', apiApp)
}
