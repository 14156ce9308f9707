/**
 * docs/SECURITY.md H8's small rules that belong with authentication, against the real proxy: model
 * ids that cannot steer the upstream URL, account names unique regardless of case and renamed
 * only by an admin, the console's security headers, and a `Secure` session cookie behind the
 * Cloudflare tunnel (a fake Cloudflare API and a fake cloudflared run qcc's real tunnel code).
 */
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import type { AdminClient } from './admin-harness'
import { createTenant, loggedIn } from './admin-harness'
import { launchBrowser, login as consoleLogin, openPage, visit } from './console-harness'
import { rawRequest, sessionCookieLine } from './raw-client'
import { startTestQcc } from './start-qcc'
import {
  createFakeCloudflared,
  startFakeCloudflare,
  waitFor,
  type FakeCloudflare,
  type FakeCloudflared,
} from './tunnel-fakes'

const PASSWORD = 'rules-admin-password-1'
const UPSTREAM_KEY = 'sk-upstream-rules-0123456789'

let up: FakeUpstream
let cf: FakeCloudflare
let bin: FakeCloudflared
let qcc: RunningQcc
let admin: AdminClient

beforeAll(async () => {
  up = await startFakeUpstream()
  cf = await startFakeCloudflare()
  bin = createFakeCloudflared()
  qcc = await startTestQcc({
    ADMIN_PASSWORD: PASSWORD,
    UPSTREAM_BASE_URL: up.url,
    UPSTREAM_API_KEY: UPSTREAM_KEY,
    TUNNEL_ENABLED: 'true',
    CF_API_TOKEN: cf.token,
    TUNNEL_SUBDOMAIN: 'rules',
    TUNNEL_ZONE: 'example.com',
    CF_API_BASE_URL: cf.url,
    TUNNEL_CLOUDFLARED_PATH: bin.path,
  })
  admin = await loggedIn(qcc, 'admin', PASSWORD)
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
  await cf?.close()
  bin?.cleanup()
})

describe('H8: model ids', () => {
  const model = (path: string) =>
    rawRequest(qcc.url, path, { headers: { 'x-api-key': 'default-proxy-key' } })

  it('H8: /v1/models/{id} forwards a model id, never .. or %2F', async () => {
    const ok = await model('/v1/models/claude-sonnet-4-5-20250929')
    expect(ok.status).toBe(200)
    expect(up.requests.at(-1)?.path).toBe('/v1/models/claude-sonnet-4-5-20250929')
    const seen = up.requests.length
    for (const path of [
      '/v1/models/..',
      '/v1/models/..%2F..%2Fv1%2Fmessages',
      '/v1/models/a%2Fb',
      '/v1/models/%2e%2e',
      '/v1/models/.hidden',
      '/v1/models/-x',
      '/v1/models/a%00b',
      `/v1/models/${'m'.repeat(129)}`,
      '/v1/models/..?beta=true',
    ]) {
      const answer = await model(path)
      expect(answer.status, path).toBe(404)
      expect(answer.json, path).toMatchObject({ type: 'error', error: { type: 'not_found_error' } })
    }
    expect(up.requests.length).toBe(seen) // nothing was forwarded
    // Every character the rule allows, at the longest length, is forwarded (the fake upstream
    // knows no such model: its 404 comes back).
    const longest = `/v1/models/vendor.m:1@x_y-${'z'.repeat(113)}`
    expect(longest.length - '/v1/models/'.length).toBe(128)
    await model(`${longest}?q=1`)
    expect(up.requests.map((r) => r.path)).toEqual([
      ...up.requests.slice(0, seen).map((r) => r.path),
      `${longest}?q=1`,
    ])
  })
})

