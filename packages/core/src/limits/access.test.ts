import { describe, expect, it } from 'vitest'
import {
  checkLimitAccess,
  effectiveExpiry,
  modelAllowed,
  usageTokensForLimits,
  type LimitAccessInput,
} from './access'
import type { Limits } from './types'

const DAY = 86_400_000
const now = Date.parse('2026-03-04T10:00:00Z')
const input = (
  keyLimits: Limits,
  accountLimits: Limits = {},
  more: Partial<LimitAccessInput> = {},
) => ({
  keyLimits,
  accountLimits,
  now,
  firstUsedAt: null,
  clientIp: '203.0.113.9',
  model: 'claude-sonnet-4-5',
  route: 'messages' as const,
  ...more,
})

describe('checkLimitAccess', () => {
  it('lets through a request without limits', () => {
    expect(checkLimitAccess(input({}))).toBeNull()
  })

  it('expires at expires_at exactly, not a millisecond before', () => {
    expect(checkLimitAccess(input({ expires_at: now + 1 }))).toBeNull()
    expect(checkLimitAccess(input({ expires_at: now }))).toEqual({
      scope: 'key',
      limit: 'expires_at',
      status: 401,
      errorType: 'authentication_error',
      message: 'key expired',
    })
    expect(checkLimitAccess(input({}, { expires_at: now - 1 }))?.message).toBe('account expired')
  })

  it('expires N days after the first use, never before a first use', () => {
    const days = { expires_after_first_use_days: 2 }
    expect(checkLimitAccess(input(days))).toBeNull()
    expect(checkLimitAccess(input(days, {}, { firstUsedAt: now - 2 * DAY + 1 }))).toBeNull()
    const r = checkLimitAccess(input(days, {}, { firstUsedAt: now - 2 * DAY }))
    expect(r?.limit).toBe('expires_after_first_use_days')
    expect(r?.message).toBe('key expired')
    expect(checkLimitAccess(input({}, days, { firstUsedAt: now - 3 * DAY }))?.message).toBe(
      'account expired',
    )
  })

  it('checks expiry before ips, ips before models, the key before the account', () => {
    expect(
      checkLimitAccess(input({ ips: ['10.0.0.0/8'], models: ['x'] }, { expires_at: 1 }))?.limit,
    ).toBe('expires_at')
    expect(checkLimitAccess(input({ models: ['x'] }, { ips: ['10.0.0.0/8'] }))?.limit).toBe('ips')
    expect(checkLimitAccess(input({ models: ['x'] }, { models: ['y'] }))?.scope).toBe('key')
  })

  it('refuses addresses outside ips with 403', () => {
    expect(checkLimitAccess(input({ ips: ['10.0.0.0/8'] }))).toEqual({
      scope: 'key',
      limit: 'ips',
      status: 403,
      errorType: 'permission_error',
      message: 'key ips limit: address 203.0.113.9 not allowed',
    })
    expect(checkLimitAccess(input({ ips: ['203.0.113.0/24'] }))).toBeNull()
    expect(
      checkLimitAccess(input({ ips: ['203.0.113.9'] }, {}, { clientIp: '::ffff:203.0.113.9' })),
    ).toBeNull()
    expect(checkLimitAccess(input({}, { ips: ['10.0.0.0/8'] }, { route: 'other' }))?.scope).toBe(
      'account',
    )
  })

  it('checks models on messages and count_tokens only, a missing model refused', () => {
    const l = { models: ['claude-sonnet-*', 'claude-opus-4'] }
    expect(checkLimitAccess(input(l))).toBeNull()
    expect(checkLimitAccess(input(l, {}, { model: 'claude-opus-4' }))).toBeNull()
    expect(checkLimitAccess(input(l, {}, { model: 'claude-opus-4-1' }))).toEqual({
      scope: 'key',
      limit: 'models',
      status: 403,
      errorType: 'permission_error',
      message: 'key models limit: model claude-opus-4-1 not allowed',
    })
    expect(
      checkLimitAccess(input(l, {}, { model: 'claude-opus-4-1', route: 'count_tokens' }))?.limit,
    ).toBe('models')
    expect(checkLimitAccess(input(l, {}, { model: 'claude-opus-4-1', route: 'other' }))).toBeNull()
    expect(checkLimitAccess(input(l, {}, { model: undefined }))?.message).toBe(
      'key models limit: a model is required',
    )
    expect(checkLimitAccess(input(l, {}, { model: '' }))?.limit).toBe('models')
    expect(
      checkLimitAccess(input(l, {}, { model: 'x'.repeat(1000) }))?.message.length,
    ).toBeLessThan(200)
  })
})

describe('modelAllowed', () => {
  it('matches exact ids and trailing-* prefixes', () => {
    expect(modelAllowed(['claude-*'], 'claude-')).toBe(true)
    expect(modelAllowed(['claude-*'], 'claud')).toBe(false)
    expect(modelAllowed(['claude-opus-4'], 'claude-opus-4-1')).toBe(false)
    expect(modelAllowed(['Claude-opus-4'], 'claude-opus-4')).toBe(false)
  })
})

describe('usageTokensForLimits', () => {
  it('counts input, cache creation and output, not cache reads', () => {
    const u = {
      inputTokens: 10,
      outputTokens: 20,
      cacheCreationInputTokens: 5,
      cacheCreation5mTokens: 5,
      cacheCreation1hTokens: 0,
      cacheReadInputTokens: 900,
    }
    expect(usageTokensForLimits(u)).toBe(35)
    expect(
      usageTokensForLimits({ ...u, cacheCreationInputTokens: 0, cacheCreation1hTokens: 7 }),
    ).toBe(42)
  })
})

describe('effectiveExpiry', () => {
  const first = Date.UTC(2026, 0, 10)
  it('is null without any expiry limit', () => {
    expect(effectiveExpiry({ rpm: 5 }, {}, first)).toBeNull()
  })
  it('counts days from the first request only once there is one', () => {
    expect(effectiveExpiry({ expires_after_first_use_days: 2 }, {}, null)).toBeNull()
    expect(effectiveExpiry({ expires_after_first_use_days: 2 }, {}, first)).toBe(
      first + 2 * 86_400_000,
    )
  })
  it("is the earliest of the key's and the account's", () => {
    const at = Date.UTC(2026, 0, 11)
    expect(effectiveExpiry({ expires_after_first_use_days: 5 }, { expires_at: at }, first)).toBe(at)
    expect(
      effectiveExpiry({ expires_at: at + 1 }, { expires_after_first_use_days: 1 }, first),
    ).toBe(first + 86_400_000)
  })
})
