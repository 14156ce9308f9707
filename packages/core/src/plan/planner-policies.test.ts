import { describe, expect, it } from 'vitest'
import { must, node } from '../test-support/fixtures'
import { gateway, ok } from '../test-support/harness'

const fail503 = { kind: 'response', status: 503 } as const

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
