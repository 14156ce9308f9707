import type { Answer, Body } from './routes'
import type { ProxyKey } from './types'

/**
 * The console's names for the shapes of tenant limits (docs/contract.md §10), taken from the
 * generated route types like those of ./types, and the limit names the pages iterate over.
 */

/** Every counted limit (windows and slots), in the order the proxy checks them (§10). */
export const COUNTED_LIMITS = [
  'concurrency',
  'rpm',
  'tpm',
  'cost_5h_usd',
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
  'cost_total_usd',
] as const
export type CountedLimit = (typeof COUNTED_LIMITS)[number]

/** The spend caps, in USD. */
export const COST_LIMITS = [
  'cost_5h_usd',
  'cost_daily_usd',
  'cost_weekly_usd',
  'cost_monthly_usd',
  'cost_total_usd',
] as const

/** A key's or an account's limits as the API shows them; an absent field is no limit. */
export type LimitsView = ProxyKey['limits']
export type LimitName = keyof LimitsView

/** A `PUT` of limits: an absent field is kept, a `null` one removed (§10). */
export type LimitsPatch = NonNullable<Body<'PUT /admin/api/keys'>['limits']>

/** Every counted limit that is set, by name: used, limit and (RFC 3339) when it frees or ends. */
export type WindowsView = ProxyKey['windows']
export type WindowView = NonNullable<WindowsView[CountedLimit]>

/** `GET /key/status`: one key's own view of itself, nothing of other keys (§10). */
export type KeyStatus = Answer<'GET /key/status'>

/** The usage totals of docs/contract.md §6.1, as `/key/status` gives them per period. */
export type UsageTotalsView = KeyStatus['usage']['today']
