import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors'
import { fnv1a32, rendezvousScore, sessionHash } from './rendezvous'
import { StickyBindings } from './sticky'

describe('StickyBindings', () => {
  it('binds per tenant and expires after the TTL (no sleeping)', () => {
    const s = new StickyBindings({ ttlMs: 1000 })
    s.bind('acme', 'sess', 'a', 0)
    expect(s.get('acme', 'sess', 999)).toBe('a')
    expect(s.get('other', 'sess', 10)).toBeUndefined()
    expect(s.get('acme', 'sess', 1000)).toBeUndefined()
    expect(s.size('acme')).toBe(0)
  })
  it('rebinding refreshes the TTL; a tenant TTL overrides the default', () => {
    const s = new StickyBindings({ ttlMs: 1000 })
    s.bind('acme', 'sess', 'a', 0)
    s.bind('acme', 'sess', 'b', 900, 5000)
    expect(s.get('acme', 'sess', 5000)).toBe('b')
  })
  it('evicts the least recently used binding per tenant', () => {
    const s = new StickyBindings({ maxPerAccount: 2 })
    s.bind('acme', 's1', 'a', 0)
    s.bind('acme', 's2', 'a', 0)
    s.get('acme', 's1', 1)
    s.bind('acme', 's3', 'a', 2)
    s.bind('other', 's9', 'x', 2)
    expect(s.get('acme', 's2', 3)).toBeUndefined()
    expect(s.get('acme', 's1', 3)).toBe('a')
    expect(s.size('acme')).toBe(2)
    expect(s.size()).toBe(3)
  })
  it('forgets a node, deletes, and prunes expired bindings', () => {
    const s = new StickyBindings({ ttlMs: 10 })
    s.bind('acme', 's1', 'a', 0)
    s.bind('acme', 's2', 'b', 0)
    s.bind('beta', 's3', 'c', 100)
    s.forgetNode('a')
    expect(s.get('acme', 's1', 1)).toBeUndefined()
    s.delete('acme', 's2')
    expect(s.size('acme')).toBe(0)
    s.bind('acme', 's4', 'b', 0)
    s.prune(50)
    expect(s.size()).toBe(1)
  })
  it('refuses a bad configuration', () => {
    expect(() => new StickyBindings({ ttlMs: 0 })).toThrow(CoreError)
    expect(() => new StickyBindings({ maxPerAccount: 0 })).toThrow(/positive/)
  })
})

describe('rendezvous hashing', () => {
  it('is deterministic, 32-bit and input-sensitive', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5)
    expect(fnv1a32('a')).toBe(0xe40c292c)
    const s = sessionHash('session')
    expect(rendezvousScore(s, 'node-1')).toBe(rendezvousScore(sessionHash('session'), 'node-1'))
    expect(rendezvousScore(s, 'node-1')).not.toBe(rendezvousScore(s, 'node-2'))
    expect(rendezvousScore(s, 'node-1')).toBeGreaterThanOrEqual(0)
    expect(rendezvousScore(s, 'node-1')).toBeLessThan(2 ** 32)
  })
})

describe('StickyBindings.unbindNode (docs/contract.md §13 unstick)', () => {
  it('drops every binding to the node, of every tenant, and counts them', () => {
    const s = new StickyBindings()
    s.bind('acme', 's1', 'a', 0)
    s.bind('acme', 's2', 'b', 0)
    s.bind('other', 's1', 'a', 0)
    expect(s.unbindNode('a')).toBe(2)
    expect(s.get('acme', 's1', 1)).toBeUndefined()
    expect(s.get('other', 's1', 1)).toBeUndefined()
    expect(s.get('acme', 's2', 1)).toBe('b')
    expect(s.size()).toBe(1)
    expect(s.unbindNode('a')).toBe(0)
  })
})
