import type { AttemptTrace } from '@qcc/core'
import { describe, expect, it } from 'vitest'
import { TRACE_ATTEMPTS_MAX } from '../types/usage'
import { isStorableTrace, normalizeTrace, parseStoredTrace } from './trace'

const entry: AttemptTrace = {
  nodeId: '01a23afe-4ec8-7000-9cc7-76caec4a9016',
  nodeName: 'node-a',
  pickedBy: 'sticky',
  startedAt: 1_768_473_000_000,
  status: 429,
  outcome: 'rate_limited',
  errorType: 'rate_limit_error',
  errorMessage: 'slow down',
  ttfbMs: 12,
  durationMs: 15,
}

describe('request trace normalisation (docs/contract.md §12.1)', () => {
  it('keeps a bounded trace as it is, so the writer need not copy it', () => {
    expect(isStorableTrace([entry, { ...entry, status: null, ttfbMs: null }])).toBe(true)
    expect(isStorableTrace([])).toBe(true)
    expect(isStorableTrace(null)).toBe(true)
    expect(isStorableTrace(undefined)).toBe(true)
    expect(normalizeTrace([entry])).toEqual([entry])
  })

  it('sends every entry out of bounds or vocabulary to normalisation', () => {
    const bad: Partial<Record<keyof AttemptTrace, unknown>>[] = [
      { nodeId: '' },
      { nodeId: 'x'.repeat(37) },
      { nodeName: 'x'.repeat(129) },
      { pickedBy: 'random' },
      { outcome: 'ok?' },
      { startedAt: Number.POSITIVE_INFINITY },
      { status: 200.5 },
      { status: 1000 },
      { errorType: 'x'.repeat(65) },
      { errorMessage: 'x'.repeat(201) },
      { ttfbMs: -1 },
      { durationMs: null },
    ]
    for (const over of bad) {
      expect(isStorableTrace([{ ...entry, ...over } as AttemptTrace]), JSON.stringify(over)).toBe(
        false,
      )
    }
    const tooMany = Array.from({ length: TRACE_ATTEMPTS_MAX + 1 }, () => entry)
    expect(isStorableTrace(tooMany)).toBe(false)
    expect(normalizeTrace(tooMany)).toHaveLength(TRACE_ATTEMPTS_MAX)
  })

  it('drops entries it cannot store and answers null for what is no array', () => {
    expect(normalizeTrace([{ ...entry, pickedBy: 'x' }, entry, 7, null])).toEqual([entry])
    expect(normalizeTrace({ 0: entry })).toBeNull()
    expect(normalizeTrace(undefined)).toBeNull()
  })

  it('reads the JSON column as MySQL (parsed) and MariaDB (text) answer it, never throwing', () => {
    expect(parseStoredTrace([entry])).toEqual([entry])
    expect(parseStoredTrace(JSON.stringify([entry]))).toEqual([entry])
    expect(parseStoredTrace('[]')).toEqual([])
    expect(parseStoredTrace('{not json')).toBeNull()
    expect(parseStoredTrace('"text"')).toBeNull()
    expect(parseStoredTrace(null)).toBeNull()
  })
})
