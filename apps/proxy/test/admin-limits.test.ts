/**
 * Limits in the admin API (docs/contract.md §10): keys and accounts take them, merge them field by
 * field, refuse a tenant beyond its account, show them with their windows, and audit changes.
 * In process on a memory store, with windows from a fake counter source; one flow on MariaDB.
 */
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COUNTED_LIMIT_NAMES, type LimitSubject, type LimitWindows } from '@qcc/core'
import type { LimitWindowSource } from '../src/admin/limit-windows'
import { accountsAnswer, keyAnswer, keysAnswer } from '../src/admin/responses'
import { adminApp, memoryStore, type AdminApp } from './admin-app'
import { createTenant, loggedIn } from './admin-harness'
import { startTestQcc } from './start-qcc'
import { EventBus } from '../src/events/bus'

const T0 = Date.UTC(2030, 0, 10, 12)
const RESETS = T0 + 30_000

/** What the fake counters answer: 1 used of every counted limit set, resetting at RESETS. */
function fakeWindows(s: LimitSubject): LimitWindows {
  const out: LimitWindows = {}
  for (const name of COUNTED_LIMIT_NAMES) {
    const limit = s.limits[name]
    if (limit === undefined) continue
    const timed = name !== 'concurrency' && name !== 'cost_total_usd'
    out[name] = { used: 1, limit, ...(timed ? { resetsAt: RESETS } : {}) }
  }
  return out
}

const batches: LimitSubject[][] = []
const source: LimitWindowSource = {
  windows: () => Promise.reject(new Error('the admin API asks in batches')),
  windowsMany: async (subjects) => {
    batches.push([...subjects])
    return subjects.map(fakeWindows)
  },
}

let admin: AdminApp
let root: string
let tenant: string
let other: string
let tenantId: string

const send = (cookie: string, method: string, path: string, body?: unknown) =>
  admin.request(method, path, cookie, body)
const json = async (res: Response | Promise<Response>) => {
  const r = await res
  return { status: r.status, body: (await r.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any
}
const tenantKeys = async () =>
  (await json(send(tenant, 'GET', '/admin/api/keys'))).body.keys as any[] // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  // One clock for the store (sessions) and the API (windows, periods).
  const clock = { now: () => T0 }
  admin = await adminApp({ store: await memoryStore(clock), limits: source, now: clock.now })
  root = await admin.login()
  for (const name of ['acme', 'other']) {
    const res = await send(root, 'POST', '/admin/api/accounts', {
      name,
      password: `${name}-pass-1`,
    })
    if (name === 'acme') tenantId = ((await res.json()) as { id: string }).id
  }
  tenant = await admin.login('acme', 'acme-pass-1')
  other = await admin.login('other', 'other-pass-1')
})
afterAll(() => admin.close())

describe('account limits (admins only)', () => {
  it('an admin sets them, merged field by field; GET shows limits and windows', async () => {
    const put = await send(root, 'PUT', `/admin/api/accounts?id=${tenantId}`, {
      limits: { rpm: 100, cost_daily_usd: 5, models: ['claude-sonnet-*'], concurrency: 4 },
    })
    expect(put.status).toBe(200)
    await send(root, 'PUT', `/admin/api/accounts?id=${tenantId}`, {
      limits: { concurrency: null, expires_at: '2030-06-01T00:00:00+02:00' },
    })
    const { body } = await json(send(root, 'GET', '/admin/api/accounts'))
    expect(accountsAnswer.parse(body)).toEqual(body)
    const acme = body.accounts.find((a: { id: string }) => a.id === tenantId)
    expect(acme.limits).toEqual({
      rpm: 100,
      cost_daily_usd: 5,
      models: ['claude-sonnet-*'],
      expires_at: '2030-05-31T22:00:00.000Z',
    })
    const resets = new Date(RESETS).toISOString()
    expect(acme.windows).toEqual({
      rpm: { used: 1, limit: 100, resets_at: resets },
      cost_daily_usd: { used: 1, limit: 5, resets_at: resets },
    })
    // Accounts without counted limits are not asked about: one batch, acme alone.
    expect(batches.at(-1)?.map((s) => [s.scope, s.id])).toEqual([['account', tenantId]])
    const root0 = body.accounts.find((a: { name: string }) => a.name === 'root')
    expect(root0).toMatchObject({ limits: {}, windows: {} })
  })

  it('a tenant cannot change its own account limits: 403, nothing changes', async () => {
    const res = await json(
      send(tenant, 'PUT', `/admin/api/accounts?id=${tenantId}`, {
        limits: { rpm: 1000 },
      }),
    )
    expect(res).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    expect(
      (await json(send(tenant, 'PUT', `/admin/api/accounts?id=${tenantId}`, { limits: null })))
        .status,
    ).toBe(403)
    const mine = (await json(send(tenant, 'GET', '/admin/api/accounts'))).body.accounts
    expect(mine).toHaveLength(1)
    expect(mine[0].limits.rpm).toBe(100)
  })

  it('bad limits are 400 naming the field, from zod and from core alike', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rpm: 0 }, /^limits\.rpm: /],
      [{ tpm: 1.5 }, /^limits\.tpm: /],
      [{ cost_weekly_usd: -1 }, /^limits\.cost_weekly_usd: /],
      [{ models: [] }, /^limits\.models: /],
      [{ ips: ['10.0.0.0/33'] }, /^limits\.ips: /],
      [{ expires_at: 'tomorrow' }, /^limits\.expires_at: /],
      [{ burst: 3 }, /^limits: .*burst/],
    ]
    for (const [limits, error] of cases) {
      const res = await json(send(root, 'PUT', `/admin/api/accounts?id=${tenantId}`, { limits }))
      expect(res.status, JSON.stringify(limits)).toBe(400)
      expect(res.body).toMatchObject({ code: 'invalid_request', request_id: expect.any(String) })
      expect(res.body.error).toMatch(error)
    }
    const acme = (await admin.store.getAccount(tenantId))?.limits
    expect(acme).toMatchObject({ rpm: 100, cost_daily_usd: 5 })
  })
})

