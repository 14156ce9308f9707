/**
 * docs/SECURITY.md H3 and H4 against the real proxy: default credentials work from this machine
 * only (the host's second address 192.0.2.2 is "elsewhere", over the real network path, and so
 * is a client named by a trusted proxy or arriving through the Cloudflare tunnel), and the login
 * throttle cannot be raced or turned against the owner.
 */
import { Writable } from 'node:stream'
import type { Store } from '@qcc/store'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEnv, startQcc, type RunningQcc } from '../src/index'
import { createLogger } from '../src/observability/logger'
import { AdminClient, exceptRequestId, loggedIn } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { rawRequest, type RawRequest } from './raw-client'
import { MESSAGE_BODY } from './start-qcc'

const REMOTE = '192.0.2.2' // eth0's address: a peer that is not loopback
const TUNNEL = { 'cf-connecting-ip': '203.0.113.9', 'cf-ray': '8f0000000000-AMS' }
const WRONG_LOGIN = { error: 'invalid username or password' }

/** Counts the store's password checks: calls, and most running at once. */
function countingStore() {
  const stats = { calls: 0, running: 0, maxRunning: 0 }
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target)
        if (prop !== 'verifyPassword') {
          return typeof value === 'function' ? value.bind(target) : value
        }
        return async (name: string, password: string) => {
          stats.calls += 1
          stats.running += 1
          stats.maxRunning = Math.max(stats.maxRunning, stats.running)
          try {
            return await target.verifyPassword(name, password)
          } finally {
            stats.running -= 1
          }
        }
      },
    })
  return { stats, wrap }
}

/** Starts the real proxy with a log captured and the store counted. */
async function start(env: Record<string, string>) {
  let log = ''
  const sink = new Writable({
    write(chunk, _enc, done) {
      log += String(chunk)
      done()
    },
  })
  const counter = countingStore()
  const qcc = await startQcc(
    loadEnv({ LISTEN_ADDR: '127.0.0.1:0', PROXY_DRAIN_TIMEOUT_SEC: '1', ...env }),
    { logger: createLogger('info', sink), wrapStore: counter.wrap },
  )
  return { qcc, stats: counter.stats, log: () => log }
}

const login = (qcc: RunningQcc, username: string, password: string, opts: RawRequest = {}) =>
  rawRequest(qcc.url, '/login', { ...opts, body: { username, password } })
const models = (qcc: RunningQcc, key: string, opts: RawRequest = {}) =>
  rawRequest(qcc.url, '/v1/models', { ...opts, headers: { ...opts.headers, 'x-api-key': key } })
/** From 192.0.2.2 to 192.0.2.2:port: a non-loopback peer through the network stack. */
const remote = (): RawRequest => ({ host: REMOTE, from: REMOTE })

let up: FakeUpstream
beforeAll(async () => {
  up = await startFakeUpstream()
})
afterAll(async () => {
  await up?.close()
})

