/**
 * Redaction of secrets in text that came from an upstream (docs/contract.md §9 "upstream errors are
 * redacted"): an error body or `event: error` frame passed to a tenant, or a message kept in
 * health history and `last_error`, may echo the node's key or another credential.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]'

// Key-shaped tokens: `sk-…` keys (Anthropic `sk-ant-…`, OpenAI-style), `Bearer <token>`, and any
// run of 32 or more hex, base64 or base64url characters (request ids and model ids are shorter).
const KEY_SHAPED = /\bsk-[A-Za-z0-9_-]{6,}|\bBearer\s+[^\s",;]+|[A-Za-z0-9+/_-]{32,}={0,2}/g

/** Known secrets shorter than this are not searched for (a 3-character key would eat words). */
const MIN_KNOWN_SECRET = 6

/**
 * Replaces every known secret (the node's key, say) and everything shaped like a key with
 * {@link REDACTED}. Text without either comes back unchanged (the same string).
 *
 * @example
 * ```ts
 * redactSecrets('{"error":{"message":"bad key sk-ant-api03-abcdef"}}')
 * // '{"error":{"message":"bad key [redacted]"}}'
 * redactSecrets('key my-node-secret refused', ['my-node-secret'])
 * // 'key [redacted] refused'
 * ```
 */
export function redactSecrets(
  text: string,
  known: readonly (string | null | undefined)[] = [],
): string {
  let out = text
  for (const secret of known) {
    if (secret && secret.length >= MIN_KNOWN_SECRET && out.includes(secret)) {
      out = out.split(secret).join(REDACTED)
    }
  }
  return out.replace(KEY_SHAPED, REDACTED)
}
