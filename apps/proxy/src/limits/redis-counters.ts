import { COST_LIMIT_NAMES, type LimitWindows } from '@qcc/core'
import type { RedisLink } from '../redis/connection'
import type {
  AdmitAnswer,
  CounterCheck,
  CounterSubject,
  CountedUsage,
  LimitCounters,
  SeededSpend,
} from './counters'
import {
  BUCKET_MS,
  CALENDAR_LIMITS,
  bucketArgs,
  bucketOf,
  calendarPeriod,
  calendarTtl,
  isCalendar,
  kindOf,
  limitKey,
  windowOf,
} from './redis-keys'
import { ADMIT, RECORD, SEED, WINDOWS } from './redis-scripts'

export interface RedisLimitCountersOptions {
  link: RedisLink
  /**
   * The in-process counters that answer the cost windows while Redis is unreachable
   * (docs/contract.md §10: "cost windows fall back to the store"). They are fed every record and
   * every seed, so they are current when Redis goes away. Not closed by `close`: their owner does.
   */
  fallback: LimitCounters
  /** The clock of the lease refresh (default `Date.now`); admit, record and seed take their own time. */
  now?: () => number
  /** How long a concurrency slot lives without a refresh (default 60 s: a dead replica's slots go within it). */
  leaseMs?: number
  /** How often this replica refreshes the leases of its requests in flight (default a third of the lease: 20 s). */
  refreshMs?: number
}

/** The Redis counters, with what they could not send to Redis. */
export interface RedisLimitCounters extends LimitCounters {
  /** Always asynchronous here: one script round trip, or the fallback's answer while degraded. */
  admit(requestId: string, checks: readonly CounterCheck[], now: number): Promise<AdmitAnswer>
  /** Commands that failed or were skipped while Redis was down, by operation. */
  readonly errors: { readonly admit: number; readonly record: number; readonly other: number }
  /** Extends the leases of this replica's requests in flight now (also run every `refreshMs`). */
  refreshLeases(): Promise<void>
}

const COST = new Set<string>(COST_LIMIT_NAMES)

/**
 * Limit counters in Redis, exact across every replica sharing it (docs/contract.md §10, §11).
 *
 * - admit is one atomic script over all checks: when all pass it takes the rpm units and slots,
 *   else nothing; so a burst of rpm + k requests over any number of replicas lets exactly rpm in.
 * - Concurrency slots are leases (`leaseMs`, default 60 s) that this replica refreshes every
 *   `refreshMs` while the request is in flight; a crashed replica's slots expire with their lease.
 * - record adds tokens and spend to the subjects' windows (fire and forget: a failure is counted
 *   in `errors`, never thrown into the request).
 * - seedSpend raises each cost window to the store's committed spend where the store holds more
 *   and never lowers one. Redis counts every spend the moment its usage is known and the store's
 *   rollups lag it by the batched write, but Redis misses what it never saw (spend recorded while
 *   it was down, or before it restarted empty). Both under-count the truth, so the larger of the
 *   two never double counts, and seeding is safe at any time: at start, after each reconnect
 *   (`link.onUp`), or periodically.
 * - While Redis is unreachable or a command fails (the link's command timeout, 100 ms), admit
 *   fails open for rpm, tpm and concurrency and answers the cost windows from `fallback`;
 *   `degraded` is true while the link is down.
 *
 * Calendar windows are keyed by the start of their UTC period: admit takes core's
 * `check.period`, record computes the period of the usage's time the same way (redis-keys.ts).
 *
 * @example
 * ```ts
 * const counters = createRedisLimitCounters({ link, fallback: memoryCounters })
 * link.onUp(() => void reseedAll(counters))
 * const answer = await counters.admit(requestId, checks, Date.now())
 * ```
 */