describe('H3: default credentials are for this machine only (memory mode)', () => {
  let run: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    run = await start({
      LISTEN_ADDR: '0.0.0.0:0',
      UPSTREAM_BASE_URL: up.url,
      UPSTREAM_API_KEY: 'sk-upstream-item3',
    })
  })
  afterAll(async () => {
    await run?.qcc.close()
  })

  it('H3: refuses admin123, default123 and the default keys from another address', async () => {
    const { qcc, stats } = run
    const wrong = await login(qcc, 'admin', 'not-the-password', remote())
    expect(wrong).toMatchObject({ status: 401, json: WRONG_LOGIN })
    const checks = stats.calls
    for (const [user, password] of [
      ['admin', 'admin123'],
      ['default', 'default123'],
    ] as const) {
      const answer = await login(qcc, user, password, remote())
      expect(answer.status, user).toBe(401)
      expect(exceptRequestId(answer.json)).toEqual(exceptRequestId(wrong.json))
      expect(answer.headers['set-cookie']).toBeUndefined()
    }
    expect(stats.calls).toBe(checks) // refused by a string compare, no password hash
    const wrongKey = await models(qcc, 'sk-no-such-key', remote())
    expect(wrongKey.status).toBe(401)
    for (const key of ['admin', 'default-proxy-key']) {
      const answer = await models(qcc, key, remote())
      expect(answer.status, key).toBe(401)
      expect(answer.json).toEqual(wrongKey.json)
      expect(answer.json.error.type).toBe('authentication_error')
    }
    expect(up.requests.filter((r) => r.headers['x-api-key'] === 'sk-upstream-item3')).toEqual([])
    expect(run.log()).toContain('default credentials work from loopback clients only')
    expect(run.log()).toMatch(/ADMIN_PASSWORD, ADMIN_API_KEY and DEFAULT_PROXY_API_KEY/)
  })

  it('H3: the tunnel is not loopback, though cloudflared connects over it', async () => {
    const { qcc } = run
    const viaTunnel = { headers: { ...TUNNEL, 'cf-visitor': '{"scheme":"https"}' } }
    expect((await login(qcc, 'admin', 'admin123', viaTunnel)).status).toBe(401)
    expect((await models(qcc, 'default-proxy-key', viaTunnel)).status).toBe(401)
  })

  it('still accepts the defaults from loopback, and real secrets from anywhere', async () => {
    const { qcc } = run
    const local = await login(qcc, 'admin', 'admin123')
    expect(local.status).toBe(200)
    const res = await rawRequest(qcc.url, '/v1/messages', {
      headers: { 'x-api-key': 'default-proxy-key' },
      body: MESSAGE_BODY,
    })
    expect(res.status).toBe(200)
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const made = await admin.post('/admin/api/accounts', {
      name: 'far-tenant',
      password: 'far-tenant-password-1',
      proxy_api_key: 'sk-far-tenant-key-0123456789',
    })
    expect(made.status).toBe(201)
    const node = await admin.post(`/admin/api/nodes?account_id=${made.json.id}`, {
      name: 'far-node',
      base_url: up.url,
      api_key: 'sk-upstream-far',
    })
    expect(node.status).toBe(201)
    expect((await login(qcc, 'far-tenant', 'far-tenant-password-1', remote())).status).toBe(200)
    const far = await rawRequest(qcc.url, '/v1/messages', {
      ...remote(),
      headers: { 'x-api-key': 'sk-far-tenant-key-0123456789' },
      body: MESSAGE_BODY,
    })
    expect(far.status).toBe(200)
    expect(far.headers['x-qcc-node']).toBe('far-node')
  })
})

describe('H3: a client named by a trusted proxy is where the proxy says', () => {
  let run: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    run = await start({ PROXY_TRUSTED_PROXIES: '127.0.0.1' })
  })
  afterAll(async () => {
    await run?.qcc.close()
  })

  it('H3: refuses the defaults for X-Forwarded-For: 203.0.113.9', async () => {
    const { qcc } = run
    const far = { headers: { 'x-forwarded-for': '203.0.113.9' } }
    expect(await login(qcc, 'admin', 'admin123', far)).toMatchObject({ status: 401 })
    expect((await models(qcc, 'admin', far)).status).toBe(401)
    expect((await login(qcc, 'admin', 'admin123')).status).toBe(200)
    expect((await models(qcc, 'admin', {})).status).not.toBe(401)
    // Listening on loopback only: nothing to warn about.
    expect(run.log()).not.toContain('default credentials work from loopback clients only')
  })
})

describe('H3: MySQL mode without ADMIN_PASSWORD', () => {
  let db: TestDatabase
  let run: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    db = await createTestDatabase('hauth')
    run = await start({
      LISTEN_ADDR: '0.0.0.0:0',
      PROXY_MYSQL_DSN: db.url,
      QCC_SECRET_KEY: 'cd'.repeat(32),
    })
  }, 60_000)
  afterAll(async () => {
    await run?.qcc.close()
    await db?.drop()
  })

  it('H3: admin/admin123 and the key admin work from loopback only, until changed', async () => {
    const { qcc } = run
    expect(await login(qcc, 'admin', 'admin123', remote())).toMatchObject({
      status: 401,
      json: WRONG_LOGIN,
    })
    expect((await models(qcc, 'admin', remote())).json.error.type).toBe('authentication_error')
    expect((await models(qcc, 'admin')).status).not.toBe(401)
    expect(run.log()).toContain('default credentials work from loopback clients only')
    const admin = await loggedIn(qcc, 'admin', 'admin123')
    const changed = await admin.post('/admin/api/me/password', {
      current: 'admin123',
      new: 'a-real-admin-password-1',
    })
    expect(changed.status).toBe(200)
    expect((await login(qcc, 'admin', 'a-real-admin-password-1', remote())).status).toBe(200)
    const key = await admin.post('/admin/api/keys', {
      name: 'real',
      key: 'sk-real-admin-0123456789',
    })
    expect(key.status).toBe(201)
    expect((await models(qcc, 'sk-real-admin-0123456789', remote())).status).not.toBe(401)
  }, 30_000)
})