describe('H8: account names', () => {
  it('H8: a name that differs from another only in case is a 409', async () => {
    for (const name of ['Admin', 'ADMIN']) {
      const clash = await admin.post('/admin/api/accounts', { name, password: 'pw-clash-000001' })
      expect(clash.status, name).toBe(409)
      expect(clash.json.error).toEqual(expect.any(String))
    }
    const other = await createTenant(admin, 'case-tenant')
    const taken = await admin.put(`/admin/api/accounts?id=${other.id}`, { name: 'ADMIN' })
    expect(taken.status).toBe(409)
    expect(
      (await admin.get('/admin/api/accounts')).json.accounts.map((a: { name: string }) => a.name),
    ).toEqual(['admin', 'default', 'case-tenant'])
  })

  it('H8: only an admin renames an account', async () => {
    const tenant = await createTenant(admin, 'rules-tenant')
    for (const name of ['Admin', 'rules-tenant-2']) {
      const rename = await tenant.client.put(`/admin/api/accounts?id=${tenant.id}`, { name })
      expect(rename.status, name).toBe(403)
      expect(rename.json.error).toEqual(expect.any(String))
    }
    expect((await tenant.client.get('/admin/api/me')).json.name).toBe('rules-tenant')
    const renamed = await admin.put(`/admin/api/accounts?id=${tenant.id}`, { name: 'Rules-Two' })
    expect(renamed.status).toBe(200)
    // Logins match the name as stored.
    const body = { username: 'Rules-Two', password: tenant.password }
    expect((await rawRequest(qcc.url, '/login', { body })).status).toBe(200)
  })
})

describe('H8: console headers', () => {
  it('H8: the console carries a CSP, no-referrer and nosniff', async () => {
    const pages = ['/admin', '/login', '/', '/admin/nodes']
    const html = await fetch(`${qcc.url}/admin`)
    const body = await html.text()
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(body)?.[1]
    expect(asset).toBeDefined()
    for (const path of [...pages, asset as string]) {
      const res = await fetch(`${qcc.url}${path}`)
      await res.arrayBuffer()
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toMatch(/(^|; )script-src 'self'(;|$)/)
      expect(csp, path).toMatch(/(^|; )frame-ancestors 'none'(;|$)/)
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
  })
})

describe('H8: the console under its CSP in Chromium', () => {
  it('logs in and draws its pages with no policy violation', async () => {
    const browser = await launchBrowser()
    try {
      const page = await openPage(browser)
      const violations: string[] = []
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
      })
      page.on('pageerror', (e) => violations.push(e.message))
      await consoleLogin(page, qcc.url, 'admin', PASSWORD)
      await page.waitForSelector('canvas') // uPlot's charts on the dashboard
      for (const href of ['/admin/nodes', '/admin/usage', '/admin/monitor', '/admin/accounts']) {
        await visit(page, href)
        await page.waitForTimeout(200)
      }
      expect(violations).toEqual([])
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('H8: the session cookie behind the tunnel', () => {
  const viaTunnel = (visitor: string, ip = '203.0.113.60') => ({
    'cf-connecting-ip': ip,
    'cf-ray': '8f0000000000-AMS',
    'cf-visitor': JSON.stringify({ scheme: visitor }),
  })
  const loginVia = (headers: Record<string, string>, password = PASSWORD) =>
    rawRequest(qcc.url, '/login', { headers, body: { username: 'admin', password } })

  it('H8: Secure when the tunnel brought an https visitor', async () => {
    await waitFor(async () =>
      (await admin.get('/admin/api/tunnel')).json?.status === 'running' ? true : undefined,
    )
    const secure = await loginVia(viaTunnel('https'))
    expect(secure.status).toBe(200)
    expect(sessionCookieLine(secure)).toMatch(/; Secure/)
    const plain = await rawRequest(qcc.url, '/login', {
      body: { username: 'admin', password: PASSWORD },
    })
    expect(plain.status).toBe(200)
    expect(sessionCookieLine(plain)).not.toMatch(/; Secure/)
    // A visitor that used plain http through Cloudflare would lose a Secure cookie: none then.
    expect(sessionCookieLine(await loginVia(viaTunnel('http')))).not.toMatch(/; Secure/)
  })

  it("H8: through the running tunnel, a visitor's failures lock only that visitor", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await loginVia(viaTunnel('https', '203.0.113.61'), `bad-${i}`)).status).toBe(401)
    }
    expect((await loginVia(viaTunnel('https', '203.0.113.61'))).status).toBe(429)
    expect((await loginVia(viaTunnel('https', '203.0.113.62'))).status).toBe(200)
  }, 30_000)
})
