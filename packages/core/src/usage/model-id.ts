/** Longest `model` a Messages request may name, in characters (docs/contract.md §15). */
export const MODEL_ID_MAX = 256

// Controls, format characters (bidi overrides, zero-width), lone surrogates, private use,
// unassigned code points, and line/paragraph separators: none belongs in a model id, and each
// can hide or forge text where the id is shown (logs, the console, a CSV export).
const NOT_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u

/**
 * True when `model` is a string of 1 to {@link MODEL_ID_MAX} printable characters (code points),
 * the rule `/v1/messages` and `count_tokens` bodies must meet (docs/contract.md §15).
 *
 * @example
 * ```ts
 * isValidModelId('claude-sonnet-5-5') // true
 * isValidModelId('a\u0000b') // false
 * isValidModelId('x'.repeat(257)) // false
 * ```
 */
export function isValidModelId(model: unknown): model is string {
  if (typeof model !== 'string' || model.length === 0) return false
  // UTF-16 length bounds the code points from above and below (a code point is 1 or 2 units).
  if (model.length > MODEL_ID_MAX * 2) return false
  if (model.length > MODEL_ID_MAX && [...model].length > MODEL_ID_MAX) return false
  return !NOT_PRINTABLE.test(model)
}
