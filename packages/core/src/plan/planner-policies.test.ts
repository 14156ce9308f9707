import { describe, expect, it } from 'vitest'
import type { OutcomeDecision } from '../classify/classify'
import { must, node } from '../test-support/fixtures'
import { gateway, ok } from '../test-support/harness'
import { TtfbWindows } from '../select/ttfb'

const fail503 = { kind: 'response', status: 503 } as const
const probeSuccess: OutcomeDecision = {
  result: 'success',
  retry: false,
  nodeEffect: 'success',
  reason: 'ok',
  detail: 'http_200',
  origin: 'upstream',
}

describe('docs/contract.md §13: node policies in the planner', () => {
  it("uses the attempt's own node's error rules", () => {
    const g = gateway([
      node('a', { weight: 1, errorRules: [{ status: 503, action: 'return' }] }),
      node('b', { weight: 2 }),
    ])
    const r = g.request(() => fail503)
    expect(r.tried).toEqual(['a'])
    expect(r.passThrough).toBe(true)
    expect(g.health.get('a')?.health.consecutiveFailures).toBe(0)
    // b has no rules: its 503 fails over as before.
    const h = gateway([node('b', { weight: 1 }), node('c', { weight: 2 })])
    expect(h.request((id) => (id === 'b' ? fail503 : ok))).toMatchObject({ tried: ['b', 'c'] })
  })
  it('cools a node by a cooldown rule and tries the next', () => {
    const g = gateway([
      node('a', { weight: 1, errorRules: [{ action: 'cooldown', cooldownSec: 30 }] }),
      node('b', { weight: 2 }),
    ])
    const r = g.request((id) => (id === 'a' ? { kind: 'response', status: 400 } : ok))
    expect(r).toMatchObject({ tried: ['a', 'b'], served: 'b' })
    expect(g.health.get('a')?.health).toMatchObject({
      status: 'cooling',
      coolingUntil: g.clock.now() + 30_000,
    })
  })
  it('does not retry a failure on a noFailover node; the final error is what it gives', () => {
    const g = gateway([node('a', { weight: 1, noFailover: true }), node('b', { weight: 2 })])
    const r = g.request(() => fail503)
    expect(r.tried).toEqual(['a'])
    expect(r.req.stopReason).toBe('not_retryable')
    expect(r.error).toMatchObject({ status: 502, errorType: 'api_error' })
    const t = g.request(() => ({ kind: 'response', status: 429, headers: { 'retry-after': '9' } }))
    expect(t.tried).toEqual(['a'])
    expect(t.error).toMatchObject({ status: 429, retryAfterSec: 9 })
  })
  it('lets a noFailover node that succeeds or passes through behave as before', () => {
    const g = gateway([node('a', { weight: 1, noFailover: true }), node('b', { weight: 2 })])
    expect(g.request(() => ok)).toMatchObject({ tried: ['a'], served: 'a' })
    const p = g.request(() => ({ kind: 'response', status: 400 }))
    expect(p).toMatchObject({ tried: ['a'], passThrough: true })
  })
  it('fails over on a fake 200', () => {
    const g = gateway([node('a', { weight: 1 }), node('b', { weight: 2 })])
    const req = g.planner.begin({ accountId: 'acme' })
    const a = must(req.next())
    const { decision } = req.report(a, {
      kind: 'response',
      status: 200,
      bodySnippet: '<html>oops</html>',
    })
    expect(decision).toMatchObject({ reason: 'fake_200', retry: true })
    expect(must(req.next()).node.id).toBe('b')
    req.done()
  })
  it('counts a stream without message_stop as a failure of the committed node', () => {
    const g = gateway([node('a', { weight: 1 })])
    const req = g.planner.begin({ accountId: 'acme' })
    const a = must(req.next())
    req.report(a, ok)
    const { decision } = req.report(a, { kind: 'after_commit_failure', cause: 'incomplete' })
    expect(decision).toMatchObject({ retry: false, nodeEffect: 'failure' })
    expect(g.health.get('a')?.health.consecutiveFailures).toBe(1)
    req.done()
  })
})

