/**
 * Defaults of every knob core uses, in milliseconds where they are durations. The proxy maps its
 * env vars (`PROXY_RETRY_MAX`, `PROXY_FAIL_THRESHOLD`, ...) onto these; core never reads env.
 *
 * @example
 * ```ts
 * const cooldownMaxMs = (env.PROXY_COOLDOWN_MAX_SEC ?? DEFAULTS.cooldownMaxMs / 1000) * 1000
 * ```
 */
export const DEFAULTS = {
  /** `PROXY_RETRY_MAX`: attempts per request on distinct nodes (the last resort is extra). */
  retryMax: 3,
  /** `PROXY_FAIL_THRESHOLD`: consecutive failures that make a node `failed`. */
  failThreshold: 3,
  /** `PROXY_HEALTH_INTERVAL_SEC`: recovery probes of failed nodes. */
  healthIntervalMs: 30_000,
  /** `PROXY_HEALTH_SWEEP_SEC`: light probe of every node; first run one interval after start. */
  healthSweepMs: 300_000,
  /** Share of an interval added as random jitter to each probe time, so probes never align. */
  probeJitterRatio: 0.2,
  /** `PROXY_FIRST_BYTE_TIMEOUT_SEC`. */
  firstByteTimeoutMs: 60_000,
  /** `PROXY_REQUEST_TIMEOUT_SEC`: bounds the attempts before the commit, never a stream. */
  requestTimeoutMs: 600_000,
  /** `PROXY_COOLDOWN_MAX_SEC`: cap of every cooldown, `retry-after` included. */
  cooldownMaxMs: 600_000,
  /** 429 without a usable `retry-after`. */
  rateLimitCooldownMs: 30_000,
  /** 529 / `overloaded_error` without a usable `retry-after`. */
  overloadCooldownMs: 10_000,
  /** `PROXY_STICKY_TTL_SEC`. */
  stickyTtlMs: 3_600_000,
  /** Bound of the sticky bindings kept per tenant (least recently used go first). */
  stickyMaxPerAccount: 10_000,
  /** Retries in flight may be at most this share of active requests (Envoy retry budget). */
  retryBudgetRatio: 0.2,
  /** ...but never fewer than this many. */
  retryBudgetMin: 3,
} as const

/** The type of {@link DEFAULTS}. */
export type Defaults = typeof DEFAULTS
