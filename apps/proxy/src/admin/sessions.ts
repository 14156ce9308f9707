import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import { isSecureRequest, type TrustedProxies } from './request-meta'

/** The cookie qcc_plus clients already use (docs/contract.md §6.3: not `__Host-`, SameSite=Lax). */
export const SESSION_COOKIE = 'session_token'

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. */
export function setSessionCookie(
  c: Context,
  id: string,
  maxAgeMs: number,
  trusted: TrustedProxies,
): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c, trusted),
    path: '/',
    maxAge: Math.max(1, Math.floor(maxAgeMs / 1000)),
  })
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
}

/**
 * Admin API guard: a live session of an enabled account, else 401 JSON (never a redirect).
 * Sessions live in the store, so every replica honours every other's logins and logouts. A
 * session is renewed when half its idle lifetime is used (one write per half-TTL, not per
 * request) and ends for good at its absolute age.
 */
export function requireSession(
  deps: Pick<AdminDeps, 'store' | 'now' | 'sessionTtlMs' | 'sessionMaxAgeMs'>,
  trusted: TrustedProxies,
): MiddlewareHandler<AdminEnv> {
  return async function sessionGuard(c, next) {
    const id = getCookie(c, SESSION_COOKIE)
    if (!id) throw new ApiError('not_logged_in', 'not logged in')
    // One read for both: this runs before every admin request.
    const found = await deps.store.getSessionWithAccount(id)
    if (!found) throw new ApiError('not_logged_in', 'session expired or invalid')
    const { session, account } = found
    const now = deps.now()
    if (now - session.createdAt.getTime() > deps.sessionMaxAgeMs) {
      await deps.store.deleteSession(id)
      throw new ApiError('not_logged_in', 'session expired or invalid')
    }
    if (!account || account.disabled)
      throw new ApiError('not_logged_in', 'session expired or invalid')
    if (session.expiresAt.getTime() - now < deps.sessionTtlMs / 2) {
      const renewed = await deps.store.renewSession(id, deps.sessionTtlMs)
      if (renewed) setSessionCookie(c, id, deps.sessionTtlMs, trusted)
    }
    c.set('account', account)
    c.set('sessionId', id)
    await next()
  }
}
