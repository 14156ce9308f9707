import type { Clock } from '@qcc/core'
import type { UsageWriterTimers } from '../../src/usage/writer'

/** Lets every promise job queued so far run (fake sinks answer in promise jobs only). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Timers fired by one {@link FakeTime.run} before it gives up: a loop on a repeating timer. */
const MAX_FIRED = 10_000

/** A timer waiting on fake time. */
interface FakeTimer {
  at: number
  run: () => void
  /** Set for repeating timers. */
  period?: number
}

/**
 * A clock and timers on fake time, for the usage writer's tests: nothing fires until the test
 * moves time on, and then every due timer fires in order (ties in the order they were set),
 * each followed by the promise jobs it starts. Time starts at 0.
 */
export class FakeTime implements Clock, UsageWriterTimers {
  #now = 0
  #timers: FakeTimer[] = []

  now(): number {
    return this.#now
  }

  soon(run: () => void): void {
    this.#add(0, run)
  }

  after(ms: number, run: () => void): () => void {
    return this.#add(ms, run)
  }

  every(ms: number, run: () => void): () => void {
    return this.#add(ms, run, ms)
  }

  /** Moves time on by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms
    await settle()
    while (this.#fireNext(end)) await settle()
    this.#now = end
  }

  /**
   * Moves time on from timer to timer until `work` settles, and returns it.
   * @throws {Error} when `work` waits on no timer, or still waits after {@link MAX_FIRED} timers.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false
    work.then(
      () => (done = true),
      () => (done = true),
    )
    await settle()
    for (let fired = 0; !done; fired++) {
      if (fired === MAX_FIRED) throw new Error(`still waiting after ${MAX_FIRED} timers`)
      if (!this.#fireNext(Number.POSITIVE_INFINITY)) throw new Error('waits on no timer')
      await settle()
    }
    return work
  }

  #add(ms: number, run: () => void, period?: number): () => void {
    const timer: FakeTimer = { at: this.#now + ms, run, period }
    this.#timers.push(timer)
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer)
    }
  }

  #fireNext(until: number): boolean {
    let next: FakeTimer | undefined
    for (const t of this.#timers) if (next === undefined || t.at < next.at) next = t
    if (next === undefined || next.at > until) return false
    this.#now = next.at
    if (next.period === undefined) this.#timers = this.#timers.filter((t) => t !== next)
    else next.at += next.period
    next.run()
    return true
  }
}
