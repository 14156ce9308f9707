import { describe, expect, it } from 'vitest'
import { planCounterChecks, utcDay, utcIsoWeek, utcMonth } from './plan'

const at = (iso: string) => Date.parse(iso)

describe('calendar periods (UTC)', () => {
  it('days run from 00:00 UTC to the next', () => {
    expect(utcDay(at('2026-03-04T23:59:59.999Z'))).toEqual({
      startMs: at('2026-03-04T00:00:00Z'),
      endMs: at('2026-03-05T00:00:00Z'),
    })
    expect(utcDay(at('2026-03-05T00:00:00Z')).startMs).toBe(at('2026-03-05T00:00:00Z'))
  })

  it('ISO weeks start on Monday 00:00 UTC', () => {
    // 2026-03-01 is a Sunday, 2026-03-02 a Monday.
    expect(utcIsoWeek(at('2026-03-01T23:59:59Z'))).toEqual({
      startMs: at('2026-02-23T00:00:00Z'),
      endMs: at('2026-03-02T00:00:00Z'),
    })
    expect(utcIsoWeek(at('2026-03-02T00:00:00Z')).startMs).toBe(at('2026-03-02T00:00:00Z'))
    expect(utcIsoWeek(at('2026-03-08T12:00:00Z')).endMs).toBe(at('2026-03-09T00:00:00Z'))
  })

  it('months are calendar months, across a year end and in February', () => {
    expect(utcMonth(at('2026-12-31T23:00:00Z'))).toEqual({
      startMs: at('2026-12-01T00:00:00Z'),
      endMs: at('2027-01-01T00:00:00Z'),
    })
    expect(utcMonth(at('2028-02-29T10:00:00Z')).endMs).toBe(at('2028-03-01T00:00:00Z'))
  })
})

describe('planCounterChecks', () => {
  const now = at('2026-03-04T10:00:00Z')

  it('orders by kind, then key before account', () => {
    const checks = planCounterChecks(
      [
        { scope: 'key', id: 'k', limits: { cost_total_usd: 9, rpm: 10, models: ['a'] } },
        {
          scope: 'account',
          id: 'a',
          limits: {
            rpm: 100,
            concurrency: 3,
            tpm: 1000,
            cost_5h_usd: 1,
            cost_daily_usd: 2,
            cost_weekly_usd: 3,
            cost_monthly_usd: 4,
          },
        },
      ],
      now,
    )
    expect(checks.map((c) => `${c.scope}:${c.limit}`)).toEqual([
      'account:concurrency',
      'key:rpm',
      'account:rpm',
      'account:tpm',
      'account:cost_5h_usd',
      'account:cost_daily_usd',
      'account:cost_weekly_usd',
      'account:cost_monthly_usd',
      'key:cost_total_usd',
    ])
  })

  it('gives windows, periods and caps', () => {
    const checks = planCounterChecks(
      [
        {
          scope: 'key',
          id: 'k',
          limits: { rpm: 10, cost_daily_usd: 5, cost_total_usd: 7, concurrency: 2 },
        },
      ],
      now,
    )
    expect(checks).toEqual([
      { scope: 'key', subjectId: 'k', limit: 'concurrency', cap: 2 },
      { scope: 'key', subjectId: 'k', limit: 'rpm', cap: 10, windowMs: 60_000 },
      { scope: 'key', subjectId: 'k', limit: 'cost_daily_usd', cap: 5, period: utcDay(now) },
      { scope: 'key', subjectId: 'k', limit: 'cost_total_usd', cap: 7 },
    ])
    expect(
      planCounterChecks([{ scope: 'key', id: 'k', limits: { tpm: 5, cost_5h_usd: 1 } }], now).map(
        (c) => c.windowMs,
      ),
    ).toEqual([60_000, 5 * 3_600_000])
  })

  it('plans nothing for limits that need no counter', () => {
    expect(
      planCounterChecks(
        [{ scope: 'key', id: 'k', limits: { models: ['a'], ips: ['1.2.3.4'], expires_at: 1 } }],
        now,
      ),
    ).toEqual([])
  })
})
