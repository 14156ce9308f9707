/**
 * Amounts (tokens, USD) in time buckets of a fixed width, oldest first: the in-process sliding
 * sums behind `tpm` and `cost_5h_usd` (docs/contract.md §10). A bucket counts while any part of it
 * is inside the window, so a sum never under-counts; it over-counts by at most one bucket at the
 * window's tail.
 */
export class Buckets {
  /** Bucket starts and amounts, in parallel, oldest first. */
  private readonly starts: number[] = []
  private readonly amounts: number[] = []

  constructor(readonly widthMs: number) {}

  get length(): number {
    return this.starts.length
  }

  /** Adds `amount` at time `at` (late records land in their own bucket, order kept). */
  add(at: number, amount: number): void {
    const start = at - (at % this.widthMs)
    let i = this.starts.length - 1
    while (i >= 0 && (this.starts[i] as number) > start) i--
    if (i >= 0 && this.starts[i] === start) {
      this.amounts[i] = (this.amounts[i] as number) + amount
    } else {
      this.starts.splice(i + 1, 0, start)
      this.amounts.splice(i + 1, 0, amount)
    }
  }

  /**
   * Drops the buckets that end at or before `cutoff` (out of the window, or in the store's seed),
   * handing each to `onDrop` first.
   */
  dropEndingBy(cutoff: number, onDrop?: (start: number, amount: number) => void): void {
    let n = 0
    while (n < this.starts.length && (this.starts[n] as number) + this.widthMs <= cutoff) {
      onDrop?.(this.starts[n] as number, this.amounts[n] as number)
      n++
    }
    if (n > 0) {
      this.starts.splice(0, n)
      this.amounts.splice(0, n)
    }
  }

  /** Sum of every bucket. */
  total(): number {
    let total = 0
    for (const a of this.amounts) total += a
    return total
  }

  /** Sum of the buckets that overlap the window ending at `now`. */
  sum(now: number, windowMs: number): number {
    let total = 0
    for (let i = this.starts.length - 1; i >= 0; i--) {
      if ((this.starts[i] as number) + this.widthMs <= now - windowMs) break
      total += this.amounts[i] as number
    }
    return total
  }

  /** Sum of the buckets starting in [fromMs, toMs). */
  sumBetween(fromMs: number, toMs: number): number {
    let total = 0
    for (let i = 0; i < this.starts.length; i++) {
      const s = this.starts[i] as number
      if (s >= fromMs && s < toMs) total += this.amounts[i] as number
    }
    return total
  }

  /** Every bucket as [end ms, amount], oldest first (for when a window frees room). */
  ends(out: Array<[number, number]>, now: number, windowMs: number): void {
    for (let i = 0; i < this.starts.length; i++) {
      const end = (this.starts[i] as number) + this.widthMs
      if (end > now - windowMs) out.push([end, this.amounts[i] as number])
    }
  }
}

/**
 * When a sliding sum at or over `cap` gets back under it: buckets leave oldest first, each at its
 * end plus the window. `parts` are [end ms, amount] pairs from every source, in any order.
 */
export function sumFreesAt(
  parts: Array<[number, number]>,
  used: number,
  cap: number,
  windowMs: number,
): number | undefined {
  parts.sort((a, b) => a[0] - b[0])
  let left = used
  for (const [end, amount] of parts) {
    left -= amount
    if (left < cap) return end + windowMs
  }
  return undefined
}

/** Admit times, oldest first, as a queue: dropping the oldest is O(1) (a head index, compacted). */
export class TimeLog {
  private times: number[] = []
  private head = 0

  get length(): number {
    return this.times.length - this.head
  }

  /** The i-th oldest time held. */
  at(i: number): number | undefined {
    return this.times[this.head + i]
  }

  push(t: number, max: number): void {
    this.times.push(t)
    if (this.length > max) this.head += this.length - max
    this.compact()
  }

  /** Drops the times at or before `from` (out of the window). */
  dropUpTo(from: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= from) this.head++
    this.compact()
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.head = 0
    }
  }
}
