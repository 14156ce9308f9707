// Limits when Redis fails (docs/contract.md §10 "Exactness", §11): the real server with its Redis
// link through a TCP relay that the test cuts and restores, in front of the fake upstream; and a
// replica killed with SIGKILL (a child process: no release, no lease refresh) whose concurrency
// slots another replica on the same Redis and database must see expire.
import { Writable } from 'node:stream'
import type { Limits } from '@qcc/core'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { limitKey } from '../src/limits/redis-keys'
import { createLogger } from '../src/observability/logger'
import { createTestDatabase } from './mysql-db'
import { dropKeys, REDIS_URL, testPrefix, upLink } from './redis-fakes'
import { startRedisRelay } from './redis-relay'
import { startReplicaProcess } from './replica-process'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { eventually, pollUntil } from './wait'

let upstream: FakeUpstream
/** What a test started, stopped after it in reverse order (a server before its database). */
const stops: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
  upstream.reset()
})
afterAll(async () => {
  await upstream?.close()
})

function post(url: string, secret: string, body: object = MESSAGE_BODY) {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': secret },
    body: JSON.stringify(body),
  })
}

/** One request read to its end: its status and how long the whole answer took. */
async function timed(url: string, secret: string, body?: object) {
  const started = performance.now()
  const res = await post(url, secret, body)
  const text = await res.text()
  return { status: res.status, ms: performance.now() - started, text }
}

async function gauge(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

/** The server's JSON log lines, kept for assertions (pino writes one line per write). */
function capturedLog() {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as (typeof lines)[number])
      done()
    },
  })
  return { logger: createLogger('info', stream), lines }
}

