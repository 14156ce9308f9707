/**
 * One HTTP exchange with retries: builds the URL and headers, links the caller's signal and the
 * timeout to one `AbortController`, maps failures to error classes, and retries what may succeed.
 */
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  ClientError,
  StreamFormatError,
  apiErrorFromResponse,
} from './errors'
import { retryDelayMs, sleep } from './retry'

/** A `fetch` implementation: the global one, undici's, or a test double. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** Per-request options accepted by every client method. */
export interface RequestOptions {
  /** Aborts the request (and a running stream); the method rejects with `APIUserAbortError`. */
  signal?: AbortSignal
  /** Extra headers for this request; `null` removes a default header. */
  headers?: Record<string, string | null | undefined>
  /** Query parameters, e.g. `{ beta: 'true' }` as Claude Code sends. */
  query?: Record<string, string | number | undefined>
  /** Overrides the client's `timeoutMs`. */
  timeoutMs?: number
  /** Overrides the client's `maxRetries`. */
  maxRetries?: number
}

/** Settings shared by all requests of a client. */
export interface TransportConfig {
  baseUrl: string
  fetch: FetchLike
  headers: Record<string, string>
  timeoutMs: number
  maxRetries: number
  random: () => number
}

/** A response with status 2xx, still connected to its abort and timeout machinery. */
export interface OpenResponse {
  response: Response
  requestId: string | undefined
  /** The signal that aborts the body read (caller abort or timeout). */
  signal: AbortSignal
  /** Turns an error thrown while reading the body into the right error class. */
  mapError(err: unknown): ClientError
  /** Stops the timeout (call once the awaited part is done). */
  stopTimer(): void
  /** Detaches from the caller's signal and stops the timer. Call when the body is consumed. */
  release(): void
}

/** Builds `baseUrl + path + ?query`. */
export function buildUrl(baseUrl: string, path: string, query?: RequestOptions['query']): string {
  const url = baseUrl.replace(/\/+$/, '') + path
  const params = Object.entries(query ?? {}).filter(([, v]) => v !== undefined)
  if (params.length === 0) return url
  return (
    url +
    '?' +
    params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')
  )
}

function mergeHeaders(
  base: Record<string, string>,
  extra: RequestOptions['headers'],
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) out[k.toLowerCase()] = v
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === null) delete out[k.toLowerCase()]
    else if (v !== undefined) out[k.toLowerCase()] = v
  }
  return out
}

function openCall(callerSignal: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  const onAbort = () => controller.abort(callerSignal?.reason)
  callerSignal?.addEventListener('abort', onAbort, { once: true })
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    timedOut = true
    controller.abort(new APITimeoutError(`no answer within ${timeoutMs} ms`))
  }, timeoutMs)
  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  return {
    signal: controller.signal,
    stopTimer,
    release() {
      stopTimer()
      callerSignal?.removeEventListener('abort', onAbort)
    },
    mapError(err: unknown): ClientError {
      if (err instanceof ClientError) return err
      if (callerSignal?.aborted) return new APIUserAbortError('request aborted', { cause: err })
      if (timedOut) return new APITimeoutError(`no answer within ${timeoutMs} ms`, { cause: err })
      const reason = err instanceof Error ? err.message : String(err)
      return new APIConnectionError(`connection failed: ${reason}`, { cause: err })
    },
  }
}

/**
 * Sends a request and resolves with a 2xx response, retrying connection errors and retryable
 * statuses up to `maxRetries` times.
 * @throws {APIError} for a non-2xx answer (after retries), {@link APIConnectionError},
 * {@link APITimeoutError}, {@link APIUserAbortError}.
 */
export async function send(
  config: TransportConfig,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<OpenResponse> {
  const url = buildUrl(config.baseUrl, path, options.query)
  const headers = mergeHeaders(config.headers, options.headers)
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const maxRetries = Math.max(0, options.maxRetries ?? config.maxRetries)
  const timeoutMs = options.timeoutMs ?? config.timeoutMs
  const doFetch = config.fetch
  let lastError: ClientError | undefined
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (lastError) {
      const headers = lastError instanceof APIError ? toHeaders(lastError.headers) : undefined
      await sleep(retryDelayMs(headers, attempt - 1, config.random), options.signal)
    }
    if (options.signal?.aborted) throw new APIUserAbortError('request aborted')
    const call = openCall(options.signal, timeoutMs)
    // Claude Code's SDK reports the attempt number; keep that true when its headers are sent.
    if (headers['x-stainless-retry-count'] !== undefined) {
      headers['x-stainless-retry-count'] = String(attempt)
    }
    let response: Response
    try {
      response = await doFetch(url, { method, headers, body: payload, signal: call.signal })
    } catch (err) {
      call.release()
      lastError = call.mapError(err)
      if (!lastError.retryable) throw lastError
      continue
    }
    const requestId = response.headers.get('request-id') ?? undefined
    if (response.ok) return { response, requestId, ...call }
    let text = ''
    try {
      text = await response.text()
    } catch {
      // the status says enough when the body cannot be read
    } finally {
      call.release()
    }
    lastError = apiErrorFromResponse(response.status, text, response.headers)
    if (!lastError.retryable) throw lastError
  }
  throw lastError ?? new APIConnectionError('no attempt was made')
}

function toHeaders(record: Record<string, string>): Headers {
  return new Headers(record)
}

/**
 * {@link send} then read the JSON body (the timeout covers both).
 * @throws as {@link send}, and {@link StreamFormatError} when the body is not JSON.
 */
export async function sendJson<T>(
  config: TransportConfig,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  options?: RequestOptions,
): Promise<T> {
  const open = await send(config, method, path, body, options)
  let text: string
  try {
    text = await open.response.text()
  } catch (err) {
    throw open.mapError(err)
  } finally {
    open.release()
  }
  try {
    return JSON.parse(text) as T
  } catch (err) {
    throw new StreamFormatError(`${method} ${path}: the answer is not JSON`, { cause: err })
  }
}
