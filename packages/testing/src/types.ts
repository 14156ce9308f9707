/** Token usage the fake upstream reports, shaped like Anthropic's `usage` object. */
export interface FakeUsage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number }
}

/**
 * What the fake upstream does with one request.
 *
 * - `ok`: a normal answer (SSE when the body says `stream: true`, JSON otherwise).
 * - `status`: an HTTP error with Anthropic's error body (or `body`) and optional extra headers.
 * - `reset`: destroy the socket before any headers.
 * - `hang`: accept and never answer, until the client aborts or the server closes.
 * - `cut`: 200 + SSE, then destroy the socket after `afterEvents` frames.
 * - `sse-error`: 200 + SSE, an `event: error` frame after `afterEvents` frames, then end.
 * - `redirect`: a redirect (default 307) to `location`.
 * - `fake-200`: 200 with `body` as it is (an HTML page, `{"type":"error",...}`), the content type
 *   `contentType`, else `text/html` when the body starts with `<`, else `application/json`.
 * - `no-stop`: 200 + SSE that ends cleanly before `message_stop`: the first `afterEvents` frames
 *   (default: every frame but `message_stop`, so `message_delta` with its usage is sent).
 */
export type FakeBehaviour =
  | {
      kind: 'ok'
      events?: number
      eventDelayMs?: number
      firstByteDelayMs?: number
      text?: string
      model?: string
      usage?: Partial<FakeUsage>
    }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'cut'; afterEvents: number }
  | { kind: 'sse-error'; afterEvents: number; errorType?: string; message?: string }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'fake-200'; body: string; contentType?: string }
  | { kind: 'no-stop'; afterEvents?: number }

/** One request the fake upstream received, recorded once its body has been read. */
export interface RecordedRequest {
  method: string
  /** Path including the query string, e.g. `/v1/messages?beta=true`. */
  path: string
  headers: Record<string, string | string[] | undefined>
  bodySize: number
  /** Raw body text (may be large). */
  body: string
  /** Parsed JSON body, or `undefined` when empty or not JSON. */
  json: unknown
  /** `Date.now()` when the body was complete. */
  at: number
}

/** A running fake Anthropic upstream. */
export interface FakeUpstream {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string
  port: number
  /** Name given at start (default `fake-upstream`), sent back as `x-fake-upstream`. */
  name: string
  /** Every request of every route, in arrival order. */
  requests: RecordedRequest[]
  /** Queue behaviours consumed one per request (FIFO); when empty the default applies. */
  enqueue(...b: FakeBehaviour[]): void
  /** Behaviour for every request when the queue is empty (initially `{ kind: 'ok' }`). */
  setDefault(b: FakeBehaviour): void
  /** Clear the queue and the recorded requests; the default goes back to the start default. */
  reset(): void
  /** Close the server and destroy open sockets (hung ones too). */
  close(): Promise<void>
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Behaviour when the queue is empty (default `{ kind: 'ok' }`). */
  defaultBehaviour?: FakeBehaviour
  /** Label for logs and the `x-fake-upstream` response header. */
  name?: string
  /** Refuse requests a strict relay would refuse (see {@link FakeAccept}); default: accept all. */
  accept?: FakeAccept
}

/**
 * What a strict upstream accepts. A refused request is recorded, answered in Anthropic's error
 * shape and consumes no queued behaviour.
 */
export interface FakeAccept {
  /**
   * How the key must arrive: `x-api-key` (that header) or `bearer` (`Authorization: Bearer <key>`;
   * an `x-api-key` header alone is refused). Anything else gets 401 `authentication_error`.
   * Default: `x-api-key` when `key` is set, else no check.
   */
  auth?: 'x-api-key' | 'bearer'
  /** The only key accepted; default any non-empty one. */
  key?: string
  /**
   * Model ids served: a `/v1/messages` or `count_tokens` body with another `model` gets 404
   * `not_found_error` (`model: <id>`), like Anthropic.
   */
  models?: string[]
}
