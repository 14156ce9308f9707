/**
 * The vocabulary of tenant limits (docs/contract.md §10). A key and an account each carry an
 * optional {@link Limits}; an absent field is no limit. Core decides which limit refuses a request
 * and what the client is told; the counters that hold the windows live at the edges (in process or
 * in Redis) and only count.
 */

/**
 * Every limit a key or an account can carry, by its API field name (snake_case, as the admin API,
 * the metric label `limit` and the refusal message spell it).
 */
export const LIMIT_NAMES = [
  'rpm',
  'tpm',
  'concurrency',
  'cost_5h_usd',
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
  'cost_total_usd',
  'models',
  'ips',
  'expires_at',
  'expires_after_first_use_days',
] as const

/** One limit's API name. */
export type LimitName = (typeof LIMIT_NAMES)[number]

/** The limits that spend money: counted from each request's cost in USD. */
export const COST_LIMIT_NAMES = [
  'cost_5h_usd',
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
  'cost_total_usd',
] as const

/** A spend limit's API name. */
export type CostLimitName = (typeof COST_LIMIT_NAMES)[number]

/** The limits held by counters (windows and slots), in the order they are checked. */
export const COUNTED_LIMIT_NAMES = ['concurrency', 'rpm', 'tpm', ...COST_LIMIT_NAMES] as const

/** A counted limit's API name. */
export type CountedLimitName = (typeof COUNTED_LIMIT_NAMES)[number]

/**
 * Limits of one key or one account, in the API's field names. Numbers are caps (requests, tokens,
 * USD, slots, days); `models` holds model ids where a trailing `*` matches any suffix; `ips` holds
 * addresses or CIDRs; `expires_at` is epoch milliseconds.
 *
 * @example
 * ```ts
 * const limits: Limits = { rpm: 60, cost_daily_usd: 5, models: ['claude-sonnet-*'] }
 * ```
 */
export interface Limits {
  rpm?: number
  tpm?: number
  concurrency?: number
  cost_5h_usd?: number
  cost_daily_usd?: number
  cost_weekly_usd?: number
  cost_monthly_usd?: number
  cost_total_usd?: number
  models?: readonly string[]
  ips?: readonly string[]
  expires_at?: number
  expires_after_first_use_days?: number
}

/**
 * A partial change of {@link Limits}: a field set to `null` removes that limit, an absent field
 * keeps it (docs/contract.md §10: `PUT` merges field by field).
 */
export type LimitsPatch = { [K in keyof Limits]?: Limits[K] | null }

/** Whose limit: the key's own, or its account's (binding all its keys together). */
export type LimitScope = 'key' | 'account'

/** The three answers a refusal can take (docs/contract.md §10). */
export type LimitErrorType = 'authentication_error' | 'permission_error' | 'rate_limit_error'

/**
 * Why a request was refused: the limit, its scope and what the client is told. Never forwarded.
 *
 * @example
 * ```ts
 * // { scope: 'key', limit: 'rpm', status: 429, errorType: 'rate_limit_error',
 * //   message: 'key rpm limit 10 reached', retryAfterSec: 12 }
 * ```
 */
export interface LimitRefusal {
  scope: LimitScope
  limit: LimitName
  status: 401 | 403 | 429
  errorType: LimitErrorType
  message: string
  /** Whole seconds, at least 1; only on 429. */
  retryAfterSec?: number
}

/** One counted limit's state now, as the admin API and `/key/status` show it under `windows`. */
export interface LimitWindowState {
  /** Requests, tokens, slots or USD counted in the window now. */
  used: number
  limit: number
  /** Epoch ms when the window next frees room (sliding) or ends (calendar); absent for slots and all-time spend. */
  resetsAt?: number
}

/** Every counted limit that is set on one key or account, by name; unset limits have no entry. */
export type LimitWindows = Partial<Record<CountedLimitName, LimitWindowState>>
