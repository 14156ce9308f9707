import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from './fake-upstream'
import { FAKE_TEXT, FAKE_USAGE } from './message'
import { parseSseFrames } from './sse'
import type { FakeUpstream } from './types'

let up: FakeUpstream | undefined
afterEach(async () => {
  await up?.close()
  up = undefined
})

async function start(): Promise<FakeUpstream> {
  up = await startFakeUpstream()
  return up
}

function stream(u: FakeUpstream, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${u.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-x', max_tokens: 32000, stream: true, ...extra }),
    signal: AbortSignal.timeout(5000),
  })
}

/** Reads a body chunk by chunk, keeping what arrived before an error. */
async function readAll(res: Response): Promise<{ text: string; error?: unknown }> {
  const reader = res.body?.getReader()
  const decoder = new TextDecoder()
  let text = ''
  if (!reader) return { text }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { text }
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    return { text, error }
  }
}

const SEQUENCE = ['message_start', 'content_block_start', 'ping']
const TAIL = ['content_block_stop', 'message_delta', 'message_stop']

describe('streaming answers', () => {
  it('sends the faithful SSE sequence with the final usage', async () => {
    const u = await start()
    const res = await stream(u)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('request-id')).toMatch(/^req_/)
    const text = await res.text()
    expect(text).toMatch(/^event: message_start\ndata: \{.*\}\n\n/)
    const frames = parseSseFrames(text)
    const deltas = Array<string>(5).fill('content_block_delta')
    expect(frames.map((f) => f.event)).toEqual([...SEQUENCE, ...deltas, ...TAIL])
    for (const f of frames) expect(f.data.type).toBe(f.event)
    const first = frames[0]?.data.message
    expect(first).toMatchObject({ id: expect.stringMatching(/^msg_/), model: 'claude-x' })
    expect(first.usage).toEqual({
      input_tokens: 25,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 5,
      cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 },
      output_tokens: 1,
    })
    expect(frames[1]?.data.content_block).toEqual({ type: 'text', text: '' })
    const joined = frames
      .filter((f) => f.event === 'content_block_delta')
      .map((f) => f.data.delta.text)
      .join('')
    expect(joined).toBe(FAKE_TEXT)
    const delta = frames.find((f) => f.event === 'message_delta')?.data
    expect(delta).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: FAKE_USAGE.output_tokens },
    })
  })

  it('honours events, text and usage of the behaviour', async () => {
    const u = await start()
    u.enqueue({
      kind: 'ok',
      events: 20,
      text: 'twenty pieces of text',
      usage: { output_tokens: 99 },
    })
    const frames = parseSseFrames(await (await stream(u)).text())
    const deltas = frames.filter((f) => f.event === 'content_block_delta')
    expect(deltas).toHaveLength(20)
    expect(deltas.map((f) => f.data.delta.text).join('')).toBe('twenty pieces of text')
    expect(frames.at(-2)?.data.usage).toEqual({ output_tokens: 99 })
  })

  it('spreads the deltas over time with eventDelayMs', async () => {
    const u = await start()
    u.enqueue({ kind: 'ok', events: 5, eventDelayMs: 50 })
    const t0 = performance.now()
    const res = await stream(u)
    const { text } = await readAll(res)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150)
    expect(parseSseFrames(text)).toHaveLength(11)
  })

  it('delays the first byte with firstByteDelayMs', async () => {
    const u = await start()
    u.enqueue({ kind: 'ok', firstByteDelayMs: 120 })
    const t0 = performance.now()
    const res = await stream(u)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100)
    expect(res.status).toBe(200)
    await res.text()
  })

  it('cuts the connection after N events', async () => {
    const u = await start()
    u.enqueue({ kind: 'cut', afterEvents: 4 })
    const res = await stream(u)
    expect(res.status).toBe(200)
    const { text, error } = await readAll(res)
    expect(error).toBeDefined()
    expect(parseSseFrames(text).map((f) => f.event)).toEqual([...SEQUENCE, 'content_block_delta'])
  })

  it('cuts right after the headers with afterEvents 0', async () => {
    const u = await start()
    u.enqueue({ kind: 'cut', afterEvents: 0 })
    const res = await stream(u)
    expect(res.status).toBe(200)
    const { text, error } = await readAll(res)
    expect(error).toBeDefined()
    expect(text).toBe('')
  })

  it('sends event: error as the very first event', async () => {
    const u = await start()
    u.enqueue({ kind: 'sse-error', afterEvents: 0 })
    const res = await stream(u)
    expect(res.status).toBe(200)
    expect(parseSseFrames(await res.text())).toEqual([
      {
        event: 'error',
        data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      },
    ])
  })

  it('sends event: error mid-stream, then ends', async () => {
    const u = await start()
    u.enqueue({ kind: 'sse-error', afterEvents: 5, errorType: 'api_error', message: 'boom' })
    const frames = parseSseFrames(await (await stream(u)).text())
    expect(frames.map((f) => f.event)).toEqual([
      ...SEQUENCE,
      'content_block_delta',
      'content_block_delta',
      'error',
    ])
    expect(frames.at(-1)?.data.error).toEqual({ type: 'api_error', message: 'boom' })
  })

  it('stops writing when the client aborts mid-stream', async () => {
    const u = await start()
    u.enqueue({ kind: 'ok', events: 50, eventDelayMs: 20 })
    const ctl = new AbortController()
    const res = await fetch(`${u.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ stream: true }),
      signal: ctl.signal,
    })
    const reader = res.body?.getReader()
    await reader?.read()
    ctl.abort()
    // The server must still answer the next request promptly.
    const next = await fetch(`${u.url}/v1/models`, { signal: AbortSignal.timeout(5000) })
    expect(next.status).toBe(200)
  })
})
