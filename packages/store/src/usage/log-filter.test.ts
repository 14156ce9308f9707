import { describe, expect, it } from 'vitest'
import { usageEvent } from '../../test/support/harness'
import { isStoreError } from '../errors'
import { inStatusRange, isRefused, logFilterMatcher, statusRange } from './log-filter'

describe('request log filters (docs/contract.md §12)', () => {
  it('reads each status form', () => {
    const kept = (f: Parameters<typeof statusRange>[0]) =>
      [0, 199, 200, 299, 300, 404, 499, 500, 529, 600].filter((s) =>
        inStatusRange(statusRange(f), s),
      )
    expect(kept('2xx')).toEqual([200, 299])
    expect(kept('4xx')).toEqual([404, 499])
    expect(kept('5xx')).toEqual([500, 529])
    expect(kept('error')).toEqual([0, 199, 300, 404, 499, 500, 529, 600])
    expect(kept(529)).toEqual([529])
    for (const bad of ['3xx', 'constructor', 4.5]) {
      expect(
        isStoreError(
          catching(() => statusRange(bad as '2xx')),
          'invalid',
        ),
      ).toBe(true)
    }
  })

  it('counts a refusal recorded before `refused` existed as refused', () => {
    expect(isRefused({ refused: 'key.rpm', refusal: null })).toBe(true)
    expect(isRefused({ refusal: 'key rpm limit 10 reached' })).toBe(true)
    expect(isRefused({ refused: null, refusal: null })).toBe(false)
    expect(isRefused({})).toBe(false)
  })

  it('keeps an event only when every given filter holds', () => {
    const e = usageEvent({ accountId: 'a', keyId: 'k', sessionId: 's', status: 503 })
    const at = e.at.getTime()
    const matches = (f: Omit<Parameters<typeof logFilterMatcher>[0], 'limit'>) =>
      logFilterMatcher({ limit: 1, ...f })(e)
    expect(matches({})).toBe(true)
    expect(matches({ accountId: 'a', keyId: 'k', sessionId: 's', status: 'error' })).toBe(true)
    expect(matches({ keyId: 'k', status: '2xx' })).toBe(false)
    expect(matches({ sessionId: 'other' })).toBe(false)
    expect(matches({ requestId: e.requestId, refused: true })).toBe(false)
    expect(matches({ from: new Date(at), to: new Date(at + 1) })).toBe(true)
    expect(matches({ to: new Date(at) })).toBe(false)
  })
})

function catching(f: () => unknown): unknown {
  try {
    return f()
  } catch (err) {
    return err
  }
}
