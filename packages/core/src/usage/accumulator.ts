import { createSseLineSplitter } from './sse-lines'
import { applyUsageObject, emptyUsage, type Usage } from './types'

/** Options of {@link createUsageAccumulator}. */
export interface AccumulatorOptions {
  /**
   * Largest SSE line or event buffered while waiting for its end, in characters; beyond it the
   * accumulator stops parsing (keeping what it saw) so a broken upstream cannot exhaust memory
   * (S9). Default 8 MiB.
   */
  readonly maxEventChars?: number | undefined
}

/** An incremental usage reader for one SSE response. */
export interface UsageAccumulator {
  /** Feeds raw bytes as they are forwarded; chunks may split lines and UTF-8 characters anywhere. */
  push(chunk: Uint8Array | string): void
  /** Flushes the decoder and returns the final usage; later pushes are ignored. */
  end(): Usage
  /** The usage so far (live object: copy it to keep a snapshot). Partial for a cut stream. */
  readonly usage: Usage
  /** Parsing stopped because an event exceeded `maxEventChars`. */
  readonly overflowed: boolean
}

interface Decoder {
  decode(input?: Uint8Array): string
}
interface Encoder {
  encode(input: string): Uint8Array
}
// TextDecoder/TextEncoder are in every JS runtime core targets, but not in the ES lib core
// compiles against (no DOM or Node types, so neither can leak into the public API).
const codecs = globalThis as unknown as {
  TextDecoder: new (label?: string) => Decoder
  TextEncoder: new () => Encoder
}
const decoder = new codecs.TextDecoder('utf-8')
const encoder = new codecs.TextEncoder()

// Events that carry usage or state; content_block_* and ping (nearly all traffic) are skipped
// without decoding or JSON parsing, which keeps the tap cheap on the hot path.
const WANTED = new Set(['message_start', 'message_delta', 'message_stop', 'error'])
const TYPE_PREFIX = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/
const COLON = 0x3a
const SPACE = 0x20
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))
const EVENT = ascii('event')
const DATA = ascii('data')
// Names matched on their bytes, so the usual ones are never decoded.
const KNOWN_NAMES = [
  'content_block_delta',
  'ping',
  'content_block_start',
  'content_block_stop',
  'message_start',
  'message_delta',
  'message_stop',
  'error',
].map((name) => ({ name, bytes: ascii(name) }))

/** Does `bytes[start..end)` hold exactly `word`? */
function equalsAt(bytes: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false
  return true
}

/** Is the line's field name (the bytes before its first colon, or all of it) `name`? */
function isField(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  const n = name.length
  if (end - start < n) return false
  for (let i = 0; i < n; i++) if (bytes[start + i] !== name[i]) return false
  return end - start === n || bytes[start + n] === COLON
}

/** Where a field's value starts: after the colon and one optional space (the SSE rule). */
function valueStart(bytes: Uint8Array, start: number, end: number, nameLength: number): number {
  let at = start + nameLength + 1
  if (at < end && bytes[at] === SPACE) at++
  return Math.min(at, end)
}

/** An event name: a known one without decoding, any other decoded. */
function eventNameAt(bytes: Uint8Array, start: number, end: number): string {
  for (const known of KNOWN_NAMES) if (equalsAt(bytes, start, end, known.bytes)) return known.name
  return decoder.decode(bytes.subarray(start, end))
}

/**
 * Creates a usage reader for a streamed Messages response. Feed it every byte forwarded to the
 * client; it never holds the stream back. `message_start` gives model, id and input/cache counts;
 * each `message_delta` carries running totals, so the latest replaces the earlier (never added);
 * a stream cut midway keeps what it saw.
 *
 * It reads the SSE framing (WHATWG rules: LF, CRLF or CR line ends, `event:`/`data:` fields,
 * comments, a leading BOM) on the bytes themselves and decodes only the events it needs: a
 * frame named by its `event:` line as something else (`content_block_delta`, `ping`) costs a few
 * byte comparisons.
 *
 * @example
 * ```ts
 * const acc = createUsageAccumulator()
 * for await (const chunk of upstreamBody) { client.write(chunk); acc.push(chunk) }
 * const usage = acc.end() // { model, inputTokens, outputTokens, cacheReadInputTokens, ... }
 * ```
 */
