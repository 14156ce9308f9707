// Tenant limits end to end (docs/contract.md §10): the real server in memory mode in front of the
// fake upstream; limits are set through the store. Every refused request must leave the upstream
// untouched, so each test counts the upstream's hits.
import Anthropic from '@anthropic-ai/sdk'
import type { Limits } from '@qcc/core'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { startPool, type TestPool } from './pool'
import { eventually, pollUntil } from './wait'

let upstream: FakeUpstream
let qcc: RunningQcc
let accountId: string
/** USD one fake answer costs (measured once: the fake's fixed usage at the model's price). */
let unitCost: number

const DAY_MS = 86_400_000

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: 'sk-ant-limits' })
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  accountId = account.id
  const probe = await newKey({})
  expect((await post(probe.secret)).status).toBe(200)
  await qcc.store.usageWriter.flush()
  const [event] = await qcc.store.usageLogs({ accountId, limit: 1 })
  unitCost = event?.costUsd ?? 0
  expect(unitCost).toBeGreaterThan(0)
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
})

let keys = 0
async function newKey(limits: Limits) {
  const made = await qcc.store.createProxyKey({ accountId, name: `limits-${++keys}`, limits })
  return { id: made.key.id, secret: made.secret }
}

function post(
  secret: string,
  body: object = MESSAGE_BODY,
  path = '/v1/messages',
  signal?: AbortSignal,
) {
  return fetch(`${qcc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': secret },
    body: JSON.stringify(body),
    signal,
  })
}

const hits = () => upstream.requests.length

async function refusal(res: Response) {
  const body = (await res.json()) as { type: string; error: { type: string; message: string } }
  return {
    status: res.status,
    type: body.error.type,
    message: body.error.message,
    retryAfter: res.headers.get('retry-after'),
    shouldRetry: res.headers.get('x-should-retry'),
  }
}

describe('limits on the data path', () => {
  it('rpm: N requests pass, N+1 is refused with 429, retry-after and x-should-retry: false', async () => {
    const key = await newKey({ rpm: 3 })
    const before = hits()
    for (let i = 0; i < 3; i++) expect((await post(key.secret)).status).toBe(200)
    const r = await refusal(await post(key.secret))
    expect(r).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      message: 'key rpm limit 3 reached',
      shouldRetry: 'false',
    })
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(r.retryAfter)).toBeLessThanOrEqual(60)
    expect(hits() - before).toBe(3)
    // The refusal is one request with an error: status 429, no attempt, no tokens, its reason.
    await qcc.store.usageWriter.flush()
    const logs = await qcc.store.usageLogs({ accountId, limit: 20 })
    const refused = logs.find((e) => e.keyId === key.id && e.status === 429)
    expect(refused).toMatchObject({ attempts: 0, inputTokens: 0, costUsd: 0, nodeId: null })
    expect(refused?.refusal).toBe('key rpm limit 3 reached')
  })

  it('tpm: refused once the tokens of the window reach the cap (input + cache writes + output)', async () => {
    // The fake answers 25 input + 10 cache creation + 5 output = 40 counted tokens.
    const key = await newKey({ tpm: 80 })
    const before = hits()
    expect((await post(key.secret)).status).toBe(200)
    expect((await post(key.secret)).status).toBe(200)
    expect(await refusal(await post(key.secret))).toMatchObject({
      status: 429,
      message: 'key tpm limit 80 reached',
    })
    expect(hits() - before).toBe(2)
  })

  it('concurrency: one slot, the second request refused with retry-after 1, free when the first ends', async () => {
    const key = await newKey({ concurrency: 1 })
    upstream.enqueue({ kind: 'ok', firstByteDelayMs: 400 })
    const before = hits()
    const slow = post(key.secret)
    await pollUntil('the slow request upstream', () => hits() > before)
    const r = await refusal(await post(key.secret))
    expect(r).toMatchObject({
      status: 429,
      message: 'key concurrency limit 1 reached',
      retryAfter: '1',
    })
    expect((await slow).status).toBe(200)
    expect((await post(key.secret)).status).toBe(200)
    expect(hits() - before).toBe(2)
  })

  it('concurrency: a client that aborts gives its slot back', async () => {
    const key = await newKey({ concurrency: 1 })
    upstream.enqueue({ kind: 'hang' })
    const before = hits()
    const abort = new AbortController()
    const hung = post(key.secret, MESSAGE_BODY, '/v1/messages', abort.signal).catch(
      (e: unknown) => e,
    )
    await pollUntil('the hung request upstream', () => hits() > before)
    expect((await post(key.secret)).status).toBe(429)
    abort.abort()
    expect(await hung).toBeInstanceOf(Error)
    await eventually(async () => expect((await post(key.secret)).status).toBe(200))
  })

  it('spend: a daily cap stops a key at its boundary, cost_total without retry-after', async () => {
    const key = await newKey({ cost_daily_usd: unitCost * 2.5 })
    const before = hits()
    for (let i = 0; i < 3; i++) expect((await post(key.secret)).status).toBe(200)
    const r = await refusal(await post(key.secret))
    expect(r.status).toBe(429)
    expect(r.message).toBe(`key cost_daily_usd limit ${unitCost * 2.5} reached`)
    const endOfDay = Math.ceil((Math.floor(Date.now() / DAY_MS + 1) * DAY_MS - Date.now()) / 1000)
    expect(Math.abs(Number(r.retryAfter) - endOfDay)).toBeLessThanOrEqual(2)
    expect(hits() - before).toBe(3)

    const total = await newKey({ cost_total_usd: unitCost / 2 })
    expect((await post(total.secret)).status).toBe(200)
    const t = await refusal(await post(total.secret))
    expect(t).toMatchObject({ status: 429, retryAfter: null, shouldRetry: 'false' })
  })

  it('spend: the overshoot is bounded by the requests already in flight', async () => {
    const key = await newKey({ cost_5h_usd: unitCost / 2 })
    const before = hits()
    for (let i = 0; i < 4; i++) upstream.enqueue({ kind: 'ok', firstByteDelayMs: 200 })
    const inFlight = await Promise.all(Array.from({ length: 4 }, () => post(key.secret)))
    expect(inFlight.map((r) => r.status)).toEqual([200, 200, 200, 200])
    expect((await post(key.secret)).status).toBe(429)
    expect(hits() - before).toBe(4)
    await qcc.store.usageWriter.flush()
    const spent = (await qcc.store.usageLogs({ accountId, limit: 100 }))
      .filter((e) => e.keyId === key.id)
      .reduce((sum, e) => sum + e.costUsd, 0)
    expect(spent).toBeLessThanOrEqual(unitCost / 2 + 4 * unitCost + 1e-9)
  })

  it('models: only allowed ids, on messages and count_tokens; other routes pass', async () => {
    const key = await newKey({ models: ['claude-haiku-*'] })
    const before = hits()
    const r = await refusal(await post(key.secret))
    expect(r).toMatchObject({
      status: 403,
      type: 'permission_error',
      message: 'key models limit: model claude-sonnet-4-6 not allowed',
    })
    expect((await post(key.secret, MESSAGE_BODY, '/v1/messages/count_tokens')).status).toBe(403)
    expect((await post(key.secret, { ...MESSAGE_BODY, model: 'claude-haiku-4-5' })).status).toBe(
      200,
    )
    const models = await fetch(`${qcc.url}/v1/models`, { headers: { 'x-api-key': key.secret } })
    expect(models.status).toBe(200)
    expect(hits() - before).toBe(2)
  })

  it('ips: the client address must be allowed, on every /v1 route', async () => {
    const outside = await newKey({ ips: ['10.0.0.0/8'] })
    const before = hits()
    expect(await refusal(await post(outside.secret))).toMatchObject({
      status: 403,
      message: 'key ips limit: address 127.0.0.1 not allowed',
    })
    const models = await fetch(`${qcc.url}/v1/models`, { headers: { 'x-api-key': outside.secret } })
    expect(models.status).toBe(403)
    const inside = await newKey({ ips: ['127.0.0.0/8'] })
    expect((await post(inside.secret)).status).toBe(200)
    expect(hits() - before).toBe(1)
  })

  it('expiry: expires_at refuses with 401 on every route', async () => {
    const key = await newKey({ expires_at: Date.now() - 1000 })
    const before = hits()
    expect(await refusal(await post(key.secret))).toMatchObject({
      status: 401,
      type: 'authentication_error',
      message: 'key expired',
    })
    const models = await fetch(`${qcc.url}/v1/models`, { headers: { 'x-api-key': key.secret } })
    expect(models.status).toBe(401)
    expect(hits()).toBe(before)
  })

  it('expiry after first use: the first request is recorded, the key expires N days after it', async () => {
    const fresh = await newKey({ expires_after_first_use_days: 1 })
    expect((await post(fresh.secret)).status).toBe(200)
    await eventually(async () => {
      const [k] = (await qcc.store.listProxyKeys(accountId)).filter((x) => x.id === fresh.id)
      expect(k?.firstUsedAt).toBeInstanceOf(Date)
    })
    const old = await newKey({ expires_after_first_use_days: 1 })
    await qcc.store.markProxyKeyFirstUse(old.id, new Date(Date.now() - DAY_MS - 1000))
    const before = hits()
    expect(await refusal(await post(old.secret))).toMatchObject({
      status: 401,
      message: 'key expired',
    })
    expect(hits()).toBe(before)
  })

  it("account limits bind all the account's keys together", async () => {
    const a = await newKey({})
    const b = await newKey({})
    await qcc.store.updateAccount(accountId, { limits: { rpm: 2 } })
    try {
      await eventually(async () => {
        // Earlier tests' requests are in this account's window too: fill it up first.
        const res = await post(a.secret)
        expect(res.status).toBe(429)
      })
      const r = await refusal(await post(b.secret))
      expect(r).toMatchObject({ status: 429, message: 'account rpm limit 2 reached' })
    } finally {
      await qcc.store.updateAccount(accountId, { limits: null })
    }
    await eventually(async () => expect((await post(b.secret)).status).toBe(200))
  })

  it('the SDK sees RateLimitError with the retry-after, and does not retry it', async () => {
    const key = await newKey({ rpm: 1 })
    const sdk = (maxRetries: number) =>
      new Anthropic({ baseURL: qcc.url, apiKey: key.secret, maxRetries })
    await sdk(0).messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming)
    const before = hits()
    const err = await sdk(0)
      .messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Anthropic.RateLimitError)
    const retryAfter = Number(
      (err as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after'),
    )
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    // With its default retries the SDK obeys x-should-retry: false and gives up at once.
    const started = Date.now()
    await expect(
      sdk(2).messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(Anthropic.RateLimitError)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(hits()).toBe(before)
  })

  it("the admin API shows a key's windows from the runtime's counters", async () => {
    const key = await newKey({ rpm: 5, concurrency: 2 })
    for (let i = 0; i < 2; i++) expect((await post(key.secret)).status).toBe(200)
    const login = await fetch(`${qcc.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin123' }),
    })
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const res = await fetch(`${qcc.url}/admin/api/keys?account_id=${accountId}`, {
      headers: { cookie },
    })
    expect(res.status).toBe(200)
    const { keys: listed } = (await res.json()) as {
      keys: Array<{ id: string; windows: Record<string, { used: number; limit: number }> }>
    }
    const windows = listed.find((k) => k.id === key.id)?.windows
    expect(windows?.rpm).toMatchObject({ used: 2, limit: 5 })
    expect(windows?.concurrency).toMatchObject({ used: 0, limit: 2 })
  })

  it('counts refusals in qcc_limit_refusals_total{scope,limit}; qcc_limits_degraded is 0', async () => {
    const text = await (await fetch(`${qcc.url}/metrics`)).text()
    expect(text).toMatch(/qcc_limit_refusals_total\{scope="key",limit="rpm"\} [1-9]/)
    expect(text).toMatch(/qcc_limit_refusals_total\{scope="account",limit="rpm"\} [1-9]/)
    expect(text).toMatch(/qcc_limits_degraded 0/)
  })
})

describe('limits and failover', () => {
  let pool: TestPool | undefined
  afterAll(async () => {
    await pool?.close()
  })

  it('failover attempts take no extra rpm unit or slot', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    const account = await pool.qcc.store.getAccountByName('default')
    const made = await pool.qcc.store.createProxyKey({
      accountId: account?.id as string,
      name: 'failover',
      limits: { rpm: 2, concurrency: 1 },
    })
    const key = { 'x-api-key': made.secret }
    // Node a fails, b serves: two attempts, one request.
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 503 })
    const first = await pool.post(MESSAGE_BODY, key)
    expect(first.status).toBe(200)
    expect(first.headers.get('x-qcc-node')).toBe('b')
    expect((await pool.post(MESSAGE_BODY, key)).status).toBe(200)
    expect((await pool.post(MESSAGE_BODY, key)).status).toBe(429)
  })
})
