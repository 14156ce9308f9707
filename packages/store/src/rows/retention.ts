import type { RetentionOptions } from '../types/retention'

/** Milliseconds in a day. */
const DAY_MS = 86_400_000

/** The instants (epoch ms) before which `retention` deletes each kind of row. */
export interface RetentionCutoffs {
  /** Raw usage events. */
  usage: number
  /** Health-check history. */
  health: number
  /** Minute rollups; null keeps them all. */
  minuteRollups: number | null
  /**
   * Usage batch ids: they only guard against ambiguous commits, which resolve within minutes,
   * so a day is plenty (or the raw cut when that is sooner).
   */
  batches: number
  /** Sessions and download links expire at `now` itself. */
  now: number
}

/** Where each cut of a retention run falls, from the options and the store's clock. */
export function retentionCutoffs(now: number, o: RetentionOptions): RetentionCutoffs {
  const usage = now - o.usageRawDays * DAY_MS
  return {
    usage,
    health: now - o.healthDays * DAY_MS,
    // Never the last day: cost_5h_usd windows are seeded from minute rollups
    // (docs/contract.md §10, `spendByKey`).
    minuteRollups:
      o.minuteRollupDays === undefined ? null : now - Math.max(o.minuteRollupDays, 1) * DAY_MS,
    batches: Math.min(now - DAY_MS, usage),
    now,
  }
}
