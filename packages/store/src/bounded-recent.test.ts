import { describe, expect, it } from 'vitest'
import { InsertionRing } from './bounded-recent'

describe('InsertionRing', () => {
  it('hands back the oldest key once full, in insertion order', () => {
    const ring = new InsertionRing<string>(3)
    expect([ring.add('a'), ring.add('b'), ring.add('c')]).toEqual([undefined, undefined, undefined])
    expect(ring.size).toBe(3)
    expect(ring.add('d')).toBe('a')
    expect(ring.add('e')).toBe('b')
    expect(ring.add('f')).toBe('c')
    expect(ring.add('g')).toBe('d')
    expect(ring.size).toBe(3)
  })

  it('keeps a Set bounded at its capacity over many inserts', () => {
    const ring = new InsertionRing<number>(1000)
    const set = new Set<number>()
    for (let i = 0; i < 50_000; i++) {
      set.add(i)
      const old = ring.add(i)
      if (old !== undefined) set.delete(old)
    }
    expect(set.size).toBe(1000)
    expect(set.has(48_999)).toBe(false)
    expect(set.has(49_000)).toBe(true)
  })

  it('refuses a capacity below one', () => {
    expect(() => new InsertionRing(0)).toThrow(RangeError)
  })
})
