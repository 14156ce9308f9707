import { randomBytes } from 'node:crypto'
import type { FakeUsage } from './types'

/** Deterministic default usage: input 25, output 5 (one per default delta), cache tokens set. */
export const FAKE_USAGE: FakeUsage = Object.freeze({
  input_tokens: 25,
  output_tokens: 5,
  cache_creation_input_tokens: 10,
  cache_read_input_tokens: 5,
  cache_creation: Object.freeze({ ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 }),
})

/** Text answered when a behaviour gives none. */
export const FAKE_TEXT = 'Hello from the fake upstream.'
/** Number of `content_block_delta` events when a behaviour gives none. */
export const FAKE_EVENTS = 5
/** Model answered when neither the behaviour nor the request names one. */
export const FAKE_MODEL = 'claude-sonnet-4-5-20250929'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** An Anthropic-looking id: `prefix` + `01` + 22 base62 characters (e.g. `msg_01…`, `req_01…`). */
export function fakeId(prefix: string): string {
  const bytes = randomBytes(22)
  let out = `${prefix}01`
  for (const b of bytes) out += BASE62[b % 62]
  return out
}

/** Splits `text` into `n` contiguous, nearly equal pieces whose concatenation is `text`. */
export function splitText(text: string, n: number): string[] {
  if (n <= 0) return []
  const chars = Array.from(text)
  const pieces: string[] = []
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * chars.length) / n)
    const to = Math.floor(((i + 1) * chars.length) / n)
    pieces.push(chars.slice(from, to).join(''))
  }
  return pieces
}

/** What one answer says: resolved from the behaviour and the request. */
export interface AnswerPlan {
  id: string
  model: string
  text: string
  events: number
  usage: FakeUsage
}

/** Resolves the answer for an `ok` behaviour (or the defaults) and a request body. */
export function planAnswer(
  requestJson: unknown,
  opts: { events?: number; text?: string; model?: string; usage?: Partial<FakeUsage> } = {},
): AnswerPlan {
  const events = Math.max(0, Math.floor(opts.events ?? FAKE_EVENTS))
  const requested =
    typeof requestJson === 'object' && requestJson !== null && 'model' in requestJson
      ? (requestJson as { model?: unknown }).model
      : undefined
  const model = opts.model ?? (typeof requested === 'string' ? requested : FAKE_MODEL)
  const usage: FakeUsage = {
    ...FAKE_USAGE,
    cache_creation: FAKE_USAGE.cache_creation && { ...FAKE_USAGE.cache_creation },
    output_tokens: events,
    ...opts.usage,
  }
  return { id: fakeId('msg_'), model, text: opts.text ?? FAKE_TEXT, events, usage }
}

/** A non-streaming Message JSON for a plan. */
export function messageJson(plan: AnswerPlan): Record<string, unknown> {
  return {
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: [{ type: 'text', text: plan.text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: plan.usage,
  }
}

/** The full SSE sequence for a plan, as `[event, data]` pairs in order. */
export function streamEvents(plan: AnswerPlan): Array<[event: string, data: unknown]> {
  const { usage } = plan
  const startUsage: Record<string, unknown> = {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    ...(usage.cache_creation ? { cache_creation: usage.cache_creation } : {}),
    output_tokens: 1,
  }
  const out: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: plan.id,
          type: 'message',
          role: 'assistant',
          model: plan.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: startUsage,
        },
      },
    ],
    [
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ],
    ['ping', { type: 'ping' }],
  ]
  for (const piece of splitText(plan.text, plan.events)) {
    out.push([
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
    ])
  }
  out.push(['content_block_stop', { type: 'content_block_stop', index: 0 }])
  out.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    },
  ])
  out.push(['message_stop', { type: 'message_stop' }])
  return out
}

/** `{ input_tokens }` for count_tokens: deterministic from the body size (about 4 bytes a token). */
export function countTokens(bodySize: number): { input_tokens: number } {
  return { input_tokens: Math.max(1, Math.ceil(bodySize / 4)) }
}