export function createRedisLimitCounters(options: RedisLimitCountersOptions): RedisLimitCounters {
  const { link, fallback } = options
  const clock = options.now ?? Date.now
  const leaseMs = options.leaseMs ?? 60_000
  const errors = { admit: 0, record: 0, other: 0 }
  /** Request id -> the concurrency keys it holds a slot in. */
  const inFlight = new Map<string, string[]>()
  let closed = false

  const keyOf = (check: CounterCheck, now: number): string => {
    const start = isCalendar(check.limit)
      ? (check.period?.startMs ?? calendarPeriod(check.limit, now).startMs)
      : undefined
    return limitKey(link.prefix, check.scope, check.subjectId, check.limit, start)
  }
  const slotKeys = (checks: readonly CounterCheck[]) =>
    checks.filter((c) => c.limit === 'concurrency').map((c) => keyOf(c, 0))

  /** Fail open: only the cost windows refuse, by the fallback counters. */
  async function degradedAdmit(
    requestId: string,
    checks: readonly CounterCheck[],
    now: number,
  ): Promise<AdmitAnswer> {
    const indexes: number[] = []
    checks.forEach((c, i) => void (COST.has(c.limit) && indexes.push(i)))
    if (indexes.length === 0) return { ok: true }
    const answer = await fallback.admit(
      requestId,
      indexes.map((i) => checks[i] as CounterCheck),
      now,
    )
    if (answer.ok) return answer
    return { ...answer, index: indexes[answer.index] ?? answer.index }
  }

  async function admit(
    requestId: string,
    checks: readonly CounterCheck[],
    at: number,
  ): Promise<AdmitAnswer> {
    if (checks.length === 0) return { ok: true }
    if (!link.up) return degradedAdmit(requestId, checks, at)
    const now = Math.floor(at)
    const keys: string[] = []
    const args: Array<string | number> = [now, leaseMs, requestId]
    for (const check of checks) {
      keys.push(keyOf(check, now))
      args.push(kindOf(check.limit), String(check.cap), windowOf(check), bucketOf(check.limit))
    }
    const slots = slotKeys(checks)
    try {
      const [index, freesAt] = (await ADMIT.run(link.client, keys, args)) as [number, number]
      if (index === 0) {
        if (slots.length > 0) inFlight.set(requestId, slots)
        return { ok: true }
      }
      return freesAt >= 0
        ? { ok: false, index: index - 1, freesAt }
        : { ok: false, index: index - 1 }
    } catch {
      errors.admit++
      // A timed-out script may still have taken the slots: release frees them, and the refresh
      // (ZADD XX) never adds one the script did not take.
      if (slots.length > 0) inFlight.set(requestId, slots)
      return degradedAdmit(requestId, checks, now)
    }
  }

  function release(requestId: string, checks: readonly CounterCheck[]): void {
    const keys = inFlight.get(requestId) ?? slotKeys(checks)
    inFlight.delete(requestId)
    // While Redis is down the slot cannot be freed; no refresh keeps it, so its lease ends it.
    if (keys.length === 0 || !link.up) return
    // Plain commands, not a pipeline object: auto-pipelining sends them with the other requests'
    // commands of this turn in one write (a pipeline of its own costs a write per request).
    for (const key of keys) link.client.zrem(key, requestId).catch(() => void errors.other++)
  }

  function record(subjects: readonly CounterSubject[], usage: CountedUsage): void {
    fallback.record(subjects, usage)
    const tokens = Math.max(0, Math.round(usage.tokens))
    const cost = usage.costUsd > 0 ? usage.costUsd : 0
    if (subjects.length === 0 || (tokens === 0 && cost === 0)) return
    if (!link.up) {
      errors.record++
      return
    }
    const at = Math.floor(usage.at)
    const keys: string[] = []
    for (const { scope, id } of subjects) {
      keys.push(
        limitKey(link.prefix, scope, id, 'tpm'),
        limitKey(link.prefix, scope, id, 'cost_5h_usd'),
      )
      for (const limit of CALENDAR_LIMITS)
        keys.push(limitKey(link.prefix, scope, id, limit, calendarPeriod(limit, at).startMs))
      keys.push(limitKey(link.prefix, scope, id, 'cost_total_usd'))
    }
    const args = [
      tokens,
      String(cost),
      ...bucketArgs('tpm', at),
      ...bucketArgs('cost_5h_usd', at),
      ...CALENDAR_LIMITS.map((limit) => calendarTtl(limit, at)),
    ]
    RECORD.run(link.client, keys, args).catch(() => void errors.record++)
  }

  async function windows(checks: readonly CounterCheck[], at: number): Promise<LimitWindows> {
    if (checks.length === 0) return {}
    if (!link.up) return fallback.windows(checks, at)
    const now = Math.floor(at)
    const keys = checks.map((c) => keyOf(c, now))
    const args: Array<string | number> = [now]
    for (const c of checks) args.push(kindOf(c.limit), windowOf(c), bucketOf(c.limit))
    let rows: Array<[string, number]>
    try {
      rows = (await WINDOWS.run(link.client, keys, args)) as Array<[string, number]>
    } catch {
      errors.other++
      return fallback.windows(checks, at)
    }
    const out: LimitWindows = {}
    checks.forEach((check, i) => {
      const [used, frees] = rows[i] ?? ['0', -1]
      const resetsAt = isCalendar(check.limit)
        ? (check.period?.endMs ?? calendarPeriod(check.limit, now).endMs)
        : frees >= 0
          ? frees
          : undefined
      out[check.limit] = {
        used: Number(used),
        limit: check.cap,
        ...(resetsAt === undefined ? {} : { resetsAt }),
      }
    })
    return out
  }

  async function seedSpend(subject: CounterSubject, spend: SeededSpend): Promise<void> {
    await fallback.seedSpend(subject, spend)
    if (!link.up) {
      errors.other++
      return
    }
    const at = Math.floor(spend.at)
    const { scope, id } = subject
    const keys = [
      limitKey(link.prefix, scope, id, 'cost_5h_usd'),
      ...CALENDAR_LIMITS.map((limit) =>
        limitKey(link.prefix, scope, id, limit, calendarPeriod(limit, at).startMs),
      ),
      limitKey(link.prefix, scope, id, 'cost_total_usd'),
    ]
    const [, prune, ttl5h] = bucketArgs('cost_5h_usd', at)
    const buckets = new Map<number, number>()
    const width = BUCKET_MS.cost_5h_usd
    for (const [minute, usd] of spend.last5hByMinute) {
      const start = Math.floor(minute / width) * width
      if (start > prune && usd > 0) buckets.set(start, (buckets.get(start) ?? 0) + usd)
    }
    const args: Array<string | number> = [
      ttl5h,
      ...CALENDAR_LIMITS.map((limit) => calendarTtl(limit, at)),
      String(spend.day),
      String(spend.week),
      String(spend.month),
      String(spend.total),
    ]
    for (const [start, usd] of buckets) args.push(start, String(usd))
    try {
      await SEED.run(link.client, keys, args)
    } catch {
      errors.other++
    }
  }

  async function refreshLeases(): Promise<void> {
    if (inFlight.size === 0 || !link.up) return
    const expiry = Math.floor(clock()) + leaseMs
    const commands: string[][] = []
    const touched = new Set<string>()
    for (const [requestId, keys] of inFlight)
      for (const key of keys) {
        commands.push(['zadd', key, 'XX', String(expiry), requestId])
        touched.add(key)
      }
    for (const key of touched) commands.push(['pexpire', key, String(leaseMs + 1000)])
    try {
      await link.client.pipeline(commands).exec()
    } catch {
      errors.other++
    }
  }

  const timer = setInterval(
    () => void refreshLeases(),
    options.refreshMs ?? Math.floor(leaseMs / 3),
  )
  timer.unref()

  return {
    admit,
    release,
    record,
    windows,
    seedSpend,
    refreshLeases,
    errors,
    get degraded() {
      return closed || !link.up
    },
    async close() {
      closed = true
      clearInterval(timer)
    },
  }
}
