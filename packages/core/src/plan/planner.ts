import { classifyUpstreamOutcome, type OutcomeDecision } from '../classify/classify'
import { finalErrorForFailedAttempts, type FinalError } from '../classify/final-error'
import { DEFAULTS } from '../config'
import { CoreError } from '../errors'
import { soonestCoolingEnd } from '../health/availability'
import { servingNodes } from '../select/models'
import { selectNode } from '../select/select'
import { stickyTtlFor } from '../select/sticky'
import type { AttemptOutcome, EpochMs, StickyPolicy } from '../types'
import type { Attempt, AttemptReport, PlannerOptions, PlanRequest, StopReason } from './plan-types'
import { RetryBudget } from './retry-budget'

export type { Attempt, AttemptReport, PlannerOptions, PlanRequest, StopReason } from './plan-types'

interface Held {
  attempt: Attempt
  retrySlot: boolean
  released: boolean
}

/**
 * Plans the attempts of requests: picks nodes through `selectNode`, caps attempts by count
 * (`retryMax`, distinct nodes) and by deadline, spends the shared {@link RetryBudget} on retries,
 * applies each outcome to node health, keeps sessions sticky, and says what the client gets when
 * everything failed. The proxy only moves bytes.
 *
 * @example
 * ```ts
 * const planner = new AttemptPlanner({ health, clock, random: Math.random, sticky })
 * const req = planner.begin({ accountId: 'acme', sessionId })
 * try {
 *   for (let a = req.next(); a; a = req.next()) {
 *     const { decision } = req.report(a, await callUpstream(a.node))
 *     if (decision.result !== 'failed') break // success, pass_through or aborted
 *   }
 *   if (!req.committed) render(req.finalError())
 * } finally { req.done() }
 * ```
 */
export class AttemptPlanner {
  /** The options it was built with. */
  readonly options: PlannerOptions
  /** The retry budget shared by every request of this planner. */
  readonly budget: RetryBudget
  /** Time allowed for the attempts of a request before the commit, ms. */
  readonly requestTimeoutMs: number
  private readonly retryMax: (accountId: string) => number

  /** @throws CoreError `invalid_config` for `retryMax` < 1 or a non-positive timeout */
  constructor(options: PlannerOptions) {
    const retryMax = options.retryMax ?? DEFAULTS.retryMax
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs
    if ((typeof retryMax === 'number' && !(retryMax >= 1)) || !(this.requestTimeoutMs > 0)) {
      throw new CoreError(
        'invalid_config',
        'retryMax must be at least 1 and requestTimeoutMs positive',
      )
    }
    this.options = options
    this.budget = options.budget ?? new RetryBudget()
    this.retryMax =
      typeof retryMax === 'number' ? () => retryMax : (id) => Math.max(1, retryMax(id))
  }

  /** Starts planning one request; call `done()` on the result exactly once, when it is over. */
  begin(request: PlanRequest): RequestAttempts {
    return new RequestAttempts(this, request, this.retryMax(request.accountId))
  }
}

/**
 * The attempts of one request. Obtain it from {@link AttemptPlanner.begin}.
 */
export class RequestAttempts {
  /** The tenant of the request. */
  readonly accountId: string
  /** The Claude Code session, when the request carried one. */
  readonly sessionId: string | undefined
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: EpochMs
  private readonly planner: AttemptPlanner
  private readonly request: PlanRequest
  private readonly retryMax: number
  private readonly tried = new Set<string>()
  private readonly held: Held[] = []
  private readonly failures: OutcomeDecision[] = []
  private normalAttempts = 0
  private usedLastResort = false
  private firstByteTimeouts = 0
  private stop: StopReason | undefined
  private isDone = false
  // The tenant's §13 sticky settings, read once per request.
  private readonly stickyPolicy: StickyPolicy | undefined
  private readonly stickyBreakTtfbMs: number | null | undefined

  /** Use {@link AttemptPlanner.begin} rather than this constructor. */
  constructor(planner: AttemptPlanner, request: PlanRequest, retryMax: number) {
    this.planner = planner
    this.request = request
    this.retryMax = retryMax
    this.accountId = request.accountId
    this.sessionId = request.sessionId
    this.deadline = planner.options.clock.now() + planner.requestTimeoutMs
    this.stickyPolicy = planner.options.stickyPolicy?.(request.accountId)
    this.stickyBreakTtfbMs = planner.options.stickyBreakTtfbMs?.(request.accountId)
    planner.budget.startRequest()
  }

  /** True once an attempt succeeded (the response may go to the client). */
  get committed(): boolean {
    return this.stop === 'committed'
  }

  /** Why no further attempt will be planned, once that is known. */
  get stopReason(): StopReason | undefined {
    return this.stop
  }

  /** Attempts planned so far. */
  get attempts(): number {
    return this.held.length
  }

  /** Milliseconds left before the deadline (never negative): bound each attempt's timeouts by it. */
  remainingMs(): number {
    return Math.max(0, this.deadline - this.planner.options.clock.now())
  }

