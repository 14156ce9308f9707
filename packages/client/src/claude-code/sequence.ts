/**
 * Runs what Claude Code does at start-up: the warmup requests, then the main request, each
 * streamed to the end before the next one starts.
 */
import type { Client } from '../client'
import type { Message, MessageStreamEvent } from '../types'
import type { ClaudeCode, ClaudeCodeRequest } from './builder'

/** Options of {@link runClaudeCodeSequence}. */
export interface ClaudeCodeSequenceOptions {
  client: Client
  claudeCode: ClaudeCode
  /** The user's prompt for the main request. */
  prompt: string
  /** Send the warmups first. Default `true`. */
  warmup?: boolean
  /** Aborts whatever request is running. */
  signal?: AbortSignal
  /** Called before each request is sent (`label` is `Warmup #1`, `Warmup #2`, `Main request`). */
  onRequest?(request: ClaudeCodeRequest): void
  /** Each text delta of the main request, as it arrives. */
  onText?(text: string): void
  /** Every event of every request (warmups included). */
  onEvent?(request: ClaudeCodeRequest, event: MessageStreamEvent): void
}

/** What {@link runClaudeCodeSequence} resolves with. */
export interface ClaudeCodeSequenceResult {
  /** Final messages of the warmups, in order (empty with `warmup: false`). */
  warmups: Message[]
  /** Final message of the main request. */
  message: Message
}

/**
 * Sends the warmups (unless `warmup: false`), then the main request, streaming each.
 * @throws the first error (an {@link APIError} subclass, `APIConnectionError`, ...); later
 * requests are not sent.
 * @example
 * const { message } = await runClaudeCodeSequence({
 *   client, claudeCode: createClaudeCode(), prompt: 'hi', onText: (t) => process.stdout.write(t),
 * })
 */
export async function runClaudeCodeSequence(
  options: ClaudeCodeSequenceOptions,
): Promise<ClaudeCodeSequenceResult> {
  const { client, claudeCode, signal } = options
  const warmups: Message[] = []
  const requests = [
    ...(options.warmup === false ? [] : claudeCode.warmups()),
    claudeCode.request(options.prompt),
  ]
  let message: Message | undefined
  for (const request of requests) {
    options.onRequest?.(request)
    const isMain = request.label === 'Main request'
    const stream = client.messages.stream(request.body, {
      headers: request.headers,
      query: request.query,
      signal,
    })
    for await (const event of stream) {
      options.onEvent?.(request, event)
      if (isMain && event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        options.onText?.(event.delta.text)
      }
    }
    const final = await stream.finalMessage()
    if (isMain) message = final
    else warmups.push(final)
  }
  if (!message) throw new Error('unreachable: the main request always runs')
  return { warmups, message }
}
