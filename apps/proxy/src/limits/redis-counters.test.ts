import { randomUUID } from 'node:crypto'
import type { CountedLimitName } from '@qcc/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropKeys, fakeFallback, testPrefix, upLink } from '../../test/redis-fakes'
import type { RedisLink } from '../redis/connection'
import type { CounterCheck, CounterSubject } from './counters'
import { createRedisLimitCounters, type RedisLimitCounters } from './redis-counters'
import { calendarPeriod } from './redis-keys'

// Wednesday 2025-01-01 12:00 UTC: aligned to every bucket (1 s and 5 min).
const T0 = Date.UTC(2025, 0, 1, 12)
const MIN = 60_000
const prefix = testPrefix()
let link: RedisLink
let counters: RedisLimitCounters

beforeAll(async () => {
  link = await upLink(prefix)
  counters = createRedisLimitCounters({ link, fallback: fakeFallback().counters })
})
afterAll(async () => {
  await counters.close()
  await dropKeys(link, prefix)
  await link.close()
})

function subject(scope: 'key' | 'account' = 'key'): CounterSubject {
  return { scope, id: randomUUID() }
}
function check(s: CounterSubject, limit: CountedLimitName, cap: number, at = T0): CounterCheck {
  const c: CounterCheck = { scope: s.scope, subjectId: s.id, limit, cap }
  if (limit === 'cost_daily_usd' || limit === 'cost_weekly_usd' || limit === 'cost_monthly_usd')
    c.period = calendarPeriod(limit, at)
  return c
}
/** record is fire and forget; a windows read behind it on the same connection sees it applied. */
async function recorded(s: CounterSubject, tokens: number, costUsd: number, at: number) {
  counters.record([s], { requestId: randomUUID(), tokens, costUsd, at })
  await link.client.ping()
}

