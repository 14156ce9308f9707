import type { AnthropicErrorType } from '../data-path/anthropic-error'

/**
 * The contract between the data path (which moves bytes) and routing (which decides, through
 * @qcc/core). The data path never chooses a node or decides on a retry itself.
 */

/** A node picked for one attempt, with what the data path needs to call it. */
export interface RouteTarget {
  nodeId: string
  name: string
  baseUrl: string
  /** The node's upstream key, decrypted for this call; null for key-less relays. */
  apiKey: string | null
  /** The node may connect to loopback and private addresses (SPEC 6.2). */
  allowPrivate: boolean
  /** True for the whole-pool-down last-resort attempt. */
  lastResort: boolean
  /** Routing's own handle for this attempt; the data path passes it back untouched. */
  readonly handle: unknown
}

/** What one attempt saw, before the response was committed to the client or after. */
export type AttemptObservation =
  | { kind: 'connect_error'; code: string | undefined }
  | { kind: 'timeout'; phase: 'headers' | 'first_event' }
  | {
      kind: 'response'
      status: number
      headers: Record<string, string | string[] | undefined>
      body: string
      /** The answer could not be understood (e.g. a stream that ended before its first event). */
      unparsable?: boolean
    }
  | {
      kind: 'first_event_error'
      status: number
      headers: Record<string, string | string[] | undefined>
      data: string
    }
  /** The commit point: a good first event (or a 2xx non-stream answer) is going to the client. */
  | { kind: 'accepted'; status: number; eventType: string | undefined }
  /** A committed response failed; `error_event` means the upstream sent `event: error`. */
  | {
      kind: 'stream_failed'
      cause: 'reset' | 'idle_timeout' | 'error_event' | 'malformed'
      /** The error type of an upstream `event: error`. */
      errorType?: string
    }
  | { kind: 'client_abort' }

/** What the data path must do after a failed attempt. */
export interface AttemptVerdict {
  /** Give the client the upstream's own answer as it is (its request's own fault). */
  passThrough: boolean
}

/** The client-facing error when every attempt failed. */
export interface FinalError {
  status: number
  type: AnthropicErrorType
  message: string
  retryAfterSec?: number
}

/** One request's routing: which node next, what an attempt's outcome means, and the end. */
export interface RequestPlan {
  readonly sessionId: string | undefined
  /** The next node to try, or undefined when the plan is exhausted. */
  next(): RouteTarget | Promise<RouteTarget | undefined> | undefined
  /** Records an attempt's outcome (node health, stickiness) and says what to do next. */
  report(target: RouteTarget, observation: AttemptObservation): AttemptVerdict
  /** The answer for the client when no attempt succeeded. */
  finalError(): FinalError
  /** Releases in-flight counters; called exactly once when the request is over. */
  done(): void
}

export interface PlanInput {
  accountId: string
  requestId: string
  headers: Record<string, string | string[] | undefined>
  /** The parsed JSON body for POST routes. */
  body: unknown
}

export interface Router {
  plan(input: PlanInput): RequestPlan
}
