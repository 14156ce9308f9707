import { findPrice } from './cost'
import type { ModelPrice } from './prices'

/**
 * How a request's cost was priced (docs/contract.md §15): the model's own row of the price
 * table, the newest priced model of its family, the operator's default row (`*`), or not at all.
 */
export type PricedBy = 'table' | 'family' | 'default' | 'none'

/** Every {@link PricedBy} value, in the order they are tried. */
export const PRICED_BY: readonly PricedBy[] = ['table', 'family', 'default', 'none']

/** The model id of the operator's default price row: it prices ids no other rule prices. */
export const DEFAULT_PRICE_MODEL = '*'

/** A price and how it was found; `price` is undefined exactly when `pricedBy` is `none`. */
export interface ModelPricing {
  readonly price: ModelPrice | undefined
  readonly pricedBy: PricedBy
}

/** Prices a model id, always the same way for the same tables (see {@link createModelPricer}). */
export type ModelPricer = (model: string) => ModelPricing

// Claude ids name their family by a word: "claude-opus-4-1", "claude-3-5-sonnet-20241022".
const FAMILY_WORD = /^[a-z]+$/
const DATE = /^\d{8}$/
const NUMBER = /^\d+$/
const CONTEXT_SUFFIX = /\[[^\]]*\]$/
// A tenant can send any id; past this many distinct ids the memo starts over.
const MEMO_MAX = 1024

/**
 * The family of a Claude model id: its first word after `claude-` (`opus`, `sonnet`, `haiku`,
 * `fable`…), undefined for ids that are not `claude-…` or have no such word.
 *
 * @example
 * ```ts
 * modelFamily('claude-opus-4-1') // 'opus'
 * modelFamily('claude-3-5-sonnet-20241022') // 'sonnet'
 * modelFamily('gpt-4o') // undefined
 * ```
 */
export function modelFamily(model: string): string | undefined {
  const parts = model.replace(CONTEXT_SUFFIX, '').split('-')
  if (parts[0] !== 'claude') return undefined
  return parts.slice(1).find((p) => FAMILY_WORD.test(p))
}

// The version numbers of an id, date suffixes left out: "claude-opus-4-8" -> [4, 8].
function versionOf(model: string): number[] {
  return model
    .split('-')
    .filter((p) => NUMBER.test(p) && !DATE.test(p))
    .map(Number)
}

function newer(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return false
}

/**
 * A pricer over price tables, the first one winning where they list the same model (the
 * operator's table, then core's built-in {@link PRICES}). A model id is priced, in order:
 * - `table`: its own row, also without a `[1m]`-style or date suffix ({@link findPrice});
 * - `family`: the newest priced model of its family ({@link modelFamily}; newest by version
 *   numbers, so `claude-opus-4-1` is priced as `claude-opus-5-5` while that is the newest opus);
 * - `default`: the `*` row ({@link DEFAULT_PRICE_MODEL}), when the operator set one;
 * - `none`: unpriced; its cost is recorded as 0 and flagged, never guessed.
 *
 * @example
 * ```ts
 * const price = createModelPricer([storeRows, PRICES])
 * price('claude-opus-4-1') // { price: <claude-opus-5-5>, pricedBy: 'family' }
 * price('my-relay-model')  // { price: <*>, pricedBy: 'default' } or { price: undefined, pricedBy: 'none' }
 * ```
 */
export function createModelPricer(tables: readonly (readonly ModelPrice[])[]): ModelPricer {
  const rows: ModelPrice[] = []
  const seen = new Set<string>()
  for (const table of tables) {
    for (const p of table) {
      if (seen.has(p.model)) continue
      seen.add(p.model)
      rows.push(p)
    }
  }
  const byModel = rows.filter((p) => p.model !== DEFAULT_PRICE_MODEL)
  const fallback = rows.find((p) => p.model === DEFAULT_PRICE_MODEL)
  const newest = new Map<string, { price: ModelPrice; version: number[] }>()
  for (const p of byModel) {
    const family = modelFamily(p.model)
    if (family === undefined) continue
    const version = versionOf(p.model)
    const best = newest.get(family)
    if (!best || newer(version, best.version)) newest.set(family, { price: p, version })
  }
  const memo = new Map<string, ModelPricing>()
  const decide = (model: string): ModelPricing => {
    const own = findPrice(model, byModel)
    if (own) return { price: own, pricedBy: 'table' }
    const family = modelFamily(model)
    const kin = family === undefined ? undefined : newest.get(family)
    if (kin) return { price: kin.price, pricedBy: 'family' }
    if (fallback) return { price: fallback, pricedBy: 'default' }
    return { price: undefined, pricedBy: 'none' }
  }
  return (model) => {
    let answer = memo.get(model)
    if (answer === undefined) {
      if (memo.size >= MEMO_MAX) memo.clear()
      answer = decide(model)
      memo.set(model, answer)
    }
    return answer
  }
}
