import {
  FIVE_HOURS_MS,
  MINUTE_WINDOW_MS,
  utcDay,
  utcIsoWeek,
  utcMonth,
  type CounterCheck,
  type LimitWindows,
  type LimitWindowState,
} from '@qcc/core'
import { Buckets, sumFreesAt, TimeLog } from './buckets'
import type {
  AdmitAnswer,
  CountedUsage,
  CounterSubject,
  LimitCounters,
  SeededSpend,
} from './counters'

/** Tokens and own spend are bucketed by the second: the tail over-count of a sliding sum is 1 s. */
const BUCKET_MS = 1000
/** A subject idle this long (the longest sliding window) with no slot held is forgotten. */
const IDLE_MS = FIVE_HOURS_MS
const SWEEP_EVERY_MS = 60_000
const MINUTE_MS = 60_000

type Calendar = 'cost_daily_usd' | 'cost_weekly_usd' | 'cost_monthly_usd'
const PERIOD: Record<Calendar, (at: number) => { startMs: number; endMs: number }> = {
  cost_daily_usd: utcDay,
  cost_weekly_usd: utcIsoWeek,
  cost_monthly_usd: utcMonth,
}
const SEEDED: Record<Calendar, 'day' | 'week' | 'month'> = {
  cost_daily_usd: 'day',
  cost_weekly_usd: 'week',
  cost_monthly_usd: 'month',
}

/** Own spend older than the 5 h window, kept per calendar period until a seed covers it. */
interface Folded {
  /** The latest end of a folded bucket: a seed cut off after it holds all of it. */
  upTo: number
  total: number
  /** `<limit>:<period start>` -> [period end, USD]. */
  periods: Map<string, [number, number]>
}

interface Subject {
  lastAt: number
  /** rpm: admit times in the window, oldest first, at most `cap` of them (more cannot change an answer). */
  log?: TimeLog
  slots?: Set<string>
  tokens?: Buckets
  /** Spend counted here since the last seed's cutoff (the store holds what came before). */
  spend?: Buckets
  folded?: Folded
}

const ADMITTED: AdmitAnswer = Object.freeze({ ok: true })

/**
 * In-process {@link LimitCounters} (docs/contract.md §10: without Redis, rpm, tpm and concurrency
 * are exact per replica). rpm is an exact log of at most `cap` admit times per subject; tpm and
 * spend are 1 s buckets that leave a window only when all of them is older than it (never
 * under-counting); calendar spend is the store's seed for the period plus what this replica
 * counted since; concurrency is a set of request ids. Memory stays bounded: buckets leave with
 * their window, own spend leaves when a seed covers it (older than 5 h it is folded into one sum
 * per calendar period meanwhile), and a subject idle for 5 h with no slot held and no own spend
 * left is dropped.
 *
 * Seeds and own spend never count twice: `seedSpend`'s `at` is a cutoff such that the store had
 * committed every usage this replica recorded before it (the seeder flushes the usage writer
 * first), so own buckets ending by then are dropped when the seed arrives.
 */
export class MemoryLimitCounters implements LimitCounters {
  readonly degraded = false
  private readonly subjects = new Map<string, Subject>()
  private readonly seeds = new Map<string, SeededSpend>()
  private nextSweep = 0

  /** Subjects held now (bounded memory is observable in tests). */
  get size(): number {
    return this.subjects.size
  }

