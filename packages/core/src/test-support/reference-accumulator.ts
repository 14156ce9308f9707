// The eventsource-parser based accumulator that the byte scanner replaced; the property test
// checks the two agree on random streams.
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser'
import { applyUsageObject, emptyUsage, type Usage } from '../usage/types'
import type { AccumulatorOptions, UsageAccumulator } from '../usage/accumulator'

interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string
}
// TextDecoder is in every JS runtime core targets, but not in the ES lib core compiles against
// (no DOM or Node types, so neither can leak into the public API).
const TextDecoderCtor = (globalThis as unknown as { TextDecoder: new (label?: string) => Decoder })
  .TextDecoder

// Events that carry usage or state; content_block_* and ping (nearly all traffic) are skipped
// without JSON parsing, which keeps the tap cheap on the hot path.
const WANTED = new Set(['message_start', 'message_delta', 'message_stop', 'error'])
const TYPE_PREFIX = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/

/**
 * Creates a usage reader for a streamed Messages response. Feed it every byte forwarded to the
 * client; it never holds the stream back. `message_start` gives model, id and input/cache counts;
 * each `message_delta` carries running totals, so the latest replaces the earlier (never added);
 * a stream cut midway keeps what it saw.
 *
 * @example
 * ```ts
 * const acc = createUsageAccumulator()
 * for await (const chunk of upstreamBody) { client.write(chunk); acc.push(chunk) }
 * const usage = acc.end() // { model, inputTokens, outputTokens, cacheReadInputTokens, ... }
 * ```
 */
export function createReferenceAccumulator(options: AccumulatorOptions = {}): UsageAccumulator {
  const usage = emptyUsage()
  const decoder = new TextDecoderCtor('utf-8')
  let overflowed = false
  let ended = false

  const onEvent = (event: EventSourceMessage): void => {
    // Relays sometimes drop `event:` lines; the payload's own "type" names the event then.
    const name = event.event ?? TYPE_PREFIX.exec(event.data)?.[1]
    if (usage.firstEventType === null && name !== undefined) usage.firstEventType = name
    if (name === undefined || !WANTED.has(name)) return
    if (name === 'message_stop') {
      usage.complete = true
      return
    }
    let data: Record<string, unknown>
    try {
      data = JSON.parse(event.data) as Record<string, unknown>
    } catch {
      return
    }
    if (typeof data !== 'object' || data === null) return
    readEvent(usage, name, data)
  }

  const parser: EventSourceParser = createParser({
    onEvent,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true
    },
    maxBufferSize: options.maxEventChars ?? 8 * 1024 * 1024,
  })

  const feed = (text: string): void => {
    if (overflowed || text === '') return
    try {
      parser.feed(text)
    } catch {
      // The parser refuses input once its buffer cap tripped; the usage so far stands.
      overflowed = true
    }
  }

  return {
    push(chunk) {
      if (ended) return
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    },
    end() {
      if (!ended) {
        ended = true
        feed(decoder.decode())
      }
      return usage
    },
    usage,
    get overflowed() {
      return overflowed
    },
  }
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
