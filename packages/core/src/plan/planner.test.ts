import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors'
import { NodeHealthMachine } from '../health/state-machine'
import { fakeClock, must, node, seededRandom } from '../test-support/fixtures'
import { gateway, ok } from '../test-support/harness'
import { AttemptPlanner } from './planner'
import { RetryBudget } from './retry-budget'

const fail503 = { kind: 'response', status: 503 } as const

describe('AttemptPlanner', () => {
  it('caps attempts at retryMax on distinct nodes', () => {
    const g = gateway([node('a'), node('b'), node('c'), node('d')], { retryMax: 3 })
    const r = g.request(() => fail503)
    expect(r.tried).toHaveLength(3)
    expect(new Set(r.tried).size).toBe(3)
    expect(r.req.stopReason).toBe('retry_max')
    expect(r.error).toMatchObject({ status: 502, errorType: 'api_error' })
  })
  it('takes a per-tenant retryMax and refuses bad options', () => {
    const g = gateway(undefined, { retryMax: () => 1 })
    expect(g.request(() => fail503).tried).toHaveLength(1)
    const health = new NodeHealthMachine({ clock: fakeClock() })
    expect(
      () => new AttemptPlanner({ health, clock: fakeClock(), random: Math.random, retryMax: 0 }),
    ).toThrow(CoreError)
    expect(
      () =>
        new AttemptPlanner({
          health,
          clock: fakeClock(),
          random: Math.random,
          requestTimeoutMs: 0,
        }),
    ).toThrow(CoreError)
  })
  it('stops at the deadline and reports it as a timeout', () => {
    const g = gateway(undefined, { requestTimeoutMs: 1000 })
    const req = g.planner.begin({ accountId: 'acme' })
    const a = must(req.next())
    expect(req.remainingMs()).toBe(1000)
    g.clock.advance(1000)
    req.report(a, { kind: 'connect_error' })
    expect(req.remainingMs()).toBe(0)
    expect(req.next()).toBeUndefined()
    expect(req.stopReason).toBe('deadline')
    expect(req.finalError().status).toBe(504)
    const t = g.planner.begin({ accountId: 'acme' })
    const b = must(t.next())
    g.clock.advance(1000)
    t.report(b, { kind: 'timeout_first_byte' })
    expect(t.next()).toBeUndefined()
    expect(t.finalError()).toMatchObject({ status: 504, errorType: 'timeout_error' })
  })
  it('binds the session on success and keeps it there', () => {
    const g = gateway()
    const first = g.request(() => ok, { sessionId: 's1' })
    expect(g.sticky.get('acme', 's1', g.clock.now())).toBe(first.served)
    for (let i = 0; i < 5; i++)
      expect(g.request(() => ok, { sessionId: 's1' }).served).toBe(first.served)
  })
  it('uses a tenant sticky TTL', () => {
    const g = gateway(undefined, { stickyTtlMs: () => 1000 })
    g.request(() => ok, { sessionId: 's1' })
    g.clock.advance(1000)
    expect(g.sticky.get('acme', 's1', g.clock.now())).toBeUndefined()
  })
  it('prefers the activated node', () => {
    const g = gateway([node('a'), node('b', { weight: 5 })])
    expect(g.request(() => ok, { activeNodeId: 'b' }).served).toBe('b')
  })
  it('holds in-flight counts until done, and frees failed attempts at once', () => {
    const g = gateway()
    const req = g.planner.begin({ accountId: 'acme' })
    const a = must(req.next())
    expect(must(g.health.get(a.node.id)).health.inFlight).toBe(1)
    req.report(a, fail503)
    expect(must(g.health.get(a.node.id)).health.inFlight).toBe(0)
    const b = must(req.next())
    req.report(b, ok)
    expect(req.committed).toBe(true)
    expect(req.next()).toBeUndefined()
    expect(must(g.health.get(b.node.id)).health.inFlight).toBe(1)
    // The retry committed: its budget slot is free again while its stream goes on.
    expect(g.budget.retriesInFlight).toBe(0)
    req.done()
    req.done()
    expect(must(g.health.get(b.node.id)).health.inFlight).toBe(0)
    expect(g.budget.retriesInFlight).toBe(0)
    expect(g.budget.activeRequests).toBe(0)
    expect(req.next()).toBeUndefined()
  })
  it('applies a failure after the commit to the node without planning more', () => {
    const g = gateway(undefined, { failThreshold: 1 })
    const req = g.planner.begin({ accountId: 'acme' })
    const a = must(req.next())
    req.report(a, ok)
    const { decision, transition } = req.report(a, { kind: 'after_commit_failure', cause: 'reset' })
    expect(decision.retry).toBe(false)
    expect(transition?.to).toBe('failed')
    expect(req.next()).toBeUndefined()
    req.done()
  })
  it('stops on a client abort and on a pass-through', () => {
    const g = gateway()
    expect(g.request(() => ({ kind: 'client_abort' })).req.stopReason).toBe('not_retryable')
    const r = g.request(() => ({ kind: 'response', status: 404 }))
    expect(r).toMatchObject({ passThrough: true, tried: ['a'] })
  })
  it('a request calling next() after done() gets nothing', () => {
    const g = gateway()
    const req = g.open()
    req.done()
    expect(req.next()).toBeUndefined()
    expect(req.stopReason).toBe('done')
    expect(req.attempts).toBe(0)
  })
})

describe('RetryBudget', () => {
  it('allows retries up to 20 % of active requests, never fewer than 3', () => {
    const b = new RetryBudget()
    expect(b.limit).toBe(3)
    for (let i = 0; i < 100; i++) b.startRequest()
    expect(b.limit).toBe(20)
    let granted = 0
    while (b.tryAcquire()) granted++
    expect(granted).toBe(20)
    b.release()
    expect(b.tryAcquire()).toBe(true)
    for (let i = 0; i < 200; i++) {
      b.endRequest()
      b.release()
    }
    expect([b.activeRequests, b.retriesInFlight]).toEqual([0, 0])
    expect(() => new RetryBudget({ ratio: -1 })).toThrow(CoreError)
  })
  it('refuses the retry when spent: the request stops with reason budget', () => {
    const budget = new RetryBudget({ min: 0, ratio: 0 })
    const g = gateway(undefined, { budget })
    const r = g.request(() => fail503)
    expect(r.tried).toHaveLength(1)
    expect(r.req.stopReason).toBe('budget')
  })
})

describe('seededRandom', () => {
  it('is reproducible', () => {
    expect(seededRandom(3)()).toBe(seededRandom(3)())
  })
})
