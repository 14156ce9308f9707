import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { AdminClient, createTenant, errorBody, exceptRequestId, loggedIn } from './admin-harness'
import { startTestQcc } from './start-qcc'

let qcc: RunningQcc
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  // Trusting the loopback peer lets the tests speak for many client addresses.
  qcc = await startTestQcc({ PROXY_TRUSTED_PROXIES: '127.0.0.1' })
})
afterAll(async () => {
  await qcc?.close()
})

describe('A1 cookie flags', () => {
  it('A1: session_token is HttpOnly, SameSite=Lax, Path=/, no Domain, a long random id', async () => {
    const res = await fetch(`${qcc.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin123' }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: expect.any(String), name: 'admin', is_admin: true })
    const cookie = res.headers.getSetCookie()[0] ?? ''
    const id = /^session_token=([^;]+)/.exec(cookie)?.[1] ?? ''
    expect(id).toMatch(/^[A-Za-z0-9_-]{43,}$/) // >= 256 bits in base64url or hex
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Domain=/i)
    expect(cookie).not.toMatch(/; Secure/) // plain http
    expect(res.headers.get('location')).toBeNull()
  })

  it('A1: Secure when a trusted proxy says https, not when any client says so', async () => {
    const secure = await fetch(`${qcc.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'admin', password: 'admin123' }),
    })
    expect(secure.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const other = await startTestQcc()
    try {
      const res = await fetch(`${other.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ username: 'admin', password: 'admin123' }),
      })
      expect(res.headers.getSetCookie()[0]).not.toMatch(/; Secure/)
    } finally {
      await other.close()
    }
  })

  it('A1: a failed login sets no cookie and answers 401 JSON', async () => {
    const res = await AdminClient.for(qcc).post('/login', {
      username: 'admin',
      password: 'wrong-1',
    })
    expect(res.status).toBe(401)
    expect(res.json).toEqual(errorBody('not_logged_in'))
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe('A2 fixation, logout and timeouts', () => {
  it('A2: login issues a new id and destroys the one the browser brought', async () => {
    const client = await loggedIn(qcc, 'admin', 'admin123')
    const before = client.cookie as string
    await client.login('admin', 'admin123')
    expect(client.cookie).not.toBe(before)
    const stale = AdminClient.for(qcc)
    stale.cookie = before
    expect((await stale.get('/admin/api/me')).status).toBe(401)
    expect((await client.get('/admin/api/me')).status).toBe(200)
  })

  it('A2: logout kills the session server-side (JSON and form answers)', async () => {
    const client = await loggedIn(qcc, 'admin', 'admin123')
    const cookie = client.cookie as string
    const out = await client.post('/logout', undefined, { accept: 'application/json' })
    expect(out.json).toEqual({ ok: true })
    expect(out.headers.getSetCookie()[0]).toMatch(/session_token=;.*Max-Age=0/)
    const replay = AdminClient.for(qcc)
    replay.cookie = cookie
    expect((await replay.get('/admin/api/me')).status).toBe(401)

    const form = await loggedIn(qcc, 'admin', 'admin123')
    const res = await form.request('POST', '/logout')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login')
  })

  it('A2: idle sessions expire, used ones are renewed, and none outlives its absolute age', async () => {
    const idle = await startTestQcc({ PROXY_SESSION_TTL_SEC: '4' })
    const capped = await startTestQcc({ PROXY_SESSION_MAX_AGE_SEC: '2' })
    const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()))
    try {
      // Logins hash a password (slow on a busy machine): time everything from each login.
      const unused = await loggedIn(idle, 'admin', 'admin123')
      const unusedAt = Date.now()
      const used = await loggedIn(idle, 'admin', 'admin123')
      const usedAt = Date.now()
      await sleepUntil(usedAt + 2300) // past half its lifetime: a use renews it
      const renewal = await used.get('/admin/api/me')
      expect(renewal.status).toBe(200)
      expect(renewal.headers.getSetCookie()[0]).toMatch(/^session_token=/)
      await sleepUntil(unusedAt + 4300)
      expect((await unused.get('/admin/api/me')).status).toBe(401)
      expect((await used.get('/admin/api/me')).status).toBe(200)

      const old = await loggedIn(capped, 'admin', 'admin123')
      expect((await old.get('/admin/api/me')).status).toBe(200)
      await sleep(2200)
      expect((await old.get('/admin/api/me')).status).toBe(401)
    } finally {
      await idle.close()
      await capped.close()
    }
  })

  it('A2: a password change drops the other sessions; deletion and disabling drop all', async () => {
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const t = await createTenant(admin, 'a2-tenant')
    const second = await loggedIn(qcc, 'a2-tenant', t.password)
    const changed = await t.client.post('/admin/api/me/password', {
      current: t.password,
      new: 'a-brand-new-password',
    })
    expect(changed.status).toBe(200)
    expect((await second.get('/admin/api/me')).status).toBe(401)
    expect((await t.client.get('/admin/api/me')).status).toBe(200)
    expect(
      (await AdminClient.for(qcc).post('/login', { username: 'a2-tenant', password: t.password }))
        .status,
    ).toBe(401)

    await admin.put(`/admin/api/accounts?id=${t.id}`, { disabled: true })
    expect((await t.client.get('/admin/api/me')).status).toBe(401)
    const u = await createTenant(admin, 'a2-deleted')
    expect((await admin.del(`/admin/api/accounts?id=${u.id}`)).json).toEqual({ deleted: u.id })
    expect((await u.client.get('/admin/api/me')).status).toBe(401)
  })
})

describe('A3 CSRF on the JSON API', () => {
  it('A3: text/plain, form posts, foreign origins and GETs to mutations are refused; nothing changes', async () => {
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const before = (await admin.get('/admin/api/accounts')).json.accounts.length
    const body = JSON.stringify({ name: 'csrf-victim' })
    const plain = await admin.request('POST', '/admin/api/accounts', body, {
      'content-type': 'text/plain',
    })
    expect(plain.status).toBe(415)
    const form = await admin.request('POST', '/admin/api/accounts', 'name=csrf-victim', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(form.status).toBe(415)
    const foreign = await admin.post(
      '/admin/api/accounts',
      { name: 'csrf-victim' },
      { origin: 'https://evil.example' },
    )
    expect(foreign.status).toBe(403)
    const nullOrigin = await admin.post(
      '/admin/api/accounts',
      { name: 'csrf-victim' },
      { origin: 'null' },
    )
    expect(nullOrigin.status).toBe(403)
    const fetchMeta = await admin.post(
      '/admin/api/accounts',
      { name: 'csrf-victim' },
      { 'sec-fetch-site': 'cross-site' },
    )
    expect(fetchMeta.status).toBe(403)
    const viaGet = await admin.get('/admin/api/nodes/disable?id=x')
    expect(viaGet.status).toBe(405)
    const del = await admin.request('DELETE', '/admin/api/accounts?id=x', undefined, {
      origin: 'http://evil.example',
    })
    expect(del.status).toBe(403)
    const loginForged = await AdminClient.for(qcc).post(
      '/login',
      { username: 'admin', password: 'admin123' },
      { origin: 'https://evil.example' },
    )
    expect(loginForged.status).toBe(403)
    expect(loginForged.headers.getSetCookie()).toEqual([])
    expect((await admin.get('/admin/api/accounts')).json.accounts.length).toBe(before)

    // Same origin (the console) and no Origin at all (curl) are fine.
    const host = new URL(qcc.url).host
    const ok = await admin.post('/admin/api/shares', {}, { origin: `http://${host}` })
    expect(ok.status).toBe(201)
  })
})

describe('A4 brute force', () => {
  const attempt = (username: string, password: string, address: string) =>
    AdminClient.for(qcc).post('/login', { username, password }, { 'x-forwarded-for': address })

  // docs/contract.md §9 (docs/SECURITY.md H4): failures lock an (account, address) pair and an address, never an
  // account for every address, so the owner elsewhere always gets in.
  it('A4: 5 wrong passwords lock the pair for a while, alike for unknown names', async () => {
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const owner = await createTenant(admin, 'a4-owner')
    const run = async (username: string, address: string) => {
      const out: Array<{ status: number; text: string; ms: number }> = []
      for (let i = 0; i < 8; i++) {
        const t = Date.now()
        const r = await attempt(username, `wrong-${i}`, address)
        const text = JSON.stringify(exceptRequestId(r.json))
        out.push({ status: r.status, text, ms: Date.now() - t })
      }
      return out
    }
    const ghost = await run('ghost-user', '10.2.0.1')
    const seen = await run('a4-owner', '10.1.0.1')
    expect(seen.map((s) => s.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
    expect(ghost.map((g) => g.status)).toEqual(seen.map((s) => s.status))
    expect(ghost.map((g) => g.text)).toEqual(seen.map((s) => s.text))
    // An unknown name costs a password hash too: similar time.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
    const real = median(seen.slice(0, 5).map((s) => s.ms))
    const fake = median(ghost.slice(0, 5).map((s) => s.ms))
    expect(fake).toBeGreaterThan(real * 0.5)
    expect(fake).toBeLessThan(real * 2)

    // Locked: even the right password waits at that address; from another the owner gets in.
    const locked = await attempt('a4-owner', owner.password, '10.1.0.1')
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await attempt('a4-owner', owner.password, '10.3.0.1')).status).toBe(200)
  })

  it('A4: many names from one address lock that address only', async () => {
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const owner = await createTenant(admin, 'a4-sprayed')
    const statuses: number[] = []
    for (let i = 0; i < 21; i++)
      statuses.push((await attempt(`spray-${i}`, 'password', '10.9.9.9')).status)
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true)
    expect(statuses[20]).toBe(429)
    expect((await attempt('a4-sprayed', owner.password, '10.9.9.9')).status).toBe(429)
    expect((await attempt('a4-sprayed', owner.password, '10.9.9.10')).status).toBe(200)
  })
})
