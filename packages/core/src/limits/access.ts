import { ipAllowed } from './ip-rules'
import type { LimitName, LimitRefusal, LimitScope, Limits } from './types'
import type { BillableUsage } from '../usage/cost'

/** Which `/v1` route a request is on, as far as limits care (docs/contract.md §10 "What counts"). */
export type LimitRoute = 'messages' | 'count_tokens' | 'other'

/** What {@link checkLimitAccess} needs to know about a request. */
export interface LimitAccessInput {
  keyLimits: Limits
  accountLimits: Limits
  now: number
  /** Epoch ms of the key's first request (this one, when it is the first), or null before it. */
  firstUsedAt: number | null
  /** The client address (docs/contract.md 6.3). */
  clientIp: string
  /** The request's `model`, when the route has a body; undefined or empty when it has none. */
  model: string | undefined
  route: LimitRoute
}

const DAY_MS = 86_400_000

/** True when a trailing-`*` pattern list allows the model (docs/contract.md §10). */
export function modelAllowed(models: readonly string[], model: string): boolean {
  for (const p of models) {
    if (p.endsWith('*') ? model.startsWith(p.slice(0, -1)) : p === model) return true
  }
  return false
}

/**
 * When a key stops working: the earliest of its own and its account's `expires_at`, and of its
 * first request plus `expires_after_first_use_days` (docs/contract.md §10: that count starts at
 * the key's first request, so before it only the fixed times apply); null when none is set.
 *
 * @example
 * ```ts
 * effectiveExpiry({ expires_after_first_use_days: 30 }, {}, firstUsedAt) // firstUsedAt + 30 days
 * ```
 */
export function effectiveExpiry(
  keyLimits: Limits,
  accountLimits: Limits,
  firstUsedAt: number | null,
): number | null {
  const times: number[] = []
  for (const limits of [keyLimits, accountLimits]) {
    if (limits.expires_at !== undefined) times.push(limits.expires_at)
    const days = limits.expires_after_first_use_days
    if (days !== undefined && firstUsedAt !== null) times.push(firstUsedAt + days * DAY_MS)
  }
  return times.length === 0 ? null : Math.min(...times)
}

function refusal(
  scope: LimitScope,
  limit: LimitName,
  status: 401 | 403,
  message: string,
): LimitRefusal {
  return {
    scope,
    limit,
    status,
    errorType: status === 401 ? 'authentication_error' : 'permission_error',
    message,
  }
}

function expired(
  scope: LimitScope,
  l: Limits,
  now: number,
  firstUsedAt: number | null,
): LimitRefusal | null {
  if (l.expires_at !== undefined && now >= l.expires_at) {
    return refusal(scope, 'expires_at', 401, `${scope} expired`)
  }
  const days = l.expires_after_first_use_days
  if (days !== undefined && firstUsedAt !== null && now >= firstUsedAt + days * DAY_MS) {
    return refusal(scope, 'expires_after_first_use_days', 401, `${scope} expired`)
  }
  return null
}

function ipRefused(scope: LimitScope, l: Limits, clientIp: string): LimitRefusal | null {
  if (l.ips === undefined || ipAllowed(l.ips, clientIp)) return null
  return refusal(scope, 'ips', 403, `${scope} ips limit: address ${clientIp} not allowed`)
}

function modelRefused(
  scope: LimitScope,
  l: Limits,
  model: string | undefined,
): LimitRefusal | null {
  if (l.models === undefined) return null
  if (!model) return refusal(scope, 'models', 403, `${scope} models limit: a model is required`)
  if (modelAllowed(l.models, model)) return null
  // Client text in the message: bounded, so a huge `model` does not come back whole.
  const shown = model.length > 128 ? `${model.slice(0, 128)}…` : model
  return refusal(scope, 'models', 403, `${scope} models limit: model ${shown} not allowed`)
}

/**
 * The refusal of a request by the limits that need no counter, or null (docs/contract.md §10), in
 * order: expiry (401 `authentication_error`, "key expired" / "account expired"; `expires_at`, then
 * `expires_after_first_use_days`, the key's before the account's), `ips` (403 `permission_error`,
 * client address matched by CIDR, IPv4-mapped IPv6 as IPv4), then `models` (403; a trailing `*`
 * matches any suffix; only on `messages` and `count_tokens`, where a request without a model is
 * refused while `models` is set). Every `/v1` route checks expiry and `ips`. An account's
 * `expires_after_first_use_days` counts from each key's own first request (the account has no
 * first use of its own), so it works as a lifetime for every key of the account.
 *
 * @example
 * ```ts
 * checkLimitAccess({ keyLimits: { ips: ['10.0.0.0/8'] }, accountLimits: {}, now, firstUsedAt: null,
 *   clientIp: '203.0.113.9', model: 'claude-sonnet-4-5', route: 'messages' })
 * // { scope: 'key', limit: 'ips', status: 403, errorType: 'permission_error',
 * //   message: 'key ips limit: address 203.0.113.9 not allowed' }
 * ```
 */
export function checkLimitAccess(input: LimitAccessInput): LimitRefusal | null {
  const { keyLimits: k, accountLimits: a, now, firstUsedAt, clientIp } = input
  const refused =
    expired('key', k, now, firstUsedAt) ??
    expired('account', a, now, firstUsedAt) ??
    ipRefused('key', k, clientIp) ??
    ipRefused('account', a, clientIp)
  if (refused || input.route === 'other') return refused
  return modelRefused('key', k, input.model) ?? modelRefused('account', a, input.model)
}

/**
 * The tokens a request counts toward `tpm` (docs/contract.md §10): input + cache creation +
 * output; cache reads are excluded, as Anthropic's own input limits do.
 *
 * @example
 * ```ts
 * usageTokensForLimits({ inputTokens: 10, cacheCreationInputTokens: 5, outputTokens: 20, cacheReadInputTokens: 900, cacheCreation5mTokens: 5, cacheCreation1hTokens: 0 }) // 35
 * ```
 */
export function usageTokensForLimits(usage: BillableUsage): number {
  const writes = Math.max(
    usage.cacheCreationInputTokens,
    usage.cacheCreation5mTokens + usage.cacheCreation1hTokens,
  )
  return usage.inputTokens + writes + usage.outputTokens
}
