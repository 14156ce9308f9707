import { planCounterChecks, type CounterCheck, type Limits } from '@qcc/core'
import { describe, expect, it } from 'vitest'
import { MemoryLimitCounters } from './memory-counters'

const T0 = Date.parse('2026-03-04T10:00:00Z')
const KEY = { scope: 'key', id: 'k1' } as const
const checksOf = (limits: Limits, now = T0, scope: 'key' | 'account' = 'key'): CounterCheck[] =>
  planCounterChecks([{ scope, id: scope === 'key' ? 'k1' : 'a1', limits }], now)
const usage = (at: number, tokens: number, costUsd: number) => ({
  requestId: `r${at}`,
  tokens,
  costUsd,
  at,
})

describe('MemoryLimitCounters', () => {
  it('rpm: N in a minute, N+1 refused until the first leaves the window', () => {
    const c = new MemoryLimitCounters()
    const checks = checksOf({ rpm: 3 })
    for (let i = 0; i < 3; i++)
      expect(c.admit(`r${i}`, checks, T0 + i * 1000)).toEqual({ ok: true })
    expect(c.admit('r3', checks, T0 + 59_999)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + 60_000,
    })
    expect(c.admit('r4', checks, T0 + 60_000)).toEqual({ ok: true })
    expect(c.admit('r5', checks, T0 + 60_500)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + 61_000,
    })
  })

  it('concurrency: N slots, the next refused until one is released (twice is harmless)', () => {
    const c = new MemoryLimitCounters()
    const checks = checksOf({ concurrency: 2 })
    expect(c.admit('a', checks, T0).ok).toBe(true)
    expect(c.admit('b', checks, T0).ok).toBe(true)
    expect(c.admit('c', checks, T0)).toEqual({ ok: false, index: 0 })
    c.release('a', checks)
    c.release('a', checks)
    expect(c.admit('c', checks, T0).ok).toBe(true)
    expect(c.admit('d', checks, T0).ok).toBe(false)
  })

  it('a refused request takes nothing in any window', () => {
    const c = new MemoryLimitCounters()
    const checks = [...checksOf({ rpm: 5 }), ...checksOf({ concurrency: 1 }, T0, 'account')]
    expect(c.admit('a', checks, T0).ok).toBe(true)
    for (let i = 0; i < 10; i++)
      expect(c.admit(`x${i}`, checks, T0)).toMatchObject({ ok: false, index: 1 })
    c.release('a', checks)
    // Only 'a' took an rpm unit: four more fit.
    for (let i = 0; i < 4; i++) {
      expect(c.admit(`y${i}`, checks, T0).ok).toBe(true)
      c.release(`y${i}`, checks)
    }
    expect(c.admit('z', checks, T0)).toMatchObject({ ok: false, index: 0 })
  })

  it('tpm: refused at the cap, free again when the tokens leave the window (never under-counting)', () => {
    const c = new MemoryLimitCounters()
    const checks = checksOf({ tpm: 100 })
    c.record([KEY], usage(T0 + 500, 60, 0))
    expect(c.admit('a', checks, T0 + 1000).ok).toBe(true)
    c.record([KEY], usage(T0 + 10_000, 40, 0))
    // Bucket [T0, T0+1s) leaves once all of it is older than 60 s: at T0 + 61 s.
    expect(c.admit('b', checks, T0 + 60_999)).toEqual({ ok: false, index: 0, freesAt: T0 + 61_000 })
    expect(c.admit('c', checks, T0 + 61_000).ok).toBe(true)
  })

  it('daily spend: seed plus own, refused at the cap, open again the next UTC day', async () => {
    const c = new MemoryLimitCounters()
    c.seedSpend(KEY, { last5hByMinute: [], day: 4.5, week: 4.5, month: 4.5, total: 4.5, at: T0 })
    expect(c.admit('a', checksOf({ cost_daily_usd: 5 }), T0 + 1).ok).toBe(true)
    c.record([KEY], usage(T0 + 2, 100, 0.5))
    expect(c.admit('b', checksOf({ cost_daily_usd: 5 }), T0 + 3)).toEqual({ ok: false, index: 0 })
    const tomorrow = Date.parse('2026-03-05T00:00:00Z')
    expect(c.admit('c', checksOf({ cost_daily_usd: 5 }, tomorrow), tomorrow).ok).toBe(true)
    // The week (Mon 2 March to Mon 9 March) still holds all of it.
    expect(c.admit('d', checksOf({ cost_weekly_usd: 5 }, tomorrow), tomorrow).ok).toBe(false)
    const w = await c.windows(
      checksOf({ cost_weekly_usd: 5, cost_total_usd: 10 }, tomorrow),
      tomorrow,
    )
    expect(w.cost_weekly_usd).toEqual({
      used: 5,
      limit: 5,
      resetsAt: Date.parse('2026-03-09T00:00:00Z'),
    })
    expect(w.cost_total_usd).toEqual({ used: 5, limit: 10 })
  })

  it('a seed covers own spend recorded before its cutoff: nothing counts twice', async () => {
    const c = new MemoryLimitCounters()
    const checks = checksOf({ cost_total_usd: 100, cost_daily_usd: 100, cost_5h_usd: 100 })
    c.record([KEY], usage(T0 + 1000, 0, 1))
    expect((await c.windows(checks, T0 + 2000)).cost_total_usd?.used).toBe(1)
    // The store committed it: the seed (cut off at T0 + 5 s) holds it.
    c.seedSpend(KEY, {
      last5hByMinute: [[T0, 1]],
      day: 1,
      week: 1,
      month: 1,
      total: 1,
      at: T0 + 5000,
    })
    c.record([KEY], usage(T0 + 6000, 0, 0.5))
    const w = await c.windows(checks, T0 + 7000)
    expect(w.cost_total_usd?.used).toBe(1.5)
    expect(w.cost_daily_usd?.used).toBe(1.5)
    expect(w.cost_5h_usd?.used).toBe(1.5)
  })

  it('cost_5h: seeded minutes and own spend slide out after 5 hours', () => {
    const c = new MemoryLimitCounters()
    c.seedSpend(KEY, {
      last5hByMinute: [[T0, 2]],
      day: 2,
      week: 2,
      month: 2,
      total: 2,
      at: T0 + 60_000,
    })
    c.record([KEY], usage(T0 + 120_000, 0, 1))
    const H5 = 5 * 3_600_000
    expect(c.admit('a', checksOf({ cost_5h_usd: 3 }), T0 + 130_000)).toEqual({
      ok: false,
      index: 0,
      freesAt: T0 + 60_000 + H5,
    })
    expect(c.admit('b', checksOf({ cost_5h_usd: 3 }), T0 + 60_000 + H5).ok).toBe(true)
  })

  it('keeps own spend older than 5 h in its calendar periods until a seed covers it', async () => {
    const c = new MemoryLimitCounters()
    c.record([KEY], usage(T0, 0, 1))
    const later = T0 + 6 * 3_600_000
    c.record([KEY], usage(later, 0, 1))
    const w = await c.windows(
      checksOf({ cost_daily_usd: 9, cost_total_usd: 9, cost_5h_usd: 9 }, later),
      later,
    )
    expect(w.cost_daily_usd?.used).toBe(2)
    expect(w.cost_total_usd?.used).toBe(2)
    expect(w.cost_5h_usd?.used).toBe(1)
  })

  it('shows windows with used, limit and when they reset', async () => {
    const c = new MemoryLimitCounters()
    const checks = checksOf({ rpm: 10, concurrency: 3, tpm: 1000 })
    c.admit('a', checks, T0)
    c.record([KEY], usage(T0 + 1500, 120, 0))
    expect(await c.windows(checks, T0 + 2000)).toEqual({
      concurrency: { used: 1, limit: 3 },
      rpm: { used: 1, limit: 10, resetsAt: T0 + 60_000 },
      tpm: { used: 120, limit: 1000, resetsAt: T0 + 2000 + 60_000 },
    })
    expect(await c.windows(checksOf({ rpm: 10 }, T0), T0 + 60_000)).toEqual({
      rpm: { used: 0, limit: 10 },
    })
  })

  it('forgets subjects idle for 5 h with no slot held', () => {
    const c = new MemoryLimitCounters()
    c.admit('a', checksOf({ rpm: 10 }), T0)
    c.admit('b', checksOf({ concurrency: 1 }, T0, 'account'), T0)
    expect(c.size).toBe(2)
    c.admit('c', checksOf({ rpm: 10 }, T0, 'account'), T0 + 5 * 3_600_000 + 60_000)
    // The key went; the account holds a slot and was just used.
    expect(c.size).toBe(1)
  })
})
