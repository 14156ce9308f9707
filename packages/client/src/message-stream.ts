/**
 * A streamed answer: an async iterator of typed events, plus the accumulated final message.
 */
import { createMessageAccumulator } from './accumulate'
import { APIConnectionError, APIError, APIUserAbortError } from './errors'
import { createSseDecoder, frameToEvent, type SseFrame } from './sse'
import type { OpenResponse } from './transport'
import type { Message, MessageStreamEvent } from './types'

/**
 * A running `messages.stream()` request. Iterate it once for the events (`ping` dropped,
 * `event: error` thrown as an {@link APIError}), and/or await {@link MessageStream.finalMessage}.
 * Leaving the loop early (break, throw) aborts the request.
 *
 * @example
 * const stream = client.messages.stream({ model, max_tokens: 1024, messages })
 * for await (const event of stream) {
 *   if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') write(event.delta.text)
 * }
 * const { usage } = await stream.finalMessage()
 */
export class MessageStream implements AsyncIterable<MessageStreamEvent> {
  readonly #controller: AbortController
  readonly #detach: () => void
  readonly #open: Promise<OpenResponse>
  readonly #final: Promise<Message>
  #settle!: { resolve(m: Message): void; reject(e: unknown): void }
  #started = false
  #response: Response | undefined
  #requestId: string | undefined

  /**
   * Used by the client; `open` starts the request with the signal it is given.
   * @internal
   */
  constructor(open: (signal: AbortSignal) => Promise<OpenResponse>, callerSignal?: AbortSignal) {
    this.#controller = new AbortController()
    const onAbort = () => this.#controller.abort(callerSignal?.reason)
    if (callerSignal?.aborted) onAbort()
    else callerSignal?.addEventListener('abort', onAbort, { once: true })
    this.#detach = () => callerSignal?.removeEventListener('abort', onAbort)
    this.#final = new Promise<Message>((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    // Both promises may be ignored by the caller; their rejections must not be "unhandled".
    this.#final.catch(() => undefined)
    this.#open = open(this.#controller.signal)
    this.#open.catch(() => undefined)
  }

  /** The HTTP response once headers have arrived (`undefined` before). */
  get response(): Response | undefined {
    return this.#response
  }

  /** The upstream's `request-id`, once headers have arrived. */
  get requestId(): string | undefined {
    return this.#requestId
  }

  /** Aborts the request; iteration and {@link finalMessage} reject with `APIUserAbortError`. */
  abort(): void {
    this.#controller.abort(new APIUserAbortError('stream aborted'))
  }

  /** The events, once. @throws {Error} when the stream is iterated a second time. */
  [Symbol.asyncIterator](): AsyncIterator<MessageStreamEvent> {
    if (this.#started) throw new Error('a MessageStream can be iterated only once')
    this.#started = true
    return this.#run()
  }

  /**
   * The complete message (content joined, tool input parsed, usage from `message_delta` merged
   * in). Reads the stream itself when nobody iterates it.
   * @throws the error that ended the stream.
   */
  async finalMessage(): Promise<Message> {
    if (!this.#started) {
      this.#started = true
      // Bounded by the stream's own end: the loop only drains.
      for await (const _event of this.#run()) void _event
    }
    return this.#final
  }

  /** The text of all `text` blocks of the final message, joined. */
  async finalText(): Promise<string> {
    const message = await this.finalMessage()
    return message.content
      .map((block) =>
        block.type === 'text' ? String((block as { text?: unknown }).text ?? '') : '',
      )
      .join('')
  }

  async *#run(): AsyncGenerator<MessageStreamEvent> {
    let open: OpenResponse | undefined
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
    let finished = false
    try {
      open = await this.#open
      this.#response = open.response
      this.#requestId = open.requestId
      open.stopTimer()
      if (!open.response.body) throw new APIConnectionError('the stream answer has no body')
      reader = open.response.body.getReader()
      const accumulator = createMessageAccumulator()
      const frames: SseFrame[] = []
      const decoder = createSseDecoder((frame) => frames.push(frame))
      const context = { requestId: open.requestId }
      let ended = false
      while (!ended) {
        let chunk: Awaited<ReturnType<typeof reader.read>>
        try {
          chunk = await reader.read()
        } catch (err) {
          throw open.mapError(err)
        }
        if (chunk.done) {
          ended = true
          decoder.end()
        } else decoder.push(chunk.value)
        for (const frame of frames.splice(0)) {
          const event = frameToEvent(frame, context)
          if (event === undefined) continue
          if (event instanceof APIError) throw event
          accumulator.apply(event)
          yield event
        }
      }
      if (!accumulator.done || !accumulator.message) {
        throw new APIConnectionError('the stream ended before message_stop')
      }
      finished = true
      this.#settle.resolve(accumulator.message)
    } catch (err) {
      const error = open && !(err instanceof APIError) ? open.mapError(err) : err
      this.#settle.reject(error)
      throw error
    } finally {
      if (!finished) {
        // Early exit (break, error, abort): stop the upstream request and free the socket.
        if (!this.#controller.signal.aborted) {
          this.#controller.abort(new APIUserAbortError('stream closed by the consumer'))
          this.#settle.reject(new APIUserAbortError('stream closed by the consumer'))
        }
        reader?.cancel().catch(() => undefined)
      }
      open?.release()
      this.#detach()
    }
  }
}
