import { FIVE_HOURS_MS, utcDay, utcIsoWeek, utcMonth } from '@qcc/core'
import type { KeySpend, KeySpendFilter } from '@qcc/store'
import type { CounterSubject, LimitCounters, SeededSpend } from './counters'

export interface SpendSeederDeps {
  spendByKey: (filter: KeySpendFilter) => Promise<KeySpend[]>
  /** Commits every usage event this replica has buffered (the store's usage writer `flush`). */
  flushUsage: () => Promise<void>
  counters: Pick<LimitCounters, 'seedSpend'>
  now: () => number
  log: { warn(obj: object, msg: string): void }
}

const MINUTE_MS = 60_000

interface Spend {
  subject: CounterSubject
  minutes: Map<number, number>
  seed: { -readonly [K in Exclude<keyof SeededSpend, 'last5hByMinute'>]: SeededSpend[K] }
}

/**
 * Seeds the counters' cost windows from the store's committed spend (docs/contract.md §10): at
 * start, when an account's limits change, and without Redis every few seconds so other replicas'
 * spend is added. One round reads the keys' spend per minute over the last 5 hours, and in the
 * current UTC day, ISO week, month and all time, and sums keys into their accounts.
 *
 * Own spend is never counted twice: a round first flushes this replica's usage writer, then takes
 * the time as the seed's cutoff (`at`) and reads. Everything this replica recorded before the
 * cutoff is committed, so it is in the seed and the counters drop their own copy; what it records
 * after stays its own. Usage the writer commits while the read runs may show in both until the
 * next round (an over-count of one read's worth, never an under-count). A round whose flush fails
 * (database down) is skipped: the counters keep counting their own.
 */
export class SpendSeeder {
  private running: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(private readonly deps: SpendSeederDeps) {}

  /** Runs a round now; while one runs, one more follows it (requests in between coalesce). */
  seed(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.round()
        } while (this.again && !this.stopped)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  /**
   * Seeds every `intervalMs` while `when()` holds (docs/contract.md §10: without Redis always;
   * with it only while the counters fall back to the store).
   */
  start(intervalMs: number, when: () => boolean = () => true): void {
    this.timer ??= setInterval(() => {
      if (when()) void this.seed()
    }, intervalMs)
    this.timer.unref()
  }

  /**
   * Stops the timer and refuses further rounds; resolves when a round in flight has ended, so
   * nothing is written to the counters (or Redis) after the replica closed them.
   */
  stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.timer = undefined
    return this.running ?? Promise.resolve()
  }

  private async round(): Promise<void> {
    try {
      await this.deps.flushUsage()
    } catch (err) {
      this.deps.log.warn({ err }, 'spend seeding skipped: usage could not be committed')
      return
    }
    const at = this.deps.now()
    const minuteFrom = Math.floor((at - FIVE_HOURS_MS) / MINUTE_MS) * MINUTE_MS
    let rows: KeySpend[][]
    try {
      rows = await Promise.all([
        this.deps.spendByKey({ from: new Date(minuteFrom), byMinute: true }),
        this.deps.spendByKey({ from: new Date(utcDay(at).startMs) }),
        this.deps.spendByKey({ from: new Date(utcIsoWeek(at).startMs) }),
        this.deps.spendByKey({ from: new Date(utcMonth(at).startMs) }),
        this.deps.spendByKey({}),
      ])
    } catch (err) {
      this.deps.log.warn({ err }, 'spend seeding failed: the store could not be read')
      return
    }
    const [minutes = [], day = [], week = [], month = [], total = []] = rows
    const all = new Map<string, Spend>()
    const add = (row: KeySpend, put: (entry: Spend) => void) => {
      for (const subject of [
        { scope: 'key', id: row.keyId },
        { scope: 'account', id: row.accountId },
      ] as const) {
        const k = `${subject.scope}:${subject.id}`
        let entry = all.get(k)
        if (!entry) {
          entry = { subject, minutes: new Map(), seed: { day: 0, week: 0, month: 0, total: 0, at } }
          all.set(k, entry)
        }
        put(entry)
      }
    }
    for (const r of minutes) {
      const start = r.at?.getTime()
      if (start === undefined) continue
      add(r, (e) => void e.minutes.set(start, (e.minutes.get(start) ?? 0) + r.costUsd))
    }
    for (const r of day) add(r, (e) => void (e.seed.day += r.costUsd))
    for (const r of week) add(r, (e) => void (e.seed.week += r.costUsd))
    for (const r of month) add(r, (e) => void (e.seed.month += r.costUsd))
    for (const r of total) add(r, (e) => void (e.seed.total += r.costUsd))
    for (const { subject, minutes, seed } of all.values()) {
      const last5hByMinute = [...minutes].sort((x, y) => x[0] - y[0])
      try {
        await this.deps.counters.seedSpend(subject, { ...seed, last5hByMinute })
      } catch (err) {
        this.deps.log.warn({ err }, 'spend seeding failed for a subject')
      }
    }
  }
}
