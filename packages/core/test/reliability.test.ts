// Reliability rows F1..F15 (docs/reliability.md §5.1) at the decision level: a scripted
// pool behind the planner, a fake clock, no sleeping. docs/contract.md §6.3 adaptations are noted per row.
import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from '../src/classify/classify'
import { ProbeSchedule } from '../src/health/probe-schedule'
import { NodeHealthMachine } from '../src/health/state-machine'
import { fakeClock, node, seededRandom } from '../src/test-support/fixtures'
import { gateway, ok } from '../src/test-support/harness'
import type { AttemptOutcome } from '../src/types'

const on =
  (map: Record<string, AttemptOutcome>, fallback: AttemptOutcome = ok) =>
  (id: string) =>
    map[id] ?? fallback

describe('reliability matrix 5.1', () => {
  it('F1 connect failure fails over: 2 attempts, A counter 1', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })])
    const r = g.request(on({ a: { kind: 'connect_error', code: 'ECONNREFUSED' } }))
    expect(r).toMatchObject({ served: 'b', tried: ['a', 'b'] })
    expect(g.health.get('a')!.health.consecutiveFailures).toBe(1)
  })

  it('F2 503 before headers: served by B, A counter +1', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })])
    expect(g.request(on({ a: { kind: 'response', status: 503 } })).served).toBe('b')
    expect(g.health.get('a')!.health).toMatchObject({ consecutiveFailures: 1, status: 'healthy' })
  })

  it('F3 529: B serves, A cools briefly and is not failed', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })], { failThreshold: 1 })
    expect(g.request(on({ a: { kind: 'response', status: 529 } })).served).toBe('b')
    expect(g.health.get('a')!.health).toMatchObject({
      status: 'cooling',
      coolingUntil: g.clock.now() + 10_000,
      consecutiveFailures: 0,
    })
  })

  it('F4 429 retry-after 30: B serves, A skipped 30 s; all 429 gives 429 with the soonest retry-after', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })])
    expect(
      g.request(on({ a: { kind: 'response', status: 429, headers: { 'retry-after': '30' } } }))
        .served,
    ).toBe('b')
    g.clock.advance(29_999)
    expect(g.request(() => ok).served).toBe('b')
    g.clock.advance(1)
    expect(g.request(() => ok).served).toBe('a')
    const all = gateway()
    const ra: Record<string, string> = { a: '40', b: '25', c: '90' }
    const r = all.request((id) => ({
      kind: 'response',
      status: 429,
      headers: { 'retry-after': ra[id]! },
    }))
    expect(r.error).toMatchObject({ status: 429, errorType: 'rate_limit_error', retryAfterSec: 25 })
    // The pool is now cooling: a new request gets 503 with the soonest end, and no upstream call.
    const calls = all.calls.length
    expect(all.request(() => ok).error).toMatchObject({ status: 503, retryAfterSec: 25 })
    expect(all.calls.length).toBe(calls)
  })

  it('F5 a 400 is passed through: one call, no counter change', () => {
    const g = gateway()
    const r = g.request(() => ({
      kind: 'response',
      status: 400,
      bodySnippet: '{"type":"error","error":{"type":"invalid_request_error"}}',
    }))
    expect(r).toMatchObject({ passThrough: true, tried: ['a'] })
    expect(g.calls).toHaveLength(1)
    expect([...g.health.entries()].every((e) => e.health.consecutiveFailures === 0)).toBe(true)
  })

  it('F6 bad upstream key: B serves, A failed at once with an event, client never sees 401', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })])
    expect(g.request(on({ a: { kind: 'response', status: 401 } })).served).toBe('b')
    expect(g.health.get('a')!.health.status).toBe('failed')
    expect(g.events).toEqual([
      expect.objectContaining({
        nodeId: 'a',
        to: 'failed',
        reason: expect.stringContaining('auth_failed'),
      }),
    ])
    const all = gateway()
    expect(all.request(() => ({ kind: 'response', status: 401 })).error).toMatchObject({
      status: 502,
      errorType: 'api_error',
    })
  })

  it('F7 slow first byte: one retry on B after the timeout, never a second', () => {
    const g = gateway()
    const r = g.request(() => ({ kind: 'timeout_first_byte' }))
    expect(r.tried).toHaveLength(2)
    expect(r.req.stopReason).toBe('not_retryable')
    expect(r.error).toMatchObject({ status: 504 })
    const h = gateway([node('a'), node('b', { weight: 2 })])
    expect(h.request(on({ a: { kind: 'timeout_first_byte' } })).served).toBe('b')
  })

  it('F8 N consecutive failures: exactly one transition, survives a restart, not selected', () => {
    const g = gateway([node('a'), node('b', { weight: 2 })], { failThreshold: 3 })
    for (let i = 0; i < 5; i++) g.request(on({ a: { kind: 'response', status: 500 } }))
    expect(g.events.filter((e) => e.nodeId === 'a')).toHaveLength(1)
    const persisted = { ...g.health.get('a')!.health }
    const restarted = new NodeHealthMachine({ clock: fakeClock() })
    restarted.upsert(node('a'), persisted)
    expect(restarted.get('a')!.health.status).toBe('failed')
    expect(g.request(() => ok).served).toBe('b')
  })

  it('F9 fail, ok, fail, ok never trips', () => {
    const g = gateway([node('a')], { failThreshold: 2 })
    for (let i = 0; i < 20; i++)
      g.request(() => (i % 2 === 0 ? { kind: 'response', status: 502 } : ok))
    expect(g.events).toHaveLength(0)
    expect(g.health.get('a')!.health.status).toBe('healthy')
  })

  it('F10 probes are jittered and one passing probe restores (docs/contract.md §6.3: no slow start)', () => {
    const clock = fakeClock()
    const health = new NodeHealthMachine({ clock, failThreshold: 1 })
    health.upsert(node('a'))
    health.apply('a', { nodeEffect: 'fail_now', reason: 'auth_failed' })
    const schedule = new ProbeSchedule({
      startedAt: clock.now(),
      random: () => 0.5,
      intervalMs: 30_000,
    })
    expect(schedule.due(health.entries(), clock.now())).toEqual([])
    expect(schedule.nextDueAt()).toBe(clock.now() + 33_000)
    clock.advance(33_000)
    const [task] = schedule.due(health.entries(), clock.now())
    expect(task).toMatchObject({ nodeId: 'a', kind: 'recovery' })
    const probe = classifyUpstreamOutcome({ kind: 'response', status: 200 }, { now: clock.now() })
    expect(health.recordProbe('a', probe)).toMatchObject({ from: 'failed', to: 'healthy' })
  })

  it('F11 whole pool down: one last resort on the longest-failed node, then 503; recovers when a node heals', () => {
    const g = gateway(undefined, { failThreshold: 1 })
    for (const id of ['b', 'c', 'a']) {
      g.health.apply(id, { nodeEffect: 'failure', reason: 'server_error' })
      g.clock.advance(10)
    }
    const r = g.request(() => ({ kind: 'connect_error' }))
    expect(r.tried).toEqual(['b'])
    expect(r.error).toMatchObject({ status: 503, errorType: 'api_error', retryAfterSec: 30 })
    const r2 = g.request(() => ({ kind: 'connect_error' }))
    expect(r2.tried).toEqual(['c'])
    const schedule = new ProbeSchedule({ startedAt: g.clock.now(), random: () => 0 })
    schedule.due(g.health.entries(), g.clock.now())
    g.clock.advance(30_000)
    expect(schedule.due(g.health.entries(), g.clock.now())).toHaveLength(3)
    g.health.recordProbe('c', { nodeEffect: 'success', reason: 'ok' })
    expect(g.request(() => ok)).toMatchObject({ served: 'c', tried: ['c'] })
    const only = gateway([node('a')], { failThreshold: 1 })
    only.request(() => ({ kind: 'response', status: 500 }))
    const last = only.request(() => ok)
    expect(last.served).toBe('a')
    expect(last.req.stopReason).toBe('committed')
  })

  it('F12 retry storm bounded: attempts <= requests x 3, retries in flight <= budget', () => {
    const g = gateway(undefined, { failThreshold: 1_000_000 })
    const open = Array.from({ length: 200 }, () => g.open())
    let attempts = 0
    let maxRetries = 0
    // Every request takes its first attempt, then all retry at once, all failing (503 everywhere).
    for (let round = 0; round < 4; round++) {
      const pending = open.map((req) => ({ req, a: req.next() })).filter((x) => x.a !== undefined)
      attempts += pending.length
      maxRetries = Math.max(maxRetries, g.budget.retriesInFlight)
      for (const { req, a } of pending) req.report(a!, { kind: 'response', status: 503 })
    }
    expect(attempts).toBeLessThanOrEqual(200 * 3)
    expect(maxRetries).toBeLessThanOrEqual(Math.max(3, 0.2 * 200))
    expect(open.filter((r) => r.stopReason === 'budget').length).toBeGreaterThan(0)
    for (const req of open) req.done()
    expect(g.budget.retriesInFlight).toBe(0)
  })

  it('F13 a tenant cannot poison nodes with 1000 requests the upstream rejects as 400', () => {
    const g = gateway()
    for (let i = 0; i < 1000; i++) g.request(() => ({ kind: 'response', status: 400 }))
    expect(g.events).toHaveLength(0)
    expect(g.calls).toHaveLength(1000)
    expect(
      [...g.health.entries()].every(
        (e) => e.health.status === 'healthy' && e.health.consecutiveFailures === 0,
      ),
    ).toBe(true)
  })

  it('F14 50 concurrent failures on A: one transition', () => {
    const g = gateway([node('a')], { failThreshold: 3 })
    const reqs = Array.from({ length: 50 }, () => g.open())
    const attempts = reqs.map((r) => r.next()!)
    expect(g.health.get('a')!.health.inFlight).toBe(50)
    reqs.forEach((r, i) => r.report(attempts[i]!, { kind: 'connect_error' }))
    expect(g.events).toHaveLength(1)
    for (const r of reqs) r.done()
    expect(g.health.get('a')!.health.inFlight).toBe(0)
  })

  it('F15 (docs/contract.md §6.3: tiers, least in flight inside a tier) with weights 1:2:7', () => {
    const g = gateway([
      node('w1'),
      node('w1b'),
      node('w2', { weight: 2 }),
      node('w7', { weight: 7 }),
    ])
    const counts: Record<string, number> = {}
    for (let i = 0; i < 10_000; i++) {
      const id = g.request(() => ok).served as string
      counts[id] = (counts[id] ?? 0) + 1
    }
    expect(Object.keys(counts).sort()).toEqual(['w1', 'w1b'])
    expect(Math.abs(counts.w1! - counts.w1b!)).toBeLessThan(500)
    g.health.apply('w1', { nodeEffect: 'fail_now', reason: 'auth_failed' })
    g.health.apply('w1b', {
      nodeEffect: 'cooldown',
      cooldownUntil: g.clock.now() + 1000,
      reason: 'overloaded',
    })
    expect(g.request(() => ok).served).toBe('w2')
  })

  it('T3/T4 failover stays in the tenant pool; sticky bindings are per tenant', () => {
    const g = gateway([node('a', { accountId: 't1' }), node('b', { accountId: 't2' })])
    const r = g.request(() => ({ kind: 'connect_error' }), { accountId: 't1', sessionId: 's' })
    expect(r.tried).toEqual(['a'])
    g.request(() => ok, { accountId: 't2', sessionId: 's' })
    expect(g.sticky.get('t1', 's', g.clock.now())).toBeUndefined()
    expect(g.sticky.get('t2', 's', g.clock.now())).toBe('b')
    expect(seededRandom(1)()).toBeLessThan(1)
  })
})
