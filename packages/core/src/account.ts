import { headerValue } from './classify/retry-after'
import { DEFAULTS } from './config'
import type { HeaderBag, StickyPolicy } from './types'

/**
 * A tenant's own overrides of the routing knobs (account settings). Unset means the process value
 * (the env var), read live, so changing the env default changes every tenant without an override.
 */
export interface AccountSettings {
  /** Attempts per request (`retries` in the admin API). */
  readonly retryMax?: number | null | undefined
  /** Consecutive failures before a node fails (`fail_limit`). */
  readonly failThreshold?: number | null | undefined
  /** Recovery probe interval, ms (`health_interval_sec` x 1000, 1 s to 1 h). */
  readonly healthIntervalMs?: number | null | undefined
  /** Sticky session TTL, ms; 0 binds no session. */
  readonly stickyTtlMs?: number | null | undefined
  /** `sticky_policy` (docs/contract.md §13); unset: `cache_first`. */
  readonly stickyPolicy?: StickyPolicy | null | undefined
  /** `sticky_break_ttfb_ms` (docs/contract.md §13); unset or 0: bindings never break on TTFB. */
  readonly stickyBreakTtfbMs?: number | null | undefined
}

/** A tenant, as routing sees it. Credentials live in the store, never here. */
export interface Account {
  readonly id: string
  readonly name: string
  readonly isAdmin: boolean
  /** A disabled tenant's requests are refused (401) before any routing. */
  readonly disabled: boolean
  /** The operator-activated node of the tenant, preferred over every tier. */
  readonly activeNodeId?: string | null | undefined
  readonly settings?: AccountSettings | undefined
}

/** The knobs in force for one tenant. */
export interface EffectiveSettings {
  readonly retryMax: number
  readonly failThreshold: number
  readonly healthIntervalMs: number
  readonly stickyTtlMs: number
  /**
   * `sticky_policy` (docs/contract.md §13); absent means `cache_first`, today's behaviour (optional
   * so process settings built before §13 stay valid).
   */
  readonly stickyPolicy?: StickyPolicy | undefined
  /** Median TTFB above which a binding is dropped, ms; absent or null: never (the default). */
  readonly stickyBreakTtfbMs?: number | null | undefined
}

const DEFAULT_SETTINGS: EffectiveSettings = {
  retryMax: DEFAULTS.retryMax,
  failThreshold: DEFAULTS.failThreshold,
  healthIntervalMs: DEFAULTS.healthIntervalMs,
  stickyTtlMs: DEFAULTS.stickyTtlMs,
}

// A stored override outside its bounds (hand-edited row) falls back rather than breaking routing.
const pick = (value: number | null | undefined, fallback: number, min: number, max = Infinity) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
    ? value
    : fallback

/**
 * The settings in force for a tenant: its overrides, else the process values (`base`, built from
 * env; default {@link DEFAULTS}). Feed the result to the planner, health machine and schedule
 * through their per-tenant function options.
 *
 * @example
 * ```ts
 * const s = effectiveSettings({ retryMax: 5 }, { ...envSettings })
 * new AttemptPlanner({ ...opts, retryMax: (id) => effectiveSettings(accounts.get(id)?.settings).retryMax })
 * ```
 */
export function effectiveSettings(
  overrides: AccountSettings | undefined,
  base: EffectiveSettings = DEFAULT_SETTINGS,
): EffectiveSettings {
  if (overrides === undefined) return base
  return {
    retryMax: pick(overrides.retryMax, base.retryMax, 1),
    failThreshold: pick(overrides.failThreshold, base.failThreshold, 1),
    healthIntervalMs: pick(overrides.healthIntervalMs, base.healthIntervalMs, 1000, 3_600_000),
    // 0 is a tenant's choice (the admin API allows it): bindings expire at once, no stickiness.
    stickyTtlMs: pick(overrides.stickyTtlMs, base.stickyTtlMs, 0),
    // The §13 fields appear only when the tenant or the process sets them (absent = default).
    ...definedOnly('stickyPolicy', stickyPolicyOf(overrides.stickyPolicy, base.stickyPolicy)),
    ...definedOnly(
      'stickyBreakTtfbMs',
      breakTtfb(overrides.stickyBreakTtfbMs, base.stickyBreakTtfbMs),
    ),
  }
}

const stickyPolicyOf = (value: unknown, fallback: StickyPolicy | undefined) =>
  value === 'cache_first' || value === 'cost_first' ? value : fallback

// 0 means "never", as unset does (docs/contract.md §13).
const breakTtfb = (value: number | null | undefined, fallback: number | null | undefined) => {
  if (value === 0) return null
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback
}

const definedOnly = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>

const BEARER = /^Bearer\s+(\S+)\s*$/i

/**
 * The tenant's proxy key of a request: `x-api-key`, else `Authorization: Bearer <key>` (docs/contract.md §3).
 * `undefined` when neither is usable; the proxy answers 401 `authentication_error` then, with no
 * fallback to another account.
 *
 * @example
 * ```ts
 * extractTenantKey({ authorization: 'Bearer sk-qcc-123' }) // 'sk-qcc-123'
 * ```
 */
export function extractTenantKey(headers: HeaderBag | undefined): string | undefined {
  const apiKey = headerValue(headers, 'x-api-key')?.trim()
  if (apiKey !== undefined && apiKey !== '') return apiKey
  const auth = headerValue(headers, 'authorization')
  return auth === undefined ? undefined : BEARER.exec(auth)?.[1]
}
