/**
 * Recognises Anthropic error shapes in a body snippet or an SSE `data:` payload. Snippets may be
 * cut anywhere, so a regex backs up JSON parsing.
 */

/** What an error body says, as far as routing cares. */
export interface ErrorBodyInfo {
  /** Anthropic `error.type`, e.g. `overloaded_error`; undefined when not found. */
  errorType: string | undefined
  /** The body speaks of a spend limit or exhausted credit, which waiting does not clear. */
  spendLimit: boolean
}

const TYPE = /"type"\s*:\s*"([a-z_]+_error)"/
// Phrases seen from Anthropic and relays for billing trouble: a 429 `enforced_spend_limit_reached`,
// a 400 "credit balance is too low", OpenAI-style `insufficient_quota`, a 402 `billing_error`.
const SPEND =
  /spend[_ ]limit|credit balance|insufficient[_ ]quota|billing_error|quota[_ ]exhausted/i

/**
 * Extracts the error type and spend-limit hint from a (possibly truncated) JSON error body.
 *
 * @example
 * ```ts
 * readErrorBody('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')
 * // { errorType: 'overloaded_error', spendLimit: false }
 * ```
 */
export function readErrorBody(text: string | undefined): ErrorBodyInfo {
  if (text === undefined || text === '') return { errorType: undefined, spendLimit: false }
  let errorType: string | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    const error = (parsed as { error?: { type?: unknown } } | null)?.error
    if (typeof error?.type === 'string') errorType = error.type
  } catch {
    errorType = TYPE.exec(text)?.[1]
  }
  return { errorType, spendLimit: SPEND.test(text) }
}
