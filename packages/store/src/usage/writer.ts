import type { Clock } from '@qcc/core'
import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { UsageEvent, UsageWriter, UsageWriterStats } from '../types/usage'
import { InsertionRing } from '../bounded-recent'
import { isStorableEvent, normalizeEvent } from './normalize'
import { accumulateRollups, type RollupDelta } from './rollup'

/**
 * One unit of work for a sink. `id` stays the same across retries of the same batch, so a sink
 * can make the whole batch idempotent (the MySQL sink records it in `qcc_usage_batches` inside
 * the transaction: a retry after an ambiguous commit is recognised and skipped).
 */
export interface UsageBatch {
  id: string
  /** Raw events; the sink ignores request ids it already has and rolls up only new rows. */
  events: UsageEvent[]
  /** Rollup deltas of events whose raw rows were dropped at the cap; added as they are. */
  overflow: RollupDelta[]
}

/** Where batches go. `writeBatch` must be atomic: all of the batch or nothing. */
export interface UsageSink {
  writeBatch(batch: UsageBatch): Promise<void>
}

/**
 * A sink that also says whether a batch was new: false when its id was committed before (what
 * the import's `importUsageBatch` answers, docs/contract.md §14.1).
 */
export interface IdempotentUsageSink extends UsageSink {
  applyBatch(batch: UsageBatch): Promise<boolean>
}

/** Tuning of the usage writer; every field has a default. */
export interface UsageWriterOptions {
  /**
   * Cap on raw events held in memory (buffered plus in flight). Default 10,000. Beyond it the
   * raw detail of new events is dropped and counted in `stats().dropped`, while their totals go
   * into in-memory rollup deltas (bounded by distinct account/node/model/key/minute), so
   * summaries stay exact.
   */
  maxPending?: number
  /**
   * Most events per write. Default 2,000: a write costs about the same for 500 or 2,000 rows
   * (one transaction, three rollup statements), so larger batches keep up with more requests
   * (`pnpm bench` of this package on MariaDB: 7,000 events/s at 500, 12,000 at 2,000). A quiet
   * writer still writes whatever it has every `flushIntervalMs`.
   */
  batchSize?: number
  /** Background flush period. Default 1000 ms. */
  flushIntervalMs?: number
  /** First retry delay after a failed write, doubled up to `retryMaxMs`. Default 200 ms. */
  retryMinMs?: number
  /** Default 5000 ms. */
  retryMaxMs?: number
  /** One write attempt longer than this counts as failed (it stays safe to retry). Default 10 s. */
  writeTimeoutMs?: number
  /** Longest `flush()` waits before giving up with `unavailable`. Default 15 s. */
  flushTimeoutMs?: number
  /** Request ids remembered to drop duplicates before they reach the database. Default 100,000. */
  dedupeWindow?: number
}

const DEFAULTS: Required<UsageWriterOptions> = {
  maxPending: 10_000,
  batchSize: 2000,
  flushIntervalMs: 1000,
  retryMinMs: 200,
  retryMaxMs: 5000,
  writeTimeoutMs: 10_000,
  flushTimeoutMs: 15_000,
  dedupeWindow: 100_000,
}

/**
 * The writer's timers, injected so its tests drive them on a fake clock instead of sleeping.
 * {@link systemWriterTimers} is the real event loop.
 */
export interface UsageWriterTimers {
  /** Runs `run` on the next turn of the event loop (after the current burst of enqueues). */
  soon(run: () => void): void
  /** Runs `run` once after `ms`; the returned function cancels it. Holds the process open. */
  after(ms: number, run: () => void): () => void
  /** Runs `run` every `ms` without holding the process open; the returned function stops it. */
  every(ms: number, run: () => void): () => void
}

/** The event loop's timers: what the adapters use. */
export const systemWriterTimers: UsageWriterTimers = {
  soon: (run) => void setImmediate(run),
  after(ms, run) {
    const timer = setTimeout(run, ms)
    return () => clearTimeout(timer)
  },
  every(ms, run) {
    const timer = setInterval(run, ms)
    timer.unref()
    return () => clearInterval(timer)
  },
}

/** What the writer reads the time from and schedules with; both default to the real ones. */
export interface UsageWriterDeps {
  /** For the retry backoff and the flush deadline. Default: the system clock. */
  clock?: Clock
  /** Default: {@link systemWriterTimers}. */
  timers?: UsageWriterTimers
}

/**
 * The batching usage writer shared by both adapters: buffers events off the request path,
 * writes them in batches (copy, commit, then forget), retries failed writes with backoff, and
 * keeps rollup totals exact when the buffer is full.
 */
export class BatchingUsageWriter implements UsageWriter {
  readonly #sink: UsageSink
  readonly #o: Required<UsageWriterOptions>
  #buffer: UsageEvent[] = []
  #overflow = new Map<string, RollupDelta>()
  #inflight: UsageBatch | null = null
  #running: Promise<boolean> | null = null
  #recent = new Set<string>()
  readonly #recentOrder: InsertionRing<string>
  #retryAt = 0
  #failStreak = 0
  #closed = false
  readonly #clock: Clock
  readonly #timers: UsageWriterTimers
  readonly #stopTimer: () => void
  #s = { dropped: 0, duplicates: 0, rejectedAfterClose: 0, written: 0, failedFlushes: 0 }
  #lastError: string | null = null

