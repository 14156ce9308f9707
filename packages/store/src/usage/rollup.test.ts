import { describe, expect, it } from 'vitest'
import { BUCKET_MS, splitRange } from './rollup'

const M = BUCKET_MS.minute
const H = BUCKET_MS.hour
const D = BUCKET_MS.day

function covered(from: number, to: number): number {
  return splitRange(from, to).reduce((n, s) => n + (s.to - s.from), 0)
}

describe('splitRange', () => {
  it('covers the range exactly with aligned segments', () => {
    const from = 3 * D + 5 * H + 7 * M
    const to = 9 * D + 2 * H + 11 * M
    const segs = splitRange(from, to)
    expect(covered(from, to)).toBe(to - from)
    for (const s of segs) {
      expect(s.from % BUCKET_MS[s.bucket]).toBe(0)
      expect(s.to % BUCKET_MS[s.bucket]).toBe(0)
    }
    expect(segs.map((s) => s.bucket)).toEqual(['minute', 'hour', 'day', 'hour', 'minute'])
  })

  it('handles short ranges and infinite ends', () => {
    expect(splitRange(5 * M, 9 * M)).toEqual([{ bucket: 'minute', from: 5 * M, to: 9 * M }])
    expect(splitRange(H + M, 3 * H)).toEqual([
      { bucket: 'minute', from: H + M, to: 2 * H },
      { bucket: 'hour', from: 2 * H, to: 3 * H },
    ])
    expect(splitRange(-Infinity, Infinity)).toEqual([
      { bucket: 'day', from: -Infinity, to: Infinity },
    ])
    expect(splitRange(D + H, Infinity).map((s) => s.bucket)).toEqual(['hour', 'day'])
    expect(splitRange(7 * M, 7 * M)).toEqual([])
  })
})

describe('splitRange rounding', () => {
  it('widens a range to whole minutes', () => {
    expect(splitRange(5 * M + 10, 9 * M + 1)).toEqual([
      { bucket: 'minute', from: 5 * M, to: 10 * M },
    ])
  })
})
