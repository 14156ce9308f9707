/**
 * Fake 200 detection (docs/contract.md §13): a relay that answers 2xx with an HTML page or an
 * Anthropic error object has failed, though its status says otherwise.
 */

/** How much of a body {@link detectFake200} looks at: the first 4 KiB. */
export const FAKE_200_PREFIX = 4096

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\uFEFF'])

/**
 * Bytes as characters, one per byte. Enough here: only ASCII (`<`, `{`, `"`, `\`, `type`,
 * `error`) decides, and no byte of a multi-byte UTF-8 character is ASCII. Core has no
 * `TextDecoder` in every runtime it targets, so none is needed.
 */
function bytesToText(bytes: Uint8Array): string {
  let s = ''
  const n = Math.min(bytes.length, FAKE_200_PREFIX)
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i] ?? 0)
  return s
}

function skipWs(s: string, i: number): number {
  while (i < s.length && WHITESPACE.has(s[i] ?? '')) i++
  return i
}

/** Index of the closing quote of the JSON string opening at `i`, or -1 when the prefix ends first. */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]
    if (c === '\\') j++
    else if (c === '"') return j
  }
  return -1
}

function parseString(literal: string): string | undefined {
  // Keys and values without escapes (all of a real message's) need no parse.
  if (!literal.includes('\\')) return literal.slice(1, -1)
  try {
    const v: unknown = JSON.parse(literal)
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

/**
 * The string value of the top-level `type` key of the object opening at `start`; `null` when the
 * object has none (or is not JSON), `undefined` when the prefix ends before that is known.
 */
function topLevelType(s: string, start: number): string | null | undefined {
  let depth = 1
  let expectKey = true
  let i = start + 1
  while (i < s.length) {
    const c = s[i]
    if (c === '"') {
      const end = stringEnd(s, i)
      if (end < 0) return undefined
      const literal = s.slice(i, end + 1)
      i = end + 1
      if (depth !== 1 || !expectKey) continue
      expectKey = false
      let j = skipWs(s, i)
      if (j >= s.length) return undefined
      if (s[j] !== ':') return null
      j = skipWs(s, j + 1)
      if (j >= s.length) return undefined
      if (parseString(literal) !== 'type') {
        i = j
        continue
      }
      if (s[j] !== '"') return null
      const valueEnd = stringEnd(s, j)
      if (valueEnd < 0) return undefined
      return parseString(s.slice(j, valueEnd + 1)) ?? null
    }
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) return null
    } else if (c === ',' && depth === 1) expectKey = true
    i++
  }
  return undefined
}

/**
 * Whether a 2xx non-streamed answer is a fake 200 (docs/contract.md §13): its body starts, after
 * whitespace (and a BOM), with `<` (an HTML or XML page), or it is a JSON object whose top-level
 * `type` is `"error"`. Only the first {@link FAKE_200_PREFIX} bytes (or characters) are read, so
 * the whole body is never needed. When that prefix is too short to tell (empty, only whitespace,
 * or an object cut before its top-level `type` is seen), the answer is treated as **not** fake:
 * a real message is never failed over on a guess.
 *
 * @example
 * ```ts
 * detectFake200('  <html><body>502 Bad Gateway</body></html>') // true
 * detectFake200('{"type":"error","error":{"type":"api_error","message":"x"}}') // true
 * detectFake200('{"id":"msg_1","type":"message","content":[]}') // false
 * ```
 */
export function detectFake200(firstBytes: Uint8Array | string): boolean {
  const s =
    typeof firstBytes === 'string' ? firstBytes.slice(0, FAKE_200_PREFIX) : bytesToText(firstBytes)
  const i = skipWs(s, 0)
  if (s[i] === '<') return true
  if (s[i] !== '{') return false
  return topLevelType(s, i) === 'error'
}
