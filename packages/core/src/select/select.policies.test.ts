// selectNode under the node policies of docs/contract.md §13: model lists, sticky policy, TTFB
// break and per-node sticky TTL. The clock is a fake; nothing sleeps.
import { describe, expect, it } from 'vitest'
import { entry, fakeClock, seededRandom } from '../test-support/fixtures'
import type { NodeHealth, PoolEntry } from '../types'
import { servingNodes } from './models'
import { selectNode, type SelectContext } from './select'
import { StickyBindings, stickyTtlFor } from './sticky'
import { TtfbWindows } from './ttfb'

const clock = fakeClock()
const ctx = (over: Partial<SelectContext> = {}): SelectContext => ({
  accountId: 'acme',
  now: clock.now(),
  random: seededRandom(),
  ...over,
})
const pick = (pool: PoolEntry[], over: Partial<SelectContext> = {}) => selectNode(pool, ctx(over))
const failed: Partial<NodeHealth> = { status: 'failed', lastFailureAt: 1 }

describe('selectNode model filtering', () => {
  it('skips nodes that do not serve the model before tiers, active and sticky', () => {
    const pool = [
      entry('cheap', { weight: 1, models: ['claude-haiku-*'] }),
      entry('opus', { weight: 3, models: ['claude-opus-4-1'] }),
      entry('any', { weight: 2 }),
    ]
    expect(pick(pool, { model: 'claude-opus-4-1' })?.entry.node.id).toBe('any')
    expect(pick(pool, { model: 'claude-haiku-4-5' })?.entry.node.id).toBe('cheap')
    expect(pick(pool)?.entry.node.id).toBe('cheap')
    expect(pick(pool, { model: 'claude-sonnet-4-5', activeNodeId: 'cheap' })?.entry.node.id).toBe(
      'any',
    )
    const sticky = new StickyBindings()
    sticky.bind('acme', 's', 'opus', clock.now())
    expect(pick(pool, { model: 'claude-haiku-4-5', sessionId: 's', sticky })?.reason).not.toBe(
      'sticky',
    )
  })
  it('no serving node: undefined, and servingNodes tells it from an unavailable pool', () => {
    const pool = [entry('a', { models: ['m1'] }, failed), entry('b', { models: ['m2'] })]
    expect(pick(pool, { model: 'm3' })).toBeUndefined()
    expect(servingNodes(pool, 'm3', 'acme')).toEqual([])
    // m1 is served, only its node is down: the last resort still applies, never node b.
    expect(pick(pool, { model: 'm1' })).toMatchObject({ reason: 'last_resort' })
    expect(pick(pool, { model: 'm1', allowLastResort: false })).toBeUndefined()
    expect(servingNodes(pool, 'm1', 'acme')).toHaveLength(1)
  })
})

describe('selectNode sticky policy', () => {
  // The session was served by the fallback while the cheap node was down; now it has recovered.
  const recovered = () => [entry('cheap', { weight: 1 }), entry('fallback', { weight: 2 })]
  const boundToFallback = () => {
    const sticky = new StickyBindings()
    sticky.bind('acme', 's', 'fallback', clock.now())
    return sticky
  }
  it('cache_first (default) keeps the session on the fallback', () => {
    const sticky = boundToFallback()
    clock.advance(60_000)
    expect(pick(recovered(), { sessionId: 's', sticky })).toMatchObject({
      reason: 'sticky',
      entry: { node: { id: 'fallback' } },
    })
    expect(pick(recovered(), { sessionId: 's', sticky, stickyPolicy: 'cache_first' })?.reason).toBe(
      'sticky',
    )
  })
  it('cost_first returns to the recovered cheap node at the next request', () => {
    const sticky = boundToFallback()
    clock.advance(60_000)
    const down = [entry('cheap', { weight: 1 }, failed), entry('fallback', { weight: 2 })]
    expect(pick(down, { sessionId: 's', sticky, stickyPolicy: 'cost_first' })?.reason).toBe(
      'sticky',
    )
    expect(pick(recovered(), { sessionId: 's', sticky, stickyPolicy: 'cost_first' })).toMatchObject(
      {
        reason: 'cost_first',
        entry: { node: { id: 'cheap' } },
      },
    )
    // The cheap node failed in this request: the binding still holds for the next attempt.
    const retry = { sessionId: 's', sticky, stickyPolicy: 'cost_first' as const }
    expect(pick(recovered(), { ...retry, exclude: new Set(['cheap']) })?.reason).toBe('sticky')
  })
  it('cost_first keeps a session bound inside the best tier', () => {
    const sticky = new StickyBindings()
    sticky.bind('acme', 's', 'b', clock.now())
    const pool = [entry('a'), entry('b'), entry('c', { weight: 2 })]
    expect(pick(pool, { sessionId: 's', sticky, stickyPolicy: 'cost_first' })).toMatchObject({
      reason: 'sticky',
      entry: { node: { id: 'b' } },
    })
  })
})

