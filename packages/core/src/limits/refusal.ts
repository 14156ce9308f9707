import type { CounterCheck } from './plan'
import { COST_LIMIT_NAMES, type LimitRefusal, type Limits } from './types'

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

/**
 * The refusal of a `/v1/messages` request for a model without any price (docs/contract.md §15),
 * or null: when the key or its account has a cost limit, spend the proxy cannot count must not
 * pass the cap for free. 429 `rate_limit_error` naming the first cost limit set (the key's before
 * the account's) and the model, without `retryAfterSec` (it does not free by itself).
 *
 * @example
 * ```ts
 * unpricedModelRefusal({ cost_daily_usd: 5 }, {}, 'relay-x')
 * // { scope: 'key', limit: 'cost_daily_usd', status: 429, errorType: 'rate_limit_error',
 * //   message: 'key cost_daily_usd limit: model relay-x has no price, so its spend cannot be counted' }
 * ```
 */
export function unpricedModelRefusal(
  keyLimits: Limits,
  accountLimits: Limits,
  model: string,
): LimitRefusal | null {
  for (const [scope, limits] of [
    ['key', keyLimits],
    ['account', accountLimits],
  ] as const) {
    const limit = COST_LIMIT_NAMES.find((name) => limits[name] !== undefined)
    if (limit === undefined) continue
    // Client text in the message: bounded (a model id is at most 256 characters).
    const shown = model.length > 128 ? `${model.slice(0, 128)}…` : model
    return {
      scope,
      limit,
      status: 429,
      errorType: 'rate_limit_error',
      message: `${scope} ${limit} limit: model ${shown} has no price, so its spend cannot be counted`,
    }
  }
  return null
}