describe('key limits', () => {
  let keyId: string

  it('a tenant creates a key with limits within its account', async () => {
    const res = await json(
      send(tenant, 'POST', '/admin/api/keys', {
        name: 'ci',
        limits: { rpm: 50, models: ['claude-sonnet-4-5'], tpm: 10_000, cost_total_usd: 2 },
      }),
    )
    expect(res.status).toBe(201)
    keyId = res.body.id
    expect(res.body.limits).toEqual({
      rpm: 50,
      tpm: 10_000,
      cost_total_usd: 2,
      models: ['claude-sonnet-4-5'],
    })
    expect(res.body.windows.cost_total_usd).toEqual({ used: 1, limit: 2 })
    expect(admin.store.resolveProxyKey(res.body.key)?.keyLimits).toMatchObject({ rpm: 50 })
  })

  it('a tenant beyond its account gets 400 naming the field, and nothing changes', async () => {
    const before = await tenantKeys()
    const cases: Array<[unknown, string]> = [
      [{ rpm: 101 }, 'rpm'],
      [{ models: ['claude-opus-4-1'] }, 'models'],
      [{ expires_at: '2031-01-01T00:00:00Z' }, 'expires_at'],
    ]
    for (const [limits, field] of cases) {
      const created = await json(send(tenant, 'POST', '/admin/api/keys', { name: 'x', limits }))
      expect(created.status).toBe(400)
      expect(created.body.error).toMatch(new RegExp(`^limits\\.${field}: `))
      const updated = await json(send(tenant, 'PUT', `/admin/api/keys?id=${keyId}`, { limits }))
      expect(updated.status).toBe(400)
      expect(updated.body.error).toMatch(new RegExp(`^limits\\.${field}: `))
    }
    expect(await tenantKeys()).toEqual(before)
  })

  it('PUT merges field by field: null removes one, "limits": null removes all', async () => {
    const put = (body: unknown) => json(send(tenant, 'PUT', `/admin/api/keys?id=${keyId}`, body))
    const merged = await put({ limits: { concurrency: 2, rpm: null } })
    expect(keyAnswer.parse(merged.body)).toEqual(merged.body)
    expect(merged.body.limits).toEqual({
      tpm: 10_000,
      concurrency: 2,
      cost_total_usd: 2,
      models: ['claude-sonnet-4-5'],
    })
    expect(merged.body.windows).toEqual({
      concurrency: { used: 1, limit: 2 },
      tpm: { used: 1, limit: 10_000, resets_at: new Date(RESETS).toISOString() },
      cost_total_usd: { used: 1, limit: 2 },
    })
    const renamed = await put({ name: 'ci-2' })
    expect(renamed.body).toMatchObject({ name: 'ci-2', limits: { concurrency: 2 } })
    const cleared = await put({ limits: null })
    expect(cleared.body).toMatchObject({ name: 'ci-2', limits: {}, windows: {} })
    const listed = (await tenantKeys()).find((k) => k.id === keyId)
    expect(listed.limits).toEqual({})
  })

  it('an admin may set anything; another tenant gets 404 before its body is read', async () => {
    const res = await json(
      send(root, 'PUT', `/admin/api/keys?id=${keyId}`, {
        limits: { rpm: 5000, ips: ['10.1.0.0/16', '::ffff:192.0.2.1'] },
      }),
    )
    expect(res.status).toBe(200)
    expect(res.body.limits).toEqual({ rpm: 5000, ips: ['10.1.0.0/16', '192.0.2.1'] })
    const stranger = await json(
      send(other, 'PUT', `/admin/api/keys?id=${keyId}`, { limits: { rpm: 'x' } }),
    )
    expect(stranger).toMatchObject({ status: 404, body: { code: 'not_found' } })
    // The tenant's own key stays beyond its account until the tenant touches its limits.
    expect(
      (await json(send(tenant, 'PUT', `/admin/api/keys?id=${keyId}`, { name: 'ci-3' }))).status,
    ).toBe(200)
    const touched = await json(
      send(tenant, 'PUT', `/admin/api/keys?id=${keyId}`, { limits: { tpm: 5 } }),
    )
    expect(touched.body.error).toMatch(/^limits\.rpm: /)
  })

  it('GET /admin/api/keys shows limits and windows of every key, asked in one batch', async () => {
    const asked = batches.length
    const { body } = await json(send(tenant, 'GET', '/admin/api/keys'))
    expect(keysAnswer.parse(body)).toEqual(body)
    expect(batches.length).toBe(asked + 1)
    const key = body.keys.find((k: { id: string }) => k.id === keyId)
    expect(key.windows.rpm).toEqual({
      used: 1,
      limit: 5000,
      resets_at: new Date(RESETS).toISOString(),
    })
    expect(body.keys.find((k: { name: string }) => k.name === 'default').windows).toEqual({})
  })

  it('audits limit changes with old and new values', async () => {
    const { body } = await json(send(root, 'GET', '/admin/api/audit?action=key.update'))
    const entries = body.entries.filter((e: { target_id: string }) => e.target_id === keyId)
    expect(entries.map((e: { detail: unknown }) => e.detail)).toContainEqual({
      limits: { concurrency: { old: null, new: 2 }, rpm: { old: 50, new: null } },
    })
    expect(entries.map((e: { detail: unknown }) => e.detail)).toContainEqual({
      name: { old: 'ci', new: 'ci-2' },
    })
    const account = await json(send(root, 'GET', '/admin/api/audit?action=account.update'))
    expect(account.body.entries.map((e: { detail: unknown }) => e.detail)).toContainEqual({
      fields: ['limits'],
      limits: {
        concurrency: { old: 4, new: null },
        expires_at: { old: null, new: '2030-05-31T22:00:00.000Z' },
      },
    })
  })
})

