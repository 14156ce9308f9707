import { describe, expect, it } from 'vitest'
import { entry, must, seededRandom, testPool } from '../test-support/fixtures'
import type { PoolEntry } from '../types'
import { selectNode, type SelectContext } from './select'
import { StickyBindings } from './sticky'

const now = 1_000_000
const ctx = (over: Partial<SelectContext> = {}): SelectContext => ({
  accountId: 'acme',
  now,
  random: seededRandom(),
  ...over,
})
const bump = (counts: Record<string, number>, id: string | undefined) => {
  counts[id ?? '?'] = (counts[id ?? '?'] ?? 0) + 1
}
const pick = (pool: PoolEntry[], over: Partial<SelectContext> = {}) =>
  selectNode(pool, ctx(over))?.entry.node.id

describe('selectNode', () => {
  it('picks from the lowest weight tier (lower weight = higher priority)', () => {
    const pool = [entry('a', { weight: 3 }), entry('b', { weight: 1 }), entry('c', { weight: 2 })]
    expect(pick(pool)).toBe('b')
    expect(selectNode(pool, ctx())?.reason).toBe('least_in_flight')
  })
  it('prefers the fewest in flight inside the tier', () => {
    const pool = [
      entry('a', {}, { inFlight: 3 }),
      entry('b', {}, { inFlight: 1 }),
      entry('c', { weight: 2 }),
    ]
    expect(pick(pool)).toBe('b')
  })
  it('breaks ties at random, spreading evenly', () => {
    const random = seededRandom(7)
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < 3000; i++) bump(counts, pick(testPool(), { random }))
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(850)
  })
  it('skips disabled, failed, cooling and tried nodes', () => {
    const pool = [
      entry('a', { disabled: true }),
      entry('b', {}, { status: 'failed', lastFailureAt: now - 10 }),
      entry('c', {}, { status: 'cooling', coolingUntil: now + 1000 }),
      entry('d', { weight: 5 }),
      entry('e', { weight: 9 }),
    ]
    expect(pick(pool)).toBe('d')
    expect(pick(pool, { exclude: new Set(['d']) })).toBe('e')
  })
  it('a cooling node whose cooldown is over is available again', () => {
    expect(pick([entry('a', {}, { status: 'cooling', coolingUntil: now })])).toBe('a')
    expect(pick([entry('a', {}, { status: 'cooling', coolingUntil: null })])).toBe('a')
  })
  it("never picks another tenant's node, not even as a last resort", () => {
    const pool = [
      entry('x', { accountId: 'other' }),
      entry('y', { accountId: 'other' }, { status: 'failed' }),
    ]
    expect(selectNode(pool, ctx())).toBeUndefined()
    expect(pick([...pool, entry('a', {}, { status: 'failed' })])).toBe('a')
  })
  it('prefers the activated node over every tier while it is available', () => {
    const pool = [entry('a'), entry('b', { weight: 9 })]
    expect(selectNode(pool, ctx({ activeNodeId: 'b' }))?.reason).toBe('active')
    pool[1] = entry('b', { weight: 9 }, { status: 'failed' })
    expect(pick(pool, { activeNodeId: 'b' })).toBe('a')
    expect(
      pick([entry('a'), entry('b', { weight: 9 })], { activeNodeId: 'b', exclude: new Set(['b']) }),
    ).toBe('a')
  })
  it('sends a session where rendezvous hashing says, the same on every replica', () => {
    const first = pick(testPool(), { sessionId: 's-1', random: seededRandom(1) })
    for (let seed = 2; seed < 20; seed++)
      expect(pick(testPool(), { sessionId: 's-1', random: seededRandom(seed) })).toBe(first)
    expect(selectNode(testPool(), ctx({ sessionId: 's-1' }))?.reason).toBe('session_hash')
  })
  it('spreads sessions over the tier and moves only the sessions of a removed node', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    const before = new Map<string, string>()
    for (let i = 0; i < 3000; i++) {
      const id = pick(testPool(), { sessionId: `session-${i}` }) as string
      bump(counts, id)
      before.set(`session-${i}`, id)
    }
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(850)
    const withoutC = testPool().slice(0, 2)
    for (const [session, id] of before) {
      if (id !== 'c') expect(pick(withoutC, { sessionId: session })).toBe(id)
    }
  })
  it('keeps a sticky session on its node while available, even outside the best tier', () => {
    const sticky = new StickyBindings()
    sticky.bind('acme', 's', 'c', now)
    const pool = [entry('a'), entry('b'), entry('c', { weight: 2 })]
    expect(selectNode(pool, ctx({ sessionId: 's', sticky }))).toMatchObject({
      reason: 'sticky',
      entry: { node: { id: 'c' } },
    })
    expect(selectNode(pool, ctx({ sessionId: 's', sticky, exclude: new Set(['c']) }))?.reason).toBe(
      'session_hash',
    )
    pool[2] = entry('c', { weight: 2 }, { status: 'failed' })
    expect(pick(pool, { sessionId: 's', sticky })).not.toBe('c')
  })
  it('whole pool down: the last resort is the failed node that failed longest ago', () => {
    const pool = [
      entry('a', {}, { status: 'failed', lastFailureAt: now - 100 }),
      entry('b', {}, { status: 'failed', lastFailureAt: now - 900 }),
      entry('c', {}, { status: 'failed', lastFailureAt: now - 500 }),
      entry('d', { disabled: true }, { status: 'failed', lastFailureAt: now - 9999 }),
      entry('e', {}, { status: 'cooling', coolingUntil: now + 5000, lastFailureAt: now - 9999 }),
    ]
    expect(selectNode(pool, ctx())).toMatchObject({
      reason: 'last_resort',
      entry: { node: { id: 'b' } },
    })
    expect(pick(pool, { exclude: new Set(['b']) })).toBe('c')
    expect(selectNode(pool, ctx({ allowLastResort: false }))).toBeUndefined()
    expect(pick([entry('a', {}, { status: 'failed', lastFailureAt: null }), must(pool[1])])).toBe(
      'a',
    )
  })
  it('skips tried nodes however many were tried', () => {
    const pool = Array.from({ length: 12 }, (_, i) => entry(`n${i}`))
    const exclude = new Set(pool.slice(0, 11).map((e) => e.node.id))
    expect(pick(pool, { exclude })).toBe('n11')
  })
  it('an empty pool gives undefined', () => {
    expect(selectNode([], ctx())).toBeUndefined()
  })
})
