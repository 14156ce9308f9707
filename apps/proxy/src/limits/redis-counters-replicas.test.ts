import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { dropKeys, fakeFallback, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import type { RedisLink } from '../redis/connection'
import type { CounterCheck } from './counters'
import { createRedisLimitCounters, type RedisLimitCounters } from './redis-counters'
import { calendarPeriod } from './redis-keys'

const T0 = Date.UTC(2025, 0, 1, 12)
const prefix = testPrefix()
const links: RedisLink[] = []
const counters: RedisLimitCounters[] = []
let admin: RedisLink

beforeAll(async () => void (admin = await upLink(prefix)))
afterEach(async () => {
  for (const c of counters.splice(0)) await c.close()
  for (const l of links.splice(0)) await l.close()
})
afterAll(async () => {
  await dropKeys(admin, prefix)
  await admin.close()
})

/** One "replica": its own connection and counters. */
async function replica(
  options: {
    url?: string
    leaseMs?: number
    now?: () => number
    fallback?: ReturnType<typeof fakeFallback>
  } = {},
) {
  const link = await upLink(prefix, options.url, { maxRetryDelayMs: 100 })
  const fallback = options.fallback ?? fakeFallback()
  const c = createRedisLimitCounters({
    link,
    fallback: fallback.counters,
    leaseMs: options.leaseMs,
    now: options.now,
  })
  links.push(link)
  counters.push(c)
  return { link, counters: c, fallback }
}

const subjectId = () => randomUUID()

describe('two replicas on one Redis', () => {
  it('split a burst of rpm + k and let exactly rpm through', async () => {
    const [a, b] = [await replica(), await replica()]
    const id = subjectId()
    const rpm = 25
    const checks: CounterCheck[] = [
      { scope: 'account', subjectId: id, limit: 'rpm', cap: rpm },
      { scope: 'account', subjectId: id, limit: 'concurrency', cap: 1000 },
    ]
    const burst = Array.from({ length: rpm + 15 }, (_, i) =>
      (i % 2 === 0 ? a : b).counters.admit(`r${i}`, checks, T0 + (i % 7)),
    )
    const answers = await Promise.all(burst)
    expect(answers.filter((x) => x.ok)).toHaveLength(rpm)
    expect(answers.filter((x) => !x.ok).every((x) => !x.ok && x.index === 0)).toBe(true)
    // Refused requests took no slot: the slots are the admitted ones.
    const windows = await a.counters.windows(checks, T0 + 10)
    expect(windows.concurrency?.used).toBe(rpm)
    expect(windows.rpm?.used).toBe(rpm)
  })

  it("a dead replica's slots expire with their lease; a live one's are refreshed", async () => {
    let now = T0
    const clock = () => now
    const [a, b] = [
      await replica({ leaseMs: 1000, now: clock }),
      await replica({ leaseMs: 1000, now: clock }),
    ]
    const conc: CounterCheck[] = [
      { scope: 'key', subjectId: subjectId(), limit: 'concurrency', cap: 1 },
    ]
    expect((await a.counters.admit('long-stream', conc, now)).ok).toBe(true)
    now = T0 + 900
    await a.counters.refreshLeases()
    now = T0 + 1500
    expect((await b.counters.admit('other', conc, now)).ok).toBe(false)
    // Replica a dies: no release, no more refreshes.
    await a.counters.close()
    await a.link.close()
    // The refreshed lease runs to T0 + 1900 (exclusive).
    now = T0 + 1899
    expect((await b.counters.admit('other', conc, now)).ok).toBe(false)
    now = T0 + 1900
    expect((await b.counters.admit('other', conc, now)).ok).toBe(true)
  })
})

describe('Redis unreachable', () => {
  let relay: RedisRelay
  beforeAll(async () => void (relay = await startRedisRelay()))
  afterAll(async () => relay.close())
  afterEach(async () => relay.restore())

  const timed = async <T>(run: () => Promise<T>) => {
    const start = performance.now()
    const value = await run()
    return { value, ms: performance.now() - start }
  }

  it('fails open for rpm within 100 ms, refuses cost by the fallback, recovers', async () => {
    const r = await replica({ url: relay.url() })
    const id = subjectId()
    const rpm: CounterCheck = { scope: 'key', subjectId: id, limit: 'rpm', cap: 1 }
    const daily: CounterCheck = {
      scope: 'key',
      subjectId: id,
      limit: 'cost_daily_usd',
      cap: 1,
      period: calendarPeriod('cost_daily_usd', T0),
    }
    expect((await r.counters.admit('first', [rpm, daily], T0)).ok).toBe(true)
    expect((await r.counters.admit('second', [rpm, daily], T0)).ok).toBe(false)
    expect(r.counters.degraded).toBe(false)

    await relay.cut()
    await vi.waitFor(() => expect(r.link.up).toBe(false), { timeout: 2000, interval: 10 })
    expect(r.counters.degraded).toBe(true)
    const open = await timed(() => r.counters.admit('third', [rpm, daily], T0))
    expect(open.value).toEqual({ ok: true })
    expect(open.ms).toBeLessThan(100)
    // Spend recorded while down reaches the fallback (and nothing throws); the cost window refuses.
    r.counters.record([{ scope: 'key', id }], {
      requestId: 'third',
      tokens: 10,
      costUsd: 1,
      at: T0,
    })
    expect(await r.counters.admit('fourth', [rpm, daily], T0)).toEqual({ ok: false, index: 1 })
    expect(r.counters.errors.record).toBe(1)
    expect(await r.counters.windows([daily], T0)).toEqual({ cost_daily_usd: { used: 1, limit: 1 } })

    await relay.restore()
    await vi.waitFor(() => expect(r.link.up).toBe(true), { timeout: 5000, interval: 20 })
    expect(r.counters.degraded).toBe(false)
    expect(await r.counters.admit('fifth', [rpm], T0 + 1)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + 60_000,
    })
  })

  it('answers within the command timeout when Redis stops answering', async () => {
    const r = await replica({ url: relay.url() })
    const conc: CounterCheck = {
      scope: 'key',
      subjectId: subjectId(),
      limit: 'concurrency',
      cap: 1,
    }
    expect((await r.counters.admit('held', [conc], T0)).ok).toBe(true)
    relay.stall()
    const open = await timed(() => r.counters.admit('next', [conc], T0))
    expect(open.value).toEqual({ ok: true })
    expect(open.ms).toBeLessThan(150)
    expect(r.counters.errors.admit).toBe(1)
    // The dead socket is noticed and dropped: later requests do not wait at all.
    await vi.waitFor(() => expect(r.link.up).toBe(false), { timeout: 3000, interval: 20 })
    const later = await timed(() => r.counters.admit('later', [conc], T0))
    expect(later.value).toEqual({ ok: true })
    expect(later.ms).toBeLessThan(20)
  })
})
