import { describe, expect, it } from 'vitest'
import {
  OUTBOUND_ERROR_CLASSES,
  describeOutboundError,
  httpErrorForm,
  outboundErrorClass,
} from './outbound-error'

const anthropic = (type: unknown, message: unknown) =>
  JSON.stringify({ type: 'error', error: { type, message } })

describe('describeOutboundError (docs/contract.md §9 stored form)', () => {
  it('an error class is stored as it is, whatever else is known', () => {
    for (const errorClass of OUTBOUND_ERROR_CLASSES) {
      expect(describeOutboundError({ errorClass, status: 500, body: 'secret page' })).toBe(
        errorClass,
      )
    }
  })
  it('a 3xx is a redirect, and its body is never read', () => {
    expect(describeOutboundError({ status: 302, body: anthropic('api_error', 'inner') })).toBe(
      'redirect',
    )
  })
  it('keeps type and a redacted message of an Anthropic-shaped body only', () => {
    const key = 'node-key-canary-7f3a'
    expect(
      describeOutboundError({
        status: 401,
        body: anthropic('authentication_error', `invalid x-api-key ${key}`),
        secrets: [key],
      }),
    ).toBe('http_401 authentication_error: invalid x-api-key [redacted]')
    expect(
      describeOutboundError({
        status: 400,
        body: anthropic('invalid_request_error', 'sk-ant-api03-abcdefgh'),
      }),
    ).toBe('http_400 invalid_request_error: [redacted]')
    expect(describeOutboundError({ status: 500, body: '<html>internal secret</html>' })).toBe(
      'http_500',
    )
    expect(describeOutboundError({ status: 500, body: '{"error":{"type":"api_error","mess' })).toBe(
      'http_500',
    )
    expect(describeOutboundError({ status: 404, body: '{"message":"no such thing"}' })).toBe(
      'http_404',
    )
    expect(describeOutboundError({ status: 503 })).toBe('http_503')
  })
  it('cuts the message to 200 characters and to one line', () => {
    const long = `first\nline ${'word '.repeat(100)}`
    const text = describeOutboundError({ status: 529, body: anthropic('overloaded_error', long) })
    const prefix = 'http_529 overloaded_error: '
    expect(text.startsWith(`${prefix}first line word`)).toBe(true)
    expect(text.length).toBe(prefix.length + 200)
    expect(text).not.toContain('\n')
  })
  it('drops a type that does not look like one, and the message with it', () => {
    expect(describeOutboundError({ status: 400, body: anthropic('the secret is 42', 'm') })).toBe(
      'http_400',
    )
    expect(describeOutboundError({ status: 400, body: anthropic(7, 'm') })).toBe('http_400')
    expect(
      describeOutboundError({ status: 400, body: anthropic('invalid_request_error', 7) }),
    ).toBe('http_400 invalid_request_error')
  })
  it('without status or class the call did not connect', () => {
    expect(describeOutboundError({})).toBe('connect_refused')
  })
})

describe('outboundErrorClass', () => {
  it.each([
    ['ECONNREFUSED', 'connect_refused'],
    ['ECONNRESET', 'connect_refused'],
    ['ENOTFOUND', 'connect_refused'],
    [undefined, 'connect_refused'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['QCC_ADDRESS_REFUSED', 'address_refused'],
  ])('%s is %s', (code, errorClass) => {
    expect(outboundErrorClass(code)).toBe(errorClass)
  })
})

describe('httpErrorForm', () => {
  it('adds only a well-formed type', () => {
    expect(httpErrorForm(529, 'overloaded_error')).toBe('http_529 overloaded_error')
    expect(httpErrorForm(502, 'Bad Gateway')).toBe('http_502')
    expect(httpErrorForm(502)).toBe('http_502')
  })
})
