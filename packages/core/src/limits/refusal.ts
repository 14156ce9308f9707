import type { CounterCheck } from './plan'
import type { LimitRefusal } from './types'

/** Seconds until `at`, whole and at least 1 (docs/contract.md §10: `retry-after` in whole seconds). */
function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000))
}

/**
 * The answer to a request a counter refused (docs/contract.md §10): 429 `rate_limit_error`,
 * "`<scope> <limit> limit <cap> reached`", and `retryAfterSec`: for rpm, tpm and cost_5h_usd when
 * the window frees room (`freesAt`, from the counters; the whole window when they could not say),
 * 1 for concurrency, the period's end for the daily, weekly and monthly spend. `cost_total_usd`
 * never frees by itself, so it has no `retryAfterSec`: the data path sends `x-should-retry: false`
 * (as on every refusal) and clients must not retry until an operator raises the cap.
 *
 * @example
 * ```ts
 * limitRefusal({ scope: 'key', subjectId: 'k', limit: 'rpm', cap: 10, windowMs: 60000 }, now + 12_300, now)
 * // { scope: 'key', limit: 'rpm', status: 429, errorType: 'rate_limit_error',
 * //   message: 'key rpm limit 10 reached', retryAfterSec: 13 }
 * ```
 */
export function limitRefusal(
  check: CounterCheck,
  freesAt: number | undefined,
  now: number,
): LimitRefusal {
  const refusal: LimitRefusal = {
    scope: check.scope,
    limit: check.limit,
    status: 429,
    errorType: 'rate_limit_error',
    message: `${check.scope} ${check.limit} limit ${check.cap} reached`,
  }
  if (check.limit === 'concurrency') refusal.retryAfterSec = 1
  else if (check.period) refusal.retryAfterSec = secondsUntil(check.period.endMs, now)
  else if (check.windowMs !== undefined) {
    refusal.retryAfterSec = secondsUntil(freesAt ?? now + check.windowMs, now)
  }
  return refusal
}