describe('redis counters at each boundary (fake clock)', () => {
  it('rpm: a 60 s sliding window of requests, freesAt when the oldest leaves', async () => {
    const s = subject()
    const rpm = [check(s, 'rpm', 3)]
    for (let i = 0; i < 3; i++)
      expect(await counters.admit(randomUUID(), rpm, T0 + i)).toEqual({ ok: true })
    expect(await counters.admit(randomUUID(), rpm, T0 + 10)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + MIN,
    })
    expect((await counters.admit(randomUUID(), rpm, T0 + MIN - 1)).ok).toBe(false)
    expect(await counters.admit(randomUUID(), rpm, T0 + MIN)).toEqual({ ok: true })
    expect((await counters.admit(randomUUID(), rpm, T0 + MIN)).ok).toBe(false)
  })

  it('concurrency: slots until released, release is idempotent', async () => {
    const s = subject()
    const conc = [check(s, 'concurrency', 2)]
    expect((await counters.admit('a', conc, T0)).ok).toBe(true)
    expect((await counters.admit('b', conc, T0)).ok).toBe(true)
    expect(await counters.admit('c', conc, T0)).toEqual({ ok: false, index: 0 })
    counters.release('a', conc)
    counters.release('a', conc)
    await link.client.ping()
    expect((await counters.admit('c', conc, T0 + 1)).ok).toBe(true)
    expect((await counters.admit('d', conc, T0 + 1)).ok).toBe(false)
    expect(await counters.windows(conc, T0 + 1)).toEqual({ concurrency: { used: 2, limit: 2 } })
  })

  it('concurrency: by default a slot nobody releases or refreshes is gone within 60 s', async () => {
    // docs/contract.md §10: a crashed replica's slots expire within 60 s (the default lease).
    const s = subject()
    const conc = [check(s, 'concurrency', 1)]
    expect((await counters.admit('crashed', conc, T0)).ok).toBe(true)
    expect((await counters.admit('next', conc, T0 + MIN - 1)).ok).toBe(false)
    expect((await counters.admit('next', conc, T0 + MIN)).ok).toBe(true)
    counters.release('next', conc)
  })

  it('tpm: refused at the cap; a bucket counts until all of it left the window', async () => {
    const s = subject()
    const tpm = [check(s, 'tpm', 100)]
    await recorded(s, 60, 0, T0 + 999)
    expect((await counters.admit(randomUUID(), tpm, T0 + 1000)).ok).toBe(true)
    await recorded(s, 40, 0, T0 + 10_000)
    // The first bucket [T0, T0+1 s) leaves at T0 + 61 s: never under-counted, even at T0 + 60.9 s.
    expect(await counters.admit(randomUUID(), tpm, T0 + 10_000)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + 61_000,
    })
    expect((await counters.admit(randomUUID(), tpm, T0 + 60_999)).ok).toBe(false)
    expect((await counters.admit(randomUUID(), tpm, T0 + 61_000)).ok).toBe(true)
    expect(await counters.windows(tpm, T0 + 61_000)).toEqual({
      tpm: { used: 40, limit: 100, resetsAt: T0 + 71_000 },
    })
  })

  it('cost_5h_usd: 5 h sliding in 5 min buckets', async () => {
    const s = subject()
    const c5 = [check(s, 'cost_5h_usd', 2)]
    await recorded(s, 0, 1.5, T0)
    await recorded(s, 0, 0.5, T0 + 60 * MIN)
    const end = T0 + 5 * 60 * MIN + 5 * MIN
    expect(await counters.admit(randomUUID(), c5, T0 + 61 * MIN)).toEqual({
      ok: false,
      index: 0,
      freesAt: end,
    })
    expect((await counters.admit(randomUUID(), c5, end - 1)).ok).toBe(false)
    expect((await counters.admit(randomUUID(), c5, end)).ok).toBe(true)
  })

  it('calendar windows: at or over the cap in the UTC period, fresh in the next', async () => {
    const s = subject()
    const day = (at: number) => [check(s, 'cost_daily_usd', 5, at)]
    await recorded(s, 0, 4, T0)
    expect((await counters.admit(randomUUID(), day(T0), T0)).ok).toBe(true)
    await recorded(s, 0, 1, T0 + 1)
    expect(await counters.admit(randomUUID(), day(T0), T0 + 2)).toEqual({ ok: false, index: 0 })
    const tomorrow = Date.UTC(2025, 0, 2)
    expect((await counters.admit(randomUUID(), day(tomorrow), tomorrow)).ok).toBe(true)
    // The ISO week (from Monday 2024-12-30) and the month still hold the 5 USD.
    const week = check(s, 'cost_weekly_usd', 5, tomorrow)
    const month = check(s, 'cost_monthly_usd', 5.01, tomorrow)
    expect(await counters.admit(randomUUID(), [month, week], tomorrow)).toEqual({
      ok: false,
      index: 1,
    })
    const windows = await counters.windows([week, month], tomorrow)
    expect(windows.cost_weekly_usd).toEqual({ used: 5, limit: 5, resetsAt: Date.UTC(2025, 0, 6) })
    expect(windows.cost_monthly_usd?.resetsAt).toBe(Date.UTC(2025, 1, 1))
  })

  it('cost_total_usd: all-time spend', async () => {
    const s = subject('account')
    const total = [check(s, 'cost_total_usd', 1)]
    await recorded(s, 0, 0.99, T0)
    expect((await counters.admit(randomUUID(), total, T0 + 365 * 24 * 60 * MIN)).ok).toBe(true)
    await recorded(s, 0, 0.01, T0)
    expect((await counters.admit(randomUUID(), total, T0)).ok).toBe(false)
  })

  it('takes nothing when a later check refuses, and names the first refusing check', async () => {
    const key = subject('key')
    const account = subject('account')
    await recorded(account, 0, 3, T0)
    const checks = [
      check(key, 'concurrency', 5),
      check(key, 'rpm', 10),
      check(account, 'rpm', 10),
      check(account, 'cost_daily_usd', 3),
      check(account, 'cost_total_usd', 1),
    ]
    expect(await counters.admit('r1', checks, T0)).toEqual({ ok: false, index: 3 })
    const windows = await counters.windows(checks.slice(0, 2), T0)
    expect(windows).toEqual({ concurrency: { used: 0, limit: 5 }, rpm: { used: 0, limit: 10 } })
    expect(await counters.windows([check(account, 'rpm', 10)], T0)).toEqual({
      rpm: { used: 0, limit: 10 },
    })
  })

  it('records tokens and spend for the key and its account at once', async () => {
    const key = subject('key')
    const account = subject('account')
    counters.record([key, account], { requestId: 'x', tokens: 7, costUsd: 0.25, at: T0 })
    await link.client.ping()
    for (const s of [key, account]) {
      const w = await counters.windows([check(s, 'tpm', 10), check(s, 'cost_total_usd', 1)], T0 + 1)
      expect(w).toEqual({
        tpm: { used: 7, limit: 10, resetsAt: T0 + 61_000 },
        cost_total_usd: { used: 0.25, limit: 1 },
      })
    }
  })
})

