/**
 * Error classes. Every error the client throws is a {@link ClientError}; callers switch on the
 * class (or `status` / `type`), never on message text. `retryable` says whether sending the same
 * request again may succeed.
 */

/** Header bag kept on errors: lower-case names. */
export type ErrorHeaders = Record<string, string>

/** Base class of every error the client throws. */
export class ClientError extends Error {
  override name = 'ClientError'
  /** Whether the same request may succeed when sent again. */
  readonly retryable: boolean = false

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** What an {@link APIError} was built from. */
export interface APIErrorInit {
  /** HTTP status; `undefined` for an `event: error` inside a 200 stream. */
  status?: number
  /** Anthropic's error type (`error.type` of the body), e.g. `rate_limit_error`. */
  type?: string
  message: string
  /** The upstream's request id (`request-id` header). */
  requestId?: string
  headers?: ErrorHeaders
  /** The parsed error body, when there was one. */
  body?: unknown
  /** Overrides the class default (from `x-should-retry`). */
  retryable?: boolean
  cause?: unknown
}

/**
 * An error answer from the API: a non-2xx status, or an `event: error` frame inside a stream.
 * Subclasses are chosen by status and by Anthropic's error type (see {@link apiErrorFor}).
 */
export class APIError extends ClientError {
  override name = 'APIError'
  override readonly retryable: boolean
  /** HTTP status; `undefined` when the error came as an `event: error` inside a 200 stream. */
  readonly status: number | undefined
  /** Anthropic's error type, e.g. `overloaded_error`; `undefined` when the body had none. */
  readonly type: string | undefined
  /** The upstream's request id (`request-id` header), when it sent one. */
  readonly requestId: string | undefined
  /** Response headers, lower-case names. */
  readonly headers: ErrorHeaders
  /** The parsed error body, when there was one. */
  readonly body: unknown

  constructor(init: APIErrorInit) {
    super(init.message, { cause: init.cause })
    this.status = init.status
    this.type = init.type
    this.requestId = init.requestId
    this.headers = init.headers ?? {}
    this.body = init.body
    this.retryable = init.retryable ?? (this.constructor as typeof APIError).defaultRetryable
  }

  /** Whether errors of this class are retryable when no `x-should-retry` header says otherwise. */
  static defaultRetryable = false
}

/** 400 `invalid_request_error`: the request itself is wrong. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError'
}
/** 401 `authentication_error`: missing or wrong key. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError'
}
/** 402 `billing_error`: the account cannot pay. */
export class BillingError extends APIError {
  override name = 'BillingError'
}
/** 403 `permission_error`: the key may not use this resource. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError'
}
/** 404 `not_found_error`. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError'
}
/** 408: the server gave up waiting for the request. Retryable. */
export class RequestTimeoutError extends APIError {
  override name = 'RequestTimeoutError'
  static override defaultRetryable = true
}
/** 409: conflict. Retryable (Anthropic's own SDK retries it). */
export class ConflictError extends APIError {
  override name = 'ConflictError'
  static override defaultRetryable = true
}
/** 413 `request_too_large`. */
export class RequestTooLargeError extends APIError {
  override name = 'RequestTooLargeError'
}
/** 422: the request was understood but cannot be processed. */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError'
}
/** 429 `rate_limit_error`. Retryable; `retry-after` says when. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError'
  static override defaultRetryable = true
}
/** 5xx `api_error` (and `timeout_error`). Retryable. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError'
  static override defaultRetryable = true
}
/** 529 `overloaded_error`. Retryable. */
export class OverloadedError extends InternalServerError {
  override name = 'OverloadedError'
}

/** No answer: the connection failed, was reset, or the stream broke off. Retryable. */
export class APIConnectionError extends ClientError {
  override name = 'APIConnectionError'
  override readonly retryable: boolean = true
}

/** No answer within `timeoutMs`. Retryable. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError'
}

/** The caller aborted the request through its `AbortSignal` (or stopped reading a stream). */
export class APIUserAbortError extends ClientError {
  override name = 'APIUserAbortError'
}

/** A 200 stream that does not follow the Messages SSE format (bad JSON, missing events). */
export class StreamFormatError extends ClientError {
  override name = 'StreamFormatError'
}

type APIErrorClass = new (init: APIErrorInit) => APIError

const BY_TYPE: Record<string, APIErrorClass> = {
  invalid_request_error: BadRequestError,
  authentication_error: AuthenticationError,
  billing_error: BillingError,
  permission_error: PermissionDeniedError,
  not_found_error: NotFoundError,
  request_too_large: RequestTooLargeError,
  rate_limit_error: RateLimitError,
  api_error: InternalServerError,
  timeout_error: InternalServerError,
  overloaded_error: OverloadedError,
}

const BY_STATUS: Record<number, APIErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: BillingError,
  403: PermissionDeniedError,
  404: NotFoundError,
  408: RequestTimeoutError,
  409: ConflictError,
  413: RequestTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  529: OverloadedError,
}

function classFor(status: number | undefined, type: string | undefined): APIErrorClass {
  // The status decides for HTTP errors (a 529 is overloaded whatever the body says); the
  // Anthropic error type decides inside a stream, where there is no status.
  if (status !== undefined) {
    const byStatus = BY_STATUS[status]
    if (byStatus) return byStatus
    if (type === 'overloaded_error') return OverloadedError
    if (status >= 500) return InternalServerError
  }
  return (type && BY_TYPE[type]) || APIError
}

/**
 * Builds the {@link APIError} subclass for a status and an Anthropic error type.
 * @example apiErrorFor({ status: 429, type: 'rate_limit_error', message: 'slow down' }) // RateLimitError
 */
export function apiErrorFor(init: APIErrorInit): APIError {
  const ErrorClass = classFor(init.status, init.type)
  return new ErrorClass(init)
}

/** Lower-case copy of a `Headers` object. */
export function headersToRecord(headers: Headers): ErrorHeaders {
  const out: ErrorHeaders = {}
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value
  })
  return out
}

/**
 * Reads an `{ type: 'error', error: { type, message } }` body (or anything else) into an
 * {@link APIError} for a non-2xx response. Honours `x-should-retry: true|false`.
 */
export function apiErrorFromResponse(status: number, bodyText: string, headers: Headers): APIError {
  const record = headersToRecord(headers)
  let body: unknown = bodyText
  try {
    body = JSON.parse(bodyText)
  } catch {
    // a non-JSON body (an HTML error page from a proxy) is kept as text
  }
  const { type, message, requestId } = errorFields(body)
  const shouldRetry = record['x-should-retry']
  return apiErrorFor({
    status,
    type,
    message: message ?? (bodyText.trim().slice(0, 500) || `HTTP ${status}`),
    requestId: record['request-id'] ?? requestId ?? record['x-request-id'],
    headers: record,
    body,
    retryable: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined,
  })
}

/**
 * `error.type`, `error.message` and the top-level `request_id` of an Anthropic error body, when
 * present.
 */
export function errorFields(body: unknown): {
  type?: string
  message?: string
  requestId?: string
} {
  if (typeof body !== 'object' || body === null) return {}
  const { error: inner, request_id } = body as { error?: unknown; request_id?: unknown }
  const requestId = typeof request_id === 'string' ? request_id : undefined
  if (typeof inner !== 'object' || inner === null) return { requestId }
  const { type, message } = inner as { type?: unknown; message?: unknown }
  return {
    type: typeof type === 'string' ? type : undefined,
    message: typeof message === 'string' ? message : undefined,
    requestId,
  }
}
