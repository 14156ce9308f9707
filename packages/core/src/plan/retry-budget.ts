import { DEFAULTS } from '../config'
import { CoreError } from '../errors'

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries in flight may be at most this share of active requests; default 0.2. */
  readonly ratio?: number | undefined
  /** ...but never fewer than this many; default 3. */
  readonly min?: number | undefined
}

/**
 * A process-wide retry budget (Envoy's `retry_budget`): retries in flight stay at most 20 % of
 * active requests, never fewer than 3, so an outage of every node cannot multiply the load (F12).
 * When the budget is spent, a failed attempt is not retried.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget()
 * budget.startRequest()
 * if (budget.tryAcquire()) { try { await retry() } finally { budget.release() } }
 * budget.endRequest()
 * ```
 */
export class RetryBudget {
  /** Share of active requests that may be retrying at once. */
  readonly ratio: number
  /** Retries always allowed in flight, however few requests are active. */
  readonly min: number
  private active = 0
  private retrying = 0

  /** @throws CoreError `invalid_config` for a negative ratio or min */
  constructor(options: RetryBudgetOptions = {}) {
    this.ratio = options.ratio ?? DEFAULTS.retryBudgetRatio
    this.min = options.min ?? DEFAULTS.retryBudgetMin
    if (!(this.ratio >= 0) || !(this.min >= 0)) {
      throw new CoreError('invalid_config', 'retry budget ratio and min must not be negative')
    }
  }

  /** Requests currently active. */
  get activeRequests(): number {
    return this.active
  }

  /** Retries currently in flight. */
  get retriesInFlight(): number {
    return this.retrying
  }

  /** How many retries may be in flight right now. */
  get limit(): number {
    return Math.max(this.min, Math.floor(this.active * this.ratio))
  }

  /** Counts a request starting. */
  startRequest(): void {
    this.active++
  }

  /** Counts a request ending. */
  endRequest(): void {
    if (this.active > 0) this.active--
  }

  /** Takes a retry slot if the budget allows; pair every `true` with one {@link release}. */
  tryAcquire(): boolean {
    if (this.retrying >= this.limit) return false
    this.retrying++
    return true
  }

  /** Gives a retry slot back. */
  release(): void {
    if (this.retrying > 0) this.retrying--
  }
}
