import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors'
import { requestHost, type TrustedProxies } from './request-meta'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface CsrfOptions {
  trusted: TrustedProxies
  /** Content types accepted for a body besides JSON (the login form). */
  formTypes?: readonly string[]
  /** Paths exempt from the content-type rule (logout takes any body). */
  anyBody?: (path: string) => boolean
}

/**
 * Cross-site request forgery guard for state changes (docs/reliability.md A3). A browser sends `Origin`
 * on every cross-origin POST, so a foreign `Origin` (or `Sec-Fetch-Site: cross-site`) is refused.
 * Bodies must be JSON: a cross-site page can only send "simple" content types without a
 * preflight, so requiring `application/json` closes the form and `text/plain` tricks too.
 */
export function csrfGuard(options: CsrfOptions): MiddlewareHandler {
  const { trusted, formTypes = [], anyBody = () => false } = options
  return async function csrf(c, next) {
    if (!UNSAFE.has(c.req.method)) return next()
    if (c.req.header('sec-fetch-site') === 'cross-site') {
      throw new ApiError('forbidden', 'cross-site request refused')
    }
    const origin = c.req.header('origin')
    if (origin !== undefined) {
      let host: string | undefined
      try {
        host = new URL(origin).host
      } catch {
        host = undefined
      }
      if (!host || host !== requestHost(c, trusted)) {
        throw new ApiError('forbidden', 'cross-origin request refused')
      }
    }
    const hasBody =
      c.req.header('transfer-encoding') !== undefined ||
      Number(c.req.header('content-length') ?? '0') > 0
    if (hasBody && !anyBody(c.req.path)) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      if (type !== 'application/json' && !formTypes.includes(type)) {
        throw new ApiError('unsupported_media_type', 'Content-Type must be application/json')
      }
    }
    return next()
  }
}
