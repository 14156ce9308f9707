/**
 * Limits in the admin API's JSON (docs/contract.md §10): snake_case fields, `expires_at` as an
 * RFC 3339 string (core's `Limits` hold epoch ms). The zod schemas give the shape and the bounds
 * the OpenAPI document shows; core's `validateLimits` stays the one judge of a merged result, so
 * the store and the API cannot disagree on what is valid.
 */
import {
  LIMIT_LIST_MAX,
  mergeLimits,
  validateLimits,
  type Limits,
  type LimitsPatch,
  type LimitWindows,
} from '@qcc/core'
import { z } from 'zod'
import { ApiError } from './errors'

const time = z.iso.datetime({ offset: true }).describe('RFC 3339')
const count = z.number().int().min(1)
const usd = z.number().positive().describe('USD')
/** Model ids as Anthropic spells them (core's pattern); a trailing `*` matches any suffix. */
const modelPattern = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}\*?$/, 'a model id, optionally ending in *')
/** An address or a CIDR; core's `validateLimits` parses it. */
const addressOrCidr = z.string().min(1).max(64)
const models = z.array(modelPattern).min(1).max(LIMIT_LIST_MAX)
const ips = z.array(addressOrCidr).min(1).max(LIMIT_LIST_MAX)

/** `null` removes that limit, an absent field keeps it. */
const change = <T extends z.ZodType>(schema: T) => schema.nullable().optional()

/** `limits` in a request body: every field optional, `null` removes it (PUT merges field by field). */
export const limitsInput = z
  .strictObject({
    rpm: change(count.describe('requests in any 60 s')),
    tpm: change(count.describe('input + cache-creation + output tokens in any 60 s')),
    concurrency: change(count.describe('requests in flight')),
    cost_5h_usd: change(usd),
    cost_daily_usd: change(usd),
    cost_weekly_usd: change(usd),
    cost_monthly_usd: change(usd),
    cost_total_usd: change(usd),
    models: change(models),
    ips: change(ips),
    expires_at: change(time),
    expires_after_first_use_days: change(count),
  })
  .describe('absent: kept; null: removed (docs/contract.md §10)')

export type LimitsInput = z.infer<typeof limitsInput>

/** `limits` in an answer: only the limits that are set. */
export const limitsAnswer = z.object({
  rpm: z.number().int().optional(),
  tpm: z.number().int().optional(),
  concurrency: z.number().int().optional(),
  cost_5h_usd: z.number().optional(),
  cost_daily_usd: z.number().optional(),
  cost_weekly_usd: z.number().optional(),
  cost_monthly_usd: z.number().optional(),
  cost_total_usd: z.number().optional(),
  models: z.array(z.string()).optional(),
  ips: z.array(z.string()).optional(),
  expires_at: z.string().describe('RFC 3339 UTC').optional(),
  expires_after_first_use_days: z.number().int().optional(),
})

const windowState = z.object({
  used: z.number(),
  limit: z.number(),
  resets_at: z.string().describe('RFC 3339 UTC; absent for slots and all-time spend').optional(),
})

/** `windows`: the state of every counted limit that is set; unset limits have no entry. */
export const windowsAnswer = z.object({
  concurrency: windowState.optional(),
  rpm: windowState.optional(),
  tpm: windowState.optional(),
  cost_5h_usd: windowState.optional(),
  cost_daily_usd: windowState.optional(),
  cost_weekly_usd: windowState.optional(),
  cost_monthly_usd: windowState.optional(),
  cost_total_usd: windowState.optional(),
})

type LimitsView = z.infer<typeof limitsAnswer>
type WindowsView = z.infer<typeof windowsAnswer>

/** A request's `limits` as core's patch (`expires_at` in epoch ms); `null` stays "remove all". */
function limitsPatchOf(input: LimitsInput | null): LimitsPatch | null {
  if (input === null) return null
  const { expires_at, ...rest } = input
  const patch: LimitsPatch = { ...rest }
  if (expires_at !== undefined)
    patch.expires_at = expires_at === null ? null : Date.parse(expires_at)
  return patch
}

/** Core's limits as the API shows them. */
export function limitsView(limits: Limits): LimitsView {
  const { expires_at, models: m, ips: a, ...rest } = limits
  return {
    ...rest,
    ...(m ? { models: [...m] } : {}),
    ...(a ? { ips: [...a] } : {}),
    ...(expires_at !== undefined ? { expires_at: new Date(expires_at).toISOString() } : {}),
  }
}

/** Core's window states as the API shows them (`resets_at` only where the window has one). */
export function windowsView(windows: LimitWindows): WindowsView {
  const out: Record<string, { used: number; limit: number; resets_at?: string }> = {}
  for (const [name, state] of Object.entries(windows)) {
    if (!state) continue
    out[name] = {
      used: state.used,
      limit: state.limit,
      ...(state.resetsAt !== undefined
        ? { resets_at: new Date(state.resetsAt).toISOString() }
        : {}),
    }
  }
  return out as WindowsView
}

/**
 * The limits a request leaves: `current` with the request's `limits` merged in (a null field
 * removes a limit, `null` all), checked by core as a whole, since the merged result is what
 * binds. Bad input is 400 naming the field (`limits.rpm: ...`).
 * @throws ApiError `invalid_request`
 */
export function limitsAfter(current: Limits, input: LimitsInput | null): Limits {
  const verdict = validateLimits(mergeLimits(current, limitsPatchOf(input)))
  if (!verdict.ok)
    throw new ApiError('invalid_request', `limits.${verdict.field}: ${verdict.reason}`)
  return verdict.limits
}

/**
 * A patch that turns any limits into exactly `limits`: every field named, unset ones as null.
 * The store merges patches; sending the checked result, not the caller's patch, means what is
 * stored is what was checked.
 */
export function replacingPatch(limits: Limits): LimitsPatch {
  return {
    rpm: limits.rpm ?? null,
    tpm: limits.tpm ?? null,
    concurrency: limits.concurrency ?? null,
    cost_5h_usd: limits.cost_5h_usd ?? null,
    cost_daily_usd: limits.cost_daily_usd ?? null,
    cost_weekly_usd: limits.cost_weekly_usd ?? null,
    cost_monthly_usd: limits.cost_monthly_usd ?? null,
    cost_total_usd: limits.cost_total_usd ?? null,
    models: limits.models ?? null,
    ips: limits.ips ?? null,
    expires_at: limits.expires_at ?? null,
    expires_after_first_use_days: limits.expires_after_first_use_days ?? null,
  }
}

/** For the audit log: each limit that changed, with its old and new value (null: unset). */
export function limitChanges(
  before: Limits,
  after: Limits,
): Record<string, { old: unknown; new: unknown }> {
  const old = limitsView(before) as Record<string, unknown>
  const next = limitsView(after) as Record<string, unknown>
  const out: Record<string, { old: unknown; new: unknown }> = {}
  for (const name of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (JSON.stringify(old[name]) !== JSON.stringify(next[name])) {
      out[name] = { old: old[name] ?? null, new: next[name] ?? null }
    }
  }
  return out
}