  constructor(sink: UsageSink, options: UsageWriterOptions = {}, deps: UsageWriterDeps = {}) {
    this.#sink = sink
    this.#o = { ...DEFAULTS, ...options }
    this.#clock = deps.clock ?? { now: Date.now }
    this.#timers = deps.timers ?? systemWriterTimers
    this.#recentOrder = new InsertionRing(Math.max(1, this.#o.dedupeWindow))
    this.#stopTimer = this.#timers.every(this.#o.flushIntervalMs, () => void this.#tick())
  }

  enqueue(event: UsageEvent): void {
    if (this.#closed) {
      this.#s.rejectedAfterClose++
      return
    }
    if (typeof event?.requestId !== 'string' || event.requestId === '') {
      throw new StoreError('invalid', 'usage event needs a requestId')
    }
    if (event.requestId.length > 128) {
      throw new StoreError('invalid', 'usage event requestId is longer than 128 characters')
    }
    if (this.#recent.has(event.requestId)) {
      this.#s.duplicates++
      return
    }
    this.#remember(event.requestId)
    // The writer owns what it is given (see UsageWriter.enqueue): a valid event is kept as it is.
    const e = isStorableEvent(event) ? event : normalizeEvent(event)
    if (this.#pending() < this.#o.maxPending) {
      this.#buffer.push(e)
      if (this.#buffer.length >= this.#o.batchSize) this.#timers.soon(() => void this.#tick())
    } else {
      this.#s.dropped++
      accumulateRollups(this.#overflow, [e])
    }
  }

  stats(): UsageWriterStats {
    return { ...this.#s, pending: this.#pending(), lastError: this.#lastError }
  }

  /** Writes everything buffered, retrying with backoff until `flushTimeoutMs`. */
  async flush(): Promise<void> {
    const deadline = this.#clock.now() + this.#o.flushTimeoutMs
    while (this.#hasWork()) {
      const ok = await this.#writeOnce()
      if (ok) continue
      const now = this.#clock.now()
      const wait = Math.min(this.#retryAt - now, deadline - now)
      if (now >= deadline) {
        throw new StoreError(
          'unavailable',
          `usage flush gave up after ${this.#o.flushTimeoutMs} ms: ${this.#lastError}`,
        )
      }
      if (wait > 0) await new Promise<void>((resolve) => this.#timers.after(wait, resolve))
    }
  }

  /** Stops the timer, flushes, and refuses further events. */
  async close(): Promise<void> {
    this.#stopTimer()
    try {
      await this.flush()
    } finally {
      this.#closed = true
    }
  }

  #pending(): number {
    return this.#buffer.length + (this.#inflight?.events.length ?? 0)
  }

  #hasWork(): boolean {
    return this.#inflight !== null || this.#buffer.length > 0 || this.#overflow.size > 0
  }

  #remember(id: string): void {
    this.#recent.add(id)
    const oldest = this.#recentOrder.add(id)
    if (oldest !== undefined) this.#recent.delete(oldest)
  }

  async #tick(): Promise<void> {
    if (this.#running || this.#clock.now() < this.#retryAt) return
    while (this.#hasWork() && (await this.#writeOnce())) {
      if (this.#buffer.length < this.#o.batchSize && this.#overflow.size === 0) break
    }
  }

  /** One write (joining one already running); true when it succeeded. */
  #writeOnce(): Promise<boolean> {
    this.#running ??= this.#doWrite().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  /** Fails `write` after `writeTimeoutMs` (a batch stays safe to retry: sinks dedupe its id). */
  #withWriteTimeout<T>(write: Promise<T>): Promise<T> {
    const ms = this.#o.writeTimeoutMs
    let cancel = (): void => undefined
    const timeout = new Promise<never>((_, reject) => {
      cancel = this.#timers.after(ms, () =>
        reject(new Error(`usage write timed out after ${ms} ms`)),
      )
    })
    return Promise.race([write, timeout]).finally(cancel)
  }

  async #doWrite(): Promise<boolean> {
    if (!this.#inflight) {
      if (!this.#hasWork()) return true
      const overflow = [...this.#overflow.values()]
      this.#overflow = new Map()
      this.#inflight = { id: newId(), events: this.#buffer.splice(0, this.#o.batchSize), overflow }
    }
    const batch = this.#inflight
    try {
      await this.#withWriteTimeout(this.#sink.writeBatch(batch))
      this.#inflight = null
      this.#s.written += batch.events.length
      this.#failStreak = 0
      this.#retryAt = 0
      this.#lastError = null
      return true
    } catch (error) {
      this.#s.failedFlushes++
      this.#failStreak++
      this.#lastError = error instanceof Error ? error.message : String(error)
      const delay = Math.min(this.#o.retryMaxMs, this.#o.retryMinMs * 2 ** (this.#failStreak - 1))
      this.#retryAt = this.#clock.now() + delay
      return false
    }
  }
}
