import { expect, it } from 'vitest'
import { contractPart, ManualClock, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0)
const MIN = 60_000

/** Retention: raw usage, health history and expired sessions go; rollups stay. */
export const retentionContract = contractPart('retention', (stores) => {
  it('applies retention to raw usage and health history, keeping rollups', async () => {
    const clock = new ManualClock(T0 + 40 * 86_400_000)
    const s = await stores.open({ clock })
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const n = await s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    s.usageWriter.enqueue(usageEvent({ accountId: a.id, at: new Date(T0) }))
    s.usageWriter.enqueue(usageEvent({ accountId: a.id, at: new Date(clock.now() - MIN) }))
    await s.usageWriter.flush()
    const check = {
      accountId: a.id,
      nodeId: n.id,
      ok: true,
      latencyMs: 5,
      status: 200,
      error: null,
      method: 'api',
      source: 'scheduled' as const,
    }
    await s.recordHealthCheck({ ...check, at: new Date(T0) })
    await s.recordHealthCheck({ ...check, at: new Date(clock.now() - MIN) })
    const expired = await s.createSession(a.id, 1000)
    clock.advance(2000)
    const r = await s.retention({ usageRawDays: 30, healthDays: 30 })
    expect(r).toEqual({
      usageEvents: 1,
      healthChecks: 1,
      sessions: 1,
      minuteRollups: 0,
      downloadLinks: 0,
    })
    expect(await s.getSession(expired.id)).toBeNull()
    expect((await s.usageLogs({ limit: 10 })).length).toBe(1)
    expect((await s.listHealthChecks({ nodeId: n.id })).length).toBe(1)
    expect((await s.usageSummary({})).total.requests).toBe(2)
    // Never the last day's minute rollups: they seed 5-hour spend windows (docs/contract.md §10).
    const zero = await s.retention({ usageRawDays: 30, healthDays: 30, minuteRollupDays: 0 })
    expect(zero.minuteRollups).toBe(1)
    const recent = await s.spendByKey({ from: new Date(clock.now() - 5 * 3_600_000) })
    expect(recent.length).toBe(1)
    const again = await s.retention({ usageRawDays: 30, healthDays: 30, minuteRollupDays: 7 })
    expect(again).toEqual({
      usageEvents: 0,
      healthChecks: 0,
      sessions: 0,
      minuteRollups: 0,
      downloadLinks: 0,
    })
    expect((await s.usageSummary({})).total.requests).toBe(2)
    const old = { from: new Date(T0 - 86_400_000), to: new Date(T0 + 86_400_000) }
    expect((await s.usageSummary(old)).total.requests).toBe(1)
  })
})
