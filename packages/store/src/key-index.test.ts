import { describe, expect, it } from 'vitest'
import { ProxyKeyIndex, type KeyIndexEntry } from './key-index'

const entry = (secret: string, keys: ProxyKeyIndex, keyId: string): KeyIndexEntry => ({
  hash: keys.hash(secret),
  accountId: 'a1',
  keyId,
  keyLimits: { rpm: 10 },
  accountLimits: {},
  firstUsedAt: null,
})
const resolved = (keyId: string, firstUsedAt: number | null = null) => ({
  accountId: 'a1',
  keyId,
  keyLimits: { rpm: 10 },
  accountLimits: {},
  firstUsedAt,
})

describe('ProxyKeyIndex', () => {
  const index = () => {
    const keys = new ProxyKeyIndex('pepper')
    keys.replace([entry('sk-live', keys, 'k1')])
    return keys
  }

  it('resolves a live key, again from its recent cache, and copies the answer', () => {
    const keys = index()
    const first = keys.resolve('sk-live')
    expect(first).toEqual(resolved('k1'))
    if (first) first.accountId = 'tampered'
    expect(keys.resolve('sk-live')).toEqual(resolved('k1'))
  })

  it('forgets a key the moment the index is replaced without it (revoked, rotated)', () => {
    const keys = index()
    expect(keys.resolve('sk-live')).not.toBeNull()
    keys.replace([entry('sk-new', keys, 'k2')])
    expect(keys.resolve('sk-live')).toBeNull()
    expect(keys.resolve('sk-new')).toEqual(resolved('k2'))
  })

  it('refuses empty, oversized and unknown secrets', () => {
    const keys = index()
    expect(keys.resolve('')).toBeNull()
    expect(keys.resolve('x'.repeat(513))).toBeNull()
    expect(keys.resolve('sk-unknown')).toBeNull()
    expect(keys.resolve('sk-unknown')).toBeNull()
  })

  it('records a first use in place, once, also for a secret resolved before', () => {
    const keys = index()
    expect(keys.resolve('sk-live')?.firstUsedAt).toBeNull()
    keys.setFirstUse('k1', 1000)
    expect(keys.resolve('sk-live')).toEqual(resolved('k1', 1000))
    keys.setFirstUse('k1', 2000)
    keys.setFirstUse('unknown', 3000)
    expect(keys.resolve('sk-live')?.firstUsedAt).toBe(1000)
    expect(keys.size).toBe(1)
  })

  it('adds a new key in place: it resolves at once, the others stay', () => {
    const index = new ProxyKeyIndex('pepper')
    index.replace([entry('sk-old', index, 'old')])
    expect(index.resolve('sk-new')).toBeNull()
    index.add(entry('sk-new', index, 'new'))
    expect(index.resolve('sk-new')?.keyId).toBe('new')
    expect(index.resolve('sk-old')?.keyId).toBe('old')
    expect(index.size).toBe(2)
    index.setFirstUse('new', 5)
    expect(index.resolve('sk-new')?.firstUsedAt).toBe(5)
  })
})
