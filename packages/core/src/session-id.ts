import { headerValue } from './classify/retry-after'
import type { HeaderBag } from './types'

// Session ids are UUIDs in practice; the bound keeps a hostile client from pinning megabytes.
const MAX_LENGTH = 128
// Older Claude Code: metadata.user_id = "user_<hash>_account_<uuid or empty>_session_<uuid>".
const LEGACY = /_session_([A-Za-z0-9-]+)$/

const clean = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed.length > 0 && trimmed.length <= MAX_LENGTH ? trimmed : undefined
}

/**
 * The Claude Code session id of a request, used for sticky routing:
 * the `x-claude-code-session-id` header, else the session part of `metadata.user_id` in the body,
 * in its JSON-string form (`{"device_id":"..","account_uuid":"","session_id":"<uuid>"}`) or its
 * legacy form (`user_<hash>_account__session_<uuid>`). `undefined` when there is none.
 *
 * @param headers - request headers (plain object with lower-case keys, or fetch `Headers`)
 * @param body - the parsed JSON body, if any
 * @example
 * ```ts
 * extractSessionId({}, { metadata: { user_id: 'user_ab12_account__session_5f0c...' } }) // '5f0c...'
 * ```
 */
export function extractSessionId(
  headers: HeaderBag | undefined,
  body: unknown,
): string | undefined {
  const fromHeader = clean(headerValue(headers, 'x-claude-code-session-id'))
  if (fromHeader !== undefined) return fromHeader
  const metadata = (body as { metadata?: { user_id?: unknown } } | null | undefined)?.metadata
  const userId = metadata?.user_id
  if (typeof userId !== 'string' || userId.length > 4096) return undefined
  const text = userId.trim()
  if (text.startsWith('{')) {
    try {
      return clean((JSON.parse(text) as { session_id?: unknown } | null)?.session_id)
    } catch {
      return undefined
    }
  }
  return clean(LEGACY.exec(text)?.[1])
}
