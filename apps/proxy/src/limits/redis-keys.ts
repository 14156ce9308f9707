import { utcDay, utcIsoWeek, utcMonth, type CountedLimitName, type LimitScope } from '@qcc/core'

/**
 * Where each counted limit lives in Redis and how long it stays (docs/contract.md §10, §11). One
 * subject (a key or an account) owns these keys under the link's prefix:
 *
 *   lim:<scope>:<id>:concurrency                 ZSET request id -> lease expiry (soft, TTL a lease)
 *   lim:<scope>:<id>:rpm                         ZSET request id -> admit time (soft, TTL a window)
 *   lim:<scope>:<id>:tpm                         HASH bucket start -> tokens (soft, TTL a window)
 *   lim:<scope>:<id>:cost_5h_usd                 HASH bucket start -> USD (soft, TTL a window)
 *   lim:<scope>:<id>:cost_<period>_usd:<start>   USD in the calendar period from <start> (TTL past its end)
 *   lim:<scope>:<id>:cost_total_usd              all-time USD (no TTL: the store re-seeds it)
 */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The sliding windows' lengths (docs/contract.md §10). */
export const WINDOW_MS = { rpm: MINUTE, tpm: MINUTE, cost_5h_usd: 5 * HOUR } as const

/**
 * Bucket width of the summed sliding windows: a sixtieth of the window. A bucket counts while any
 * part of it is inside the window, so a sum never under-counts and over-counts by at most one
 * bucket at the window's tail (1 s of tokens, 5 min of spend).
 */
export const BUCKET_MS = {
  tpm: WINDOW_MS.tpm / 60,
  cost_5h_usd: WINDOW_MS.cost_5h_usd / 60,
} as const

/** How long a calendar counter outlives its period (so a late record or read still finds it). */
export const CALENDAR_GRACE_MS = DAY

export type CalendarLimit = 'cost_daily_usd' | 'cost_weekly_usd' | 'cost_monthly_usd'

export const CALENDAR_LIMITS: readonly CalendarLimit[] = [
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
]

/** A calendar period, [startMs, endMs). */
export interface Period {
  startMs: number
  endMs: number
}

/**
 * The UTC calendar period containing `at` (docs/contract.md §10), by core's one definition, so
 * the period record writes to is the one core's plan names in `check.period`.
 */
export function calendarPeriod(limit: CalendarLimit, at: number): Period {
  if (limit === 'cost_daily_usd') return utcDay(at)
  if (limit === 'cost_weekly_usd') return utcIsoWeek(at)
  return utcMonth(at)
}

/** The Redis key of one subject's limit; calendar limits name their period's start. */
export function limitKey(
  prefix: string,
  scope: LimitScope,
  id: string,
  limit: CountedLimitName,
  periodStartMs?: number,
): string {
  const base = `${prefix}lim:${scope}:${id}:${limit}`
  return periodStartMs === undefined ? base : `${base}:${periodStartMs}`
}

export function isCalendar(limit: CountedLimitName): limit is CalendarLimit {
  return (CALENDAR_LIMITS as readonly string[]).includes(limit)
}

/** How the scripts count a limit (redis-scripts.ts): slots, a log, bucketed sums or a counter. */
export type CheckKind = 'slots' | 'log' | 'sum' | 'counter'

export function kindOf(limit: CountedLimitName): CheckKind {
  if (limit === 'concurrency') return 'slots'
  if (limit === 'rpm') return 'log'
  if (limit === 'tpm' || limit === 'cost_5h_usd') return 'sum'
  return 'counter'
}

/** A sliding check's window (core's, else the contract's); 0 for the others. */
export function windowOf(check: { limit: CountedLimitName; windowMs?: number }): number {
  const limit = check.limit
  if (check.windowMs !== undefined) return check.windowMs
  return limit === 'rpm' || limit === 'tpm' || limit === 'cost_5h_usd' ? WINDOW_MS[limit] : 0
}

export function bucketOf(limit: CountedLimitName): number {
  return limit === 'tpm' || limit === 'cost_5h_usd' ? BUCKET_MS[limit] : 0
}

/** A summed window's args for `at`: the field to add to, the last stale start, the key's TTL. */
export function bucketArgs(limit: 'tpm' | 'cost_5h_usd', at: number): [number, number, number] {
  const width = BUCKET_MS[limit]
  const window = WINDOW_MS[limit]
  return [Math.floor(at / width) * width, at - window - width, window + width + 1000]
}

/** A calendar counter lives until its period's end and a grace day beyond. */
export function calendarTtl(limit: CalendarLimit, at: number): number {
  return calendarPeriod(limit, at).endMs - at + CALENDAR_GRACE_MS
}
