import { DEFAULTS } from '../config'
import type { AttemptOutcome, EpochMs, ErrorRule, HeaderBag } from '../types'
import { afterCommit } from './after-commit'
import { readErrorBody } from './error-body'
import { decideByErrorRule, matchErrorRule } from './error-rules'
import { detectFake200 } from './fake-200'
import { httpErrorForm, outboundErrorClass } from './outbound-error'
import { headerValue, parseRetryAfter, rateLimitResetAt } from './retry-after'

/** Why an attempt ended the way it did: a closed set of codes, stable for logs and metrics. */
export type FailureReason =
  | 'ok'
  | 'client_error'
  | 'client_abort'
  | 'connect_error'
  | 'first_byte_timeout'
  | 'server_error'
  | 'redirect'
  | 'unparsable'
  | 'overloaded'
  | 'rate_limited'
  | 'auth_failed'
  | 'permission_denied'
  | 'spend_limit'
  | 'stream_failed'
  /** A 2xx non-streamed answer that is an HTML page or an error object (docs/contract.md §13). */
  | 'fake_200'
  /** Decided by one of the node's `error_rules` (docs/contract.md §13). */
  | 'error_rule'

/**
 * What an attempt does to its node's health:
 * `success` resets the failure streak, `failure` adds one, `cooldown` rests the node until
 * `cooldownUntil` without counting a failure, `fail_now` marks it failed at once, `none` leaves it.
 */
export type NodeEffect = 'none' | 'success' | 'failure' | 'cooldown' | 'fail_now'

/** The verdict on one attempt (docs/contract.md §3 table). */
export interface OutcomeDecision {
  /**
   * `success`: commit and stream (or return) the answer. `pass_through`: give the client the
   * upstream's answer as it is (the request's own fault). `failed`: the attempt failed; see
   * `retry`. `aborted`: the client left.
   */
  readonly result: 'success' | 'pass_through' | 'failed' | 'aborted'
  /** Try another node (only ever true for `failed`, and only before the commit). */
  readonly retry: boolean
  readonly nodeEffect: NodeEffect
  /** End of the node's rest, for `nodeEffect: 'cooldown'`. */
  readonly cooldownUntil?: EpochMs | undefined
  readonly reason: FailureReason
  /**
   * Detail for logs and `failReason` in docs/contract.md §9's outbound-error vocabulary (`http_503`,
   * `http_401 authentication_error`, `connect_refused`, `timeout`, `tls`, `address_refused`);
   * built by core, never copied from upstream bodies beyond a well-formed `error.type`.
   */
  readonly detail: string
  /** Envoy's split: `local` (we could not reach or hear the node), `upstream` (it answered). */
  readonly origin: 'local' | 'upstream'
  /** The upstream status when the node answered. */
  readonly status?: number | undefined
}

/** Options of {@link classifyUpstreamOutcome}. */
export interface ClassifyOptions {
  /** Current time, epoch ms. */
  readonly now: EpochMs
  /** Cap of every cooldown (`PROXY_COOLDOWN_MAX_SEC`); default 600 000. */
  readonly cooldownMaxMs?: number | undefined
  /** Rest after a 429 without `retry-after`; default 30 000. */
  readonly rateLimitCooldownMs?: number | undefined
  /** Rest after a 529 / `overloaded_error` without `retry-after`; default 10 000. */
  readonly overloadCooldownMs?: number | undefined
  /**
   * First-byte timeouts already seen in this request. A timeout may have reached the model (the
   * body was sent), so it is retried at most once to bound double billing. Default 0.
   */
  readonly firstByteTimeoutsBefore?: number | undefined
  /**
   * The attempt's node's `errorRules`, matched against an error answer before the table
   * (docs/contract.md §13). Absent or empty: the table alone, as before.
   */
  readonly errorRules?: readonly ErrorRule[] | undefined
}

const success = (status: number): OutcomeDecision => ({
  result: 'success',
  retry: false,
  nodeEffect: 'success',
  reason: 'ok',
  detail: httpErrorForm(status),
  origin: 'upstream',
  status,
})

/**
 * Decides what an attempt means, exactly as the table in docs/contract.md §3 (with 6.3's cooldowns):
 *
 * | outcome | retry | node effect |
 * |---|---|---|
 * | connect error, TLS error, reset before headers | yes | failure |
 * | no headers / first event in time | yes, once per request | failure |
 * | 500-504 (other 5xx too), 3xx, unparsable 2xx, 408 | yes | failure |
 * | 529 or `overloaded_error` (status, body or first event) | yes | cooldown 10 s or `retry-after` |
 * | 429 | yes | cooldown until `retry-after` (30 s without), capped |
 * | 401, 403, 402, spend-limit bodies (any status) | yes | failed at once, reason kept |
 * | 2xx non-streamed HTML page or error object (`fake_200`, §13) | yes | failure |
 * | 400, 404, 413, 422, other 4xx | no, passed through | none |
 * | failure after the commit, a stream without `message_stop` | never | failure (overloaded/429: cooldown) |
 * | client disconnects | no | none |
 *
 * A node's `errorRules` (docs/contract.md §13, `opts.errorRules`) are matched against every error
 * answer (non-2xx, or a 2xx stream whose first event is `error`) before the table; see
 * `decideByErrorRule`.
 *
 * @example
 * ```ts
 * const d = classifyUpstreamOutcome(
 *   { kind: 'response', status: 429, headers: { 'retry-after': '30' } },
 *   { now: 0 },
 * )
 * // d.retry === true, d.nodeEffect === 'cooldown', d.cooldownUntil === 30_000
 * ```
 */
