import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome, type OutcomeDecision } from './classify'

const now = 1_000_000
const classify = (o: Parameters<typeof classifyUpstreamOutcome>[0], extra = {}): OutcomeDecision =>
  classifyUpstreamOutcome(o, { now, ...extra })
const sse = (type: string) => JSON.stringify({ type: 'error', error: { type, message: 'x' } })

// One `describe` per row of the docs/contract.md §3 table.
describe('docs/contract.md §3: connect error, TLS error, reset before headers', () => {
  it('retries on another node and counts a failure', () => {
    const d = classify({ kind: 'connect_error', code: 'ECONNREFUSED' })
    expect(d).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'failure',
      reason: 'connect_error',
      origin: 'local',
    })
    // docs/contract.md §9: the detail feeds `last_error`, so it is an outbound error class, not an error code.
    expect(d.detail).toBe('connect_refused')
    expect(classify({ kind: 'connect_error' }).detail).toBe('connect_refused')
    expect(classify({ kind: 'connect_error', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }).detail).toBe(
      'tls',
    )
    expect(classify({ kind: 'connect_error', code: 'UND_ERR_CONNECT_TIMEOUT' }).detail).toBe(
      'timeout',
    )
    expect(classify({ kind: 'connect_error', code: 'QCC_ADDRESS_REFUSED' }).detail).toBe(
      'address_refused',
    )
  })
})

describe('docs/contract.md §3: no headers / first event within the first-byte timeout', () => {
  it('retries once per request, failure +1', () => {
    expect(classify({ kind: 'timeout_first_byte' })).toMatchObject({
      retry: true,
      nodeEffect: 'failure',
      reason: 'first_byte_timeout',
    })
    const second = classify(
      { kind: 'timeout_first_byte', phase: 'first_event' },
      { firstByteTimeoutsBefore: 1 },
    )
    expect(second).toMatchObject({ retry: false, nodeEffect: 'failure' })
    expect(second.detail).toBe('timeout')
  })
})

describe('docs/contract.md §3: 500, 502, 503, 504, 3xx, unparsable', () => {
  it.each([500, 502, 503, 504, 501, 599])('%i retries with failure +1', (status) => {
    expect(classify({ kind: 'response', status, bodySnippet: sse('api_error') })).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'failure',
      reason: 'server_error',
      status,
      origin: 'upstream',
    })
  })
  it.each([301, 302, 307, 308])(
    '%i (redirect, never followed) retries with failure +1',
    (status) => {
      expect(classify({ kind: 'response', status })).toMatchObject({
        retry: true,
        nodeEffect: 'failure',
        reason: 'redirect',
      })
    },
  )
  it('an unparsable 2xx answer retries with failure +1', () => {
    expect(classify({ kind: 'response', status: 200, unparsable: true })).toMatchObject({
      retry: true,
      nodeEffect: 'failure',
      reason: 'unparsable',
    })
  })
  it('a 1xx final answer is unparsable', () => {
    expect(classify({ kind: 'response', status: 101 })).toMatchObject({
      retry: true,
      reason: 'unparsable',
    })
  })
  it('408 counts like a timeout', () => {
    expect(classify({ kind: 'response', status: 408 })).toMatchObject({
      retry: true,
      nodeEffect: 'failure',
      reason: 'first_byte_timeout',
    })
  })
  it('an api_error first event retries with failure +1', () => {
    expect(
      classify({ kind: 'first_event', status: 200, eventType: 'error', data: sse('api_error') }),
    ).toMatchObject({
      retry: true,
      nodeEffect: 'failure',
      reason: 'server_error',
    })
  })
})

describe('docs/contract.md §3: 529 / overloaded_error (status or first event)', () => {
  it('529 cools the node 10 s and retries', () => {
    expect(classify({ kind: 'response', status: 529 })).toMatchObject({
      retry: true,
      nodeEffect: 'cooldown',
      reason: 'overloaded',
      cooldownUntil: now + 10_000,
    })
  })
  it('overloaded_error in a 503 body is overloaded too', () => {
    expect(
      classify({ kind: 'response', status: 503, bodySnippet: sse('overloaded_error') }),
    ).toMatchObject({ reason: 'overloaded', nodeEffect: 'cooldown' })
  })
  it('an overloaded_error first event after 200 is a failed attempt, cooled', () => {
    const d = classify({
      kind: 'first_event',
      status: 200,
      eventType: 'error',
      data: sse('overloaded_error'),
    })
    expect(d).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'cooldown',
      reason: 'overloaded',
    })
    expect(d.detail).toBe('http_200 overloaded_error')
  })
  it('a 529 retry-after is honoured (capped)', () => {
    expect(
      classify({ kind: 'response', status: 529, headers: { 'retry-after': '5' } }).cooldownUntil,
    ).toBe(now + 5000)
    expect(
      classify({ kind: 'response', status: 529 }, { overloadCooldownMs: 2000 }).cooldownUntil,
    ).toBe(now + 2000)
  })
})