export function createUsageAccumulator(options: AccumulatorOptions = {}): UsageAccumulator {
  const usage = emptyUsage()
  const maxChars = options.maxEventChars ?? 8 * 1024 * 1024
  let overflowed = false
  let ended = false
  let firstLine = true
  // The frame being read: its `event:` name, its data lines (kept only while it may be wanted).
  let eventName: string | undefined
  let sawData = false
  // Data lines were dropped because the frame's name said skip; a later `event:` line renaming
  // the frame (broken framing) must then not be read from half its data.
  let droppedData = false
  let data: string[] = []
  let dataChars = 0

  const dispatch = (): void => {
    const joined = data.join('\n')
    const known = eventName
    const incomplete = droppedData
    eventName = undefined
    data = []
    dataChars = 0
    droppedData = false
    if (!sawData) return
    sawData = false
    applyStreamEvent(usage, known, incomplete ? undefined : joined)
  }

  const onLine = (bytes: Uint8Array, lineStart: number, end: number): void => {
    let start = lineStart
    if (firstLine) {
      firstLine = false
      const bom = bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf
      if (bom && end - start >= 3) start += 3
    }
    if (start === end) return dispatch()
    if (bytes[start] === COLON) return // a comment
    if (isField(bytes, start, end, DATA)) {
      sawData = true
      // A frame already named as one we skip keeps no data: nothing of it will be read.
      if (eventName !== undefined && !WANTED.has(eventName)) {
        droppedData = true
        return
      }
      const from = valueStart(bytes, start, end, DATA.length)
      dataChars += end - from + 1
      if (dataChars > maxChars) {
        overflowed = true
        return
      }
      data.push(decoder.decode(bytes.subarray(from, end)))
    } else if (isField(bytes, start, end, EVENT)) {
      eventName = eventNameAt(bytes, valueStart(bytes, start, end, EVENT.length), end)
      if (!WANTED.has(eventName) && data.length > 0) {
        data = []
        dataChars = 0
        droppedData = true
      }
    }
  }

  const lines = createSseLineSplitter(onLine)

  return {
    push(chunk) {
      if (ended || overflowed) return
      lines.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
      // A line that never ends must not grow without bound (S9).
      if (lines.pendingBytes > maxChars) overflowed = true
    },
    end() {
      // An unterminated last frame is dropped, as the SSE rules say.
      ended = true
      return usage
    },
    usage,
    get overflowed() {
      return overflowed
    },
  }
}

/**
 * What one dispatched SSE event means for the usage: its name (`event:`, else the payload's own
 * `type`, as relays sometimes drop `event:` lines) and, for the events that carry usage, its
 * parsed data. `data` undefined: the event's data was not kept (only its name counts then).
 * Internal to core; the framing around it is what differs between readers.
 */
export function applyStreamEvent(
  usage: Usage,
  event: string | undefined,
  data: string | undefined,
): void {
  const name = event ?? (data === undefined ? undefined : TYPE_PREFIX.exec(data)?.[1])
  if (usage.firstEventType === null && name !== undefined) usage.firstEventType = name
  if (name === undefined || !WANTED.has(name)) return
  if (name === 'message_stop') {
    usage.complete = true
    return
  }
  if (data === undefined) return
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return
  }
  if (typeof parsed !== 'object' || parsed === null) return
  readEvent(usage, name, parsed as Record<string, unknown>)
}

function readEvent(usage: Usage, name: string, data: Record<string, unknown>): void {
  if (name === 'message_start') {
    const message = data.message as Record<string, unknown> | undefined
    if (typeof message?.model === 'string') usage.model = message.model
    if (typeof message?.id === 'string') usage.messageId = message.id
    applyUsageObject(usage, message?.usage)
  } else if (name === 'message_delta') {
    const delta = data.delta as { stop_reason?: unknown } | undefined
    if (typeof delta?.stop_reason === 'string') usage.stopReason = delta.stop_reason
    applyUsageObject(usage, data.usage)
  } else {
    usage.sawError = true
    const type = (data.error as { type?: unknown } | undefined)?.type
    if (typeof type === 'string') usage.errorType = type
  }
}
