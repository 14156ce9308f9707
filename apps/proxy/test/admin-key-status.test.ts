/**
 * `GET /key/status` (docs/contract.md §10, "Key holders help themselves"): a key's holder sees
 * that key's limits, windows, account windows and usage; unknown keys get 401; failed lookups
 * are throttled per address. In process (fake clock) and on a real server (addresses through a
 * trusted proxy's X-Forwarded-For).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { LimitSubject, LimitWindows } from '@qcc/core'
import type { UsageEvent } from '@qcc/store'
import { keyStatusAnswer } from '../src/admin/responses'
import type { RunningQcc } from '../src/index'
import { adminApp, memoryStore, type AdminApp } from './admin-app'
import { AdminClient, errorBody, loggedIn, messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const T0 = Date.UTC(2030, 0, 10, 12)
const DAY = 86_400_000
const clock = { t: T0, now: () => clock.t }

function usage(accountId: string, keyId: string, at: number, costUsd: number): UsageEvent {
  return {
    requestId: `req_${keyId}_${at}`,
    accountId,
    keyId,
    nodeId: null,
    model: 'claude-sonnet-4-5',
    status: 200,
    attempts: 1,
    inputTokens: 10,
    outputTokens: 20,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    costUsd,
    ttfbMs: null,
    durationMs: 100,
    bytes: 100,
    sessionId: null,
    partial: false,
    at: new Date(at),
  }
}

const asked: LimitSubject[] = []
const windows = (s: LimitSubject): LimitWindows =>
  s.limits.rpm === undefined ? {} : { rpm: { used: 2, limit: s.limits.rpm, resetsAt: T0 + 1000 } }

describe('in process', () => {
  let admin: AdminApp
  let secret: string
  let otherSecret: string
  let otherId: string
  let accountId: string
  const status = (headers: Record<string, string>) => admin.app.request('/key/status', { headers })

  beforeAll(async () => {
    admin = await adminApp({
      store: await memoryStore(clock),
      now: clock.now,
      limits: {
        windows: async (s) => {
          asked.push(s)
          return windows(s)
        },
      },
    })
    const { store } = admin
    const account = await store.createAccount({ name: 'acme', password: 'acme-pass-1' })
    accountId = account.id
    await store.updateAccount(account.id, { limits: { rpm: 60, expires_at: T0 + 30 * DAY } })
    const key = await store.createProxyKey({
      accountId: account.id,
      name: 'laptop',
      limits: { rpm: 10, cost_daily_usd: 2, expires_after_first_use_days: 7 },
    })
    const other = await store.createProxyKey({ accountId: account.id, name: 'other' })
    secret = key.secret
    otherSecret = other.secret
    otherId = other.key.id
    await store.markProxyKeyFirstUse(key.key.id, new Date(T0 - DAY))
    for (const [at, cost] of [
      [T0 - 3_600_000, 0.5], // today
      [T0 - 5 * DAY, 0.25], // this month
      [T0 - 40 * DAY, 1], // before this month
    ] as const) {
      store.usageWriter.enqueue(usage(account.id, key.key.id, at, cost))
    }
    store.usageWriter.enqueue(usage(account.id, other.key.id, T0 - 60_000, 7))
    await store.usageWriter.flush()
  })
  afterAll(() => admin.close())

  it('answers the key it is sent, as x-api-key or Bearer, and nothing of other keys', async () => {
    const res = await status({ 'x-api-key': secret })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as any // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(keyStatusAnswer.parse(body)).toEqual(body)
    expect(body.key).toEqual({
      name: 'laptop',
      prefix: secret.slice(0, body.key.prefix.length),
      account: 'acme',
      // First use + 7 days comes before the account's 30-day expiry.
      expires_at: new Date(T0 + 6 * DAY).toISOString(),
    })
    expect(body.limits).toEqual({ rpm: 10, cost_daily_usd: 2, expires_after_first_use_days: 7 })
    const resets = new Date(T0 + 1000).toISOString()
    expect(body.windows).toEqual({ rpm: { used: 2, limit: 10, resets_at: resets } })
    expect(body.account_windows).toEqual({ rpm: { used: 2, limit: 60, resets_at: resets } })
    expect(asked.map((s) => s.scope)).toEqual(['key', 'account'])
    expect(body.usage.today).toMatchObject({ requests: 1, cost_usd: 0.5, input_tokens: 10 })
    expect(body.usage.month).toMatchObject({ requests: 2, cost_usd: 0.75 })
    expect(body.usage.total).toMatchObject({ requests: 3, cost_usd: 1.75 })
    // Nothing of the other key: not its name, id or secret (its 8-character prefix may equal
    // this key's, both being `sk-qcc-` and one random character, so it proves nothing).
    const text = JSON.stringify(body)
    for (const leak of ['"other"', otherId, otherSecret]) expect(text).not.toContain(leak)

    const bearer = await status({ authorization: `Bearer ${otherSecret}` })
    const theOther = (await bearer.json()) as any // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(theOther.key).toMatchObject({
      name: 'other',
      expires_at: new Date(T0 + 30 * DAY).toISOString(),
    })
    expect(theOther.usage.total).toMatchObject({ requests: 1, cost_usd: 7 })
  })

  it('an unknown or missing key is 401 {error}; a revoked key is unknown', async () => {
    const sent: Array<Record<string, string>> = [{ 'x-api-key': 'no-such-key-0123456789' }, {}]
    for (const headers of sent) {
      const res = await status(headers)
      expect(res.status).toBe(401)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toEqual(errorBody('not_logged_in', 'invalid api key'))
    }
    const spare = await admin.store.createProxyKey({ accountId })
    expect((await status({ 'x-api-key': spare.secret })).status).toBe(200)
    await admin.store.revokeProxyKey(spare.key.id)
    expect((await status({ 'x-api-key': spare.secret })).status).toBe(401)
  })

  it('failed lookups lock the address (429 with retry-after); successful ones are not counted', async () => {
    // In process every request has the same (empty) address. Two failures so far (above).
    for (let i = 0; i < 17; i++) {
      expect((await status({ 'x-api-key': `wrong-${i}-0123456789abcdef` })).status).toBe(401)
      expect((await status({ 'x-api-key': secret })).status).toBe(200)
    }
    expect((await status({ 'x-api-key': 'wrong-last-0123456789abc' })).status).toBe(401)
    const locked = await status({ 'x-api-key': secret })
    expect(locked.status).toBe(429)
    expect(await locked.json()).toEqual(errorBody('too_many_requests'))
    const retry = Number(locked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(15 * 60)
    // The lock ends when the failures are older than the window (login's 15 minutes).
    clock.t += retry * 1000
    expect((await status({ 'x-api-key': secret })).status).toBe(200)
  })
})

describe('on a server behind a trusted proxy', () => {
  let qcc: RunningQcc
  let up: FakeUpstream
  let admin: AdminClient
  let key: string
  const from = (address: string, secret: string) =>
    fetch(`${qcc.url}/key/status`, {
      headers: { 'x-api-key': secret, 'x-forwarded-for': address },
    })

  beforeAll(async () => {
    up = await startFakeUpstream()
    qcc = await startTestQcc({ PROXY_TRUSTED_PROXIES: '127.0.0.1' })
    admin = await loggedIn(qcc, 'admin', 'admin123')
    const node = await admin.post('/admin/api/nodes', {
      name: 'n',
      base_url: up.url,
      api_key: 'sk-ant-x',
    })
    expect(node.status).toBe(201)
    const created = await admin.post('/admin/api/keys', { name: 'mine', limits: { rpm: 5 } })
    key = created.json.key
  })
  afterAll(async () => {
    await qcc?.close()
    await up?.close()
  })

  it("shows the runtime's counters: a request through /v1 fills one rpm unit", async () => {
    const res = await messages(qcc.url, key, MESSAGE_BODY)
    expect(res.status).toBe(200)
    await res.text()
    const status = await from('127.0.0.1', key)
    const body = (await status.json()) as any // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.windows.rpm).toMatchObject({ used: 1, limit: 5 })
    expect(Date.parse(body.windows.rpm.resets_at)).toBeGreaterThan(Date.now())
    const listed = (await admin.get('/admin/api/keys')).json.keys.find(
      (k: { name: string }) => k.name === 'mine',
    )
    expect(listed.windows.rpm).toMatchObject({ used: 1, limit: 5 })
  })

  it('throttles failures per address: one address locked, another still answered', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await from('203.0.113.7', `bad-${i}-0123456789abcdef`)).status).toBe(401)
    }
    const locked = await from('203.0.113.7', key)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    const elsewhere = await from('203.0.113.8', key)
    expect(elsewhere.status).toBe(200)
    expect(await elsewhere.json()).toMatchObject({ key: { name: 'mine' }, limits: { rpm: 5 } })
  })

  it('the default key works from loopback only, as on /v1', async () => {
    const local = await fetch(`${qcc.url}/key/status`, {
      headers: { authorization: 'Bearer admin' },
    })
    expect(local.status).toBe(200)
    expect(((await local.json()) as { key: { account: string } }).key.account).toBe('admin')
    expect((await from('198.51.100.4', 'admin')).status).toBe(401)
    expect((await AdminClient.for(qcc).get('/key/status')).status).toBe(401)
  })
})
