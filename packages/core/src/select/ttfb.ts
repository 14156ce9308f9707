import { CoreError } from '../errors'

/** Answers kept per node by {@link TtfbWindow} (docs/contract.md §13 `sticky_break_ttfb_ms`). */
export const TTFB_WINDOW_SIZE = 20

function checkCapacity(capacity: number): number {
  if (!(Number.isInteger(capacity) && capacity >= 1)) {
    throw new CoreError('invalid_config', 'ttfb window capacity must be a positive integer')
  }
  return capacity
}

/**
 * A ring of the last {@link TTFB_WINDOW_SIZE} times to first byte of one node, with their median.
 * Pure and clock-free: the caller measures the TTFB and records it.
 *
 * @example
 * ```ts
 * const w = new TtfbWindow()
 * w.record(120); w.record(900); w.record(300)
 * w.median() // 300
 * ```
 */
export class TtfbWindow {
  /** Samples kept; the oldest is overwritten first. */
  readonly capacity: number
  private readonly samples: number[] = []
  private next = 0

  /** @throws CoreError `invalid_config` for a capacity below 1 */
  constructor(capacity = TTFB_WINDOW_SIZE) {
    this.capacity = checkCapacity(capacity)
  }

  /** Adds one answer's TTFB, ms; negative or non-finite values are ignored. */
  record(ttfbMs: number): void {
    if (!(Number.isFinite(ttfbMs) && ttfbMs >= 0)) return
    if (this.samples.length < this.capacity) this.samples.push(ttfbMs)
    else this.samples[this.next] = ttfbMs
    this.next = (this.next + 1) % this.capacity
  }

  /** Number of samples held (at most `capacity`). */
  get size(): number {
    return this.samples.length
  }

  /** Median of the held samples (mean of the two middle ones for an even count); `undefined` when empty. */
  median(): number | undefined {
    const n = this.samples.length
    if (n === 0) return undefined
    const sorted = [...this.samples].sort((a, b) => a - b)
    const mid = n >> 1
    return n % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  }
}

/** Read side of per-node TTFB windows, as {@link selectNode} consults it. */
export interface TtfbMedians {
  /** The node's median TTFB over its last answers, ms; `undefined` without samples. */
  median(nodeId: string): number | undefined
}

/**
 * One {@link TtfbWindow} per node, keyed by node id (ids are unique across tenants), feeding the
 * sticky TTFB break of {@link selectNode} (docs/contract.md §13).
 *
 * @example
 * ```ts
 * const ttfb = new TtfbWindows()
 * ttfb.record('node-a', 850)
 * selectNode(pool, { ...ctx, ttfb, stickyBreakTtfbMs: 5000 })
 * ```
 */
export class TtfbWindows implements TtfbMedians {
  private readonly windows = new Map<string, TtfbWindow>()

  private readonly capacity: number

  /**
   * @param capacity samples kept per node, default {@link TTFB_WINDOW_SIZE}
   * @throws CoreError `invalid_config` for a capacity below 1
   */
  constructor(capacity = TTFB_WINDOW_SIZE) {
    this.capacity = checkCapacity(capacity)
  }

  /** Adds one answer's TTFB of a node, ms. */
  record(nodeId: string, ttfbMs: number): void {
    let w = this.windows.get(nodeId)
    if (w === undefined) {
      w = new TtfbWindow(this.capacity)
      this.windows.set(nodeId, w)
    }
    w.record(ttfbMs)
  }

  /** The node's median TTFB, ms; `undefined` without samples. */
  median(nodeId: string): number | undefined {
    return this.windows.get(nodeId)?.median()
  }

  /** Drops a node's samples (deleted node, or its configuration changed). */
  forget(nodeId: string): void {
    this.windows.delete(nodeId)
  }
}