describe('limits while Redis is cut and after it is back', () => {
  it('fail open within bounded time, cost caps from the fallback, exact again after the reconnect, no usage lost', async () => {
    const relay = await startRedisRelay()
    const prefix = testPrefix()
    const direct = await upLink(prefix)
    stops.push(
      () => direct.close(),
      () => dropKeys(direct, prefix),
      () => relay.close(),
    )
    const log = capturedLog()
    const qcc = await startTestQcc(
      {
        UPSTREAM_BASE_URL: upstream.url,
        UPSTREAM_API_KEY: 'sk-ant-redis-faults',
        PROXY_REDIS_URL: relay.url(),
        PROXY_REDIS_PREFIX: prefix,
      },
      { logger: log.logger },
    )
    stops.push(() => qcc.close())
    await pollUntil('qcc_redis_up 1', async () => (await gauge(qcc.url, 'qcc_redis_up')) === 1)
    const account = await qcc.store.getAccountByName('default')
    if (!account) throw new Error('no default account')
    const newKey = async (limits: Limits) =>
      (await qcc.store.createProxyKey({ accountId: account.id, limits })).secret
    const main = await newKey({ rpm: 4, concurrency: 2, cost_daily_usd: 1000 })
    // One fake answer costs more than this: one request closes each of these windows.
    const spentBefore = await newKey({ cost_daily_usd: 0.000001 })
    const spentWhileCut = await newKey({ cost_daily_usd: 0.000001 })
    // One answer's tokens fill this window.
    const tokens = await newKey({ tpm: 1 })
    const sent = { requests: 0, errors: 0 }
    const send = async (secret: string, body?: object) => {
      const answer = await timed(qcc.url, secret, body)
      sent.requests++
      if (answer.status !== 200) sent.errors++
      return answer
    }

    // Redis healthy: counted there.
    const healthy = [await send(main), await send(main)]
    expect(healthy.map((a) => a.status)).toEqual([200, 200])
    expect((await send(spentBefore)).status).toBe(200)
    await eventually(async () => expect((await send(spentBefore)).status).toBe(429))

    expect((await send(tokens)).status).toBe(200)
    await eventually(async () => expect((await send(tokens)).status).toBe(429))

    await relay.cut()
    await pollUntil('qcc_redis_up 0', async () => (await gauge(qcc.url, 'qcc_redis_up')) === 0)
    expect(await gauge(qcc.url, 'qcc_limits_degraded')).toBe(1)
    // rpm and concurrency fail open: 3 at once over concurrency 2, then 8 in the minute over rpm 4.
    upstream.enqueue(
      ...Array.from({ length: 3 }, () => ({ kind: 'ok' as const, firstByteDelayMs: 300 })),
    )
    const together = await Promise.all([send(main), send(main), send(main)])
    expect(together.map((a) => a.status)).toEqual([200, 200, 200])
    const cut = [await send(main), await send(main), await send(main)]
    expect(cut.map((a) => a.status)).toEqual([200, 200, 200])
    // A request pays at most ~100 ms for finding Redis gone (contract §11): loosely, under 1 s.
    for (const answer of cut) expect(answer.ms).toBeLessThan(1000)
    for (const answer of together) expect(answer.ms).toBeLessThan(1300)
    // tpm fails open too (its window in Redis is full); the cost windows answer from the
    // fallback: spend from before the cut, and spend of now.
    expect((await send(tokens)).status).toBe(200)
    const refused = await send(spentBefore)
    expect(refused.status).toBe(429)
    expect(refused.text).toContain('key cost_daily_usd limit')
    expect((await send(spentWhileCut)).status).toBe(200)
    await eventually(async () => expect((await send(spentWhileCut)).status).toBe(429))
    const warnings = log.lines.filter((l) => l.level === 40 && /redis unreachable/.test(l.msg))
    expect(warnings).toHaveLength(1)

    const restoring = performance.now()
    await relay.restore()
    await pollUntil(
      'qcc_redis_up 1 and qcc_limits_degraded 0',
      async () =>
        (await gauge(qcc.url, 'qcc_redis_up')) === 1 &&
        (await gauge(qcc.url, 'qcc_limits_degraded')) === 0,
      { timeoutMs: 5000 },
    )
    const reconnectMs = performance.now() - restoring
    // Exact again: the two units taken before the cut still count, none of the cut's did.
    const after = [await send(main), await send(main), await send(main)]
    expect(after.map((a) => a.status)).toEqual([200, 200, 429])
    expect(after[2]?.text).toContain('key rpm limit 4 reached')
    // The spend Redis missed while cut comes back from the store's re-seed after the reconnect.
    await eventually(async () => expect((await send(spentWhileCut)).status).toBe(429))
    expect((await send(spentBefore)).status).toBe(429)
    expect((await send(tokens)).status).toBe(429)
    expect(log.lines.filter((l) => /redis reachable again/.test(l.msg))).toHaveLength(1)
    expect(log.lines.filter((l) => /redis unreachable/.test(l.msg))).toHaveLength(1)
    for (const secret of [main, spentBefore, spentWhileCut, tokens])
      expect(JSON.stringify(log.lines)).not.toContain(secret)

    // No usage lost: every request sent is in the usage, refusals as errors.
    await qcc.store.usageWriter.flush()
    const { total } = await qcc.store.usageSummary({ accountId: account.id })
    expect({ requests: total.requests, errors: total.errors }).toEqual(sent)
    console.info(
      `redis-faults: healthy ${healthy.map((a) => a.ms.toFixed(1)).join(', ')} ms; ` +
        `cut ${cut.map((a) => a.ms.toFixed(1)).join(', ')} ms; ` +
        `cut with 300 ms upstream ${together.map((a) => a.ms.toFixed(1)).join(', ')} ms; ` +
        `reconnect ${reconnectMs.toFixed(0)} ms`,
    )
  }, 40_000)

  it('a Redis that swallows packets costs a request at most about the command timeout', async () => {
    const relay = await startRedisRelay()
    const prefix = testPrefix()
    const direct = await upLink(prefix)
    stops.push(
      () => direct.close(),
      () => dropKeys(direct, prefix),
      () => relay.close(),
    )
    const qcc = await startTestQcc({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_API_KEY: 'sk-ant-redis-stall',
      PROXY_REDIS_URL: relay.url(),
      PROXY_REDIS_PREFIX: prefix,
    })
    stops.push(() => qcc.close())
    await pollUntil('qcc_redis_up 1', async () => (await gauge(qcc.url, 'qcc_redis_up')) === 1)
    const account = await qcc.store.getAccountByName('default')
    if (!account) throw new Error('no default account')
    const { secret } = await qcc.store.createProxyKey({
      accountId: account.id,
      limits: { rpm: 2, concurrency: 1 },
    })
    const healthy = await timed(qcc.url, secret)
    expect(healthy.status).toBe(200)

    relay.stall()
    // Until the link sees the socket dead (1 s without an answer), each admit waits out the
    // 100 ms command timeout and fails open; then none waits at all (docs/contract.md §11).
    const stalled: Awaited<ReturnType<typeof timed>>[] = []
    for (let i = 0; i < 6; i++) stalled.push(await timed(qcc.url, secret))
    expect(stalled.map((a) => a.status)).toEqual(Array(6).fill(200))
    for (const answer of stalled) expect(answer.ms).toBeLessThan(1000)
    await pollUntil('qcc_redis_up 0', async () => (await gauge(qcc.url, 'qcc_redis_up')) === 0, {
      timeoutMs: 5000,
    })
    expect(await gauge(qcc.url, 'qcc_limits_degraded')).toBe(1)
    const down = await timed(qcc.url, secret)
    expect(down.status).toBe(200)
    expect(down.ms).toBeLessThan(1000)

    await relay.restore()
    await pollUntil(
      'qcc_redis_up 1 and qcc_limits_degraded 0',
      async () =>
        (await gauge(qcc.url, 'qcc_redis_up')) === 1 &&
        (await gauge(qcc.url, 'qcc_limits_degraded')) === 0,
      { timeoutMs: 8000 },
    )
    console.info(
      `redis-faults: healthy ${healthy.ms.toFixed(1)} ms; stalled ` +
        `${stalled.map((a) => a.ms.toFixed(1)).join(', ')} ms; link down ${down.ms.toFixed(1)} ms`,
    )
  }, 40_000)
})

