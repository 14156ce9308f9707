import { describe, expect, it } from 'vitest'
import type { UsageEvent } from '../types/usage'
import { accumulateRollups, BUCKET_MS, rollupKeyString, splitRange, zeroCounters } from './rollup'

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

describe('accumulateRollups', () => {
  const event = (over: Partial<UsageEvent> = {}): UsageEvent => ({
    requestId: 'r1',
    accountId: 'a1',
    keyId: 'k1',
    nodeId: 'n1',
    model: 'claude-x',
    status: 200,
    attempts: 1,
    inputTokens: 10,
    outputTokens: 5,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 2,
    costUsd: 0.001,
    ttfbMs: 30,
    durationMs: 100,
    bytes: 400,
    sessionId: null,
    partial: false,
    at: new Date(3 * D + 5 * H + 7 * M + 1234),
    ...over,
  })

  it('keys each row as rollupKeyString does and sums every counter per bucket', () => {
    const rows = accumulateRollups(new Map(), [
      event(),
      event({ requestId: 'r2', status: 529, nodeId: null }),
      event({ requestId: 'r3', outputTokens: 7 }),
    ])
    for (const [id, row] of rows) expect(id).toBe(rollupKeyString(row))
    // Two node dimensions (n1 and none) times three granularities.
    expect(rows.size).toBe(6)
    const minute = [...rows.values()].find((r) => r.bucket === 'minute' && r.nodeId === 'n1')
    expect(minute?.start).toBe(3 * D + 5 * H + 7 * M)
    expect(minute?.counters).toEqual({
      ...zeroCounters(),
      requests: 2,
      inputTokens: 20,
      outputTokens: 12,
      cacheReadInputTokens: 4,
      costNanoUsd: 2_000_000,
      bytes: 800,
      durationMsSum: 200,
      ttfbMsSum: 60,
    })
    const failed = [...rows.values()].find((r) => r.bucket === 'day' && r.nodeId === '')
    expect(failed?.counters.errors).toBe(1)
    expect(failed?.start).toBe(3 * D)
  })
})