describe('docs/contract.md §3: 429 with retry-after', () => {
  it('cools until retry-after and retries', () => {
    expect(
      classify({ kind: 'response', status: 429, headers: { 'retry-after': '30' } }),
    ).toMatchObject({
      retry: true,
      nodeEffect: 'cooldown',
      reason: 'rate_limited',
      cooldownUntil: now + 30_000,
    })
  })
  it('caps retry-after at PROXY_COOLDOWN_MAX_SEC', () => {
    expect(
      classify({ kind: 'response', status: 429, headers: { 'retry-after': '86400' } })
        .cooldownUntil,
    ).toBe(now + 600_000)
    expect(
      classify(
        { kind: 'response', status: 429, headers: { 'retry-after': '86400' } },
        { cooldownMaxMs: 60_000 },
      ).cooldownUntil,
    ).toBe(now + 60_000)
  })
  it('without retry-after cools 30 s', () => {
    expect(classify({ kind: 'response', status: 429 }).cooldownUntil).toBe(now + 30_000)
  })
  it('falls back to an exhausted anthropic-ratelimit reset', () => {
    const headers = {
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': new Date(now + 12_000).toISOString(),
    }
    expect(classify({ kind: 'response', status: 429, headers }).cooldownUntil).toBe(now + 12_000)
  })
  it('reads fetch Headers too', () => {
    const headers = { get: (n: string) => (n === 'retry-after' ? '7' : null) }
    expect(classify({ kind: 'response', status: 429, headers }).cooldownUntil).toBe(now + 7000)
  })
  it('a rate_limit_error first event cools the node', () => {
    expect(
      classify({
        kind: 'first_event',
        status: 200,
        eventType: 'error',
        data: sse('rate_limit_error'),
      }),
    ).toMatchObject({ reason: 'rate_limited', nodeEffect: 'cooldown' })
  })
})

describe("docs/contract.md §3: 401, 403 (the node's key is bad), 402 / spend limit", () => {
  it.each([
    [401, 'auth_failed'],
    [403, 'permission_denied'],
    [402, 'spend_limit'],
  ] as const)('%i fails the node at once and retries elsewhere', (status, reason) => {
    expect(classify({ kind: 'response', status })).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'fail_now',
      reason,
    })
  })
  it('a 429 spend limit is not a cooldown', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'enforced_spend_limit_reached' },
    })
    expect(classify({ kind: 'response', status: 429, bodySnippet: body })).toMatchObject({
      nodeEffect: 'fail_now',
      reason: 'spend_limit',
    })
  })
  it('a 400 "credit balance is too low" is the node being out of credit, not the request', () => {
    const body = JSON.stringify({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'Your credit balance is too low to access the Anthropic API.',
      },
    })
    expect(classify({ kind: 'response', status: 400, bodySnippet: body })).toMatchObject({
      retry: true,
      nodeEffect: 'fail_now',
      reason: 'spend_limit',
    })
  })
  it('recognises error types in a first event', () => {
    expect(
      classify({
        kind: 'first_event',
        status: 200,
        eventType: 'error',
        data: sse('authentication_error'),
      }).reason,
    ).toBe('auth_failed')
    expect(
      classify({
        kind: 'first_event',
        status: 200,
        eventType: 'error',
        data: sse('permission_error'),
      }).reason,
    ).toBe('permission_denied')
    expect(
      classify({ kind: 'first_event', status: 200, eventType: 'error', data: sse('billing_error') })
        .reason,
    ).toBe('spend_limit')
  })
})

