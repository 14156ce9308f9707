/**
 * The admin API's guards for route modules mounted beside it (tunnel, notifications): the same
 * session check, CSRF rule and body cap as `/admin/api/*`, applied only to the given paths, so
 * the rest of the admin API is not checked twice.
 */
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AdminDeps, AdminEnv } from '../admin/context'
import { csrfGuard } from '../admin/csrf'
import { ApiError } from '../admin/errors'
import { TrustedProxies } from '../admin/request-meta'
import { requireSession } from '../admin/sessions'

/** Installs the admin guards on `paths` (Hono path patterns) of `app`. */
export function guardAdminPaths(app: Hono<AdminEnv>, admin: AdminDeps, paths: string[]): void {
  const trusted = new TrustedProxies(admin.env.PROXY_TRUSTED_PROXIES, {
    tunnelRunning: admin.tunnelRunning,
  })
  const session = requireSession(admin, trusted)
  const csrf = csrfGuard({ trusted })
  const limit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new ApiError(413, 'request body too large')
    },
  })
  for (const path of paths) app.use(path, session, csrf, limit)
}
