import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '@qcc/store'
import { memoryStore } from '../../test/admin-app'
import { createLogger } from '../observability/logger'
import type { AdminEnv } from './context'
import { renderAdminError } from './errors'
import { TrustedProxies } from './request-meta'
import { requireSession, SESSION_COOKIE } from './sessions'

const TTL = 60_000
const MAX_AGE = 10 * TTL
let clock: { t: number; now: () => number }
let store: Store

/** An app behind the session guard that answers who the caller is. */
function guarded() {
  const app = new Hono<AdminEnv>()
  const deps = { store, now: clock.now, sessionTtlMs: TTL, sessionMaxAgeMs: MAX_AGE }
  app.use('*', requireSession(deps, new TrustedProxies([])))
  app.get('/me', (c) => c.json({ name: c.get('account').name, session: c.get('sessionId') }))
  app.onError((err, c) => renderAdminError(err, c, createLogger('silent')))
  return (cookie?: string) =>
    app.request('/me', { headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {} })
}

beforeEach(async () => {
  clock = { t: 1_700_000_000_000, now: () => clock.t }
  store = await memoryStore(clock)
})
afterEach(() => store.close())

const rootSession = async () => {
  const root = await store.getAccountByName('root')
  if (!root) throw new Error('no root account')
  return { root, session: await store.createSession(root.id, TTL) }
}

describe('requireSession', () => {
  it('answers 401 JSON without a cookie or with one that names no session', async () => {
    const send = guarded()
    for (const cookie of [undefined, 'f'.repeat(64)]) {
      const res = await send(cookie)
      expect(res.status, String(cookie)).toBe(401)
      expect(await res.json()).toMatchObject({ code: 'not_logged_in' })
    }
  })

  it('sets the account and the session id for the routes behind it', async () => {
    const { session } = await rootSession()
    const res = await guarded()(session.id)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'root', session: session.id })
    // Fresh: nothing to renew, no cookie sent back.
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('renews a session past half its idle lifetime, with a new cookie', async () => {
    const { session } = await rootSession()
    clock.t += TTL * 0.6
    const res = await guarded()(session.id)
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=${session.id}`)
    const renewed = await store.getSession(session.id)
    expect(renewed?.expiresAt.getTime()).toBe(clock.t + TTL)
  })

  it('ends a session at its absolute age, renewals or not', async () => {
    const { session } = await rootSession()
    const send = guarded()
    const step = TTL * 0.6 // each use renews: less than half the idle lifetime is left
    const age = () => clock.t - session.createdAt.getTime()
    while (age() + step <= MAX_AGE) {
      clock.t += step
      expect((await send(session.id)).status).toBe(200)
    }
    clock.t += step
    // Still live for the store (renewed a moment ago), but too old.
    expect((await store.getSession(session.id))?.expiresAt.getTime()).toBeGreaterThan(clock.t)
    const res = await send(session.id)
    expect(res.status).toBe(401)
    expect(await store.getSession(session.id)).toBeNull()
  })

  it('refuses the session of an account disabled meanwhile', async () => {
    const { root, session } = await rootSession()
    const tenant = await store.createAccount({ name: 'tenant', password: 'tenant-password' })
    const tenantSession = await store.createSession(tenant.id, TTL)
    await store.updateAccount(tenant.id, { disabled: true })
    const send = guarded()
    expect((await send(tenantSession.id)).status).toBe(401)
    expect((await send(session.id)).status).toBe(200)
    expect(root.disabled).toBe(false)
  })
})