describe("docs/contract.md §3: 400, 404, 413, 422 (the request's own fault)", () => {
  it.each([400, 404, 413, 422])('%i is passed through, no retry, no node effect', (status) => {
    const d = classify({ kind: 'response', status, bodySnippet: sse('invalid_request_error') })
    expect(d).toMatchObject({
      result: 'pass_through',
      retry: false,
      nodeEffect: 'none',
      reason: 'client_error',
      status,
    })
    expect(d.detail).not.toContain('passed through')
  })
  it.each([405, 409, 415])('other 4xx (%i) are passed through as well', (status) => {
    expect(classify({ kind: 'response', status })).toMatchObject({
      result: 'pass_through',
      nodeEffect: 'none',
    })
  })
  it('an invalid_request_error first event is passed through', () => {
    expect(
      classify({
        kind: 'first_event',
        status: 200,
        eventType: 'error',
        data: sse('invalid_request_error'),
      }),
    ).toMatchObject({ result: 'pass_through', nodeEffect: 'none' })
  })
})

describe('docs/contract.md §3: client disconnects', () => {
  it('no retry, no node effect', () => {
    expect(classify({ kind: 'client_abort' })).toMatchObject({
      result: 'aborted',
      retry: false,
      nodeEffect: 'none',
      reason: 'client_abort',
    })
  })
})

describe('success and the commit point', () => {
  it('a 2xx answer or a first non-error event is a success', () => {
    expect(classify({ kind: 'response', status: 200 })).toMatchObject({
      result: 'success',
      nodeEffect: 'success',
      retry: false,
    })
    expect(
      classify({ kind: 'first_event', status: 200, eventType: 'message_start' }),
    ).toMatchObject({ result: 'success' })
  })
  it('a non-2xx first event is classified by status', () => {
    expect(
      classify({ kind: 'first_event', status: 503, eventType: 'error', data: sse('api_error') }),
    ).toMatchObject({ reason: 'server_error', retry: true })
  })
  it('a failure after the commit is never retried', () => {
    expect(classify({ kind: 'after_commit_failure', cause: 'reset' })).toMatchObject({
      retry: false,
      nodeEffect: 'failure',
      reason: 'stream_failed',
      origin: 'local',
    })
    expect(classify({ kind: 'after_commit_failure', cause: 'idle_timeout' })).toMatchObject({
      retry: false,
      nodeEffect: 'failure',
    })
    expect(
      classify({ kind: 'after_commit_failure', cause: 'error_event', errorType: 'api_error' }),
    ).toMatchObject({ nodeEffect: 'failure', origin: 'upstream' })
  })
  it('an overloaded or rate-limit error after the commit only cools the node', () => {
    expect(
      classify({
        kind: 'after_commit_failure',
        cause: 'error_event',
        errorType: 'overloaded_error',
      }),
    ).toMatchObject({ retry: false, nodeEffect: 'cooldown', cooldownUntil: now + 10_000 })
    expect(
      classify({
        kind: 'after_commit_failure',
        cause: 'error_event',
        errorType: 'rate_limit_error',
      }),
    ).toMatchObject({ nodeEffect: 'cooldown', cooldownUntil: now + 30_000 })
    expect(
      classify({
        kind: 'after_commit_failure',
        cause: 'error_event',
        errorType: 'invalid_request_error',
      }),
    ).toMatchObject({ nodeEffect: 'none' })
  })
})

describe('docs/contract.md §9: details speak the outbound-error vocabulary and carry no body text', () => {
  const body = (type: string, message: string) =>
    JSON.stringify({ type: 'error', error: { type, message } })
  it('an answer is http_<status> with a well-formed error type, never its message', () => {
    const d = classify({
      kind: 'response',
      status: 503,
      bodySnippet: body('api_error', 'db at 10.0.0.5'),
    })
    expect(d.detail).toBe('http_503 api_error')
    expect(classify({ kind: 'response', status: 400, bodySnippet: body('x y', 'z') }).detail).toBe(
      'http_400',
    )
    expect(
      classify({ kind: 'response', status: 302, bodySnippet: body('api_error', 'm') }),
    ).toMatchObject({ reason: 'redirect', detail: 'http_302' })
    expect(classify({ kind: 'response', status: 200 }).detail).toBe('http_200')
  })
  it('failures after the commit are told by class', () => {
    const after = (
      cause: 'reset' | 'idle_timeout' | 'error_event' | 'malformed',
      errorType?: string,
    ) => classify({ kind: 'after_commit_failure', cause, errorType }).detail
    expect(after('reset')).toBe('connect_refused')
    expect(after('idle_timeout')).toBe('timeout')
    expect(after('error_event', 'overloaded_error')).toBe('http_200 overloaded_error')
    expect(after('malformed')).toBe('http_200')
  })
})
