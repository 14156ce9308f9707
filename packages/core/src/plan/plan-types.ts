import type { ClassifyOptions, OutcomeDecision } from '../classify/classify'
import type { NodeHealthMachine } from '../health/state-machine'
import type { SelectionReason } from '../select/select'
import type { StickyBindings } from '../select/sticky'
import type { TtfbWindows } from '../select/ttfb'
import type {
  Clock,
  EpochMs,
  NodeConfig,
  RandomSource,
  StickyPolicy,
  TransitionEvent,
} from '../types'
import type { RetryBudget } from './retry-budget'

/** Options of `AttemptPlanner`; one planner serves the whole process. */
export interface PlannerOptions {
  readonly health: NodeHealthMachine
  readonly clock: Clock
  readonly random: RandomSource
  /** Session bindings; without it sessions still follow rendezvous hashing. */
  readonly sticky?: StickyBindings | undefined
  /** Shared retry budget; default a fresh one (20 %, at least 3). */
  readonly budget?: RetryBudget | undefined
  /** Attempts per request on distinct nodes (`PROXY_RETRY_MAX`), or a tenant's own; default 3. */
  readonly retryMax?: number | ((accountId: string) => number) | undefined
  /** Time allowed for the attempts before the commit (`PROXY_REQUEST_TIMEOUT_SEC`); default 600 000. */
  readonly requestTimeoutMs?: number | undefined
  /**
   * A tenant's sticky TTL, when it overrides the bindings' default. A node's own `stickyTtlMs`
   * wins over both (docs/contract.md §13).
   */
  readonly stickyTtlMs?: ((accountId: string) => number | undefined) | undefined
  /** A tenant's `sticky_policy` (docs/contract.md §13); absent: `cache_first`. */
  readonly stickyPolicy?: ((accountId: string) => StickyPolicy | undefined) | undefined
  /** A tenant's `sticky_break_ttfb_ms` (docs/contract.md §13); absent or null: never. */
  readonly stickyBreakTtfbMs?: ((accountId: string) => number | null | undefined) | undefined
  /**
   * Per-node TTFB windows: every committed attempt records its time from start to commit, and the
   * TTFB break reads their medians. Absent: no TTFB is kept and no binding breaks on it.
   */
  readonly ttfb?: TtfbWindows | undefined
  /**
   * `retry-after` of the 503 given when the whole pool is down and no cooldown end is known: about
   * when the next recovery probe may bring a node back. Default 30 000 (`PROXY_HEALTH_INTERVAL_SEC`).
   */
  readonly poolDownRetryAfterMs?: number | undefined
  /** Cooldown knobs passed to `classifyUpstreamOutcome`. */
  readonly classify?:
    Omit<ClassifyOptions, 'now' | 'firstByteTimeoutsBefore' | 'errorRules'> | undefined
}

/** One request as the planner needs it. */
export interface PlanRequest {
  readonly accountId: string
  /** From `extractSessionId`. */
  readonly sessionId?: string | undefined
  /** The tenant's operator-activated node, if any. */
  readonly activeNodeId?: string | null | undefined
  /**
   * The requested model (the body's `model`, before any `modelMap`): nodes whose `models` list
   * does not serve it are never tried, and when no node of the tenant serves it the request gets
   * 404 `not_found_error` (docs/contract.md §13). Absent: every node may serve.
   */
  readonly model?: string | undefined
}

/** One attempt handed to the data path. */
export interface Attempt {
  /** 0 for the first attempt of the request. */
  readonly index: number
  readonly node: NodeConfig
  readonly reason: SelectionReason
  /** The whole-pool-down attempt, outside `retryMax`. */
  readonly lastResort: boolean
  readonly startedAt: EpochMs
}

/** What reporting an attempt gave. */
export interface AttemptReport {
  readonly decision: OutcomeDecision
  /** The node transition it caused, to persist (compare-and-set) and announce. */
  readonly transition: TransitionEvent | undefined
}

/** Why a request has no further attempt. */
export type StopReason =
  'committed' | 'not_retryable' | 'retry_max' | 'deadline' | 'budget' | 'no_node' | 'done'
