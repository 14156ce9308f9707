/**
 * The request trace (docs/contract.md §12): for every attempt of a request, who picked the node
 * and why, how the attempt ended in the trace's closed vocabulary, and its timings. Core decides
 * both words; the proxy only stamps times and stores the entries with the usage row.
 */
import type { FailureReason, OutcomeDecision } from '../classify/classify'
import { anthropicErrorParts, isErrorType } from '../classify/outbound-error'
import type { SelectionReason } from '../select/select'
import type { AttemptOutcome, EpochMs } from '../types'

/** Who picked an attempt's node: the operator, the session's binding, the tiers, the last resort. */
export type PickedBy = 'activated' | 'sticky' | 'tier' | 'last_resort'

/** Every {@link PickedBy}, for validation and filters. */
export const PICKED_BY: readonly PickedBy[] = ['activated', 'sticky', 'tier', 'last_resort']

/** How an attempt ended, in the trace's closed vocabulary (docs/contract.md §12). */
export type TraceOutcome =
  | 'ok'
  | 'client_error'
  | 'auth'
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'fake_200'
  | 'midstream'

/** Every {@link TraceOutcome}, for validation and the console's legend. */
export const TRACE_OUTCOMES: readonly TraceOutcome[] = [
  'ok',
  'client_error',
  'auth',
  'rate_limited',
  'overloaded',
  'server_error',
  'network',
  'timeout',
  'fake_200',
  'midstream',
]

/** Longest `errorMessage` of an entry, in characters (docs/contract.md §12). */
export const TRACE_MESSAGE_MAX = 200

/** One attempt of a request as the trace keeps it (the API spells the fields in snake_case). */
export interface AttemptTrace {
  nodeId: string
  /** The node's name when it was tried (kept: the node may be renamed or deleted later). */
  nodeName: string
  pickedBy: PickedBy
  startedAt: EpochMs
  /** The upstream's HTTP status, null when none arrived (connect error, timeout). */
  status: number | null
  outcome: TraceOutcome
  /** The Anthropic `error.type` the node answered, when it answered one. */
  errorType: string | null
  /**
   * What went wrong, redacted (docs/contract.md §9) and at most {@link TRACE_MESSAGE_MAX}
   * characters: the node's Anthropic `error.message`, else core's detail (`connect_refused`,
   * `timeout`, `http_502`). Null for an attempt that went well.
   */
  errorMessage: string | null
  /** From the attempt's start to its answer's headers (a stream's first event), ms. */
  ttfbMs: number | null
  /** From the attempt's start to its end (a committed answer's last byte), ms. */
  durationMs: number
}

/**
 * The trace's word for the selection step that picked a node: the operator-activated node is
 * `activated`, a session's binding `sticky`, the whole-pool-down attempt `last_resort`, and every
 * pick inside the priority tiers (least in flight, session hash, `cost_first`'s move to a cheaper
 * tier) `tier`.
 *
 * @example
 * ```ts
 * pickedByOf('session_hash', false) // 'tier'
 * pickedByOf('active', false) // 'activated'
 * ```
 */
export function pickedByOf(reason: SelectionReason, lastResort: boolean): PickedBy {
  if (lastResort || reason === 'last_resort') return 'last_resort'
  if (reason === 'active') return 'activated'
  if (reason === 'sticky') return 'sticky'
  return 'tier'
}

const BY_REASON: Record<Exclude<FailureReason, 'error_rule'>, TraceOutcome> = {
  ok: 'ok',
  client_error: 'client_error',
  // A client that left ended its own request: not the node's doing (docs/contract.md §12).
  client_abort: 'client_error',
  connect_error: 'network',
  first_byte_timeout: 'timeout',
  server_error: 'server_error',
  redirect: 'server_error',
  unparsable: 'server_error',
  overloaded: 'overloaded',
  rate_limited: 'rate_limited',
  auth_failed: 'auth',
  permission_denied: 'auth',
  spend_limit: 'auth',
  stream_failed: 'midstream',
  fake_200: 'fake_200',
}

/** The class an HTTP error answer falls in, for a node's own `error_rules` verdicts. */
function classOfStatus(status: number | undefined): TraceOutcome {
  if (status === undefined) return 'network'
  if (status === 429) return 'rate_limited'
  if (status === 529) return 'overloaded'
  if (status === 401 || status === 402 || status === 403) return 'auth'
  if (status === 408) return 'timeout'
  if (status >= 400 && status < 500) return 'client_error'
  return 'server_error'
}

/**
 * The trace's outcome of one attempt from core's verdict on it. Every failure after the commit
 * is `midstream`; a connect error whose class is a timeout is `timeout`; an answer decided by one
 * of the node's `error_rules` is read by its status (`return` is `client_error`: the client got
 * the answer as it was).
 *
 * @example
 * ```ts
 * traceOutcomeOf({ kind: 'connect_error', code: 'ECONNREFUSED' }, decision) // 'network'
 * ```
 */
export function traceOutcomeOf(outcome: AttemptOutcome, decision: OutcomeDecision): TraceOutcome {
  if (outcome.kind === 'after_commit_failure') return 'midstream'
  if (decision.reason === 'error_rule') {
    return decision.result === 'pass_through' ? 'client_error' : classOfStatus(decision.status)
  }
  if (decision.reason === 'connect_error' && decision.detail === 'timeout') return 'timeout'
  return BY_REASON[decision.reason]
}

/** The error fields of an entry: the node's Anthropic error when it sent one, else core's detail. */
export interface TraceError {
  errorType: string | null
  errorMessage: string | null
}

/**
 * The redacted error of one attempt (docs/contract.md §9): from an Anthropic-shaped error body or
 * `event: error` frame, its `error.type` and up to {@link TRACE_MESSAGE_MAX} characters of its
 * message with `secrets` and key-shaped tokens replaced; from anything else (HTML, a connect
 * error, a timeout) only core's detail (`http_502`, `connect_refused`, `timeout`). A good
 * attempt has none.
 *
 * @example
 * ```ts
 * traceErrorOf(
 *   { kind: 'response', status: 401, bodySnippet: '{"error":{"type":"authentication_error","message":"bad key sk-x-123456"}}' },
 *   decision,
 *   ['sk-x-123456'],
 * )
 * // { errorType: 'authentication_error', errorMessage: 'bad key [redacted]' }
 * ```
 */
export function traceErrorOf(
  outcome: AttemptOutcome,
  decision: OutcomeDecision,
  secrets: readonly (string | null | undefined)[] = [],
): TraceError {
  if (decision.result === 'success') return { errorType: null, errorMessage: null }
  let body: string | undefined
  if (outcome.kind === 'response') body = outcome.bodySnippet
  else if (outcome.kind === 'first_event') body = outcome.data
  else if (outcome.kind === 'after_commit_failure') {
    return {
      errorType: isErrorType(outcome.errorType) ? outcome.errorType : null,
      errorMessage: outcome.cause,
    }
  }
  const parts = anthropicErrorParts(body, secrets)
  const detail = decision.detail.slice(0, TRACE_MESSAGE_MAX)
  if (parts === null) return { errorType: null, errorMessage: detail }
  return {
    errorType: parts.type,
    errorMessage: parts.message === '' ? detail : parts.message.slice(0, TRACE_MESSAGE_MAX),
  }
}