describe('docs/contract.md §13: model lists and stickiness in the planner', () => {
  it('skips nodes whose list does not serve the model and answers 404 when none does', () => {
    const g = gateway([
      node('a', { weight: 1, models: ['claude-opus-*'] }),
      node('b', { weight: 2, models: ['claude-haiku-4-5'] }),
    ])
    expect(g.request(() => ok, { model: 'claude-haiku-4-5' })).toMatchObject({
      tried: ['b'],
      served: 'b',
    })
    expect(g.request(() => ok, { model: 'claude-opus-4-1' }).served).toBe('a')
    const none = g.request(() => ok, { model: 'gpt-5' })
    expect(none.tried).toEqual([])
    expect(none.error).toEqual({
      status: 404,
      errorType: 'not_found_error',
      message: 'no node serves model gpt-5',
    })
    // A listed model whose nodes are all down is an unavailable pool, not a 404.
    g.health.upsert(node('b', { weight: 2, models: ['claude-haiku-4-5'], disabled: true }))
    expect(g.request(() => ok, { model: 'claude-haiku-4-5' }).error).toMatchObject({
      status: 503,
    })
  })
  it('cost_first moves a session back to the recovered cheap node; cache_first keeps it', () => {
    for (const policy of ['cost_first', 'cache_first'] as const) {
      const g = gateway([node('cheap', { weight: 1 }), node('dear', { weight: 2 })], {
        stickyPolicy: () => policy,
        failThreshold: 1,
      })
      const session = { sessionId: 'sess-1' }
      // The cheap node fails: the session is served and bound by the fallback.
      const first = g.request((id) => (id === 'cheap' ? fail503 : ok), session)
      expect(first).toMatchObject({ tried: ['cheap', 'dear'], served: 'dear' })
      expect(g.sticky.get('acme', 'sess-1', g.clock.now())).toBe('dear')
      // It recovers (a probe's success), later.
      g.clock.advance(60_000)
      g.health.apply('cheap', probeSuccess, g.clock.now())
      expect(g.health.get('cheap')?.health.status).toBe('healthy')
      const next = g.request(() => ok, session)
      expect(next.served).toBe(policy === 'cost_first' ? 'cheap' : 'dear')
      expect(g.sticky.get('acme', 'sess-1', g.clock.now())).toBe(next.served)
    }
  })
  it("binds for the node's own sticky TTL over the account's", () => {
    const g = gateway([node('a', { weight: 1, stickyTtlMs: 5_000 })], {
      stickyTtlMs: () => 3_600_000,
    })
    g.request(() => ok, { sessionId: 's' })
    g.clock.advance(4_999)
    expect(g.sticky.get('acme', 's', g.clock.now())).toBe('a')
    g.clock.advance(2)
    expect(g.sticky.get('acme', 's', g.clock.now())).toBeUndefined()
  })
  it('records each commit as a TTFB sample and breaks a binding whose node got slow', () => {
    const ttfb = new TtfbWindows()
    const g = gateway([node('a', { weight: 2 }), node('b', { weight: 2 })], {
      ttfb,
      stickyBreakTtfbMs: () => 1_000,
    })
    const req = g.planner.begin({ accountId: 'acme', sessionId: 's' })
    const first = must(req.next())
    g.clock.advance(1_500)
    req.report(first, ok)
    req.done()
    const bound = first.node.id
    expect(ttfb.median(bound)).toBe(1_500)
    expect(g.sticky.get('acme', 's', g.clock.now())).toBe(bound)
    // The next request finds the median above the limit: the binding is dropped first, and
    // the session is placed afresh (rendezvous hashing in the tier), not by the binding.
    const slow = g.planner.begin({ accountId: 'acme', sessionId: 's' })
    expect(must(slow.next()).reason).toBe('session_hash')
    expect(g.sticky.get('acme', 's', g.clock.now())).toBeUndefined()
    slow.done()
    // Under the limit the binding holds.
    const quick = new TtfbWindows()
    const h = gateway([node('a'), node('b')], { ttfb: quick, stickyBreakTtfbMs: () => 1_000 })
    h.request(() => ok, { sessionId: 's' })
    expect(quick.median(must(h.sticky.get('acme', 's', h.clock.now())))).toBe(0)
    const held = h.planner.begin({ accountId: 'acme', sessionId: 's' })
    expect(must(held.next()).reason).toBe('sticky')
    held.done()
  })
})
