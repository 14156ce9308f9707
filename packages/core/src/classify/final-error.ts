import type { EpochMs } from '../types'
import type { OutcomeDecision } from './classify'

/** Anthropic error types core may answer with. */
export type ClientErrorType =
  | 'api_error'
  | 'overloaded_error'
  | 'rate_limit_error'
  | 'timeout_error'
  /** No node of the tenant serves the requested model (docs/contract.md §13). */
  | 'not_found_error'

/**
 * The client's answer when no attempt succeeded, to render in Anthropic's shape:
 * `{"type":"error","error":{"type": errorType,"message": message}}` with `status`, plus
 * `retry-after: retryAfterSec` when set.
 */
export interface FinalError {
  readonly status: number
  readonly errorType: ClientErrorType
  readonly message: string
  /** Whole seconds until a node is expected back; absent when unknown. */
  readonly retryAfterSec?: number | undefined
}

/** Options of {@link finalErrorForFailedAttempts}. */
export interface FinalErrorOptions {
  /** Current time, epoch ms. */
  readonly now: EpochMs
  /**
   * Soonest time a node of the pool is expected back (the earliest `coolingUntil`), for the
   * `retry-after` of a 503 when no node could be tried. See `soonestCoolingEnd`.
   */
  readonly poolRetryAt?: EpochMs | undefined
  /** The request ran out of `PROXY_REQUEST_TIMEOUT_SEC` before an answer. */
  readonly deadlineExceeded?: boolean | undefined
  /**
   * The whole pool was down (the last resort was used, or only failed nodes were left): the
   * answer is 503 with `retry-after` instead of 502/504 (docs/contract.md §4).
   */
  readonly poolDown?: boolean | undefined
}

const seconds = (at: number, now: number): number => Math.max(1, Math.ceil((at - now) / 1000))

/**
 * Decides what the client gets when every attempt failed (docs/contract.md §6.2, "When every attempt fails"):
 *
 * - every node that answered said 429: 429 `rate_limit_error` with the soonest `retry-after`;
 * - every answer was 529/429 with at least one 529: 529 `overloaded_error`;
 * - any other node-caused answer (401, 402, 403, 3xx, 5xx): 502 `api_error`, never the node's own
 *   status, because the tenant's request was fine;
 * - the whole pool was down (`poolDown`): 503 `api_error`;
 * - nobody answered: 504 `timeout_error` when only timeouts (or the deadline) happened, 502 for
 *   connect errors, 503 when no node could be tried at all;
 * - `retry-after` whenever a cooldown end is known.
 *
 * Request-caused statuses (400, 404, 413, 422) never get here: they were passed through at once.
 *
 * @example
 * ```ts
 * finalErrorForFailedAttempts([d429a, d429b], { now }) // { status: 429, retryAfterSec: 12, ... }
 * finalErrorForFailedAttempts([], { now, poolRetryAt: now + 10_000 }) // 503, retryAfterSec 10
 * ```
 */
export function finalErrorForFailedAttempts(
  attempts: readonly OutcomeDecision[],
  opts: FinalErrorOptions,
): FinalError {
  let answered = 0
  let rateLimited = 0
  let overloaded = 0
  let timeouts = 0
  let soonest = opts.poolRetryAt
  for (const a of attempts) {
    if (a.cooldownUntil !== undefined && (soonest === undefined || a.cooldownUntil < soonest)) {
      soonest = a.cooldownUntil
    }
    if (a.reason === 'first_byte_timeout' && a.origin === 'local') timeouts++
    if (a.origin !== 'upstream') continue
    answered++
    if (a.reason === 'rate_limited') rateLimited++
    else if (a.reason === 'overloaded') overloaded++
  }
  const retryAfterSec = soonest === undefined ? undefined : seconds(soonest, opts.now)
  const answer = (status: number, errorType: ClientErrorType, message: string): FinalError => ({
    status,
    errorType,
    message,
    retryAfterSec,
  })
  if (answered > 0 && rateLimited === answered) {
    return answer(429, 'rate_limit_error', 'every upstream node is rate limited')
  }
  if (answered > 0 && overloaded > 0 && overloaded + rateLimited === answered) {
    return answer(529, 'overloaded_error', 'every upstream node is overloaded')
  }
  if (opts.poolDown === true) return answer(503, 'api_error', 'every upstream node is down')
  if (answered > 0) return answer(502, 'api_error', 'every upstream node failed')
  if (opts.deadlineExceeded === true || (attempts.length > 0 && timeouts === attempts.length)) {
    return answer(504, 'timeout_error', 'upstream did not answer in time')
  }
  if (attempts.length === 0) return answer(503, 'api_error', 'no upstream node is available')
  return answer(502, 'api_error', 'no upstream node could be reached')
}
