import { describe, expect, it } from 'vitest'
import { limitsBeyond } from './beyond'

describe('limitsBeyond', () => {
  it('finds a number higher than the account allows, equal is fine', () => {
    expect(limitsBeyond({ rpm: 60 }, { rpm: 61 })).toBe('rpm')
    expect(limitsBeyond({ rpm: 60 }, { rpm: 60 })).toBeNull()
    expect(limitsBeyond({ cost_daily_usd: 5 }, { cost_daily_usd: 5.01 })).toBe('cost_daily_usd')
    expect(
      limitsBeyond({ expires_after_first_use_days: 7 }, { expires_after_first_use_days: 8 }),
    ).toBe('expires_after_first_use_days')
  })

  it('lets a key leave unset what its account sets (the account still binds)', () => {
    expect(
      limitsBeyond({ rpm: 60, models: ['a'], ips: ['10.0.0.0/8'], expires_at: 5 }, {}),
    ).toBeNull()
    expect(limitsBeyond({}, { rpm: 1000 })).toBeNull()
  })

  it('finds an expiry later than the account', () => {
    expect(limitsBeyond({ expires_at: 1000 }, { expires_at: 1001 })).toBe('expires_at')
    expect(limitsBeyond({ expires_at: 1000 }, { expires_at: 999 })).toBeNull()
  })

  it('wants models a subset, wildcards by prefix', () => {
    expect(
      limitsBeyond({ models: ['claude-*'] }, { models: ['claude-sonnet-*', 'claude-opus-4'] }),
    ).toBeNull()
    expect(limitsBeyond({ models: ['claude-sonnet-*'] }, { models: ['claude-*'] })).toBe('models')
    expect(limitsBeyond({ models: ['claude-opus-4'] }, { models: ['claude-opus-4*'] })).toBe(
      'models',
    )
    expect(limitsBeyond({ models: ['a', 'b'] }, { models: ['b'] })).toBeNull()
    expect(limitsBeyond({ models: ['a'] }, { models: ['a', 'c'] })).toBe('models')
  })

  it('wants ips contained by CIDR (exact addresses included)', () => {
    expect(limitsBeyond({ ips: ['10.0.0.0/8'] }, { ips: ['10.1.0.0/16', '10.2.3.4'] })).toBeNull()
    expect(limitsBeyond({ ips: ['10.1.0.0/16'] }, { ips: ['10.0.0.0/8'] })).toBe('ips')
    expect(limitsBeyond({ ips: ['203.0.113.9'] }, { ips: ['203.0.113.9'] })).toBeNull()
    expect(limitsBeyond({ ips: ['203.0.113.9'] }, { ips: ['203.0.113.10'] })).toBe('ips')
    expect(limitsBeyond({ ips: ['10.0.0.0/8'] }, { ips: ['2001:db8::1'] })).toBe('ips')
    expect(limitsBeyond({ ips: ['2001:db8::/32'] }, { ips: ['2001:db8:1::/48'] })).toBeNull()
  })

  it('answers the first field in LIMIT_NAMES order', () => {
    expect(limitsBeyond({ rpm: 1, ips: ['1.1.1.1'] }, { ips: ['2.2.2.2'], rpm: 2 })).toBe('rpm')
  })
})
