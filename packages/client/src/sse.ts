/**
 * Server-sent events of the Messages API: bytes in, typed events out. Framing is done by
 * `eventsource-parser`; bytes are decoded with a streaming `TextDecoder`, so a chunk boundary
 * inside a multi-byte character is harmless.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { apiErrorFor, errorFields, StreamFormatError, type APIError } from './errors'
import type { MessageStreamEvent } from './types'

/** One decoded SSE frame: the `event:` name (or `message`) and the raw `data:` text. */
export interface SseFrame {
  event: string
  data: string
}

/** What {@link createSseDecoder} returns. */
export interface SseDecoder {
  /** Feeds the next chunk of bytes (any split, even inside a UTF-8 sequence). */
  push(chunk: Uint8Array): void
  /** Flushes a trailing partial character and any frame not yet ended by a blank line. */
  end(): void
}

/**
 * Decodes SSE bytes into frames, calling `onFrame` for each in order. Comments and `retry:` are
 * ignored. The decoder is synchronous and keeps no more than the unfinished frame in memory.
 */
export function createSseDecoder(onFrame: (frame: SseFrame) => void): SseDecoder {
  const text = new TextDecoder('utf-8')
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      onFrame({ event: message.event ?? 'message', data: message.data })
    },
  })
  return {
    push(chunk) {
      parser.feed(text.decode(chunk, { stream: true }))
    },
    end() {
      const rest = text.decode()
      if (rest) parser.feed(rest)
      // A last frame without its blank line is still delivered (Anthropic always ends with one).
      parser.feed('\n\n')
    },
  }
}

/** Context for turning frames into events: used to fill in an `event: error`'s request id. */
export interface FrameContext {
  requestId?: string
  headers?: Record<string, string>
}

/**
 * Turns one SSE frame into a typed event: `undefined` for `ping` (and empty keepalive frames),
 * the {@link APIError} subclass for `event: error` (returned, not thrown, so callers decide),
 * the parsed event otherwise.
 * @throws {StreamFormatError} when the data is not JSON.
 */
export function frameToEvent(
  frame: SseFrame,
  context: FrameContext = {},
): MessageStreamEvent | APIError | undefined {
  if (frame.event === 'ping' || frame.data === '') return undefined
  let data: unknown
  try {
    data = JSON.parse(frame.data)
  } catch (err) {
    throw new StreamFormatError(`invalid JSON in SSE event "${frame.event}"`, { cause: err })
  }
  const type =
    typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined
  if (frame.event === 'error' || type === 'error') {
    const { type: errorType, message, requestId } = errorFields(data)
    return apiErrorFor({
      type: errorType,
      message: message ?? 'error event in stream',
      requestId: context.requestId ?? requestId,
      headers: context.headers,
      body: data,
    })
  }
  if (type === 'ping') return undefined
  if (typeof type !== 'string') {
    throw new StreamFormatError(`SSE event "${frame.event}" has no type`)
  }
  return data as MessageStreamEvent
}
