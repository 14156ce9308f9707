import { describe, expect, it } from 'vitest'
import { readErrorBody } from './error-body'
import { headerValue, parseRetryAfter, rateLimitResetAt } from './retry-after'

const now = Date.parse('2026-11-27T07:00:00Z')

describe('parseRetryAfter', () => {
  it('reads delta-seconds, fractions rounded up', () => {
    expect(parseRetryAfter('30', now)).toBe(now + 30_000)
    expect(parseRetryAfter(' 1.2 ', now)).toBe(now + 1200)
    expect(parseRetryAfter('0', now)).toBe(now)
  })
  it('reads an HTTP date; a past date means now', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 07:00:45 GMT', now)).toBe(now + 45_000)
    expect(parseRetryAfter('Fri, 27 Nov 2026 06:00:00 GMT', now)).toBe(now)
  })
  it('caps the wait', () => {
    expect(parseRetryAfter('3600', now, 600_000)).toBe(now + 600_000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 07:00:00 GMT', now)).toBe(now + 600_000)
  })
  it('ignores missing and garbage values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('rateLimitResetAt', () => {
  it('takes the latest reset among exhausted limits', () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2026-11-27T07:00:05Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-27T07:00:20Z',
      'anthropic-ratelimit-input-tokens-remaining': '5000',
      'anthropic-ratelimit-input-tokens-reset': '2026-11-27T07:09:00Z',
    }
    expect(rateLimitResetAt(headers, now)).toBe(now + 20_000)
  })
  it('is undefined without an exhausted limit, and capped otherwise', () => {
    expect(rateLimitResetAt({}, now)).toBeUndefined()
    expect(rateLimitResetAt(undefined, now)).toBeUndefined()
    const far = {
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-11-28T07:00:00Z',
    }
    expect(rateLimitResetAt(far, now, 1000)).toBe(now + 1000)
    const bad = {
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': 'later',
    }
    expect(rateLimitResetAt(bad, now)).toBeUndefined()
  })
})

describe('headerValue', () => {
  it('reads plain objects, arrays and fetch Headers', () => {
    expect(headerValue({ a: 'x' }, 'a')).toBe('x')
    expect(headerValue({ a: ['x', 'y'] }, 'a')).toBe('x')
    expect(headerValue({}, 'a')).toBeUndefined()
    expect(headerValue({ get: () => null }, 'a')).toBeUndefined()
  })
})

describe('readErrorBody', () => {
  it('reads JSON, falls back to a regex on truncated snippets', () => {
    expect(readErrorBody('{"type":"error","error":{"type":"api_error"}}').errorType).toBe(
      'api_error',
    )
    expect(
      readErrorBody('{"type":"error","error":{"type":"overloaded_error","message":"Overl')
        .errorType,
    ).toBe('overloaded_error')
    expect(readErrorBody('<html>bad gateway</html>')).toEqual({
      errorType: undefined,
      spendLimit: false,
    })
    expect(readErrorBody('null').errorType).toBeUndefined()
    expect(readErrorBody(undefined).errorType).toBeUndefined()
    expect(readErrorBody('{"error":{"code":"insufficient_quota"}}').spendLimit).toBe(true)
  })
})