describe('H4: login throttling cannot be raced or turned against the owner', () => {
  const PASSWORD = 'the-admin-password-1'
  let run: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    run = await start({ PROXY_TRUSTED_PROXIES: '127.0.0.1', ADMIN_PASSWORD: PASSWORD })
  })
  afterAll(async () => {
    await run?.qcc.close()
  })
  // Long enough for 40 queued hashes, so an unthrottled proxy fails the assertions, not a timer.
  const from = (address: string): RawRequest => ({
    headers: { 'x-forwarded-for': address },
    timeoutMs: 60_000,
  })

  it('H4: 40 parallel wrong passwords: few are checked, the owner still gets in', async () => {
    const { qcc, stats } = run
    const before = stats.calls
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(qcc, 'admin', `wrong-${i}`, from('203.0.113.9'))),
    )
    const refused = flood.filter((a) => a.status === 429)
    expect(flood.every((a) => a.status === 401 || a.status === 429)).toBe(true)
    expect(refused.length).toBeGreaterThanOrEqual(35)
    expect(refused.every((a) => Number(a.headers['retry-after']) >= 1)).toBe(true)
    expect(stats.calls - before).toBeLessThanOrEqual(5) // counted before hashing
    expect(stats.maxRunning).toBeLessThanOrEqual(4)
    // Topped up to 5 failures, the flooding pair is locked for the window; the owner elsewhere
    // is not.
    const checked = flood.length - refused.length
    for (let i = checked; i < 5; i++) {
      expect((await login(qcc, 'admin', `more-${i}`, from('203.0.113.9'))).status).toBe(401)
    }
    const again = await login(qcc, 'admin', PASSWORD, from('203.0.113.9'))
    expect(again.status).toBe(429)
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(800)
    expect((await login(qcc, 'admin', PASSWORD, from('198.51.100.7'))).status).toBe(200)
  }, 120_000)

  it('H4: at most 4 password checks at once, for logins and password changes', async () => {
    const { qcc, stats } = run
    stats.maxRunning = 0
    const spread = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        login(qcc, `user-${i}`, 'wrong-password', from(`198.51.100.${100 + i}`)),
      ),
    )
    expect(stats.maxRunning).toBeLessThanOrEqual(4)
    const busy = spread.filter((a) => a.status === 429)
    expect(busy.length).toBeGreaterThan(0)
    expect(busy.every((a) => a.headers['retry-after'] === '1')).toBe(true)
    const admin = AdminClient.for(qcc)
    await admin.login('admin', PASSWORD)
    stats.maxRunning = 0
    const changes = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin.post('/admin/api/me/password', { current: 'not-it-at-all', new: 'whatever-new-1' }),
      ),
    )
    expect(stats.maxRunning).toBeLessThanOrEqual(4)
    expect(changes.some((a) => a.status === 429 && a.headers.get('retry-after'))).toBe(true)
    expect(changes.every((a) => a.status === 403 || a.status === 429)).toBe(true)
  }, 120_000)

  it('H4: a pair locks after 5 failures, an address after 20; others go on', async () => {
    const { qcc } = run
    const pair: number[] = []
    for (let i = 0; i < 6; i++)
      pair.push((await login(qcc, 'admin', `bad-${i}`, from('203.0.113.20'))).status)
    expect(pair).toEqual([401, 401, 401, 401, 401, 429])
    expect((await login(qcc, 'admin', PASSWORD, from('203.0.113.21'))).status).toBe(200)
    const spray: number[] = []
    for (let i = 0; i < 21; i++) {
      spray.push((await login(qcc, `spray-${i}`, 'password-x', from('203.0.113.30'))).status)
    }
    expect(spray.slice(0, 20).every((s) => s === 401)).toBe(true)
    expect(spray[20]).toBe(429)
    expect((await login(qcc, 'admin', PASSWORD, from('203.0.113.30'))).status).toBe(429)
    expect((await login(qcc, 'admin', PASSWORD, from('203.0.113.31'))).status).toBe(200)
  }, 90_000)
})
