import type { AttemptTrace } from '@qcc/core'
import { describe, expect, it } from 'vitest'
import { usageEvent } from '../../test/support/harness'
import type { UsageEvent } from '../types/usage'
import { isStorableEvent, normalizeEvent } from './normalize'

const attempt: AttemptTrace = {
  nodeId: 'n-1',
  nodeName: 'node-a',
  pickedBy: 'tier',
  startedAt: Date.UTC(2026, 0, 15),
  status: 200,
  outcome: 'ok',
  errorType: null,
  errorMessage: null,
  ttfbMs: 80,
  durationMs: 400,
}

/** An event as the proxy writes it with the trace on (apps/proxy/src/usage/store-usage-tap.ts). */
const traced = (over: Partial<UsageEvent> = {}): UsageEvent =>
  usageEvent({
    accountId: 'a',
    keyId: 'k',
    trace: [attempt, { ...attempt, outcome: 'midstream', errorMessage: 'reset', ttfbMs: null }],
    clientIp: '203.0.113.7',
    userAgent: 'claude-cli/2.0',
    stream: true,
    refused: null,
    upstreamModel: null,
    pricedBy: null,
    refusal: null,
    ...over,
  })

describe('usage event normalisation of the trace fields (docs/contract.md §12)', () => {
  it('takes the proxy’s traced events as they are', () => {
    for (const e of [traced(), traced({ trace: [], refused: 'key.rpm', stream: false })]) {
      expect(isStorableEvent(e)).toBe(true)
      expect(normalizeEvent(e)).toEqual(e)
    }
  })

  it('copies events whose trace fields are out of bounds, and bounds them', () => {
    const cases: Partial<UsageEvent>[] = [
      { clientIp: 'x'.repeat(46) },
      { userAgent: 'x'.repeat(257) },
      { refused: 'x'.repeat(49) },
      { refused: '' },
      { stream: 1 as unknown as boolean },
      { trace: [{ ...attempt, errorMessage: 'x'.repeat(201) }] },
      { trace: 'none' as unknown as AttemptTrace[] },
    ]
    for (const over of cases)
      expect(isStorableEvent(traced(over)), JSON.stringify(over)).toBe(false)
    const n = normalizeEvent(
      traced({
        clientIp: 'x'.repeat(46),
        userAgent: 'u'.repeat(300),
        refused: '',
        stream: 1 as unknown as boolean,
        trace: [
          { ...attempt, errorMessage: 'e'.repeat(201) },
          { ...attempt, pickedBy: 'x' as 'tier' },
        ],
      }),
    )
    expect(n).toMatchObject({
      clientIp: 'x'.repeat(45),
      userAgent: 'u'.repeat(256),
      refused: null,
      stream: null,
      trace: [{ ...attempt, errorMessage: 'e'.repeat(200) }],
    })
    expect(isStorableEvent(n)).toBe(true)
    expect(normalizeEvent(usageEvent({ accountId: 'a' }))).toMatchObject({
      trace: null,
      clientIp: null,
      userAgent: null,
      stream: null,
      refused: null,
    })
  })
})