describe('without a counter source', () => {
  it('windows are empty, limits still shown', async () => {
    const bare = await adminApp()
    try {
      const cookie = await bare.login()
      const created = await bare.request('POST', '/admin/api/keys', cookie, { limits: { rpm: 3 } })
      expect(await created.json()).toMatchObject({ limits: { rpm: 3 }, windows: {} })
    } finally {
      await bare.close()
    }
  })
})

describe('openapi.json', () => {
  it('documents PUT /admin/api/keys, limits in bodies and answers, and GET /key/status', async () => {
    const res = await send(root, 'GET', '/admin/api/openapi.json')
    const doc = (await res.json()) as any // eslint-disable-line @typescript-eslint/no-explicit-any
    const put = doc.paths['/admin/api/keys'].put
    const body = put.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties.limits.anyOf[0].properties).sort()).toEqual(
      [
        'rpm',
        'tpm',
        'concurrency',
        'cost_5h_usd',
        'cost_daily_usd',
        'cost_weekly_usd',
        'cost_monthly_usd',
        'cost_total_usd',
        'models',
        'ips',
        'expires_at',
        'expires_after_first_use_days',
      ].sort(),
    )
    expect(put.responses['200'].content['application/json'].schema.properties.windows).toBeDefined()
    const accounts = doc.paths['/admin/api/accounts']
    expect(
      accounts.put.requestBody.content['application/json'].schema.properties.limits,
    ).toBeDefined()
    const status = doc.paths['/key/status'].get
    expect(status.security).toEqual([{ proxy_key: [] }, { proxy_key_bearer: [] }])
    expect(Object.keys(status.responses).sort()).toEqual(['200', '400', '401', '404', '429'])
    expect(doc.components.securitySchemes.proxy_key).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    })
  })
})

