import { describe, expect, it } from 'vitest'
import { ProxyKeyIndex } from './key-index'

describe('ProxyKeyIndex', () => {
  const index = () => {
    const keys = new ProxyKeyIndex('pepper')
    keys.replace([{ hash: keys.hash('sk-live'), accountId: 'a1', keyId: 'k1' }])
    return keys
  }

  it('resolves a live key, again from its recent cache, and copies the answer', () => {
    const keys = index()
    const first = keys.resolve('sk-live')
    expect(first).toEqual({ accountId: 'a1', keyId: 'k1' })
    if (first) first.accountId = 'tampered'
    expect(keys.resolve('sk-live')).toEqual({ accountId: 'a1', keyId: 'k1' })
  })

  it('forgets a key the moment the index is replaced without it (revoked, rotated)', () => {
    const keys = index()
    expect(keys.resolve('sk-live')).not.toBeNull()
    keys.replace([{ hash: keys.hash('sk-new'), accountId: 'a1', keyId: 'k2' }])
    expect(keys.resolve('sk-live')).toBeNull()
    expect(keys.resolve('sk-new')).toEqual({ accountId: 'a1', keyId: 'k2' })
  })

  it('refuses empty, oversized and unknown secrets', () => {
    const keys = index()
    expect(keys.resolve('')).toBeNull()
    expect(keys.resolve('x'.repeat(513))).toBeNull()
    expect(keys.resolve('sk-unknown')).toBeNull()
    expect(keys.resolve('sk-unknown')).toBeNull()
  })
})
