import type {
  Attempt,
  AttemptOutcome,
  AttemptTrace,
  AuthHeaderMode,
  FinalError,
  HeaderBag,
} from '@qcc/core'

/**
 * The contract between the data path (which moves bytes) and routing (which decides, through
 * @qcc/core). The data path never chooses a node or decides on a retry itself; it reports what
 * each attempt saw in core's words (`AttemptOutcome`) and renders core's `FinalError`.
 */

/** A node picked for one attempt, with what the data path needs to call it. */
export interface RouteTarget {
  nodeId: string
  name: string
  baseUrl: string
  /** The node's upstream key, decrypted; null for key-less relays. */
  apiKey: string | null
  /** How the key is sent (docs/contract.md §13). */
  authHeader: AuthHeaderMode | undefined
  /** The node's extra headers, decrypted; null when it has none. */
  extraHeaders: Readonly<Record<string, string>> | null
  /** The node may connect to loopback and private addresses (docs/contract.md §6.2). */
  allowPrivate: boolean
  /** True for the whole-pool-down last-resort attempt. */
  lastResort: boolean
  /** Core's attempt; the data path passes it back untouched. */
  readonly attempt: Attempt
}

/** What the data path must do after a failed attempt. */
export interface AttemptVerdict {
  /** The answer is good: commit it (a 2xx whose head is not a fake 200, a good first event). */
  commit: boolean
  /** Give the client the upstream's own answer as it is (its request's own fault). */
  passThrough: boolean
}

/** When an attempt was sent, answered (headers, or a stream's first event) and over, data-path ms. */
export interface AttemptTiming {
  sentAt: number
  /** Null: no answer came (a connect error, a timeout). */
  answeredAt: number | null
  endedAt: number
}

/** One request's routing: which node next, what an attempt's outcome means, and the end. */
export interface RequestPlan {
  readonly sessionId: string | undefined
  /**
   * The next node to try, or undefined when the plan is exhausted. Synchronous: node keys are
   * decrypted when the directory loads them (routing/node-directory.ts).
   */
  next(): RouteTarget | undefined
  /** Time left for attempts before the request's deadline, ms (0 once it passed). */
  remainingMs(): number
  /**
   * Records an attempt's outcome (node health, stickiness, the trace) and says what to do next.
   * `timing` stamps the trace entry; a committed attempt's later failure may leave it out.
   */
  report(target: RouteTarget, outcome: AttemptOutcome, timing?: AttemptTiming): AttemptVerdict
  /** A committed attempt is over (its last byte, or the client gone): closes its trace entry. */
  settle(target: RouteTarget, endedAt: number, clientGone: boolean): void
  /** The attempts so far, in order (docs/contract.md §12); the array is the plan's own. */
  readonly trace: readonly AttemptTrace[]
  /** The answer for the client when no attempt succeeded. */
  finalError(): FinalError
  /** Releases in-flight counters; called exactly once when the request is over. */
  done(): void
}

export interface PlanInput {
  accountId: string
  requestId: string
  headers: HeaderBag
  /** The parsed JSON body for POST routes. */
  body: unknown
  /** The body's `model`, as requested (before any node's `model_map`). */
  model?: string | undefined
  /** Keep the request trace (docs/contract.md §12); default true. */
  trace?: boolean | undefined
  /**
   * The Claude Code session id once `prepare` has read it (null: the request has none), so
   * `plan` does not read it again; undefined: not read yet.
   */
  sessionId?: string | null | undefined
}

export interface Router {
  /**
   * Readies what `plan` reads synchronously, when that needs I/O: with Redis, the session's
   * shared binding (docs/contract.md §11). Undefined when there is nothing to wait for (no
   * session id, Redis down, no Redis); then call `plan` at once. Never rejects.
   */
  prepare?: ((input: PlanInput) => Promise<void> | undefined) | undefined
  plan(input: PlanInput): RequestPlan
}
