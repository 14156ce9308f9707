// The eventsource-parser based accumulator that the byte scanner replaced; the property test
// checks the two agree on random streams.
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser'
import { emptyUsage } from '../usage/types'
import {
  applyStreamEvent,
  type AccumulatorOptions,
  type UsageAccumulator,
} from '../usage/accumulator'

interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string
}
// TextDecoder is in every JS runtime core targets, but not in the ES lib core compiles against
// (no DOM or Node types, so neither can leak into the public API).
const TextDecoderCtor = (globalThis as unknown as { TextDecoder: new (label?: string) => Decoder })
  .TextDecoder

/** The reference: eventsource-parser frames the stream; events mean what they mean in core. */
export function createReferenceAccumulator(options: AccumulatorOptions = {}): UsageAccumulator {
  const usage = emptyUsage()
  const decoder = new TextDecoderCtor('utf-8')
  let overflowed = false
  let ended = false

  const onEvent = (event: EventSourceMessage): void =>
    applyStreamEvent(usage, event.event, event.data)

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
