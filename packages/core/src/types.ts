/**
 * Domain types shared by every part of `@qcc/core`. Configuration (what an operator saved) is kept
 * apart from health (what the proxy learned at run time), as Caddy keeps `Upstream` apart from
 * `Host`: selection reads both, but only the health machine writes health.
 */

/** Milliseconds since the epoch, as `Date.now()` returns. */
export type EpochMs = number

/**
 * Time source. Everything in core that needs "now" takes a clock (or a `now` argument), so tests
 * advance a fake clock instead of sleeping.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now() }
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): EpochMs
}

/** Random source returning a float in [0, 1), like `Math.random`. Injected so tests are exact. */
export type RandomSource = () => number

/**
 * Every {@link HealthCheckMethod}, for code that validates a method given as text.
 *
 * @example
 * ```ts
 * HEALTH_CHECK_METHODS.includes(input as HealthCheckMethod)
 * ```
 */
export const HEALTH_CHECK_METHODS = ['api', 'count_tokens', 'head', 'cli'] as const

/** How the health checker probes a node (docs/contract.md §4). */
export type HealthCheckMethod = (typeof HEALTH_CHECK_METHODS)[number]

/**
 * A configured upstream node of one tenant. Immutable from core's point of view.
 *
 * @example
 * ```ts
 * const node: NodeConfig = {
 *   id: 'n1', accountId: 'acme', name: 'relay-a', baseUrl: 'https://relay-a.example',
 *   weight: 1, disabled: false, healthCheckMethod: 'api', healthCheckModel: 'claude-haiku-5-5',
 * }
 * ```
 */
export interface NodeConfig {
  readonly id: string
  /** The tenant owning the node; selection never crosses tenants. */
  readonly accountId: string
  /** Unique within the account; sent back as `x-qcc-node`. */
  readonly name: string
  readonly baseUrl: string
  /** Priority tier, integer >= 1. **Lower weight = higher priority** (as in qcc_plus). */
  readonly weight: number
  /** Disabled by an operator: never selected, never probed. */
  readonly disabled: boolean
  readonly healthCheckMethod: HealthCheckMethod
  /** Model used by `api` and `count_tokens` probes; null means the default probe model. */
  readonly healthCheckModel?: string | null | undefined
  /** How the node's key is sent (docs/contract.md §13); absent: `x-api-key`. */
  readonly authHeader?: AuthHeaderMode | undefined
  /** Requested model ids the node serves (trailing `*` allowed); absent or null: every model. */
  readonly models?: readonly string[] | null | undefined
  /** `{requested: upstream}` rewrites for this node (trailing `*` on the left allowed). */
  readonly modelMap?: Readonly<Record<string, string>> | null | undefined
  /** Matched in order against an error answer before the built-in classification. */
  readonly errorRules?: readonly ErrorRule[] | undefined
  /** A request that fails on this node is not retried on another. */
  readonly noFailover?: boolean | undefined
  /** Tool definitions are sent with only `name`, `description` and `input_schema`. */
  readonly stripToolFields?: boolean | undefined
  /** This node's own sticky-session TTL, ms; absent or null: the account's. */
  readonly stickyTtlMs?: number | null | undefined
}

/** Every {@link AuthHeaderMode}, for validation. */
export const AUTH_HEADER_MODES = ['x-api-key', 'bearer', 'both'] as const

/** `x-api-key` (default), `bearer` (`Authorization: Bearer <key>`) or `both` (docs/contract.md §13). */
export type AuthHeaderMode = (typeof AUTH_HEADER_MODES)[number]

/** Every {@link ErrorRuleAction}, for validation. */
export const ERROR_RULE_ACTIONS = ['failover', 'return', 'cooldown', 'fail'] as const

/** What a matching error rule does (docs/contract.md §13). */
export type ErrorRuleAction = (typeof ERROR_RULE_ACTIONS)[number]

/**
 * One rule of a node's `error_rules`: matched (first match wins) against the status and the first
 * 4 KiB of an error body (case-insensitive substring) before the built-in table.
 */
