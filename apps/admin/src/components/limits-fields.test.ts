import { describe, expect, it, vi } from 'vitest'
import {
  draftFrom,
  fieldNamed,
  fromLocalInput,
  isIpOrCidr,
  isModelPattern,
  patchFrom,
  toLocalInput,
  validateDraft,
  type LimitsDraft,
} from './limits-fields'

// The English text with its placeholders filled; the real `t` reads the browser's preferences.
vi.mock('../i18n', () => ({
  t: (s: string, vars: Record<string, unknown> = {}) =>
    s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k])),
}))

const draft = (fields: Partial<LimitsDraft>): LimitsDraft => ({ ...draftFrom(null), ...fields })

describe('limits editor: validation', () => {
  it('takes empty fields as unlimited and refuses nothing', () => {
    expect(validateDraft(draftFrom(null))).toEqual({})
  })

  it('wants whole positive counts and positive USD amounts', () => {
    const errors = validateDraft(
      draft({
        rpm: '0',
        tpm: '1.5',
        concurrency: 'ten',
        cost_daily_usd: '0',
        cost_total_usd: '-3',
        cost_5h_usd: '0.25',
        expires_after_first_use_days: '2.5',
      }),
    )
    expect(Object.keys(errors).sort()).toEqual([
      'concurrency',
      'cost_daily_usd',
      'cost_total_usd',
      'expires_after_first_use_days',
      'rpm',
      'tpm',
    ])
    expect(validateDraft(draft({ rpm: '10', cost_monthly_usd: '12.5', tpm: ' 1000 ' }))).toEqual({})
  })

  it('accepts model ids with a trailing * only', () => {
    expect(isModelPattern('claude-sonnet-4-6')).toBe(true)
    expect(isModelPattern('claude-sonnet-*')).toBe(true)
    expect(isModelPattern('anthropic.claude-3-haiku-20240307-v1:0')).toBe(true)
    expect(isModelPattern('claude-opus-4-1[1m]')).toBe(true)
    expect(isModelPattern('claude-*-sonnet')).toBe(false)
    expect(isModelPattern('*')).toBe(false)
    expect(isModelPattern(`c${'x'.repeat(128)}`)).toBe(false)
    expect(isModelPattern('claude sonnet')).toBe(false)
    const errors = validateDraft(draft({ models: 'claude-opus-4-1\nclaude-*-x' }))
    expect(errors.models).toContain('claude-*-x')
    const many = Array.from({ length: 101 }, (_, i) => `m${i}`).join('\n')
    expect(validateDraft(draft({ models: many })).models).toContain('100')
  })

  it('accepts IPv4, IPv6 and CIDRs of both, nothing else', () => {
    for (const ok of ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '::ffff:10.1.2.3'])
      expect(isIpOrCidr(ok), ok).toBe(true)
    for (const bad of [
      '256.1.1.1',
      '10.0.0.0/33',
      '2001:db8::/129',
      'example.com',
      '1.2.3',
      '::1/x',
      'fe80::1%eth0',
      '10.0.0.0/8/1',
    ])
      expect(isIpOrCidr(bad), bad).toBe(false)
    expect(validateDraft(draft({ ips: '10.0.0.0/8, 192.168.1.300' })).ips).toContain(
      '192.168.1.300',
    )
  })

  it('refuses a date that is not one', () => {
    expect(validateDraft(draft({ expires_at: 'tomorrow' })).expires_at).toBeDefined()
    expect(validateDraft(draft({ expires_at: '2030-01-02T03:04' }))).toEqual({})
  })

  it('holds a tenant to its account: no higher number, no later expiry', () => {
    const ceiling = { rpm: 10, cost_daily_usd: 5, expires_at: '2030-01-01T00:00:00.000Z' }
    const errors = validateDraft(
      draft({ rpm: '11', cost_daily_usd: '5', expires_at: toLocalInput('2030-02-01T00:00:00Z') }),
      ceiling,
    )
    expect(Object.keys(errors).sort()).toEqual(['expires_at', 'rpm'])
    expect(errors.rpm).toContain('10')
  })
})

describe('limits editor: what is sent', () => {
  const initial = {
    rpm: 10,
    cost_daily_usd: 2.5,
    models: ['claude-sonnet-*'],
    expires_at: '2030-01-02T03:04:59.000Z',
  }

  it('sends nothing when nothing changed, seconds of a shown time included', () => {
    expect(patchFrom(draftFrom(initial), initial)).toEqual({})
  })

  it('sends only changed fields, null for a cleared one', () => {
    const d = draftFrom(initial)
    d.rpm = '20'
    d.cost_daily_usd = ''
    d.ips = '10.0.0.0/8\n\n10.0.0.0/8\n::1'
    d.tpm = '5000'
    expect(patchFrom(d, initial)).toEqual({
      rpm: 20,
      tpm: 5000,
      cost_daily_usd: null,
      ips: ['10.0.0.0/8', '::1'],
    })
  })

  it('clears a list emptied to blank lines and sends the expiry in UTC', () => {
    const d = draftFrom(initial)
    d.models = '\n  \n'
    d.expires_at = toLocalInput('2031-06-01T12:30:00Z')
    expect(patchFrom(d, initial)).toEqual({
      models: null,
      expires_at: '2031-06-01T12:30:00.000Z',
    })
  })

  it('round-trips datetime-local values through UTC', () => {
    const local = toLocalInput('2030-05-06T07:08:00Z')
    expect(fromLocalInput(local)).toBe('2030-05-06T07:08:00.000Z')
    expect(fromLocalInput('not a time')).toBeNull()
  })

  it('finds the field a server error names', () => {
    expect(fieldNamed('rpm: above the account limit (10)')).toBe('rpm')
    expect(fieldNamed('limits.expires_after_first_use_days must be positive')).toBe(
      'expires_after_first_use_days',
    )
    expect(fieldNamed('models must be a subset of the account models')).toBe('models')
    expect(fieldNamed('something else')).toBeUndefined()
  })
})
