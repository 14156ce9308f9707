import { COST_LIMITS, type LimitName, type LimitsPatch, type LimitsView } from '../api/limits'
import { t } from '../i18n'

/** The editor's fields in the order it shows them (docs/contract.md §10). */
export const LIMIT_FIELDS = [
  'rpm',
  'tpm',
  'concurrency',
  ...COST_LIMITS,
  'models',
  'ips',
  'expires_at',
  'expires_after_first_use_days',
] as const satisfies readonly LimitName[]

type Kind = 'count' | 'usd' | 'models' | 'ips' | 'datetime'
const kindOf = (name: LimitName): Kind =>
  name === 'models' || name === 'ips'
    ? name
    : name === 'expires_at'
      ? 'datetime'
      : name.startsWith('cost_')
        ? 'usd'
        : 'count'

/** The text of every field as typed; empty means unlimited. Lists hold one entry per line. */
export type LimitsDraft = Record<LimitName, string>
export type DraftErrors = Partial<Record<LimitName, string>>

const pad = (n: number) => String(n).padStart(2, '0')

/** An RFC 3339 instant as a `datetime-local` value in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  )
}

/** A `datetime-local` value (the browser's time zone) as RFC 3339 UTC; null if not a time. */
export function fromLocalInput(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(local)) return null
  const d = new Date(local)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/** The entries of a list field: one per line (commas work too), blanks dropped. */
export const listEntries = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)

export function draftFrom(limits: LimitsView | null | undefined): LimitsDraft {
  const draft = {} as LimitsDraft
  for (const name of LIMIT_FIELDS) {
    const v = limits?.[name]
    draft[name] =
      v === undefined || v === null
        ? ''
        : Array.isArray(v)
          ? v.join('\n')
          : name === 'expires_at'
            ? toLocalInput(String(v))
            : String(v)
  }
  return draft
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

function isIpv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false
  try {
    // The URL parser implements the full IPv6 grammar (compression, embedded IPv4).
    new URL(`http://[${s}]/`)
    return true
  } catch {
    return false
  }
}

/** An IPv4 or IPv6 address, or a CIDR of either (`10.0.0.0/8`, `2001:db8::/32`). */
export function isIpOrCidr(entry: string): boolean {
  const [addr = '', bits, extra] = entry.split('/')
  if (extra !== undefined) return false
  const v4 = V4.test(addr)
  if (!v4 && !isIpv6(addr)) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return false
  // An IPv4-mapped address (`::ffff:1.2.3.4`) is the IPv4 one: its prefix covers the last 32 bits.
  const mapped = !v4 && /^::ffff:\d/i.test(addr)
  return Number(bits) <= (v4 ? 32 : 128) && (!mapped || Number(bits) >= 96)
}

/**
 * A model id as Anthropic, Bedrock and Vertex spell them (up to 128 characters, `[1m]` suffixes
 * included), or such a prefix ending in `*` that matches any suffix (`claude-sonnet-*`).
 */
export const isModelPattern = (entry: string) =>
  /^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}\*?$/.test(entry)

/** Most entries `models` or `ips` may hold (docs/contract.md §10, as the server counts). */
export const LIST_MAX = 100

/** A positive whole number, as every count and `expires_after_first_use_days` must be. */
const isCount = (s: string) => /^\d+$/.test(s) && Number(s) >= 1 && Number.isSafeInteger(Number(s))
/** A positive amount in USD. */
const isUsd = (s: string) => /^\d*\.?\d+$/.test(s) && Number(s) > 0 && Number.isFinite(Number(s))

function fieldError(name: LimitName, text: string): string | undefined {
  switch (kindOf(name)) {
    case 'count':
      return isCount(text) ? undefined : t('Enter a whole number of at least 1.')
    case 'usd':
      return isUsd(text) ? undefined : t('Enter an amount in USD above 0.')
    case 'datetime':
      return fromLocalInput(text) ? undefined : t('Enter a date and time.')
    case 'models': {
      if (listEntries(text).length > LIST_MAX) return t('At most {max} entries.', { max: LIST_MAX })
      const bad = listEntries(text).find((m) => !isModelPattern(m))
      return bad === undefined
        ? undefined
        : t('Not a model id ({value}); only a trailing * is allowed.', { value: bad })
    }
    case 'ips': {
      if (listEntries(text).length > LIST_MAX) return t('At most {max} entries.', { max: LIST_MAX })
      const bad = listEntries(text).find((ip) => !isIpOrCidr(ip))
      return bad === undefined ? undefined : t('Not an IP address or CIDR: {value}', { value: bad })
    }
  }
}

/**
 * Checks the draft as the server will (docs/contract.md §10), so most mistakes show at the field
 * before a round trip. `ceiling` is the account's limits when a tenant edits its own key: a
 * number may not be higher, the expiry not later (the server checks `models` and `ips` subsets).
 */
export function validateDraft(draft: LimitsDraft, ceiling?: LimitsView | null): DraftErrors {
  const errors: DraftErrors = {}
  for (const name of LIMIT_FIELDS) {
    const text = draft[name].trim()
    if (!text) continue
    const problem = fieldError(name, text)
    if (problem) {
      errors[name] = problem
      continue
    }
    const cap = ceiling?.[name]
    if (cap === undefined || cap === null) continue
    if (typeof cap === 'number' && Number(text) > cap) {
      errors[name] = t('At most {max}, the limit of the account.', { max: cap })
    } else if (name === 'expires_at' && typeof cap === 'string') {
      const at = fromLocalInput(text)
      if (at && Date.parse(at) > Date.parse(cap))
        errors[name] = t('No later than the account expires ({at}).', { at: toLocalInput(cap) })
    }
  }
  return errors
}

/** A field's value as the API takes it, or null for empty (unlimited). */
function valueOf(name: LimitName, text: string): LimitsPatch[LimitName] {
  const s = text.trim()
  if (!s) return null
  switch (kindOf(name)) {
    case 'models':
    case 'ips': {
      const list = [...new Set(listEntries(s))]
      return list.length ? list : null
    }
    case 'datetime':
      return fromLocalInput(s)
    default:
      return Number(s)
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Only the fields that changed since `initial`: a new value, or null where a limit was cleared
 * (a `PUT` merges field by field, docs/contract.md §10). Compared as the editor shows them, so a
 * time shown to the minute is not sent back just for its seconds. Call on a valid draft.
 */
export function patchFrom(draft: LimitsDraft, initial: LimitsView | null | undefined): LimitsPatch {
  const before = draftFrom(initial)
  const patch: Record<string, unknown> = {}
  for (const name of LIMIT_FIELDS) {
    const next = valueOf(name, draft[name])
    if (!same(next, valueOf(name, before[name]))) patch[name] = next
  }
  return patch as LimitsPatch
}

/** The field a server 400 names (`{error}` naming the field, §10), to show it there too. */
export function fieldNamed(message: string): LimitName | undefined {
  const words = new Set(message.match(/[a-z0-9_]+/g) ?? [])
  // Longest first, so `expires_after_first_use_days` is not read as `expires_at`'s neighbour.
  return [...LIMIT_FIELDS].sort((a, b) => b.length - a.length).find((n) => words.has(n))
}
