import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors'
import { entry } from '../test-support/fixtures'
import { ProbeSchedule } from './probe-schedule'

const start = 1_000_000
const noJitter = () => 0

describe('ProbeSchedule', () => {
  it('sweeps every node one sweep interval after start, then every sweep interval', () => {
    const s = new ProbeSchedule({ startedAt: start, random: noJitter, sweepMs: 300_000 })
    const pool = [entry('a'), entry('b', {}, { status: 'cooling', coolingUntil: start + 10 })]
    expect(s.due(pool, start)).toEqual([])
    expect(s.nextDueAt()).toBe(start + 300_000)
    expect(s.due(pool, start + 299_999)).toEqual([])
    expect(s.due(pool, start + 300_000).map((t) => [t.nodeId, t.kind, t.intervalMs])).toEqual([
      ['a', 'sweep', 300_000],
      ['b', 'sweep', 300_000],
    ])
    expect(s.due(pool, start + 300_001)).toEqual([])
    expect(s.due(pool, start + 600_000)).toHaveLength(2)
  })
  it('probes failed nodes every health interval after they failed, and skips their sweep', () => {
    const s = new ProbeSchedule({
      startedAt: start,
      random: noJitter,
      intervalMs: 30_000,
      sweepMs: 300_000,
    })
    const pool = [entry('a', {}, { status: 'failed', lastFailureAt: start + 5000 })]
    expect(s.due(pool, start + 10_000)).toEqual([])
    expect(s.nextDueAt()).toBe(start + 35_000)
    expect(s.due(pool, start + 35_000)).toEqual([
      { nodeId: 'a', accountId: 'acme', kind: 'recovery', intervalMs: 30_000 },
    ])
    expect(s.due(pool, start + 64_999)).toEqual([])
    expect(s.due(pool, start + 65_000)).toHaveLength(1)
    expect(s.due(pool, start + 300_000).map((t) => t.kind)).toEqual(['recovery'])
  })
  it('a recovered node returns to the sweep only', () => {
    const s = new ProbeSchedule({ startedAt: start, random: noJitter, intervalMs: 30_000 })
    s.due([entry('a', {}, { status: 'failed', lastFailureAt: null })], start)
    expect(s.due([entry('a')], start + 30_000)).toEqual([])
  })
  it('adds jitter (never earlier) and supports a per-tenant interval', () => {
    const s = new ProbeSchedule({
      startedAt: start,
      random: () => 0.5,
      intervalMs: (acc) => (acc === 'acme' ? 10_000 : 99_000),
      jitterRatio: 0.2,
    })
    s.due([entry('a', {}, { status: 'failed', lastFailureAt: start })], start)
    expect(s.nextDueAt()).toBe(start + 11_000)
    // The task names the tenant's interval without the jitter: what a probe lease lasts for.
    expect(s.due([entry('a', {}, { status: 'failed' })], start + 11_000)).toMatchObject([
      { kind: 'recovery', intervalMs: 10_000 },
    ])
  })
  it('never probes disabled nodes, and forgets nodes', () => {
    const s = new ProbeSchedule({ startedAt: start, random: noJitter })
    expect(
      s.due([entry('a', { disabled: true }), entry('b', {}, { status: 'disabled' })], start + 1e9),
    ).toEqual([])
    s.due([entry('c')], start)
    s.forget('c')
    expect(s.nextDueAt()).toBeUndefined()
  })
  it('refuses bad intervals', () => {
    expect(() => new ProbeSchedule({ startedAt: 0, random: noJitter, intervalMs: 0 })).toThrow(
      CoreError,
    )
    expect(() => new ProbeSchedule({ startedAt: 0, random: noJitter, jitterRatio: -1 })).toThrow(
      CoreError,
    )
  })
})