export interface ErrorRule {
  readonly status?: number | '4xx' | '5xx' | undefined
  readonly contains?: string | undefined
  readonly action: ErrorRuleAction
  /** For `cooldown`; default 60. */
  readonly cooldownSec?: number | undefined
}

/** `cache_first` (default): a session stays bound; `cost_first`: it moves back to a better tier. */
export type StickyPolicy = 'cache_first' | 'cost_first'

/** Runtime status of a node, as persisted and shown in the admin API. */
export type NodeStatus = 'healthy' | 'cooling' | 'failed' | 'disabled'

/**
 * Runtime health of one node. Field names match the store's `NodeStateRecord` (times are epoch ms
 * here, `Date` there), plus `inFlight`, which is per replica and never persisted.
 */
export interface NodeHealth {
  status: NodeStatus
  /** End of the current cooldown; only meaningful while `status` is `cooling`. */
  coolingUntil: EpochMs | null
  /** Why the node is failed or cooling (a reason code plus detail, never an upstream secret). */
  failReason: string | null
  /** Failures since the last success; reaching the threshold makes the node `failed`. */
  consecutiveFailures: number
  lastFailureAt: EpochMs | null
  lastSuccessAt: EpochMs | null
  lastProbeAt: EpochMs | null
  /** Attempts currently running on this node in this replica (least-in-flight selection). */
  inFlight: number
}

/** One node as selection sees it: its configuration and its current health. */
export interface PoolEntry {
  readonly node: NodeConfig
  readonly health: NodeHealth
}

/** Header bag as Node, undici or fetch give it; keys are expected in lower case. */
export type HeaderBag =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null }

/**
 * What one attempt on a node saw. The proxy builds one of these per attempt and hands it to
 * `classifyUpstreamOutcome` (or to `RequestAttempts.report`).
 *
 * - `connect_error`: DNS failure, refused, TLS failure, reset before response headers.
 * - `timeout_first_byte`: no headers, or no first SSE event, within `PROXY_FIRST_BYTE_TIMEOUT_SEC`.
 * - `response`: a complete non-SSE answer (any status), or the head of an error answer.
 *   Set `unparsable` when a 2xx body could not be read as the expected JSON or SSE.
 * - `first_event`: a 2xx `text/event-stream` answer and its first SSE event (the commit gate).
 * - `after_commit_failure`: the stream broke after bytes went to the client (never retried).
 * - `client_abort`: the client went away; the upstream call was aborted.
 */
export type AttemptOutcome =
  | { readonly kind: 'connect_error'; readonly code?: string | undefined }
  | { readonly kind: 'timeout_first_byte'; readonly phase?: 'headers' | 'first_event' | undefined }
  | {
      readonly kind: 'response'
      readonly status: number
      readonly headers?: HeaderBag | undefined
      /** The start of the body (a few KB is plenty) to recognise error types. */
      readonly bodySnippet?: string | undefined
      readonly unparsable?: boolean | undefined
    }
  | {
      readonly kind: 'first_event'
      readonly status: number
      readonly headers?: HeaderBag | undefined
      /** The SSE `event:` name (`message_start`, `error`, `ping`, ...). */
      readonly eventType: string
      /** The SSE `data:` payload of that event. */
      readonly data?: string | undefined
    }
  | {
      readonly kind: 'after_commit_failure'
      /** `incomplete`: the stream ended without `message_stop` (docs/contract.md §13). */
      readonly cause: 'reset' | 'idle_timeout' | 'error_event' | 'malformed' | 'incomplete'
      /** The Anthropic error type of an `event: error` frame, when that was the cause. */
      readonly errorType?: string | undefined
    }
  | { readonly kind: 'client_abort' }

/**
 * One real change of a node's status. Emitted once per transition, however many failures race
 * (docs/contract.md §4); the admin API streams it as `event: node.state`.
 */
export interface TransitionEvent {
  readonly nodeId: string
  readonly accountId: string
  readonly from: NodeStatus
  readonly to: NodeStatus
  /** Reason code plus detail, for example `auth_failed: http_401 authentication_error`. */
  readonly reason: string
  readonly at: EpochMs
}
