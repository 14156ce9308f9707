import type { ModelPrice } from './prices'
import { PRICES } from './prices'
import type { Usage } from './types'

/** The token counts cost depends on (a {@link Usage} fits). */
export type BillableUsage = Pick<
  Usage,
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheCreationInputTokens'
  | 'cacheCreation5mTokens'
  | 'cacheCreation1hTokens'
  | 'cacheReadInputTokens'
>

/** Rates of a price, as stored (the store's `PriceRecord` fits). */
export type PriceRates = Pick<
  ModelPrice,
  | 'inputPerMTok'
  | 'outputPerMTok'
  | 'cacheWrite5mPerMTok'
  | 'cacheWrite1hPerMTok'
  | 'cacheReadPerMTok'
> &
  Pick<Partial<ModelPrice>, 'longPrompt'>

/**
 * Cost of a request in USD: input, output, 5-minute and 1-hour cache writes and cache reads, each
 * at its rate. Cache writes without a TTL split are priced as 5-minute writes (the default TTL).
 * A long prompt (past `longPrompt.thresholdTokens`) is priced at the long rates throughout.
 *
 * @example
 * ```ts
 * const price = findPrice('claude-sonnet-5-5')!
 * computeCostUsd({ ...usage, inputTokens: 1_000_000, outputTokens: 0 }, price) // 2
 * ```
 */
export function computeCostUsd(usage: BillableUsage, price: PriceRates): number {
  const prompt = usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens
  const long = price.longPrompt
  const r = long !== undefined && prompt > long.thresholdTokens ? long : price
  const split = usage.cacheCreation5mTokens + usage.cacheCreation1hTokens
  const fiveMin = usage.cacheCreation5mTokens + Math.max(0, usage.cacheCreationInputTokens - split)
  const micro =
    usage.inputTokens * r.inputPerMTok +
    usage.outputTokens * r.outputPerMTok +
    fiveMin * r.cacheWrite5mPerMTok +
    usage.cacheCreation1hTokens * r.cacheWrite1hPerMTok +
    usage.cacheReadInputTokens * r.cacheReadPerMTok
  return micro / 1_000_000
}

// Model ids arrive with date suffixes ("-20251001") and Claude Code's "[1m]" context marker.
const DATE_SUFFIX = /-\d{8}$/
const CONTEXT_SUFFIX = /\[[^\]]*\]$/

/**
 * The price of a model id: exact match first, then without a `[1m]`-style suffix, then without a
 * date suffix. `undefined` for an unknown model (cost it as 0 and flag it rather than guess).
 *
 * @example
 * ```ts
 * findPrice('claude-opus-5-5[1m]')?.inputPerMTok // 4
 * ```
 */
export function findPrice(
  model: string,
  table: readonly ModelPrice[] = PRICES,
): ModelPrice | undefined {
  const exact = (id: string) => table.find((p) => p.model === id)
  const bare = model.replace(CONTEXT_SUFFIX, '')
  return exact(model) ?? exact(bare) ?? exact(bare.replace(DATE_SUFFIX, ''))
}