describe('seedSpend', () => {
  it('raises windows to the store spend, never lowers them, so nothing counts twice', async () => {
    const s = subject()
    const checks = [
      check(s, 'cost_5h_usd', 100),
      check(s, 'cost_daily_usd', 100),
      check(s, 'cost_weekly_usd', 100),
      check(s, 'cost_monthly_usd', 100),
      check(s, 'cost_total_usd', 100),
    ]
    await recorded(s, 0, 2, T0)
    // The store has committed 1.5 of the 2 Redis counted: Redis keeps 2.
    const lagging = {
      last5hByMinute: [[T0, 1.5]] as const,
      day: 1.5,
      week: 1.5,
      month: 1.5,
      total: 1.5,
      at: T0,
    }
    await counters.seedSpend(s, lagging)
    let w = await counters.windows(checks, T0 + 1)
    expect([w.cost_5h_usd?.used, w.cost_daily_usd?.used, w.cost_total_usd?.used]).toEqual([2, 2, 2])
    // Redis lost spend (an outage or a restart): the store's larger numbers win.
    const ahead = {
      last5hByMinute: [
        [T0 - 2 * 60 * MIN, 1],
        [T0 - 6 * 60 * MIN, 50],
        [T0, 3],
      ] as const,
      day: 3,
      week: 4,
      month: 5,
      total: 9,
      at: T0,
    }
    await counters.seedSpend(s, ahead)
    w = await counters.windows(checks, T0 + 1)
    // 5 h: 1 (two hours ago) + 3 (now); the bucket of six hours ago is outside the window.
    expect(w.cost_5h_usd?.used).toBe(4)
    expect([w.cost_daily_usd?.used, w.cost_weekly_usd?.used, w.cost_monthly_usd?.used]).toEqual([
      3, 4, 5,
    ])
    expect(w.cost_total_usd?.used).toBe(9)
    // What Redis counts after the seed adds on top.
    await recorded(s, 0, 1, T0 + 2)
    w = await counters.windows(checks, T0 + 3)
    expect([w.cost_daily_usd?.used, w.cost_total_usd?.used]).toEqual([4, 10])
  })

  it('gives soft state a TTL and the all-time counter none', async () => {
    const s = subject()
    await recorded(s, 5, 1, Date.now())
    const base = `${prefix}lim:key:${s.id}`
    expect(await link.client.pttl(`${base}:tpm`)).toBeGreaterThan(0)
    expect(await link.client.pttl(`${base}:cost_5h_usd`)).toBeGreaterThan(0)
    const day = calendarPeriod('cost_daily_usd', Date.now())
    expect(await link.client.pttl(`${base}:cost_daily_usd:${day.startMs}`)).toBeGreaterThan(0)
    expect(await link.client.pttl(`${base}:cost_total_usd`)).toBe(-1)
  })
})

describe('calendarPeriod', () => {
  it('is the UTC day, ISO week from Monday and month', () => {
    expect(calendarPeriod('cost_daily_usd', T0)).toEqual({
      startMs: Date.UTC(2025, 0, 1),
      endMs: Date.UTC(2025, 0, 2),
    })
    expect(calendarPeriod('cost_weekly_usd', T0)).toEqual({
      startMs: Date.UTC(2024, 11, 30),
      endMs: Date.UTC(2025, 0, 6),
    })
    expect(calendarPeriod('cost_weekly_usd', Date.UTC(2025, 0, 5, 23, 59))).toEqual({
      startMs: Date.UTC(2024, 11, 30),
      endMs: Date.UTC(2025, 0, 6),
    })
    expect(calendarPeriod('cost_weekly_usd', Date.UTC(2025, 0, 6))).toEqual({
      startMs: Date.UTC(2025, 0, 6),
      endMs: Date.UTC(2025, 0, 13),
    })
    expect(calendarPeriod('cost_monthly_usd', Date.UTC(2024, 1, 29, 23))).toEqual({
      startMs: Date.UTC(2024, 1, 1),
      endMs: Date.UTC(2024, 2, 1),
    })
    expect(calendarPeriod('cost_monthly_usd', Date.UTC(2024, 11, 31, 23))).toEqual({
      startMs: Date.UTC(2024, 11, 1),
      endMs: Date.UTC(2025, 0, 1),
    })
  })
})
