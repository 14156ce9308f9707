import { ipRuleText, parseIpRule } from './ip-rules'
import { LIMIT_NAMES, type LimitName, type Limits, type LimitsPatch } from './types'

/** The answer of {@link validateLimits}: normalised limits, or the first field in error and why. */
export type LimitsValidation =
  | { ok: true; limits: Limits }
  | { ok: false; field: LimitName | 'limits' | (string & {}); reason: string }

/** Most entries `models` or `ips` may hold. */
export const LIMIT_LIST_MAX = 100

const INTEGER_LIMITS = new Set<string>([
  'rpm',
  'tpm',
  'concurrency',
  'expires_after_first_use_days',
])
const NAMES = new Set<string>(LIMIT_NAMES)

// Model ids as Anthropic spells them (`claude-sonnet-4-5-20250929`, `claude-opus-4-1[1m]`, Bedrock
// and Vertex forms with `.`, `:`, `@`, `/`), at most 128 characters as the price table allows, with
// an optional trailing `*` (docs/contract.md §10).
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}\*?$/

// RFC 3339 date-time (docs/contract.md §10 `expires_at`): a `T` or space, seconds required,
// fraction optional, `Z` or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

// Later than this is a typo, not a date (year 9999); also keeps epoch ms a safe integer.
const EXPIRES_MAX_MS = 253402300799000

type Checked = { value: unknown } | { reason: string }

function checkNumber(name: string, v: unknown): Checked {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    return { reason: 'must be a positive number' }
  }
  if (INTEGER_LIMITS.has(name) && (!Number.isSafeInteger(v) || v < 1)) {
    return { reason: 'must be a whole number of at least 1' }
  }
  return { value: v }
}

function checkList(
  v: unknown,
  what: [one: string, many: string],
  norm: (s: string) => string | null,
): Checked {
  if (!Array.isArray(v) || v.length === 0 || v.length > LIMIT_LIST_MAX) {
    return { reason: `must be a list of 1 to ${LIMIT_LIST_MAX} ${what[1]}` }
  }
  const out: string[] = []
  for (const item of v) {
    const text = typeof item === 'string' ? norm(item) : null
    if (text === null)
      return { reason: `${String(JSON.stringify(item)).slice(0, 80)} is not ${what[0]}` }
    if (!out.includes(text)) out.push(text)
  }
  return { value: out }
}

function checkExpiresAt(v: unknown): Checked {
  let ms: number
  if (typeof v === 'number') ms = v
  else if (typeof v === 'string' && RFC3339.test(v)) ms = Date.parse(v.replace(' ', 'T'))
  else return { reason: 'must be an RFC 3339 time (or epoch milliseconds)' }
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > EXPIRES_MAX_MS) {
    return { reason: 'must be a time between 1970 and 9999' }
  }
  return { value: ms }
}

function checkField(name: string, v: unknown): Checked {
  switch (name) {
    case 'models':
      return checkList(v, ['a model id', 'model ids'], (s) => (MODEL_PATTERN.test(s) ? s : null))
    case 'ips':
      return checkList(v, ['an address or CIDR', 'addresses or CIDRs'], (s) => {
        const rule = parseIpRule(s.trim())
        return rule ? ipRuleText(rule) : null
      })
    case 'expires_at':
      return checkExpiresAt(v)
    default:
      return checkNumber(name, v)
  }
}

/**
 * Checks limits as the admin API receives them or the store reads them back, and normalises them
 * (docs/contract.md §10): numbers positive and finite, `rpm`/`tpm`/`concurrency`/
 * `expires_after_first_use_days` whole numbers of at least 1; `models` 1 to 100 model ids, a
 * trailing `*` allowed; `ips` 1 to 100 addresses or CIDRs (written canonically: `::ffff:1.2.3.4`
 * as `1.2.3.4`, a CIDR's host bits cleared); `expires_at` an RFC 3339 time or epoch ms, kept as
 * epoch ms. Duplicates in lists are dropped. A `null` or absent field is no limit; `null` or
 * `undefined` as a whole is no limits. An unknown field is an error.
 *
 * @example
 * ```ts
 * validateLimits({ rpm: 60, expires_at: '2030-01-01T00:00:00Z' })
 * // { ok: true, limits: { rpm: 60, expires_at: 1893456000000 } }
 * validateLimits({ rpm: 1.5 }) // { ok: false, field: 'rpm', reason: 'must be a whole number of at least 1' }
 * ```
 */
export function validateLimits(input: unknown): LimitsValidation {
  if (input === null || input === undefined) return { ok: true, limits: {} }
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, field: 'limits', reason: 'must be an object or null' }
  }
  const fields = input as Record<string, unknown>
  for (const name of Object.keys(fields)) {
    if (!NAMES.has(name)) return { ok: false, field: name, reason: 'is not a limit' }
  }
  const out: Record<string, unknown> = {}
  // In LIMIT_NAMES order, so the first error is the same whatever order the input has.
  for (const name of LIMIT_NAMES) {
    const v = fields[name]
    if (v === undefined || v === null) continue
    const checked = checkField(name, v)
    if ('reason' in checked) return { ok: false, field: name, reason: checked.reason }
    out[name] = checked.value
  }
  return { ok: true, limits: out as Limits }
}

/**
 * Applies a patch to limits (docs/contract.md §10: `PUT` merges field by field, a `null` field
 * removes that limit, an absent or `undefined` one keeps it; a `null` patch removes them all).
 * Does not check the result: pass it to {@link validateLimits}. Never mutates `current`.
 *
 * @example
 * ```ts
 * mergeLimits({ rpm: 10, tpm: 1000 }, { rpm: null, concurrency: 2 }) // { tpm: 1000, concurrency: 2 }
 * mergeLimits({ rpm: 10 }, null) // {}
 * ```
 */
export function mergeLimits(current: Limits, patch: LimitsPatch | null): Limits {
  if (patch === null) return {}
  const out: Record<string, unknown> = { ...current }
  for (const [name, v] of Object.entries(patch)) {
    if (v === undefined) continue
    if (v === null) delete out[name]
    else out[name] = v
  }
  return out as Limits
}

/** True when `limits` sets at least one field (the fast path of the data path skips the rest). */
export function hasLimits(limits: Limits): boolean {
  for (const k in limits) {
    if ((limits as Record<string, unknown>)[k] !== undefined) return true
  }
  return false
}