/** The killed replica's lease: short, so the test need not wait out the default 60 s. */
const LEASE_MS = 3000

describe('a killed replica', () => {
  it('its concurrency slots expire with their lease; the other replica admits again', async () => {
    const prefix = testPrefix()
    const direct = await upLink(prefix)
    stops.push(
      () => direct.close(),
      () => dropKeys(direct, prefix),
    )
    const db = await createTestDatabase('redis_faults')
    stops.push(() => db.drop())
    const common = {
      UPSTREAM_BASE_URL: upstream.url,
      PROXY_MYSQL_DSN: db.url,
      QCC_SECRET_KEY: 'cd'.repeat(32),
      PROXY_REDIS_URL: REDIS_URL,
      PROXY_REDIS_PREFIX: prefix,
    }
    // b first: it creates the schema; the tenant, its node and the key go in before a starts.
    const b = await startTestQcc(common)
    stops.push(() => b.close())
    const account = await b.store.createAccount({ name: 'tenant', password: 'tenant-password-1' })
    await b.store.createNode({
      accountId: account.id,
      name: 'n1',
      baseUrl: upstream.url,
      apiKey: 'sk-ant-replicas',
      allowPrivate: true,
    })
    const made = await b.store.createProxyKey({ accountId: account.id, limits: { concurrency: 2 } })
    await b.refresh()
    const a = await startReplicaProcess(common, { limitLeaseMs: LEASE_MS })
    stops.push(() => a.kill())

    // a takes both slots with streams the upstream holds open (60 s of events).
    const hold = { kind: 'ok' as const, events: 600, eventDelayMs: 100 }
    upstream.enqueue(hold, hold)
    const streams = await Promise.all([
      post(a.url, made.secret, { ...MESSAGE_BODY, stream: true }),
      post(a.url, made.secret, { ...MESSAGE_BODY, stream: true }),
    ])
    expect(streams.map((r) => r.status)).toEqual([200, 200])
    const slots = limitKey(prefix, 'key', made.key.id, 'concurrency')
    const leases = await direct.client.zrange(slots, '0', '-1', 'WITHSCORES')
    expect(leases).toHaveLength(4)
    const latest = Math.max(Number(leases[1]), Number(leases[3]))
    expect(
      latest,
      'the replica process runs with the short lease (is dist stale? pnpm build)',
    ).toBeLessThanOrEqual(Date.now() + LEASE_MS)

    // a dies: no release, no refresh. Its slots stay until their lease ends.
    await a.kill()
    const killed = performance.now()
    for (const r of streams) await r.text().catch(() => '')
    const refused = await timed(b.url, made.secret)
    expect(refused.status).toBe(429)
    expect(refused.text).toContain('key concurrency limit 2 reached')
    await eventually(async () => expect((await timed(b.url, made.secret)).status).toBe(200), {
      timeoutMs: LEASE_MS + 5000,
      intervalMs: 200,
    })
    const freedMs = performance.now() - killed
    expect(freedMs).toBeLessThan(LEASE_MS + 2000)
    console.info(
      `redis-faults: a killed replica's slots freed ${freedMs.toFixed(0)} ms after the kill`,
    )
  }, 40_000)
})
