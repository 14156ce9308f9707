/**
 * Reads chosen top-level fields of a JSON object without parsing the rest: the structure is
 * checked (one object, balanced brackets, terminated strings) and only the wanted values are
 * sliced out and parsed. It jumps from quote to quote with `indexOf`, so a body that is mostly
 * string content (a Claude Code request, a model's answer) costs a fraction of `JSON.parse`.
 */
export type TopLevelResult =
  { ok: true; fields: Record<string, unknown> } | { ok: false; reason: string }

const QUOTE = 0x22
const BACKSLASH = 0x5c

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

/** Called with each wanted top-level key and the byte span of its value (`from` inclusive, `to` exclusive). */
type OnValue = (key: string, from: number, to: number) => void

/** The wanted top-level fields of the JSON object in `buf`; a field that does not parse is left out. */
export function readTopLevelFields(buf: Buffer, wanted: ReadonlySet<string>): TopLevelResult {
  const fields: Record<string, unknown> = {}
  const scanned = scanTopLevel(buf, wanted, (key, from, to) => {
    try {
      fields[key] = JSON.parse(buf.toString('utf8', from, to))
    } catch {
      // A field we cannot read is left out; the upstream judges the request.
    }
  })
  return scanned ?? { ok: true, fields }
}

/** A top-level value's place in the body: bytes `from` (inclusive) to `to` (exclusive). */
export interface ValueSpan {
  key: string
  from: number
  to: number
}

/**
 * Where the wanted top-level values of the JSON object in `buf` lie, in order (a key given twice
 * appears twice), or undefined when the body is not one well-formed object. Lets a rewrite
 * replace one field's bytes and keep every other byte as the client sent it.
 */
export function topLevelValueSpans(
  buf: Buffer,
  wanted: ReadonlySet<string>,
): ValueSpan[] | undefined {
  const spans: ValueSpan[] = []
  const scanned = scanTopLevel(buf, wanted, (key, from, to) => spans.push({ key, from, to }))
  return scanned === undefined ? spans : undefined
}

/** Walks the object's structure once; reports wanted values, returns a failure or undefined. */
function scanTopLevel(
  buf: Buffer,
  wanted: ReadonlySet<string>,
  onValue: OnValue,
): Extract<TopLevelResult, { ok: false }> | undefined {
  let start = 0
  let end = buf.length - 1
  while (start <= end && isSpace(buf[start] as number)) start++
  while (end >= start && isSpace(buf[end] as number)) end--
  if (buf[start] !== 0x7b || buf[end] !== 0x7d) {
    return { ok: false, reason: 'body must be a JSON object' }
  }
  const stack: number[] = []
  // At depth 1, a string right after `{` or `,` is a key; remember it to slice its value.
  let expectKey = false
  let pendingKey: string | undefined
  let valueStart = -1
  // Returns the next `valueStart` (-1), so that stays a plain local of the hot loop.
  const capture = (from: number, to: number): number => {
    if (pendingKey) onValue(pendingKey, from, to)
    pendingKey = undefined
    return -1
  }
  for (let i = start; i <= end; i++) {
    const b = buf[i] as number
    if (b === QUOTE) {
      const next = skipString(buf, i)
      if (next === -1 || next > end + 1) return broken()
      if (stack.length === 1 && expectKey) {
        const key = buf.toString('latin1', i + 1, next - 1)
        pendingKey = wanted.has(key) ? key : undefined
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
      if (stack.length === 1 && valueStart !== -1) valueStart = capture(valueStart, i + 1)
      if (stack.length === 0 && valueStart !== -1) valueStart = capture(valueStart, i)
      if (stack.length === 0 && i !== end) return broken()
      continue
    }
    if (b === 0x2c && stack.length === 1) {
      if (valueStart !== -1) valueStart = capture(valueStart, i)
      expectKey = true
    }
  }
  if (stack.length !== 0) return broken()
  return undefined
}

function broken(): Extract<TopLevelResult, { ok: false }> {
  return { ok: false, reason: 'body is not valid JSON' }
}
