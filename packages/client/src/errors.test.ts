import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createClient } from './client'
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  BillingError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  RequestTooLargeError,
  UnprocessableEntityError,
  apiErrorFor,
} from './errors'

let upstream: FakeUpstream
const body = { model: 'm', max_tokens: 8, messages: [{ role: 'user' as const, content: 'hi' }] }

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.reset())

const cases = [
  [400, BadRequestError, 'invalid_request_error', false],
  [401, AuthenticationError, 'authentication_error', false],
  [402, BillingError, 'billing_error', false],
  [403, PermissionDeniedError, 'permission_error', false],
  [404, NotFoundError, 'not_found_error', false],
  [408, RequestTimeoutError, 'invalid_request_error', true],
  [409, ConflictError, 'conflict_error', true],
  [413, RequestTooLargeError, 'request_too_large', false],
  [422, UnprocessableEntityError, 'invalid_request_error', false],
  [429, RateLimitError, 'rate_limit_error', true],
  [500, InternalServerError, 'api_error', true],
  [503, InternalServerError, 'api_error', true],
  [504, InternalServerError, 'timeout_error', true],
  [529, OverloadedError, 'overloaded_error', true],
] as const

describe('HTTP errors from the fake upstream', () => {
  for (const [status, ErrorClass, type, retryable] of cases) {
    it(`${status} -> ${ErrorClass.name}`, async () => {
      upstream.enqueue({ kind: 'status', status })
      const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
      const error = await client.messages.create(body).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ErrorClass)
      expect(error).toBeInstanceOf(APIError)
      expect(error).toMatchObject({ status, type, retryable, name: ErrorClass.name })
      expect((error as APIError).requestId).toMatch(/^req_/)
      expect((error as APIError).message.length).toBeGreaterThan(0)
    })
  }

  it('x-should-retry overrides the class default', async () => {
    upstream.enqueue(
      { kind: 'status', status: 400, headers: { 'x-should-retry': 'true' } },
      { kind: 'status', status: 500, headers: { 'x-should-retry': 'false' } },
    )
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    await expect(client.messages.create(body)).rejects.toMatchObject({ retryable: true })
    await expect(client.messages.create(body)).rejects.toMatchObject({ retryable: false })
  })

  it('keeps a non-JSON body as the message', async () => {
    upstream.enqueue({ kind: 'status', status: 502, body: '<html>bad gateway</html>' })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    const error = await client.messages.create(body).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error).toMatchObject({
      status: 502,
      type: undefined,
      message: '<html>bad gateway</html>',
    })
  })
})

describe('apiErrorFor', () => {
  it('chooses by type inside a stream and by status for HTTP answers', () => {
    expect(apiErrorFor({ type: 'rate_limit_error', message: 'x' })).toBeInstanceOf(RateLimitError)
    expect(apiErrorFor({ type: 'api_error', message: 'x' })).toBeInstanceOf(InternalServerError)
    expect(apiErrorFor({ status: 500, type: 'overloaded_error', message: 'x' })).toBeInstanceOf(
      OverloadedError,
    )
    expect(apiErrorFor({ status: 418, message: 'x' }).constructor).toBe(APIError)
    expect(apiErrorFor({ type: 'something_new', message: 'x' }).retryable).toBe(false)
  })
})
