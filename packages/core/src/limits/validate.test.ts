import { describe, expect, it } from 'vitest'
import { hasLimits, LIMIT_LIST_MAX, mergeLimits, validateLimits } from './validate'

describe('validateLimits', () => {
  it('accepts every limit and normalises times, ips and duplicates', () => {
    const r = validateLimits({
      rpm: 60,
      tpm: 100000,
      concurrency: 1,
      cost_5h_usd: 0.5,
      cost_daily_usd: 5,
      cost_weekly_usd: 20,
      cost_monthly_usd: 50,
      cost_total_usd: 1000,
      models: ['claude-sonnet-*', 'claude-opus-4-1[1m]', 'claude-sonnet-*'],
      ips: ['::ffff:203.0.113.9', '10.1.2.3/8', '2001:DB8::1', '2001:db8::/32'],
      expires_at: '2030-01-01T00:00:00Z',
      expires_after_first_use_days: 30,
    })
    expect(r).toEqual({
      ok: true,
      limits: {
        rpm: 60,
        tpm: 100000,
        concurrency: 1,
        cost_5h_usd: 0.5,
        cost_daily_usd: 5,
        cost_weekly_usd: 20,
        cost_monthly_usd: 50,
        cost_total_usd: 1000,
        models: ['claude-sonnet-*', 'claude-opus-4-1[1m]'],
        ips: ['203.0.113.9', '10.0.0.0/8', '2001:db8::1', '2001:db8::/32'],
        expires_at: Date.UTC(2030, 0, 1),
        expires_after_first_use_days: 30,
      },
    })
  })

  it('reads its own output back unchanged (the store re-validates what it wrote)', () => {
    const first = validateLimits({
      ips: ['::ffff:1.2.3.4/120'],
      expires_at: '2030-06-01T12:00:00+02:00',
    })
    expect(first.ok).toBe(true)
    if (!first.ok) return
    expect(first.limits).toEqual({ ips: ['1.2.3.0/24'], expires_at: Date.UTC(2030, 5, 1, 10) })
    expect(validateLimits(JSON.parse(JSON.stringify(first.limits)))).toEqual(first)
  })

  it('treats null and absent as no limit', () => {
    expect(validateLimits(null)).toEqual({ ok: true, limits: {} })
    expect(validateLimits(undefined)).toEqual({ ok: true, limits: {} })
    expect(validateLimits({ rpm: null, tpm: 5 })).toEqual({ ok: true, limits: { tpm: 5 } })
  })

  it.each([
    [[], 'limits'],
    ['x', 'limits'],
    [{ rpn: 5 }, 'rpn'],
    [{ rpm: 0 }, 'rpm'],
    [{ rpm: 1.5 }, 'rpm'],
    [{ tpm: -1 }, 'tpm'],
    [{ concurrency: '2' }, 'concurrency'],
    [{ expires_after_first_use_days: 0.5 }, 'expires_after_first_use_days'],
    [{ cost_daily_usd: 0 }, 'cost_daily_usd'],
    [{ cost_total_usd: Infinity }, 'cost_total_usd'],
    [{ cost_5h_usd: NaN }, 'cost_5h_usd'],
    [{ models: [] }, 'models'],
    [{ models: 'claude-*' }, 'models'],
    [{ models: ['*'] }, 'models'],
    [{ models: ['claude sonnet'] }, 'models'],
    [{ models: ['claude-*-x*'] }, 'models'],
    [{ models: ['a'.repeat(129)] }, 'models'],
    [{ models: [7] }, 'models'],
    [{ ips: [] }, 'ips'],
    [{ ips: ['127.1'] }, 'ips'],
    [{ ips: ['10.0.0.0/33'] }, 'ips'],
    [{ ips: ['::ffff:1.2.3.4/95'] }, 'ips'],
    [{ ips: ['fe80::1%eth0'] }, 'ips'],
    [{ ips: ['example.com'] }, 'ips'],
    [{ ips: [undefined] }, 'ips'],
    [{ expires_at: 'tomorrow' }, 'expires_at'],
    [{ expires_at: '2030-01-01' }, 'expires_at'],
    [{ expires_at: 1.5 }, 'expires_at'],
    [{ expires_at: '10000-01-01T00:00:00Z' }, 'expires_at'],
  ])('refuses %j naming %s', (input, field) => {
    const r = validateLimits(input)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.field).toBe(field)
      expect(r.reason.length).toBeGreaterThan(0)
    }
  })

  it('takes 1 to LIMIT_LIST_MAX entries (boundary)', () => {
    const models = Array.from({ length: LIMIT_LIST_MAX }, (_, i) => `m${i}`)
    expect(validateLimits({ models }).ok).toBe(true)
    expect(validateLimits({ models: [...models, 'one-more'] }).ok).toBe(false)
    expect(validateLimits({ rpm: 1 })).toEqual({ ok: true, limits: { rpm: 1 } })
  })

  it('names the first bad field in LIMIT_NAMES order, whatever the input order', () => {
    const r = validateLimits({ ips: ['x'], rpm: 0 })
    expect(r.ok === false && r.field).toBe('rpm')
  })
})

describe('mergeLimits', () => {
  it('merges field by field: null removes, absent or undefined keeps', () => {
    const current = Object.freeze({ rpm: 10, tpm: 1000, models: ['a'] })
    expect(mergeLimits(current, { rpm: null, concurrency: 2, tpm: undefined })).toEqual({
      tpm: 1000,
      models: ['a'],
      concurrency: 2,
    })
    expect(current).toEqual({ rpm: 10, tpm: 1000, models: ['a'] })
  })

  it('removes everything with a null patch, keeps everything with an empty one', () => {
    expect(mergeLimits({ rpm: 10 }, null)).toEqual({})
    expect(mergeLimits({ rpm: 10 }, {})).toEqual({ rpm: 10 })
  })
})

describe('hasLimits', () => {
  it('is false only for no fields set', () => {
    expect(hasLimits({})).toBe(false)
    expect(hasLimits({ rpm: undefined })).toBe(false)
    expect(hasLimits({ ips: ['1.2.3.4'] })).toBe(true)
  })
})
