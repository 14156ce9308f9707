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

describe('StickyBindings observer (docs/contract.md §11 shared bindings)', () => {
  /** A StickyBindings whose observer writes down every call. */
  function observed(options: { ttlMs?: number; maxPerAccount?: number } = {}) {
    const calls: string[] = []
    const s = new StickyBindings({
      ...options,
      onChange: {
        bound: (account, session, node, ttl, now) =>
          void calls.push(`bound ${account}/${session} ${node} ${ttl} @${now}`),
        dropped: (account, session) => void calls.push(`dropped ${account}/${session}`),
      },
    })
    return { s, calls }
  }

  it('is told of bind (with the TTL in force) and delete', () => {
    const { s, calls } = observed({ ttlMs: 1000 })
    s.bind('acme', 's1', 'a', 5)
    s.bind('acme', 's1', 'b', 7, 250)
    s.delete('acme', 's1')
    expect(calls).toEqual(['bound acme/s1 a 1000 @5', 'bound acme/s1 b 250 @7', 'dropped acme/s1'])
    expect(s.get('acme', 's1', 8)).toBeUndefined()
  })

  it('is not told of LRU eviction, lazy expiry, prune, unbindNode, adopt or discard', () => {
    const { s, calls } = observed({ ttlMs: 10, maxPerAccount: 1 })
    s.bind('acme', 's1', 'a', 0)
    s.bind('acme', 's2', 'a', 0) // evicts s1
    expect(s.get('acme', 's2', 10)).toBeUndefined() // expires lazily
    s.adopt('acme', 's3', 'b', 100)
    s.adopt('acme', 's4', 'b', 100) // evicts s3
    s.discard('acme', 's4')
    s.adopt('beta', 's5', 'c', 100)
    s.unbindNode('c')
    s.adopt('beta', 's6', 'c', 5)
    s.prune(50)
    expect(calls).toEqual(['bound acme/s1 a 10 @0', 'bound acme/s2 a 10 @0'])
    expect(s.size()).toBe(0)
  })

  it('adopts a binding from elsewhere until its own expiry, and discards one silently', () => {
    const { s, calls } = observed({ ttlMs: 1000 })
    s.adopt('acme', 's1', 'far', 500)
    expect(s.get('acme', 's1', 499)).toBe('far')
    expect(s.get('acme', 's1', 500)).toBeUndefined()
    s.bind('acme', 's2', 'a', 0)
    s.adopt('acme', 's2', 'b', 2000) // a newer binding from another replica wins
    expect(s.get('acme', 's2', 1500)).toBe('b')
    s.discard('acme', 's2')
    s.discard('acme', 'never-bound')
    expect(s.get('acme', 's2', 1501)).toBeUndefined()
    expect(s.size()).toBe(0)
    expect(calls).toEqual(['bound acme/s2 a 1000 @0'])
  })

  it('keeps working without an observer (delete and discard alike)', () => {
    const s = new StickyBindings()
    s.bind('acme', 's1', 'a', 0)
    s.delete('acme', 's1')
    s.adopt('acme', 's2', 'a', 10)
    s.discard('acme', 's2')
    expect(s.size()).toBe(0)
  })
})