describe('on MariaDB', () => {
  // CI provides MariaDB here (docs/contract.md §6.3: MySQL tests never skip in CI).
  const server = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
  const db = `qcc_limits_${randomBytes(4).toString('hex')}`
  const env = { PROXY_MYSQL_DSN: `${server}/${db}`, QCC_SECRET_KEY: 'cd'.repeat(32) }
  let conn: mysql.Connection

  beforeAll(async () => {
    conn = await mysql.createConnection(server)
    await conn.query(`CREATE DATABASE \`${db}\``)
  })
  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``)
    await conn?.end()
  })

  it('limits set, merged and refused through the API survive a restart', async () => {
    let qcc = await startTestQcc(env)
    let keyId: string
    let accountId: string
    try {
      const root = await loggedIn(qcc, 'admin', 'admin123')
      const t = await createTenant(root, 'dbt')
      accountId = t.id
      const acc = await root.put(`/admin/api/accounts?id=${t.id}`, {
        limits: { rpm: 100, ips: ['10.0.0.0/8'], expires_at: '2031-01-01T00:00:00Z' },
      })
      expect(acc.status).toBe(200)
      const created = await t.client.post('/admin/api/keys', { name: 'k', limits: { rpm: 10 } })
      expect(created.status).toBe(201)
      keyId = created.json.id
      const merged = await t.client.put(`/admin/api/keys?id=${keyId}`, {
        limits: { rpm: null, tpm: 500, ips: ['10.1.2.3'] },
      })
      expect(merged.json.limits).toEqual({ tpm: 500, ips: ['10.1.2.3'] })
      const beyond = await t.client.put(`/admin/api/keys?id=${keyId}`, {
        limits: { ips: ['192.0.2.1'] },
      })
      expect(beyond.status).toBe(400)
      expect(beyond.json.error).toMatch(/^limits\.ips: /)
      expect((await t.client.put(`/admin/api/accounts?id=${t.id}`, { limits: null })).status).toBe(
        403,
      )
      const status = await fetch(`${qcc.url}/key/status`, {
        headers: { 'x-api-key': created.json.key },
      })
      expect(await status.json()).toMatchObject({
        key: { name: 'k', account: 'dbt', expires_at: '2031-01-01T00:00:00.000Z' },
        limits: { tpm: 500, ips: ['10.1.2.3'] },
      })
    } finally {
      await qcc.close()
    }
    qcc = await startTestQcc(env)
    try {
      const root = await loggedIn(qcc, 'admin', 'admin123')
      const keys = (await root.get(`/admin/api/keys?account_id=${accountId}`)).json.keys
      expect(keys.find((k: { id: string }) => k.id === keyId).limits).toEqual({
        tpm: 500,
        ips: ['10.1.2.3'],
      })
      const accounts = (await root.get('/admin/api/accounts')).json.accounts
      expect(accounts.find((a: { id: string }) => a.id === accountId).limits).toEqual({
        rpm: 100,
        ips: ['10.0.0.0/8'],
        expires_at: '2031-01-01T00:00:00.000Z',
      })
    } finally {
      await qcc.close()
    }
  })
})

describe('config.changed and the spend windows (src/admin/config-events.ts)', () => {
  it('says limits: true exactly when limits of a key or account changed', async () => {
    const bus = new EventBus()
    const seen: Array<{ accountId: string | null; limits: boolean }> = []
    bus.subscribe((e) => {
      if (e.type === 'config.changed')
        seen.push({ accountId: e.accountId, limits: e.data.limits === true })
    })
    const app = await adminApp({ eventBus: bus })
    try {
      const root = await app.login()
      const made = await app.request('POST', '/admin/api/accounts', root, { name: 'seeded' })
      const { id } = (await made.json()) as { id: string }
      await app.request('POST', `/admin/api/nodes?account_id=${id}`, root, {
        name: 'n',
        base_url: 'https://relay.test',
      })
      const plain = seen.length
      expect(seen.every((e) => !e.limits)).toBe(true)
      await app.request('PUT', `/admin/api/accounts?id=${id}`, root, {
        limits: { cost_daily_usd: 5 },
      })
      const key = await app.request('POST', `/admin/api/keys?account_id=${id}`, root, {
        name: 'k',
        limits: { cost_total_usd: 1 },
      })
      const keyId = ((await key.json()) as { id: string }).id
      await app.request('PUT', `/admin/api/keys?id=${keyId}`, root, { limits: { rpm: 5 } })
      // A rename changes no limit.
      await app.request('PUT', `/admin/api/accounts?id=${id}`, root, { name: 'seeded-2' })
      expect(seen.slice(plain)).toEqual([
        { accountId: id, limits: true },
        { accountId: id, limits: true },
        { accountId: id, limits: true },
        { accountId: id, limits: false },
      ])
    } finally {
      await app.close()
    }
  })
})