describe('selectNode TTFB break', () => {
  const pool = () => [entry('a', { weight: 1 }), entry('slow', { weight: 2 })]
  it('drops a binding whose node median TTFB exceeds the threshold', () => {
    const sticky = new StickyBindings()
    const ttfb = new TtfbWindows()
    sticky.bind('acme', 's', 'slow', clock.now())
    for (let i = 0; i < 20; i++) ttfb.record('slow', i < 11 ? 9000 : 100)
    const base = { sessionId: 's', sticky, ttfb }
    expect(pick(pool(), { ...base, stickyBreakTtfbMs: 10_000 })?.reason).toBe('sticky')
    expect(pick(pool(), { ...base, stickyBreakTtfbMs: 0 })?.reason).toBe('sticky')
    expect(pick(pool(), { ...base, stickyBreakTtfbMs: null })?.reason).toBe('sticky')
    expect(pick(pool(), { ...base, stickyBreakTtfbMs: 5000 })).toMatchObject({
      reason: 'session_hash',
      entry: { node: { id: 'a' } },
    })
    expect(sticky.get('acme', 's', clock.now())).toBeUndefined()
  })
  it('keeps the binding while the median is under the threshold (one slow answer)', () => {
    const sticky = new StickyBindings()
    const ttfb = new TtfbWindows()
    sticky.bind('acme', 's', 'slow', clock.now())
    for (let i = 0; i < 20; i++) ttfb.record('slow', i === 0 ? 60_000 : 200)
    expect(pick(pool(), { sessionId: 's', sticky, ttfb, stickyBreakTtfbMs: 5000 })?.reason).toBe(
      'sticky',
    )
    expect(sticky.size('acme')).toBe(1)
  })
})

describe('per-node sticky TTL', () => {
  it("a node's stickyTtlMs overrides the account TTL for bindings to it", () => {
    const sticky = new StickyBindings()
    const pool = [entry('a', { stickyTtlMs: 1000 }), entry('b', { weight: 2 })]
    const accountTtl = 3_600_000
    const node = (pool[0] as PoolEntry).node
    sticky.bind('acme', 's', 'a', clock.now(), stickyTtlFor(node, accountTtl))
    clock.advance(999)
    expect(pick(pool, { sessionId: 's', sticky })?.reason).toBe('sticky')
    clock.advance(1)
    expect(sticky.get('acme', 's', clock.now())).toBeUndefined()
    expect(stickyTtlFor((pool[1] as PoolEntry).node, accountTtl)).toBe(accountTtl)
    expect(stickyTtlFor({ ...node, stickyTtlMs: null }, accountTtl)).toBe(accountTtl)
    expect(stickyTtlFor({ ...node, stickyTtlMs: -5 }, accountTtl)).toBe(accountTtl)
    expect(stickyTtlFor({ ...node, stickyTtlMs: 0 }, accountTtl)).toBe(0)
  })
})
