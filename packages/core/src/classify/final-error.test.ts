import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from './classify'
import { finalErrorForFailedAttempts } from './final-error'

const now = 1_000_000
const r = (status: number, headers: Record<string, string> = {}) =>
  classifyUpstreamOutcome({ kind: 'response', status, headers }, { now })
const connect = classifyUpstreamOutcome({ kind: 'connect_error' }, { now })
const timeout = classifyUpstreamOutcome({ kind: 'timeout_first_byte' }, { now })

describe('finalErrorForFailedAttempts (docs/contract.md §6.2)', () => {
  it('every node answered 429: 429 with the soonest retry-after', () => {
    const e = finalErrorForFailedAttempts(
      [r(429, { 'retry-after': '40' }), r(429, { 'retry-after': '12' }), r(429)],
      { now },
    )
    expect(e).toEqual({
      status: 429,
      errorType: 'rate_limit_error',
      message: expect.any(String),
      retryAfterSec: 12,
    })
  })
  it('429s plus unreachable nodes still give 429', () => {
    expect(finalErrorForFailedAttempts([r(429), connect], { now }).status).toBe(429)
  })
  it('529 stays 529 overloaded_error', () => {
    const e = finalErrorForFailedAttempts([r(529), r(529), r(429, { 'retry-after': '60' })], {
      now,
    })
    expect(e).toMatchObject({ status: 529, errorType: 'overloaded_error', retryAfterSec: 10 })
  })
  it.each([[401], [402], [403], [302], [500], [503]])(
    'a node-caused %i becomes 502 api_error',
    (status) => {
      expect(finalErrorForFailedAttempts([r(status), r(503)], { now })).toMatchObject({
        status: 502,
        errorType: 'api_error',
      })
    },
  )
  it('mixed 429 and 5xx is 502 with the known cooldown as retry-after', () => {
    expect(
      finalErrorForFailedAttempts([r(429, { 'retry-after': '9' }), r(500)], { now }),
    ).toMatchObject({ status: 502, retryAfterSec: 9 })
  })
  it('no upstream answered: 502 for connect errors, 504 for timeouts', () => {
    expect(finalErrorForFailedAttempts([connect, connect], { now })).toMatchObject({
      status: 502,
      errorType: 'api_error',
    })
    expect(finalErrorForFailedAttempts([timeout], { now })).toMatchObject({
      status: 504,
      errorType: 'timeout_error',
    })
    expect(finalErrorForFailedAttempts([connect], { now, deadlineExceeded: true }).status).toBe(504)
    expect(finalErrorForFailedAttempts([], { now, deadlineExceeded: true }).status).toBe(504)
  })
  it('the whole pool down: 503 whatever the last resort said, unless it rate-limited', () => {
    expect(
      finalErrorForFailedAttempts([r(500)], { now, poolDown: true, poolRetryAt: now + 30_000 }),
    ).toMatchObject({ status: 503, retryAfterSec: 30 })
    expect(finalErrorForFailedAttempts([connect], { now, poolDown: true }).status).toBe(503)
    expect(finalErrorForFailedAttempts([r(429)], { now, poolDown: true }).status).toBe(429)
  })
  it('no node available: 503, with retry-after when a cooldown end is known', () => {
    expect(finalErrorForFailedAttempts([], { now })).toEqual({
      status: 503,
      errorType: 'api_error',
      message: expect.any(String),
      retryAfterSec: undefined,
    })
    expect(finalErrorForFailedAttempts([], { now, poolRetryAt: now + 2500 }).retryAfterSec).toBe(3)
    expect(finalErrorForFailedAttempts([], { now, poolRetryAt: now - 10 }).retryAfterSec).toBe(1)
  })
})
