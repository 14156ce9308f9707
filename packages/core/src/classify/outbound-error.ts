/**
 * The one form in which an outbound call's failure is stored and shown (docs/contract.md §9 "every outbound
 * call obeys the address policy"): health history, `last_error`, `health.check` events,
 * notification deliveries and test-send answers. A failure is a status code or an error class,
 * plus, only for an Anthropic-shaped JSON body, its `error.type` and at most 200 characters of
 * its `error.message` with secrets redacted. No other body text is ever kept: the body may come
 * from a host the tenant should not read.
 */
import { redactSecrets } from '../redact/redact'

/** Why an outbound call got no usable answer, when it is not an HTTP status. */
export type OutboundErrorClass =
  'connect_refused' | 'timeout' | 'tls' | 'redirect' | 'address_refused'

/** Every {@link OutboundErrorClass}, for validation and tests. */
export const OUTBOUND_ERROR_CLASSES: readonly OutboundErrorClass[] = [
  'connect_refused',
  'timeout',
  'tls',
  'redirect',
  'address_refused',
]

/** Longest `error.message` kept, in characters (after redaction). */
export const OUTBOUND_MESSAGE_MAX = 200

// An `error.type` is shown only when it looks like one (`overloaded_error`), so a crafted body
// cannot smuggle text through the type field.
const ERROR_TYPE = /^[a-z][a-z0-9_]{0,63}$/

/** True for a string shaped like an Anthropic `error.type` (`overloaded_error`). */
export const isErrorType = (text: string | undefined): text is string =>
  text !== undefined && ERROR_TYPE.test(text)
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
])
const TLS_CODES = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
])

/** The address policy's refusal, as the proxy's connect-time check reports it. */
export const ADDRESS_REFUSED_CODE = 'QCC_ADDRESS_REFUSED'

/**
 * The class of a transport failure from its error code (Node's `ECONNREFUSED`, undici's
 * `UND_ERR_CONNECT_TIMEOUT`, a TLS code, the proxy's {@link ADDRESS_REFUSED_CODE}). Every other
 * failure to connect or to keep the connection (refused, reset, DNS failure, unknown) is
 * `connect_refused`: the node could not be reached.
 *
 * @example
 * ```ts
 * outboundErrorClass('UND_ERR_CONNECT_TIMEOUT') // 'timeout'
 * outboundErrorClass('ERR_TLS_CERT_ALTNAME_INVALID') // 'tls'
 * outboundErrorClass('ECONNRESET') // 'connect_refused'
 * ```
 */
export function outboundErrorClass(code: string | undefined): OutboundErrorClass {
  if (code === undefined) return 'connect_refused'
  if (code === ADDRESS_REFUSED_CODE) return 'address_refused'
  if (TIMEOUT_CODES.has(code)) return 'timeout'
  if (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_')
  ) {
    return 'tls'
  }
  return 'connect_refused'
}

/** What went wrong, as {@link describeOutboundError} takes it. */
export interface OutboundErrorInput {
  /** The HTTP status when the host answered. A 3xx is `redirect` (redirects are never followed). */
  readonly status?: number | undefined
  /** The class when there was no usable status (it wins over `status`). */
  readonly errorClass?: OutboundErrorClass | undefined
  /** The start of the answer's body; only an Anthropic-shaped JSON error is read from it. */
  readonly body?: string | undefined
  /** Secrets to redact from the message besides key-shaped tokens (the node's key). */
  readonly secrets?: readonly (string | null | undefined)[] | undefined
}

/**
 * `http_<status>` with the error type when it looks like one: the form of a failure the host
 * answered, without its message (what the data path's classification records).
 *
 * @example
 * ```ts
 * httpErrorForm(503, 'overloaded_error') // 'http_503 overloaded_error'
 * httpErrorForm(502, '<html>') // 'http_502'
 * ```
 */
export function httpErrorForm(status: number, errorType?: string | undefined): string {
  const type = errorType !== undefined && ERROR_TYPE.test(errorType) ? ` ${errorType}` : ''
  return `http_${status}${type}`
}

/**
 * The stored and shown text of an outbound failure: `connect_refused`, `timeout`, `tls`,
 * `redirect`, `address_refused`, or `http_<status>` followed, for an Anthropic-shaped JSON body
 * (`{"error": {"type": ..., "message": ...}}`), by its type and up to
 * {@link OUTBOUND_MESSAGE_MAX} characters of its message with secrets redacted. Any other body
 * (HTML, plain text, cut-off JSON) adds nothing.
 *
 * @example
 * ```ts
 * describeOutboundError({
 *   status: 401,
 *   body: '{"type":"error","error":{"type":"authentication_error","message":"bad key sk-live-1"}}',
 *   secrets: ['sk-live-1'],
 * })
 * // 'http_401 authentication_error: bad key [redacted]'
 * describeOutboundError({ status: 302 }) // 'redirect'
 * describeOutboundError({ status: 500, body: 'internal secret page' }) // 'http_500'
 * describeOutboundError({ errorClass: 'address_refused' }) // 'address_refused'
 * ```
 */
export function describeOutboundError(failure: OutboundErrorInput): string {
  if (failure.errorClass !== undefined) return failure.errorClass
  const status = failure.status
  if (status === undefined) return 'connect_refused'
  if (status >= 300 && status < 400) return 'redirect'
  const error = anthropicErrorParts(failure.body, failure.secrets ?? [])
  if (!error) return httpErrorForm(status)
  const form = httpErrorForm(status, error.type)
  return error.message === '' ? form : `${form}: ${error.message}`
}

/** An Anthropic-shaped error as it may be kept: a well-formed type and a redacted, short message. */
export interface AnthropicErrorParts {
  /** The `error.type`, only when it looks like one (`overloaded_error`). */
  readonly type: string
  /** The `error.message` on one line, secrets redacted, at most {@link OUTBOUND_MESSAGE_MAX} characters; may be empty. */
  readonly message: string
}

/**
 * The type and redacted message of an Anthropic-shaped JSON error body
 * (`{"error": {"type": ..., "message": ...}}`), or null for any other body (HTML, plain text,
 * cut-off JSON, a type that does not look like one).
 *
 * @example
 * ```ts
 * anthropicErrorParts('{"error":{"type":"api_error","message":"key sk-live-123 bad"}}')
 * // { type: 'api_error', message: 'key [redacted] bad' }
 * anthropicErrorParts('<html>') // null
 * ```
 */
export function anthropicErrorParts(
  body: string | undefined,
  secrets: readonly (string | null | undefined)[] = [],
): AnthropicErrorParts | null {
  if (body === undefined || body === '') return null
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return null
  }
  const error = (parsed as { error?: unknown } | null)?.error
  if (typeof error !== 'object' || error === null) return null
  const { type, message } = error as { type?: unknown; message?: unknown }
  if (typeof type !== 'string' || !ERROR_TYPE.test(type)) return null
  const text = typeof message === 'string' ? clean(redactSecrets(message, secrets)) : ''
  return { type, message: text.slice(0, OUTBOUND_MESSAGE_MAX) }
}

/** One line of printable text: control characters (newlines included) become spaces. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
}
