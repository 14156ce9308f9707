import { describe, expect, it } from 'vitest'
import { effectiveSettings, extractTenantKey } from './account'
import { DEFAULTS } from './config'

describe('effectiveSettings', () => {
  it('uses overrides, else the process values', () => {
    expect(effectiveSettings(undefined)).toEqual({
      retryMax: DEFAULTS.retryMax,
      failThreshold: DEFAULTS.failThreshold,
      healthIntervalMs: DEFAULTS.healthIntervalMs,
      stickyTtlMs: DEFAULTS.stickyTtlMs,
    })
    const base = { retryMax: 4, failThreshold: 5, healthIntervalMs: 10_000, stickyTtlMs: 60_000 }
    expect(effectiveSettings({ retryMax: 2, failThreshold: null }, base)).toEqual({
      ...base,
      retryMax: 2,
    })
  })
  it('ignores out-of-bounds overrides', () => {
    const s = effectiveSettings({
      retryMax: 0,
      failThreshold: Number.NaN,
      healthIntervalMs: 999,
      stickyTtlMs: -1,
    })
    expect(s).toEqual(effectiveSettings(undefined))
    expect(effectiveSettings({ healthIntervalMs: 3_600_001 }).healthIntervalMs).toBe(
      DEFAULTS.healthIntervalMs,
    )
    expect(effectiveSettings({ stickyTtlMs: 0 }).stickyTtlMs).toBe(0)
  })
})

describe('extractTenantKey', () => {
  it('reads x-api-key, else a bearer token', () => {
    expect(extractTenantKey({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' })).toBe('k1')
    expect(extractTenantKey({ authorization: 'bearer k2' })).toBe('k2')
    expect(extractTenantKey({ 'x-api-key': '', authorization: 'Bearer k2' })).toBe('k2')
  })
  it('gives undefined without a usable key', () => {
    expect(extractTenantKey({})).toBeUndefined()
    expect(extractTenantKey(undefined)).toBeUndefined()
    expect(extractTenantKey({ authorization: 'Basic abc' })).toBeUndefined()
    expect(extractTenantKey({ authorization: 'Bearer ' })).toBeUndefined()
  })
})

describe('effectiveSettings sticky policy (docs/contract.md §13)', () => {
  it('defaults keep today: no policy, no TTFB break (cache_first, never)', () => {
    const s = effectiveSettings({ retryMax: 2 })
    expect(s.stickyPolicy).toBeUndefined()
    expect(s.stickyBreakTtfbMs).toBeUndefined()
    expect(effectiveSettings(undefined).stickyPolicy).toBeUndefined()
  })
  it('takes valid overrides, else the base', () => {
    const base = { ...effectiveSettings(undefined), stickyPolicy: 'cost_first' as const }
    expect(effectiveSettings({ stickyPolicy: 'cache_first' }, base).stickyPolicy).toBe(
      'cache_first',
    )
    expect(effectiveSettings({ stickyPolicy: null }, base).stickyPolicy).toBe('cost_first')
    const bogus = { stickyPolicy: 'fastest' } as unknown as Parameters<typeof effectiveSettings>[0]
    expect(effectiveSettings(bogus).stickyPolicy).toBeUndefined()
    expect(effectiveSettings({ stickyBreakTtfbMs: 8000 }).stickyBreakTtfbMs).toBe(8000)
    expect(
      effectiveSettings({ stickyBreakTtfbMs: 0 }, { ...base, stickyBreakTtfbMs: 5000 }),
    ).toMatchObject({
      stickyBreakTtfbMs: null,
    })
    expect(
      effectiveSettings({ stickyBreakTtfbMs: -1 }, { ...base, stickyBreakTtfbMs: 5000 }),
    ).toMatchObject({
      stickyBreakTtfbMs: 5000,
    })
  })
})
