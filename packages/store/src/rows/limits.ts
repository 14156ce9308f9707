import { mergeLimits, validateLimits, type Limits, type LimitsPatch } from '@qcc/core'
import { StoreError } from '../errors'

/** No limits: shared, frozen, so no caller can add one to every record at once. */
export const NO_LIMITS: Limits = Object.freeze({})

/** A frozen copy (arrays too): records and the key index share one object per row. */
function frozen(limits: Limits): Limits {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(limits)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? Object.freeze([...v]) : v
  }
  return Object.keys(out).length === 0 ? NO_LIMITS : (Object.freeze(out) as Limits)
}

/** Checked, normalised limits (core's rules, docs/contract.md §10). @throws StoreError `invalid` */
export function checkLimits(input: unknown): Limits {
  const checked = validateLimits(input)
  if (!checked.ok) {
    throw new StoreError('invalid', `limits.${checked.field}: ${checked.reason}`)
  }
  return frozen(checked.limits)
}

/**
 * Applies a limits patch (docs/contract.md §10: a null field removes that limit, an absent one
 * keeps it, `null` removes them all) and checks the result. @throws StoreError `invalid`
 */
export function patchLimits(current: Limits, patch: LimitsPatch | null): Limits {
  if (patch !== null && (typeof patch !== 'object' || Array.isArray(patch))) {
    throw new StoreError('invalid', 'limits must be an object or null')
  }
  return checkLimits(mergeLimits({ ...current }, patch))
}

/** Limits as stored in a `limits` column: JSON, NULL for none. */
export function limitsToText(limits: Limits): string | null {
  return Object.keys(limits).length === 0 ? null : JSON.stringify(limits)
}

/**
 * Limits read from a `limits` column. They were checked when written; a field that no longer
 * passes (edited by hand, or a rule made stricter since) is dropped, keeping every other limit,
 * rather than failing every read of the row. Text that is no JSON object reads as no limits.
 */
export function limitsFromText(text: string | null | undefined): Limits {
  if (!text) return NO_LIMITS
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return NO_LIMITS
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return NO_LIMITS
  const fields: Record<string, unknown> = { ...parsed }
  // Each round drops one field, so this ends after at most as many rounds as there are fields.
  for (let round = Object.keys(fields).length; round >= 0; round--) {
    const checked = validateLimits(fields)
    if (checked.ok) return frozen(checked.limits)
    // The field may name an element (`models[2]`): drop the whole limit.
    const name = checked.field.split(/[.[]/)[0] ?? ''
    if (!(name in fields)) break
    delete fields[name]
  }
  return NO_LIMITS
}
