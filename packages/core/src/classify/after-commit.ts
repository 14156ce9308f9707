import { DEFAULTS } from '../config'
import type { AttemptOutcome } from '../types'
import type { ClassifyOptions, OutcomeDecision } from './classify'
import { httpErrorForm, outboundErrorClass } from './outbound-error'

type Cause = Extract<AttemptOutcome, { kind: 'after_commit_failure' }>['cause']

/**
 * The verdict on a committed stream that broke (docs/contract.md §3 "failure after the commit"):
 * never retried; an overloaded or rate-limit error event cools the node, a request-fault event
 * leaves it, anything else (a reset, an idle timeout, a malformed frame, a stream that ended
 * without `message_stop` — `incomplete`, docs/contract.md §13) counts one failure.
 */
export function afterCommit(
  cause: Cause,
  errorType: string | undefined,
  opts: ClassifyOptions,
): OutcomeDecision {
  // Never retried: the Messages API cannot resume, and a second stream would duplicate text (C11).
  const base = {
    result: 'failed',
    retry: false,
    reason: 'stream_failed',
    detail: afterCommitDetail(cause, errorType),
  } as const
  const cap = opts.cooldownMaxMs ?? DEFAULTS.cooldownMaxMs
  if (errorType === 'overloaded_error' || errorType === 'rate_limit_error') {
    const ms =
      errorType === 'overloaded_error'
        ? (opts.overloadCooldownMs ?? DEFAULTS.overloadCooldownMs)
        : (opts.rateLimitCooldownMs ?? DEFAULTS.rateLimitCooldownMs)
    return {
      ...base,
      nodeEffect: 'cooldown',
      cooldownUntil: opts.now + Math.min(ms, cap),
      origin: 'upstream',
    }
  }
  if (errorType === 'invalid_request_error')
    return { ...base, nodeEffect: 'none', origin: 'upstream' }
  return {
    ...base,
    nodeEffect: 'failure',
    origin: cause === 'error_event' || cause === 'incomplete' ? 'upstream' : 'local',
  }
}

/**
 * A committed stream was a 2xx answer (200 for the Messages API), so an error inside it is told
 * as `http_200` with its type; a dropped or silent stream by its transport class.
 */
function afterCommitDetail(cause: Cause, errorType: string | undefined): string {
  if (cause === 'idle_timeout') return 'timeout'
  if (cause === 'reset') return outboundErrorClass(undefined)
  // The node answered 200 and then stopped short: told as its status, like an error frame.
  if (cause === 'incomplete') return httpErrorForm(200)
  return httpErrorForm(200, errorType)
}
