/**
 * `createClient()`: the Messages, count-tokens and models endpoints over an injected `fetch`.
 */
import { MessageStream } from './message-stream'
import {
  send,
  sendJson,
  type FetchLike,
  type RequestOptions,
  type TransportConfig,
} from './transport'
import type {
  CountTokensParams,
  CountTokensResult,
  Message,
  MessageCreateParams,
  ModelInfo,
  ModelListParams,
  ModelPage,
} from './types'

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Base URL without `/v1`, e.g. `https://api.anthropic.com` or a qcc proxy's URL. */
  baseUrl: string
  /** Sent as `x-api-key` (Anthropic keys, qcc proxy keys). */
  apiKey?: string
  /** Sent as `authorization: Bearer <token>` (OAuth tokens, `ANTHROPIC_AUTH_TOKEN`). */
  authToken?: string
  /** The `fetch` to use. Default: `globalThis.fetch` (Node 20+, browsers). */
  fetch?: FetchLike
  /** Headers sent with every request (after the defaults, before per-request headers). */
  headers?: Record<string, string>
  /**
   * Time allowed until the response headers (streams) or the whole JSON body (other calls), per
   * attempt. Default 600 000 (10 minutes).
   */
  timeoutMs?: number
  /** Retries after a retryable failure (429, 5xx, connection errors). Default 0: opt in. */
  maxRetries?: number
  /** Random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: () => number
}

/** The client returned by {@link createClient}. */
export interface Client {
  messages: {
    /**
     * `POST /v1/messages` without streaming.
     * @throws {APIError} subclasses for error answers, `APIConnectionError`, `APITimeoutError`,
     * `APIUserAbortError`.
     */
    create(body: MessageCreateParams, options?: RequestOptions): Promise<Message>
    /**
     * `POST /v1/messages` with `stream: true`. Returns at once; the request runs in the
     * background and its errors surface when the stream is read.
     */
    stream(body: MessageCreateParams, options?: RequestOptions): MessageStream
    /** `POST /v1/messages/count_tokens`. */
    countTokens(body: CountTokensParams, options?: RequestOptions): Promise<CountTokensResult>
  }
  models: {
    /** `GET /v1/models`: one page, newest first. */
    list(params?: ModelListParams, options?: RequestOptions): Promise<ModelPage>
    /** `GET /v1/models/{id}`. @throws {NotFoundError} for an unknown id. */
    get(id: string, options?: RequestOptions): Promise<ModelInfo>
  }
}

/** The `anthropic-version` the client sends unless told otherwise. */
export const ANTHROPIC_VERSION = '2023-06-01'

/** Default per-attempt timeout: 10 minutes, as Anthropic's SDK. */
export const DEFAULT_TIMEOUT_MS = 600_000

/**
 * Creates a client. Nothing is sent until a method is called.
 * @throws {TypeError} when `baseUrl` is not an http(s) URL.
 * @example
 * const client = createClient({ baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-...' })
 * const message = await client.messages.create({
 *   model: 'claude-haiku-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }],
 * })
 */
export function createClient(options: ClientOptions): Client {
  if (!/^https?:\/\//i.test(options.baseUrl)) {
    throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`)
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  }
  if (options.apiKey) headers['x-api-key'] = options.apiKey
  if (options.authToken) headers['authorization'] = `Bearer ${options.authToken}`
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v
  const injected = options.fetch
  const config: TransportConfig = {
    baseUrl: options.baseUrl,
    // Called as a plain function: browsers reject `fetch` invoked with another `this`.
    fetch: injected ?? ((input, init) => globalThis.fetch(input, init)),
    headers,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 0,
    random: options.random ?? Math.random,
  }

  return {
    messages: {
      create(body, requestOptions) {
        return sendJson<Message>(
          config,
          'POST',
          '/v1/messages',
          { ...body, stream: false },
          requestOptions,
        )
      },
      stream(body, requestOptions = {}) {
        const { signal, ...rest } = requestOptions
        return new MessageStream(
          (linked) =>
            send(
              config,
              'POST',
              '/v1/messages',
              { ...body, stream: true },
              {
                ...rest,
                signal: linked,
                headers: { accept: 'text/event-stream', ...rest.headers },
              },
            ),
          signal,
        )
      },
      countTokens(body, requestOptions) {
        return sendJson<CountTokensResult>(
          config,
          'POST',
          '/v1/messages/count_tokens',
          body,
          requestOptions,
        )
      },
    },
    models: {
      list(params = {}, requestOptions = {}) {
        return sendJson<ModelPage>(config, 'GET', '/v1/models', undefined, {
          ...requestOptions,
          query: { ...params, ...requestOptions.query },
        })
      },
      get(id, requestOptions) {
        return sendJson<ModelInfo>(
          config,
          'GET',
          `/v1/models/${encodeURIComponent(id)}`,
          undefined,
          requestOptions,
        )
      },
    },
  }
}
