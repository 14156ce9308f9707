import { describe, it, expect, beforeAll, afterAll, beforeEach, vi } from 'vitest'
import { FAKE_MODELS, FAKE_TEXT, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createClient } from './client'
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  NotFoundError,
  OverloadedError,
} from './errors'

let upstream: FakeUpstream
const client = () => createClient({ baseUrl: upstream.url, apiKey: 'sk-test' })
const body = {
  model: 'claude-haiku-5-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
}

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.reset())

describe('messages.create', () => {
  it('returns the message and sends the auth and version headers', async () => {
    const message = await client().messages.create(body)
    expect(message.content).toEqual([{ type: 'text', text: FAKE_TEXT }])
    expect(message.model).toBe('claude-haiku-5-5')
    expect(message.usage.input_tokens).toBeGreaterThan(0)
    const [request] = upstream.requests
    expect(request?.path).toBe('/v1/messages')
    expect(request?.headers['x-api-key']).toBe('sk-test')
    expect(request?.headers['anthropic-version']).toBe('2023-06-01')
    expect(request?.json).toMatchObject({ ...body, stream: false })
  })

  it('sends a bearer token, extra headers and the query', async () => {
    const bearer = createClient({
      baseUrl: upstream.url + '/',
      authToken: 'tok',
      headers: { 'X-A': '1' },
    })
    await bearer.messages.create(body, { query: { beta: 'true' }, headers: { 'x-b': '2' } })
    const [request] = upstream.requests
    expect(request?.path).toBe('/v1/messages?beta=true')
    expect(request?.headers).toMatchObject({ authorization: 'Bearer tok', 'x-a': '1', 'x-b': '2' })
    expect(request?.headers['x-api-key']).toBeUndefined()
  })

  it('times out with APITimeoutError', async () => {
    upstream.enqueue({ kind: 'hang' })
    const fast = createClient({ baseUrl: upstream.url, apiKey: 'k', timeoutMs: 100 })
    await expect(fast.messages.create(body)).rejects.toBeInstanceOf(APITimeoutError)
  })

  it('maps a reset connection to APIConnectionError', async () => {
    upstream.enqueue({ kind: 'reset' })
    const error = await client()
      .messages.create(body)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIConnectionError)
    expect(error).toMatchObject({ retryable: true })
  })

  it('aborts with APIUserAbortError', async () => {
    upstream.enqueue({ kind: 'hang' })
    const controller = new AbortController()
    const pending = client().messages.create(body, { signal: controller.signal })
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(1)) // in flight, unanswered
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError)
  })
})

describe('messages.stream', () => {
  it('yields typed events and accumulates the final message', async () => {
    upstream.enqueue({ kind: 'ok', text: 'Bonjour 世界 👋', events: 4 })
    const stream = client().messages.stream(body)
    const types: string[] = []
    let text = ''
    for await (const event of stream) {
      types.push(event.type)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text
      }
    }
    expect(text).toBe('Bonjour 世界 👋')
    expect(types).not.toContain('ping')
    expect(types[0]).toBe('message_start')
    expect(types[types.length - 1]).toBe('message_stop')
    const final = await stream.finalMessage()
    expect(final.content).toEqual([{ type: 'text', text: 'Bonjour 世界 👋' }])
    expect(final.stop_reason).toBe('end_turn')
    expect(final.usage).toMatchObject({ input_tokens: 25, output_tokens: 4 })
    expect(stream.requestId).toMatch(/^req_/)
    expect(upstream.requests[0]?.json).toMatchObject({ stream: true })
  })

  it('finalMessage() reads the stream when nobody iterates', async () => {
    const stream = client().messages.stream(body)
    expect(await stream.finalText()).toBe(FAKE_TEXT)
  })

  it('throws the typed error of an event: error frame', async () => {
    upstream.enqueue({ kind: 'sse-error', afterEvents: 4, errorType: 'overloaded_error' })
    const stream = client().messages.stream(body)
    const seen: string[] = []
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OverloadedError)
    expect(error).toMatchObject({ type: 'overloaded_error', status: undefined })
    expect(seen).toContain('content_block_delta')
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(OverloadedError)
  })

  it('a cut connection is an APIConnectionError', async () => {
    upstream.enqueue({ kind: 'cut', afterEvents: 4 })
    await expect(client().messages.stream(body).finalMessage()).rejects.toBeInstanceOf(
      APIConnectionError,
    )
  })

  it('an HTTP error surfaces when the stream is read', async () => {
    upstream.enqueue({ kind: 'status', status: 401 })
    const stream = client().messages.stream(body)
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(AuthenticationError)
  })

  it('times out before the first byte, but not once the stream has started', async () => {
    const fast = createClient({ baseUrl: upstream.url, apiKey: 'k', timeoutMs: 150 })
    upstream.enqueue({ kind: 'ok', firstByteDelayMs: 1_000 })
    await expect(fast.messages.stream(body).finalMessage()).rejects.toBeInstanceOf(APITimeoutError)
    upstream.enqueue({ kind: 'ok', events: 5, eventDelayMs: 60 })
    expect(await fast.messages.stream(body).finalText()).toBe(FAKE_TEXT)
  })

  it('aborts mid-stream through the signal', async () => {
    upstream.enqueue({ kind: 'ok', events: 50, eventDelayMs: 20 })
    const controller = new AbortController()
    const stream = client().messages.stream(body, { signal: controller.signal })
    let deltas = 0
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++deltas === 3) controller.abort()
      }
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIUserAbortError)
    expect(deltas).toBe(3)
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(APIUserAbortError)
  })

  it('breaking out of the loop aborts the request', async () => {
    upstream.enqueue({ kind: 'ok', events: 50, eventDelayMs: 20 })
    const stream = client().messages.stream(body)
    for await (const event of stream) if (event.type === 'content_block_delta') break
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(APIUserAbortError)
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/)
  })

  it('stream.abort() stops a stream', async () => {
    upstream.enqueue({ kind: 'ok', events: 50, eventDelayMs: 20 })
    const stream = client().messages.stream(body)
    const final = stream.finalMessage()
    await vi.waitFor(() => expect(stream.response).toBeDefined()) // headers in, events to come
    stream.abort()
    await expect(final).rejects.toBeInstanceOf(APIUserAbortError)
  })
})

describe('countTokens and models', () => {
  it('counts tokens', async () => {
    const { model: _m, ...rest } = body
    const result = await client().messages.countTokens({
      model: 'claude-haiku-5-5',
      messages: rest.messages,
    })
    expect(result.input_tokens).toBeGreaterThan(0)
    expect(upstream.requests[0]?.path).toBe('/v1/messages/count_tokens')
  })

  it('lists models and gets one', async () => {
    const page = await client().models.list({ limit: 10 })
    expect(page.data.map((m) => m.id)).toEqual(FAKE_MODELS.map((m) => m.id))
    expect(upstream.requests[0]?.path).toBe('/v1/models?limit=10')
    const first = FAKE_MODELS[0]
    const model = await client().models.get(first?.id ?? '')
    expect(model).toEqual(first)
  })

  it('an unknown model is NotFoundError', async () => {
    const error = await client()
      .models.get('claude-nope')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).toMatchObject({ status: 404, type: 'not_found_error' })
  })
})

describe('createClient', () => {
  it('refuses a base URL that is not http(s)', () => {
    expect(() => createClient({ baseUrl: 'ftp://x' })).toThrow(TypeError)
  })
})
