import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { accountRoutes } from './accounts'
import { auditRoutes } from './audit'
import { loginRoutes, meRoutes } from './auth-routes'
import { configRoutes } from './config'
import type { AdminDeps, AdminEnv } from './context'
import { csrfGuard } from './csrf'
import { envRoutes } from './env-view'
import { ApiError, renderAdminError } from './errors'
import { eventRoutes } from './events'
import { healthRoutes } from './health'
import { keyRoutes } from './keys'
import { nodeRoutes } from './nodes'
import { openApiRoutes, ROUTE_DOCS } from './openapi'
import { pricingRoutes } from './pricing'
import { TrustedProxies } from './request-meta'
import { requireSession } from './sessions'
import { LOGIN_THROTTLE_DEFAULTS, LoginThrottle } from './throttle'
import { claudeConfigRoutes } from './settings-gen'
import { publicShareRoutes, shareRoutes } from './share'
import { tenantKeyCap } from './tenant-caps'
import { usageRoutes } from './usage'

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']
/** Admin bodies are small; a cap keeps a logged-in client from filling memory. */
const MAX_ADMIN_BODY = 1024 * 1024

/** `{id}` path templates as regular expressions, for the 405 fallback. */
const KNOWN = ROUTE_DOCS.map((d) => ({
  method: d.method.toUpperCase(),
  re: new RegExp(`^${d.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}))

/**
 * Mounts login, the admin API (behind the session guard and the CSRF guard) and the public
 * helpers (shared monitor, settings download) on the app.
 */
export function mountAdmin(app: Hono, deps: AdminDeps, version: string): void {
  const trusted = new TrustedProxies(deps.env.PROXY_TRUSTED_PROXIES, {
    tunnelRunning: deps.tunnelRunning,
  })
  const limit = bodyLimit({
    maxSize: MAX_ADMIN_BODY,
    onError: () => {
      throw new ApiError(413, 'request body too large')
    },
  })
  app.use('/login', limit)
  app.use('/login', csrfGuard({ trusted, formTypes: FORM_TYPES }))
  app.use('/logout', csrfGuard({ trusted, anyBody: () => true }))
  // One throttle for every password check of this process: login and password change.
  const logins = new LoginThrottle(LOGIN_THROTTLE_DEFAULTS, deps.now)
  app.route('/', loginRoutes(deps, trusted, logins))

  // Both issue proxy keys: one cap, one queue per account.
  const keyCap = tenantKeyCap(deps.store)
  const claudeConfig = claudeConfigRoutes(deps, trusted, keyCap)
  app.route('/', publicShareRoutes(deps))
  app.route('/', claudeConfig.download)

  const api = new Hono<AdminEnv>()
  // Answers carry account data: never cached by browsers or proxies, never content-sniffed.
  api.use('*', async function noStore(c, next) {
    await next()
    c.header('cache-control', 'no-store')
    c.header('x-content-type-options', 'nosniff')
  })
  // Session first: an anonymous caller learns nothing about a route, not even its rules.
  api.use('*', requireSession(deps, trusted))
  api.use('*', csrfGuard({ trusted }))
  api.use('*', limit)
  // Read your writes (SPEC 9): a mutation's 2xx leaves only once the routing updates it started
  // are in force on this replica. Reads, failures and routing-neutral changes wait for nothing.
  api.use('*', async function readYourWrites(c, next) {
    const routing = deps.routing
    if (!routing || c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const position = routing.position()
    await next()
    if (c.res.status >= 200 && c.res.status < 300) await routing.settled(position)
  })
  for (const routes of [
    meRoutes(deps, trusted, logins),
    accountRoutes(deps, trusted),
    nodeRoutes(deps, trusted),
    keyRoutes(deps, trusted, keyCap),
    configRoutes(deps, trusted),
    usageRoutes(deps),
    healthRoutes(deps),
    pricingRoutes(deps, trusted),
    shareRoutes(deps, trusted),
    claudeConfig.admin,
    envRoutes(deps),
    auditRoutes(deps),
    eventRoutes(deps),
    openApiRoutes(version),
  ]) {
    api.route('/', routes)
  }
  api.all('*', (c) => {
    const allowed = KNOWN.filter((k) => k.re.test(c.req.path)).map((k) => k.method)
    if (allowed.length === 0) throw new ApiError(404, 'not found')
    throw new ApiError(405, 'method not allowed', { allow: [...new Set(allowed)].join(', ') })
  })
  api.onError((err, c) => renderAdminError(err, c, deps.logger))
  app.route('/admin/api', api)
}
