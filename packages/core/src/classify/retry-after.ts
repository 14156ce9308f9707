import type { EpochMs, HeaderBag } from '../types'

/**
 * Reads one header from either a plain object (Node, undici) or a fetch `Headers`. Arrays give
 * their first value. Names must be lower case for plain objects (Node lower-cases them).
 *
 * @example
 * ```ts
 * headerValue({ 'retry-after': '30' }, 'retry-after') // '30'
 * ```
 */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name]
  if (value === undefined) return undefined
  return typeof value === 'string' ? value : value[0]
}

// delta-seconds per RFC 9110 section 10.2.3; fractions and spaces are tolerated because relays
// send them.
const SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/

// The common form ("30") without a regex: this runs on every 429 and 529.
function wholeSeconds(value: string): number | undefined {
  if (value.length > 9) return undefined
  let n = 0
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48
    if (d < 0 || d > 9) return undefined
    n = n * 10 + d
  }
  return n
}

/**
 * Parses a `retry-after` value, either delta-seconds (`"30"`) or an HTTP date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`), into the absolute time it names, capped at `now + capMs`.
 * A date in the past gives `now`. Returns `undefined` for a missing or unparsable value.
 *
 * @param value - the header value
 * @param now - current time (epoch ms)
 * @param capMs - longest wait honoured (`PROXY_COOLDOWN_MAX_SEC`), default 600 000
 * @example
 * ```ts
 * parseRetryAfter('30', 1_000) // 31_000
 * parseRetryAfter('99999', 0, 600_000) // 600_000
 * ```
 */
export function parseRetryAfter(
  value: string | undefined | null,
  now: EpochMs,
  capMs = 600_000,
): EpochMs | undefined {
  if (value === undefined || value === null || value === '') return undefined
  let at: number
  const seconds = wholeSeconds(value)
  const match = seconds === undefined ? SECONDS.exec(value) : null
  if (seconds !== undefined) {
    at = now + seconds * 1000
  } else if (match?.[1] !== undefined) {
    at = now + Math.ceil(Number(match[1]) * 1000)
  } else {
    // An HTTP date always names a month; Date.parse alone would take "-5" for a year.
    const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN
    if (Number.isNaN(date)) return undefined
    at = Math.max(now, date)
  }
  return Math.min(at, now + capMs)
}

// Anthropic announces when each exhausted limit resets; used only when retry-after is absent.
const RATE_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const

/**
 * When no `retry-after` is given, the latest reset time among exhausted
 * `anthropic-ratelimit-*-remaining: 0` limits (RFC 3339 in `anthropic-ratelimit-*-reset`), capped.
 *
 * @example
 * ```ts
 * rateLimitResetAt({
 *   'anthropic-ratelimit-requests-remaining': '0',
 *   'anthropic-ratelimit-requests-reset': '2026-11-27T07:00:20Z',
 * }, Date.parse('2026-11-27T07:00:00Z')) // 20 s later
 * ```
 */
export function rateLimitResetAt(
  headers: HeaderBag | undefined,
  now: EpochMs,
  capMs = 600_000,
): EpochMs | undefined {
  let latest: number | undefined
  for (const limit of RATE_LIMITS) {
    if (headerValue(headers, `anthropic-ratelimit-${limit}-remaining`)?.trim() !== '0') continue
    const reset = Date.parse(headerValue(headers, `anthropic-ratelimit-${limit}-reset`) ?? '')
    if (!Number.isNaN(reset) && (latest === undefined || reset > latest)) latest = reset
  }
  return latest === undefined ? undefined : Math.min(Math.max(latest, now), now + capMs)
}
