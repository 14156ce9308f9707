import type { CounterCheck, LimitScope, LimitWindows } from '@qcc/core'

// The check's definition is core's (its plan produces them); re-exported for the counters' users.
export type { CounterCheck }

/** Whose windows a finished request feeds. */
export interface CounterSubject {
  scope: LimitScope
  id: string
}

/**
 * The counters' answer to `admit`: all checks passed (one rpm unit and one concurrency slot taken
 * per such check, under the request id), or the first check that refused, with when it frees room
 * (epoch ms; sliding windows only) so core can compute the retry-after.
 */
export type AdmitAnswer = { ok: true } | { ok: false; index: number; freesAt?: number }

/** A request's contribution to the token and spend windows, once its usage is known. */
export interface CountedUsage {
  requestId: string
  /** input + cache creation + output tokens (cache reads excluded, docs/contract.md §10). */
  tokens: number
  costUsd: number
  at: number
}

/**
 * The windows and slots behind the limits: one interface, two implementations (in process, and
 * Redis for exactness across replicas). Counters only count; which limit refuses, the message and
 * the retry-after are core's.
 */
export interface LimitCounters {
  /**
   * Runs `checks` in order, atomically: when every one passes, takes the rpm units and the
   * concurrency slots they name; when one refuses, takes nothing.
   */
  admit(
    requestId: string,
    checks: readonly CounterCheck[],
    now: number,
  ): AdmitAnswer | Promise<AdmitAnswer>
  /** Frees the slots `admit` took for the request; safe to call more than once. */
  release(requestId: string, checks: readonly CounterCheck[]): void
  /** Adds a finished request's tokens and spend to its subjects' windows. */
  record(subjects: readonly CounterSubject[], usage: CountedUsage): void
  /** The state of the windows of `checks` (one subject's), for the admin API and `/key/status`. */
  windows(checks: readonly CounterCheck[], now: number): Promise<LimitWindows>
  /**
   * Replaces a subject's spend counted in the store (committed usage) for the cost windows; the
   * counters keep what they counted themselves since.
   */
  seedSpend(subject: CounterSubject, spend: SeededSpend): void | Promise<void>
  /** True while the counters cannot count exactly (Redis unreachable: limits fail open). */
  readonly degraded: boolean
  close(): Promise<void>
}

/** Committed spend of one subject, as the store's rollups hold it. */
export interface SeededSpend {
  /** Per-minute spend over the last 5 hours: [minute start epoch ms, USD]. */
  last5hByMinute: ReadonlyArray<readonly [number, number]>
  day: number
  week: number
  month: number
  total: number
  /**
   * When the store was read (epoch ms), taken after this replica's usage writer was flushed: every
   * usage this replica recorded before it is in the seed (the in-process counters drop their own
   * copy of it; see spend-seeder.ts).
   */
  at: number
}
