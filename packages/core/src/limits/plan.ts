import type { CountedLimitName, LimitScope, Limits } from './types'

/**
 * One counted limit to check for a request, in the order {@link planCounterChecks} gives
 * (docs/contract.md §10: concurrency, rpm, tpm, then the cost windows; the key's before its
 * account's). The counters (in process or Redis) check them; core turns a refusal into the answer.
 */
export interface CounterCheck {
  scope: LimitScope
  /** The key id or the account id. */
  subjectId: string
  limit: CountedLimitName
  /** The cap: slots, requests, tokens or USD. */
  cap: number
  /** Sliding windows (rpm, tpm, cost_5h_usd): the window's length. */
  windowMs?: number
  /** Calendar windows (daily, weekly, monthly; UTC): the current period, [startMs, endMs). */
  period?: { startMs: number; endMs: number }
}

/** Whose limits to plan: a key or its account, with that subject's limits. */
export interface LimitSubject {
  scope: LimitScope
  id: string
  limits: Limits
}

/** Length of the rpm and tpm windows (docs/contract.md §10: any 60 s sliding window). */
export const MINUTE_WINDOW_MS = 60_000
/** Length of the `cost_5h_usd` window. */
export const FIVE_HOURS_MS = 5 * 3_600_000
const DAY_MS = 86_400_000

/** The UTC day holding `now`, [start, end). */
export function utcDay(now: number): { startMs: number; endMs: number } {
  const startMs = now - (((now % DAY_MS) + DAY_MS) % DAY_MS)
  return { startMs, endMs: startMs + DAY_MS }
}

/** The ISO week holding `now` (Monday 00:00 UTC to the next Monday). */
export function utcIsoWeek(now: number): { startMs: number; endMs: number } {
  const day = utcDay(now).startMs
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7
  const startMs = day - sinceMonday * DAY_MS
  return { startMs, endMs: startMs + 7 * DAY_MS }
}

/** The UTC calendar month holding `now`. */
export function utcMonth(now: number): { startMs: number; endMs: number } {
  const d = new Date(now)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  return { startMs: Date.UTC(y, m, 1), endMs: Date.UTC(y, m + 1, 1) }
}

// One entry per counted limit, in the order they are checked (COUNTED_LIMIT_NAMES).
const KINDS: ReadonlyArray<{
  limit: CountedLimitName
  windowMs?: number
  period?: (now: number) => { startMs: number; endMs: number }
}> = [
  { limit: 'concurrency' },
  { limit: 'rpm', windowMs: MINUTE_WINDOW_MS },
  { limit: 'tpm', windowMs: MINUTE_WINDOW_MS },
  { limit: 'cost_5h_usd', windowMs: FIVE_HOURS_MS },
  { limit: 'cost_daily_usd', period: utcDay },
  { limit: 'cost_weekly_usd', period: utcIsoWeek },
  { limit: 'cost_monthly_usd', period: utcMonth },
  { limit: 'cost_total_usd' },
]

/**
 * The counted limits a request must pass, in the order they are checked (docs/contract.md §10):
 * concurrency, rpm, tpm, cost_5h, daily, weekly (ISO week, Monday 00:00 UTC), monthly, total; the
 * key's before the account's within a kind. Calendar periods are in UTC and taken at `now`.
 * `cost_total_usd` has neither a window nor a period. Subjects without counted limits add nothing.
 *
 * @example
 * ```ts
 * planCounterChecks([{ scope: 'key', id: 'k1', limits: { rpm: 10 } },
 *                    { scope: 'account', id: 'a1', limits: { concurrency: 2 } }], now)
 * // [{ scope: 'account', subjectId: 'a1', limit: 'concurrency', cap: 2 },
 * //  { scope: 'key', subjectId: 'k1', limit: 'rpm', cap: 10, windowMs: 60000 }]
 * ```
 */
export function planCounterChecks(subjects: readonly LimitSubject[], now: number): CounterCheck[] {
  const out: CounterCheck[] = []
  for (const kind of KINDS) {
    for (const s of subjects) {
      const cap = s.limits[kind.limit]
      if (cap === undefined) continue
      const check: CounterCheck = { scope: s.scope, subjectId: s.id, limit: kind.limit, cap }
      if (kind.windowMs !== undefined) check.windowMs = kind.windowMs
      if (kind.period) check.period = kind.period(now)
      out.push(check)
    }
  }
  return out
}
