import { describe, expect, it } from 'vitest'
import { planCounterChecks, type CounterCheck } from './plan'
import { limitRefusal, unpricedModelRefusal } from './refusal'

const now = Date.parse('2026-03-04T10:00:00Z')
const check = (limits: object, scope: 'key' | 'account' = 'key'): CounterCheck => {
  const [c] = planCounterChecks([{ scope, id: 'x', limits }], now)
  if (!c) throw new Error('no check')
  return c
}

describe('limitRefusal', () => {
  it('answers 429 naming scope, limit and cap', () => {
    expect(limitRefusal(check({ rpm: 10 }), now + 12_300, now)).toEqual({
      scope: 'key',
      limit: 'rpm',
      status: 429,
      errorType: 'rate_limit_error',
      message: 'key rpm limit 10 reached',
      retryAfterSec: 13,
    })
    expect(limitRefusal(check({ cost_daily_usd: 5 }, 'account'), undefined, now).message).toBe(
      'account cost_daily_usd limit 5 reached',
    )
    expect(limitRefusal(check({ cost_5h_usd: 0.25 }), now + 1, now).message).toBe(
      'key cost_5h_usd limit 0.25 reached',
    )
  })

  it('rounds sliding waits up, at least 1 s, the whole window when unknown', () => {
    expect(limitRefusal(check({ tpm: 5 }), now + 1000, now).retryAfterSec).toBe(1)
    expect(limitRefusal(check({ tpm: 5 }), now + 1001, now).retryAfterSec).toBe(2)
    expect(limitRefusal(check({ tpm: 5 }), now - 5, now).retryAfterSec).toBe(1)
    expect(limitRefusal(check({ rpm: 5 }), undefined, now).retryAfterSec).toBe(60)
    expect(limitRefusal(check({ cost_5h_usd: 5 }), now + 3_600_000, now).retryAfterSec).toBe(3600)
  })

  it('gives 1 s for concurrency and the period end for calendar spend', () => {
    expect(limitRefusal(check({ concurrency: 1 }), undefined, now).retryAfterSec).toBe(1)
    expect(limitRefusal(check({ cost_daily_usd: 1 }), undefined, now).retryAfterSec).toBe(14 * 3600)
    // 2026-03-04 is a Wednesday: the ISO week ends Monday 2026-03-09 00:00 UTC.
    expect(limitRefusal(check({ cost_weekly_usd: 1 }), undefined, now).retryAfterSec).toBe(
      (Date.parse('2026-03-09T00:00:00Z') - now) / 1000,
    )
    expect(limitRefusal(check({ cost_monthly_usd: 1 }), undefined, now).retryAfterSec).toBe(
      (Date.parse('2026-04-01T00:00:00Z') - now) / 1000,
    )
  })

  it('gives no retry-after for all-time spend', () => {
    const r = limitRefusal(check({ cost_total_usd: 100 }), undefined, now)
    expect(r.message).toBe('key cost_total_usd limit 100 reached')
    expect(r).not.toHaveProperty('retryAfterSec')
  })
})

describe('unpricedModelRefusal (docs/contract.md §15)', () => {
  it('refuses for the first cost limit set, the key before the account', () => {
    expect(
      unpricedModelRefusal({ rpm: 5, cost_total_usd: 9 }, { cost_daily_usd: 1 }, 'relay-x'),
    ).toEqual({
      scope: 'key',
      limit: 'cost_total_usd',
      status: 429,
      errorType: 'rate_limit_error',
      message:
        'key cost_total_usd limit: model relay-x has no price, so its spend cannot be counted',
    })
    expect(unpricedModelRefusal({ rpm: 5 }, { cost_5h_usd: 1 }, 'relay-x')).toMatchObject({
      scope: 'account',
      limit: 'cost_5h_usd',
    })
  })

  it('lets requests through when no cost limit is set', () => {
    expect(unpricedModelRefusal({ rpm: 5, models: ['*'] }, { tpm: 100 }, 'relay-x')).toBeNull()
    expect(unpricedModelRefusal({}, {}, 'relay-x')).toBeNull()
  })
})
