import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { BlankEnv } from 'hono/types'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import { isDefaultPassword } from '../default-credentials'
import { clientAddress, clientOrigin, type TrustedProxies } from './request-meta'
import { defineRoute, type RouteGroup } from './route-table'
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from './sessions'
import type { Admission, LoginThrottle } from './throttle'
import { meAnswer } from './responses'
import { readJson } from './validate'
import { audit } from './audit'

export const loginBody = z.object({
  username: z.string().trim().min(1).max(128),
  password: z.string().min(1).max(1024),
})
export const passwordBody = z.object({
  current: z.string().min(1).max(1024),
  new: z.string().min(8).max(1024),
})

const FAILED = 'invalid username or password'

/** A throttle refusal: 429 with `retry-after`, the same for real accounts and unknown names. */
function refused(admission: Extract<Admission, { ok: false }>): ApiError {
  const message =
    admission.reason === 'busy'
      ? 'too many password checks at once, try again shortly'
      : 'too many login attempts, try again later'
  return new ApiError('too_many_requests', message, {
    'retry-after': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))),
  })
}

/** Form fields or JSON, as qcc_plus's clients send either. */
async function loginFields(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  if (type.includes('application/json')) return readJson(c)
  const form = await c.req.parseBody()
  return { username: form.username, password: form.password }
}

/**
 * `POST /login` (form or JSON) and `POST /logout`, outside the session guard. `throttle` is the
 * process's one login throttle, shared with the password change (docs/contract.md §9).
 */
export function loginRoutes(
  root: RouteGroup<BlankEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  throttle: LoginThrottle,
): void {
  defineRoute(root, 'POST /login', {
    summary: 'Log in (form or JSON); sets session_token',
    body: loginBody,
    response: meAnswer,
    // The body is read here, not through `body()`: it may be a form, and a bad one fails the login.
    handler: async (c) => {
      const isJson = (c.req.header('content-type') ?? '').includes('application/json')
      const parsed = loginBody.safeParse(await loginFields(c))
      if (!parsed.success) throw new ApiError('not_logged_in', FAILED)
      const { username, password } = parsed.data
      const client = clientOrigin(c, trusted)
      const address = client.address
      // Counted before anything is hashed, so parallel attempts cannot outrun the count.
      const admission = await throttle.admit(username, address)
      if (!admission.ok) throw refused(admission)
      const { ticket } = admission
      let account
      try {
        // docs/contract.md §9: a default password works from this machine only; elsewhere it is a wrong one
        // (and costs no hash).
        account =
          isDefaultPassword(password) && !client.loopback
            ? null
            : await deps.store.verifyPassword(username, password)
      } catch (err) {
        await ticket.abandoned()
        throw err
      }
      if (!account) {
        await ticket.failed()
        deps.logger.info({ address }, 'login failed')
        throw new ApiError('not_logged_in', FAILED)
      }
      await ticket.succeeded()
      // A new id on every login; a session cookie brought along is dropped (no fixation).
      const previous = getCookie(c, SESSION_COOKIE)
      if (previous) await deps.store.deleteSession(previous)
      const session = await deps.store.createSession(account.id, deps.sessionTtlMs)
      setSessionCookie(c, session.id, deps.sessionTtlMs, trusted)
      deps.logger.info({ account_id: account.id, address }, 'login')
      if (!isJson) return c.redirect('/admin', 302)
      return c.json({ id: account.id, name: account.name, is_admin: account.isAdmin })
    },
  })

  defineRoute(root, 'POST /logout', {
    summary: 'Log out; clears session_token',
    handler: async (c) => {
      const id = getCookie(c, SESSION_COOKIE)
      if (id) await deps.store.deleteSession(id)
      clearSessionCookie(c)
      if ((c.req.header('accept') ?? '').includes('application/json')) return c.json({ ok: true })
      return c.redirect('/login', 302)
    },
  })
}

/**
 * `GET /admin/api/me`, `POST /admin/api/me/password` (behind the session guard). The password
 * check goes through the login throttle: the same cap on checks at once, the same locks.
 */
export function meRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  throttle: LoginThrottle,
): void {
  defineRoute(api, 'GET /me', {
    summary: 'The logged-in account',
    response: meAnswer,
    handler: (c) => {
      const me = c.get('account')
      return c.json({ id: me.id, name: me.name, is_admin: me.isAdmin })
    },
  })

  defineRoute(api, 'POST /me/password', {
    summary: "Change one's own password",
    body: passwordBody,
    handler: async (c, input) => {
      const me = c.get('account')
      const body = await input.body()
      const admission = await throttle.admit(me.name, clientAddress(c, trusted))
      if (!admission.ok) throw refused(admission)
      let ok
      try {
        ok = await deps.store.verifyPassword(me.name, body.current)
      } catch (err) {
        await admission.ticket.abandoned()
        throw err
      }
      if (!ok) {
        await admission.ticket.failed()
        throw new ApiError('forbidden', 'current: wrong password')
      }
      await admission.ticket.succeeded()
      // The store drops every session of the account; the caller gets a fresh one.
      await deps.store.updateAccount(me.id, { password: body.new })
      const session = await deps.store.createSession(me.id, deps.sessionTtlMs)
      setSessionCookie(c, session.id, deps.sessionTtlMs, trusted)
      await audit(c, deps, trusted, {
        action: 'account.password',
        accountId: me.id,
        targetType: 'account',
        targetId: me.id,
      })
      return c.json({ ok: true })
    },
  })
}
