/**
 * What the data path needs from a Messages request body: the model (for usage) and
 * `metadata.user_id` (for the Claude Code session). Small bodies are parsed in full. Large ones
 * (Claude Code sends 100-200 KB) are only scanned: their structure is checked (one object,
 * balanced brackets, terminated strings) and the two top-level fields are sliced out and parsed
 * alone. A full parse of such a body costs about a millisecond of CPU per request; the scan
 * costs a fraction, because it jumps from quote to quote with `indexOf`.
 */
export type RequestFields = { model?: unknown; metadata?: unknown }

export type ReadFieldsResult = { ok: true; fields: RequestFields } | { ok: false; reason: string }

/** Bodies up to this size get an exact `JSON.parse`. */
export const FULL_PARSE_MAX = 64 * 1024

const QUOTE = 0x22
const BACKSLASH = 0x5c

export function readRequestFields(body: Buffer): ReadFieldsResult {
  if (body.length <= FULL_PARSE_MAX) {
    let value: unknown
    try {
      value = JSON.parse(body.toString('utf8'))
    } catch {
      return { ok: false, reason: 'request body is not valid JSON' }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, reason: 'request body must be a JSON object' }
    }
    return { ok: true, fields: value as RequestFields }
  }
  return scanTopLevel(body)
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

/** Index just past the closing quote of the string opening at `start`, or -1. */
function skipString(buf: Buffer, start: number): number {
  let at = start + 1
  for (;;) {
    const q = buf.indexOf(QUOTE, at)
    if (q === -1) return -1
    let slashes = 0
    for (let k = q - 1; k > start && buf[k] === BACKSLASH; k--) slashes++
    if (slashes % 2 === 0) return q + 1
    at = q + 1
  }
}

function scanTopLevel(buf: Buffer): ReadFieldsResult {
  let start = 0
  let end = buf.length - 1
  while (start <= end && isSpace(buf[start] as number)) start++
  while (end >= start && isSpace(buf[end] as number)) end--
  if (buf[start] !== 0x7b || buf[end] !== 0x7d) {
    return { ok: false, reason: 'request body must be a JSON object' }
  }
  const fields: RequestFields = {}
  const stack: number[] = []
  // At depth 1, a string right after `{` or `,` is a key; remember it to slice its value.
  let expectKey = false
  let pendingKey: string | undefined
  let valueStart = -1
  for (let i = start; i <= end; i++) {
    const b = buf[i] as number
    if (b === QUOTE) {
      const next = skipString(buf, i)
      if (next === -1 || next > end + 1) return broken()
      if (stack.length === 1 && expectKey) {
        const key = buf.toString('latin1', i + 1, next - 1)
        pendingKey = key === 'model' || key === 'metadata' ? key : undefined
        expectKey = false
      }
      i = next - 1
      continue
    }
    if (b === 0x3a && stack.length === 1) {
      if (pendingKey) valueStart = i + 1
      continue
    }
    if (b === 0x7b || b === 0x5b) {
      stack.push(b)
      if (stack.length === 1) expectKey = true
      continue
    }
    if (b === 0x7d || b === 0x5d) {
      const open = stack.pop()
      if (open === undefined || (b === 0x7d ? open !== 0x7b : open !== 0x5b)) return broken()
      if (stack.length === 1 && valueStart !== -1) valueStart = capture(buf, valueStart, i + 1)
      if (stack.length === 0 && valueStart !== -1) valueStart = capture(buf, valueStart, i)
      if (stack.length === 0 && i !== end) return broken()
      continue
    }
    if (b === 0x2c && stack.length === 1) {
      if (valueStart !== -1) valueStart = capture(buf, valueStart, i)
      expectKey = true
    }
  }
  if (stack.length !== 0) return broken()
  return { ok: true, fields }

  function capture(source: Buffer, from: number, to: number): number {
    if (pendingKey) {
      try {
        fields[pendingKey as keyof RequestFields] = JSON.parse(source.toString('utf8', from, to))
      } catch {
        // A field we cannot read is left out; the upstream judges the request.
      }
      pendingKey = undefined
    }
    return -1
  }

  function broken(): ReadFieldsResult {
    return { ok: false, reason: 'request body is not valid JSON' }
  }
}
