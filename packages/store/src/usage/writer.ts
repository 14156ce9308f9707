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

/** Tuning of the usage writer; every field has a default. */
export interface UsageWriterOptions {
  /**
   * Cap on raw events held in memory (buffered plus in flight). Default 10,000. Beyond it the
   * raw detail of new events is dropped and counted in `stats().dropped`, while their totals go
   * into in-memory rollup deltas (bounded by distinct account/node/model/key/minute), so
   * summaries stay exact.
   */
  maxPending?: number
  /** Events per write. Default 500. */
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
  batchSize: 500,
  flushIntervalMs: 1000,
  retryMinMs: 200,
  retryMaxMs: 5000,
  writeTimeoutMs: 10_000,
  flushTimeoutMs: 15_000,
  dedupeWindow: 100_000,
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`usage write timed out after ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
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
  #timer: NodeJS.Timeout | undefined
  #s = { dropped: 0, duplicates: 0, rejectedAfterClose: 0, written: 0, failedFlushes: 0 }
  #lastError: string | null = null

  constructor(sink: UsageSink, options: UsageWriterOptions = {}) {
    this.#sink = sink
    this.#o = { ...DEFAULTS, ...options }
    this.#recentOrder = new InsertionRing(Math.max(1, this.#o.dedupeWindow))
    this.#timer = setInterval(() => void this.#tick(), this.#o.flushIntervalMs)
    this.#timer.unref()
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
      if (this.#buffer.length >= this.#o.batchSize) setImmediate(() => void this.#tick())
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
    const deadline = Date.now() + this.#o.flushTimeoutMs
    while (this.#hasWork()) {
      const ok = await this.#writeOnce()
      if (ok) continue
      const wait = Math.min(this.#retryAt - Date.now(), deadline - Date.now())
      if (Date.now() >= deadline) {
        throw new StoreError(
          'unavailable',
          `usage flush gave up after ${this.#o.flushTimeoutMs} ms: ${this.#lastError}`,
        )
      }
      if (wait > 0) await sleep(wait)
    }
  }

  /** Stops the timer, flushes, and refuses further events. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
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
    if (this.#running || Date.now() < this.#retryAt) return
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

  async #doWrite(): Promise<boolean> {
    if (!this.#inflight) {
      if (!this.#hasWork()) return true
      const overflow = [...this.#overflow.values()]
      this.#overflow = new Map()
      this.#inflight = { id: newId(), events: this.#buffer.splice(0, this.#o.batchSize), overflow }
    }
    const batch = this.#inflight
    try {
      await withTimeout(this.#sink.writeBatch(batch), this.#o.writeTimeoutMs)
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
      this.#retryAt = Date.now() + delay
      return false
    }
  }
}
