/**
 * Builds the final {@link Message} from stream events, the way the API would have answered the
 * same request without `stream: true`.
 */
import { StreamFormatError } from './errors'
import type { ContentBlock, Message, MessageStreamEvent, Usage } from './types'

/** Folds stream events into a message. */
export interface MessageAccumulator {
  /** Applies one event. @throws {StreamFormatError} when events arrive out of order. */
  apply(event: MessageStreamEvent): void
  /** The message so far (`undefined` before `message_start`). */
  readonly message: Message | undefined
  /** Whether `message_stop` has arrived. */
  readonly done: boolean
}

/** Creates an empty {@link MessageAccumulator}. */
export function createMessageAccumulator(): MessageAccumulator {
  let message: Message | undefined
  let done = false
  // Tool input arrives as JSON text in pieces; it is parsed once its block stops.
  const partialJson = new Map<number, string>()

  const blockAt = (index: number, eventType: string): Record<string, unknown> => {
    const block = message?.content[index]
    if (!block) throw new StreamFormatError(`${eventType} for unknown block ${index}`)
    return block as Record<string, unknown>
  }

  const append = (block: Record<string, unknown>, field: string, piece: string) => {
    block[field] = (typeof block[field] === 'string' ? block[field] : '') + piece
  }

  return {
    get message() {
      return message
    },
    get done() {
      return done
    },
    apply(event) {
      if (event.type === 'message_start') {
        message = {
          ...event.message,
          content: [...(event.message.content ?? [])],
          usage: { ...event.message.usage },
        }
        return
      }
      if (!message) throw new StreamFormatError(`${event.type} before message_start`)
      switch (event.type) {
        case 'content_block_start':
          message.content[event.index] = { ...event.content_block } as ContentBlock
          if (event.content_block.type.endsWith('tool_use')) partialJson.set(event.index, '')
          return
        case 'content_block_delta': {
          const block = blockAt(event.index, event.type)
          const delta = event.delta
          if (delta.type === 'text_delta') append(block, 'text', delta.text)
          else if (delta.type === 'thinking_delta') append(block, 'thinking', delta.thinking)
          else if (delta.type === 'signature_delta') block['signature'] = delta.signature
          else if (delta.type === 'input_json_delta')
            partialJson.set(event.index, (partialJson.get(event.index) ?? '') + delta.partial_json)
          else if (delta.type === 'citations_delta')
            block['citations'] = [
              ...(Array.isArray(block['citations']) ? block['citations'] : []),
              delta.citation,
            ]
          return
        }
        case 'content_block_stop': {
          const block = blockAt(event.index, event.type)
          const json = partialJson.get(event.index)
          if (json !== undefined) {
            partialJson.delete(event.index)
            try {
              if (json !== '') block['input'] = JSON.parse(json)
            } catch (err) {
              throw new StreamFormatError(`tool input of block ${event.index} is not JSON`, {
                cause: err,
              })
            }
          }
          return
        }
        case 'message_delta': {
          const { stop_reason, stop_sequence, ...rest } = event.delta
          Object.assign(message, rest)
          message.stop_reason = stop_reason ?? message.stop_reason
          if (stop_sequence !== undefined) message.stop_sequence = stop_sequence
          message.usage = mergeUsage(message.usage, event.usage)
          return
        }
        case 'message_stop':
          done = true
          return
        default:
          // Unknown event types are new API features; they do not change the message.
          return
      }
    },
  }
}

/** `message_delta` usage is cumulative: its non-null fields replace the start's. */
function mergeUsage(base: Usage, delta: Partial<Usage> | undefined): Usage {
  const out: Usage = { ...base }
  for (const [key, value] of Object.entries(delta ?? {})) {
    if (value !== null && value !== undefined) out[key] = value
  }
  return out
}