  admit(requestId: string, checks: readonly CounterCheck[], now: number): AdmitAnswer {
    this.sweep(now)
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i] as CounterCheck
      const s = this.subject(check.scope, check.subjectId, now)
      const refused = this.refuses(s, check, now)
      if (refused !== null) {
        return { ok: false, index: i, ...(refused > 0 ? { freesAt: refused } : {}) }
      }
    }
    for (const check of checks) {
      if (check.limit === 'rpm') {
        const s = this.subject(check.scope, check.subjectId, now)
        ;(s.log ??= new TimeLog()).push(now, check.cap)
      } else if (check.limit === 'concurrency') {
        const s = this.subject(check.scope, check.subjectId, now)
        ;(s.slots ??= new Set()).add(requestId)
      }
    }
    return ADMITTED
  }

  release(requestId: string, checks: readonly CounterCheck[]): void {
    for (const check of checks) {
      if (check.limit !== 'concurrency') continue
      this.subjects.get(`${check.scope}:${check.subjectId}`)?.slots?.delete(requestId)
    }
  }

  record(subjects: readonly CounterSubject[], usage: CountedUsage): void {
    for (const { scope, id } of subjects) {
      const s = this.subject(scope, id, usage.at)
      if (usage.tokens > 0) {
        const tokens = (s.tokens ??= new Buckets(BUCKET_MS))
        tokens.dropEndingBy(usage.at - MINUTE_WINDOW_MS)
        tokens.add(usage.at, usage.tokens)
      }
      if (usage.costUsd > 0) {
        ;(s.spend ??= new Buckets(BUCKET_MS)).add(usage.at, usage.costUsd)
        this.fold(s, usage.at)
      }
    }
  }

  async windows(checks: readonly CounterCheck[], now: number): Promise<LimitWindows> {
    const out: LimitWindows = {}
    for (const check of checks) {
      const s = this.subjects.get(`${check.scope}:${check.subjectId}`)
      const key = `${check.scope}:${check.subjectId}`
      const state: LimitWindowState = { used: this.used(s, key, check, now), limit: check.cap }
      const resetsAt = this.resetsAt(s, key, check, now)
      if (resetsAt !== undefined) state.resetsAt = resetsAt
      out[check.limit] = state
    }
    return out
  }

  seedSpend(subject: CounterSubject, spend: SeededSpend): void {
    const key = `${subject.scope}:${subject.id}`
    this.seeds.set(key, spend)
    const s = this.subjects.get(key)
    if (!s) return
    s.spend?.dropEndingBy(spend.at)
    if (s.folded && s.folded.upTo <= spend.at) s.folded = undefined
  }

  async close(): Promise<void> {
    this.subjects.clear()
    this.seeds.clear()
  }

  private subject(scope: string, id: string, now: number): Subject {
    const key = `${scope}:${id}`
    let s = this.subjects.get(key)
    if (!s) {
      s = { lastAt: now }
      this.subjects.set(key, s)
    } else if (now > s.lastAt) s.lastAt = now
    return s
  }

  /** null when the check passes; else when it frees room (epoch ms), 0 when that is not known. */
  private refuses(s: Subject, check: CounterCheck, now: number): number | null {
    switch (check.limit) {
      case 'concurrency':
        return (s.slots?.size ?? 0) >= check.cap ? 0 : null
      case 'rpm': {
        const log = s.log
        if (!log) return null
        log.dropUpTo(now - MINUTE_WINDOW_MS)
        if (log.length < check.cap) return null
        // Room frees when the entry that brings the count below the cap leaves the window.
        return (log.at(log.length - Math.ceil(check.cap)) ?? now) + MINUTE_WINDOW_MS
      }
      default: {
        const key = `${check.scope}:${check.subjectId}`
        const used = this.used(s, key, check, now)
        if (used < check.cap) return null
        if (check.windowMs === undefined) return 0
        return sumFreesAt(this.parts(s, key, check, now), used, check.cap, check.windowMs) ?? 0
      }
    }
  }

  private used(s: Subject | undefined, key: string, check: CounterCheck, now: number): number {
    switch (check.limit) {
      case 'concurrency':
        return s?.slots?.size ?? 0
      case 'rpm': {
        s?.log?.dropUpTo(now - MINUTE_WINDOW_MS)
        return s?.log?.length ?? 0
      }
      case 'tpm':
        return s?.tokens?.sum(now, MINUTE_WINDOW_MS) ?? 0
      case 'cost_5h_usd': {
        let sum = s?.spend?.sum(now, FIVE_HOURS_MS) ?? 0
        for (const [start, usd] of this.seeds.get(key)?.last5hByMinute ?? []) {
          if (start + MINUTE_MS > now - FIVE_HOURS_MS) sum += usd
        }
        return sum
      }
      case 'cost_total_usd':
        return (
          (this.seeds.get(key)?.total ?? 0) + (s?.spend?.total() ?? 0) + (s?.folded?.total ?? 0)
        )
      default: {
        const limit = check.limit
        const period = check.period ?? PERIOD[limit](now)
        const seed = this.seeds.get(key)
        const seeded =
          seed && PERIOD[limit](seed.at).startMs === period.startMs ? seed[SEEDED[limit]] : 0
        const own = s?.spend?.sumBetween(period.startMs, period.endMs) ?? 0
        const folded = s?.folded?.periods.get(`${limit}:${period.startMs}`)?.[1] ?? 0
        return seeded + own + folded
      }
    }
  }

  /** Every counted part of a sliding sum as [end ms, amount]. */
  private parts(
    s: Subject,
    key: string,
    check: CounterCheck,
    now: number,
  ): Array<[number, number]> {
    const parts: Array<[number, number]> = []
    const windowMs = check.windowMs ?? 0
    if (check.limit === 'tpm') s.tokens?.ends(parts, now, windowMs)
    else {
      s.spend?.ends(parts, now, windowMs)
      for (const [start, usd] of this.seeds.get(key)?.last5hByMinute ?? []) {
        if (start + MINUTE_MS > now - windowMs) parts.push([start + MINUTE_MS, usd])
      }
    }
    return parts
  }

  private resetsAt(
    s: Subject | undefined,
    key: string,
    check: CounterCheck,
    now: number,
  ): number | undefined {
    if (check.period) return check.period.endMs
    if (check.windowMs === undefined) return undefined
    if (check.limit === 'rpm') {
      s?.log?.dropUpTo(now - MINUTE_WINDOW_MS)
      const oldest = s?.log?.at(0)
      return oldest === undefined ? undefined : oldest + MINUTE_WINDOW_MS
    }
    if (!s) return undefined
    const parts = this.parts(s, key, check, now)
    if (parts.length === 0) return undefined
    return Math.min(...parts.map((p) => p[0])) + check.windowMs
  }

  /** Moves own spend older than the 5 h window into per-period sums (until a seed covers it). */
  private fold(s: Subject, now: number): void {
    s.spend?.dropEndingBy(now - FIVE_HOURS_MS, (start, usd) => {
      const f = (s.folded ??= { upTo: 0, total: 0, periods: new Map() })
      f.upTo = Math.max(f.upTo, start + BUCKET_MS)
      f.total += usd
      for (const limit of Object.keys(PERIOD) as Calendar[]) {
        const p = PERIOD[limit](start)
        if (p.endMs <= now) continue
        const k = `${limit}:${p.startMs}`
        const entry = f.periods.get(k) ?? [p.endMs, 0]
        entry[1] += usd
        f.periods.set(k, entry)
      }
      for (const [k, [end]] of f.periods) if (end <= now) f.periods.delete(k)
    })
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return
    this.nextSweep = now + SWEEP_EVERY_MS
    for (const [key, s] of this.subjects) {
      // Own spend no seed holds yet stays (it exists nowhere else); seeds take it within seconds.
      if (s.lastAt <= now - IDLE_MS && !s.slots?.size && !s.spend?.length && !s.folded) {
        this.subjects.delete(key)
      }
    }
  }
}