  /** The next attempt, or `undefined` when the request must stop (see {@link stopReason}). */
  next(): Attempt | undefined {
    if (this.stop !== undefined) return undefined
    const { options, budget } = this.planner
    const now = options.clock.now()
    if (this.isDone) return this.halt('done')
    if (now >= this.deadline) return this.halt('deadline')
    const pool = options.health.pool(this.accountId)
    const pick = selectNode(pool, {
      accountId: this.accountId,
      now,
      random: options.random,
      exclude: this.tried,
      sessionId: this.sessionId,
      sticky: options.sticky,
      activeNodeId: this.request.activeNodeId,
      allowLastResort: !this.usedLastResort,
      model: this.request.model,
      stickyPolicy: this.stickyPolicy,
      stickyBreakTtfbMs: this.stickyBreakTtfbMs,
      ttfb: options.ttfb,
    })
    if (pick === undefined) return this.halt('no_node')
    const lastResort = pick.reason === 'last_resort'
    if (!lastResort && this.normalAttempts >= this.retryMax) return this.halt('retry_max')
    const retrySlot = this.held.length > 0
    if (retrySlot && !budget.tryAcquire()) return this.halt('budget')
    if (lastResort) this.usedLastResort = true
    else this.normalAttempts++
    const node = pick.entry.node
    const attempt: Attempt = {
      index: this.held.length,
      node,
      reason: pick.reason,
      lastResort,
      startedAt: now,
    }
    this.tried.add(node.id)
    this.held.push({ attempt, retrySlot, released: false })
    options.health.acquire(node.id)
    return attempt
  }

  /**
   * Reports what an attempt saw: classifies it (with the node's `errorRules`), applies it to the
   * node's health, binds the session on success and frees the attempt's counters when it failed.
   * A failure on a node with `noFailover` is not retried (docs/contract.md §13). Report a committed attempt again
   * with `after_commit_failure` if its stream breaks later.
   */
  report(attempt: Attempt, outcome: AttemptOutcome): AttemptReport {
    const { options } = this.planner
    const now = options.clock.now()
    const classified = classifyUpstreamOutcome(outcome, {
      ...options.classify,
      now,
      firstByteTimeoutsBefore: this.firstByteTimeouts,
      // The attempt's own node's rules (docs/contract.md §13).
      errorRules: attempt.node.errorRules,
    })
    // A node with `noFailover`: its failure ends the request (docs/contract.md §13).
    const decision: OutcomeDecision =
      classified.retry && attempt.node.noFailover === true
        ? { ...classified, retry: false }
        : classified
    if (outcome.kind === 'timeout_first_byte') this.firstByteTimeouts++
    const transition = options.health.apply(attempt.node.id, decision, attempt.startedAt)
    if (outcome.kind === 'after_commit_failure') return { decision, transition }
    if (decision.result === 'success') {
      this.stop = 'committed'
      // A retry that reached the commit point is no longer a retry in flight: it gives its
      // budget slot back at once, though the node stays busy until the stream ends.
      this.releaseRetrySlot(attempt.index)
      // Time from the attempt's start to its commit: headers, and a stream's first event.
      options.ttfb?.record(attempt.node.id, now - attempt.startedAt)
      if (this.sessionId !== undefined && options.sticky !== undefined) {
        const accountTtl = options.stickyTtlMs?.(this.accountId) ?? options.sticky.ttlMs
        const ttl = stickyTtlFor(attempt.node, accountTtl)
        options.sticky.bind(this.accountId, this.sessionId, attempt.node.id, now, ttl)
      }
    } else {
      this.releaseAttempt(attempt.index)
      if (decision.result === 'failed') this.failures.push(decision)
      if (!decision.retry) this.stop ??= 'not_retryable'
    }
    return { decision, transition }
  }

  /** The client's answer when no attempt succeeded (docs/contract.md §6.2). */
  finalError(): FinalError {
    const { options } = this.planner
    const now = options.clock.now()
    const pool = options.health.pool(this.accountId)
    const model = this.request.model
    // Nothing was tried because no node of the tenant lists the model (docs/contract.md §13).
    if (
      this.held.length === 0 &&
      model !== undefined &&
      servingNodes(pool, model, this.accountId).length === 0
    ) {
      return { status: 404, errorType: 'not_found_error', message: `no node serves model ${model}` }
    }
    // Down means only failed nodes were left: the last resort ran, or nothing could be tried.
    const poolDown =
      this.usedLastResort ||
      (this.held.length === 0 && pool.some((e) => !e.node.disabled && e.health.status === 'failed'))
    const cooling = soonestCoolingEnd(pool, this.accountId, now)
    const fallback = now + (options.poolDownRetryAfterMs ?? DEFAULTS.healthIntervalMs)
    return finalErrorForFailedAttempts(this.failures, {
      now,
      poolRetryAt: cooling ?? (poolDown ? fallback : undefined),
      deadlineExceeded: this.stop === 'deadline',
      poolDown,
    })
  }

  /** Ends the request: frees in-flight counts and retry slots. Safe to call twice. */
  done(): void {
    if (this.isDone) return
    this.isDone = true
    for (let i = 0; i < this.held.length; i++) this.releaseAttempt(i)
    this.planner.budget.endRequest()
  }

  private halt(reason: StopReason): undefined {
    this.stop = reason
    return undefined
  }

  private releaseAttempt(index: number): void {
    const held = this.held[index]
    if (held === undefined || held.released) return
    held.released = true
    this.planner.options.health.release(held.attempt.node.id)
    this.releaseRetrySlot(index)
  }

  private releaseRetrySlot(index: number): void {
    const held = this.held[index]
    if (held === undefined || !held.retrySlot) return
    held.retrySlot = false
    this.planner.budget.release()
  }
}
