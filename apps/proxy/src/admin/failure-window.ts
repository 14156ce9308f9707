/**
 * A sliding window of failures per key, in memory, with attempts still being checked counted
 * against the limit (docs/contract.md §9: an attempt counts before its password is hashed). The
 * login and key-lookup throttles build on it; the Redis login window (redis/login-throttle.ts)
 * keeps the same rules in Lua and one of these as its fallback.
 */

/** How an attempt ended, for one key. */
export type AttemptOutcome = 'failed' | 'succeeded' | 'abandoned'

interface KeyRecord {
  /** Times of the most recent failures, oldest first; at most `limit` are kept. */
  failures: number[]
  /** Admitted attempts still being checked (each counts as a failure meanwhile). */
  pending: number
}

/**
 * Milliseconds until one more attempt may start under `limit`, given the failure times in the
 * window (oldest first) and the attempts pending: 0 when it may now, -1 when pending attempts
 * alone fill the limit (they end within a check's time, so the caller is busy, not locked).
 * The Redis window's Lua computes exactly this.
 */
export function waitForRoom(
  failures: readonly number[],
  pending: number,
  limit: number,
  windowMs: number,
  now: number,
): number {
  // At most `room` failures may stay in the window for one more attempt to fit.
  const room = limit - pending - 1
  if (failures.length <= room) return 0
  if (room < 0) return -1
  const mustExpire = failures[failures.length - room - 1] as number
  return Math.max(1, mustExpire + windowMs - now)
}

/** Failures per key in a sliding window, bounded in keys (the oldest key is dropped first). */
export class MemoryFailureWindow {
  private readonly records = new Map<string, KeyRecord>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until one more attempt may start, 0 when it may now, -1 when only busy. */
  waitMs(key: string, now: number): number {
    const rec = this.live(key, now)
    if (!rec) return 0
    return waitForRoom(rec.failures, rec.pending, this.limit, this.windowMs, now)
  }

  /** Counts an admitted attempt as pending until `end`. */
  begin(key: string, now: number): void {
    const rec = this.live(key, now) ?? { failures: [], pending: 0 }
    rec.pending += 1
    this.touch(key, rec)
  }

  /** Ends an attempt that `begin` counted: no longer pending, and its outcome recorded. */
  end(key: string, now: number, outcome: AttemptOutcome): void {
    const rec = this.live(key, now) ?? { failures: [], pending: 1 }
    rec.pending = Math.max(0, rec.pending - 1)
    this.apply(key, rec, now, outcome)
  }

  /**
   * Records the outcome of an attempt counted elsewhere (in Redis), leaving pending attempts
   * alone: so this window knows this process's own failures if it must take over.
   */
  record(key: string, now: number, outcome: AttemptOutcome): void {
    const rec = this.live(key, now)
    if (!rec && outcome !== 'failed') return
    this.apply(key, rec ?? { failures: [], pending: 0 }, now, outcome)
  }

  private apply(key: string, rec: KeyRecord, now: number, outcome: AttemptOutcome): void {
    if (outcome === 'failed') {
      rec.failures.push(now)
      if (rec.failures.length > this.limit) rec.failures.splice(0, rec.failures.length - this.limit)
    } else if (outcome === 'succeeded') {
      rec.failures = []
    }
    if (rec.failures.length === 0 && rec.pending === 0) this.records.delete(key)
    else this.touch(key, rec)
  }

  /** The record with failures older than the window dropped; undefined when nothing is left. */
  private live(key: string, now: number): KeyRecord | undefined {
    const rec = this.records.get(key)
    if (!rec) return undefined
    const cutoff = now - this.windowMs
    while (rec.failures.length > 0 && (rec.failures[0] as number) <= cutoff) rec.failures.shift()
    if (rec.failures.length === 0 && rec.pending === 0) {
      this.records.delete(key)
      return undefined
    }
    return rec
  }

  /** Moves `key` to the young end; drops the oldest key beyond the bound. */
  private touch(key: string, rec: KeyRecord): void {
    this.records.delete(key)
    this.records.set(key, rec)
    if (this.records.size > this.maxKeys) {
      const oldest = this.records.keys().next().value
      if (oldest !== undefined) this.records.delete(oldest)
    }
  }
}