export function classifyUpstreamOutcome(
  outcome: AttemptOutcome,
  opts: ClassifyOptions,
): OutcomeDecision {
  switch (outcome.kind) {
    case 'connect_error':
      return {
        result: 'failed',
        retry: true,
        nodeEffect: 'failure',
        reason: 'connect_error',
        detail: outboundErrorClass(outcome.code),
        origin: 'local',
      }
    case 'timeout_first_byte':
      return {
        result: 'failed',
        retry: (opts.firstByteTimeoutsBefore ?? 0) === 0,
        nodeEffect: 'failure',
        reason: 'first_byte_timeout',
        detail: 'timeout',
        origin: 'local',
      }
    case 'client_abort':
      return {
        result: 'aborted',
        retry: false,
        nodeEffect: 'none',
        reason: 'client_abort',
        detail: 'client disconnected',
        origin: 'local',
      }
    case 'after_commit_failure':
      return afterCommit(outcome.cause, outcome.errorType, opts)
    case 'first_event':
      if (outcome.status >= 200 && outcome.status < 300) {
        if (outcome.eventType !== 'error') return success(outcome.status)
        return fromError(outcome.status, outcome.headers, outcome.data, opts, true)
      }
      return fromError(outcome.status, outcome.headers, outcome.data, opts, false)
    case 'response':
      if (outcome.status >= 200 && outcome.status < 300) {
        // A fake 200 is read from the body's first bytes only (docs/contract.md §13).
        const fake = outcome.bodySnippet !== undefined && detectFake200(outcome.bodySnippet)
        if (outcome.unparsable !== true && !fake) return success(outcome.status)
        return {
          result: 'failed',
          retry: true,
          nodeEffect: 'failure',
          reason: fake ? 'fake_200' : 'unparsable',
          detail: httpErrorForm(outcome.status),
          origin: 'upstream',
          status: outcome.status,
        }
      }
      return fromError(outcome.status, outcome.headers, outcome.bodySnippet, opts, false)
  }
}

function fromError(
  status: number,
  headers: HeaderBag | undefined,
  body: string | undefined,
  opts: ClassifyOptions,
  inStream: boolean,
): OutcomeDecision {
  const info = readErrorBody(body)
  const type = info.errorType
  // A redirect's body is not read for a type: it was never followed.
  const what = status >= 300 && status < 400 ? httpErrorForm(status) : httpErrorForm(status, type)
  // The node's own rules come first (docs/contract.md §13).
  const rule = matchErrorRule(opts.errorRules, status, body)
  if (rule !== undefined) return decideByErrorRule(rule, status, what, opts)
  const failed = (
    nodeEffect: NodeEffect,
    reason: FailureReason,
    cooldownUntil?: number,
  ): OutcomeDecision => ({
    result: 'failed',
    retry: true,
    nodeEffect,
    reason,
    detail: what,
    origin: 'upstream',
    status,
    cooldownUntil,
  })

  // A spend limit does not clear by waiting, whatever status carries it (402, 429, even 400).
  if (info.spendLimit || status === 402 || type === 'billing_error')
    return failed('fail_now', 'spend_limit')
  if (status === 401 || type === 'authentication_error') return failed('fail_now', 'auth_failed')
  if (status === 403 || type === 'permission_error') return failed('fail_now', 'permission_denied')
  if (status === 529 || type === 'overloaded_error') {
    return failed(
      'cooldown',
      'overloaded',
      cooldownEnd(headers, opts, opts.overloadCooldownMs ?? DEFAULTS.overloadCooldownMs),
    )
  }
  if (status === 429 || type === 'rate_limit_error') {
    return failed(
      'cooldown',
      'rate_limited',
      cooldownEnd(headers, opts, opts.rateLimitCooldownMs ?? DEFAULTS.rateLimitCooldownMs),
    )
  }
  if (status >= 500 || (inStream && type !== 'invalid_request_error'))
    return failed('failure', 'server_error')
  if (status >= 300 && status < 400) return failed('failure', 'redirect')
  if (status === 408) return failed('failure', 'first_byte_timeout')
  if (status >= 400 && status < 500) {
    return {
      result: 'pass_through',
      retry: false,
      nodeEffect: 'none',
      reason: 'client_error',
      detail: what,
      origin: 'upstream',
      status,
    }
  }
  // 1xx or a 2xx error event with a request-fault type: nothing a client can use either way.
  return inStream
    ? {
        result: 'pass_through',
        retry: false,
        nodeEffect: 'none',
        reason: 'client_error',
        detail: what,
        origin: 'upstream',
        status,
      }
    : failed('failure', 'unparsable')
}

function cooldownEnd(
  headers: HeaderBag | undefined,
  opts: ClassifyOptions,
  fallbackMs: number,
): number {
  const cap = opts.cooldownMaxMs ?? DEFAULTS.cooldownMaxMs
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), opts.now, cap)
  if (retryAfter !== undefined) return retryAfter
  return rateLimitResetAt(headers, opts.now, cap) ?? opts.now + Math.min(fallbackMs, cap)
}
