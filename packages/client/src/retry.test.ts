import { describe, it, expect, beforeAll, afterAll, beforeEach, vi } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createClient } from './client'
import { APIUserAbortError, BadRequestError, RateLimitError } from './errors'
import { retryAfterMs, retryDelayMs, sleep } from './retry'

const headers = (h: Record<string, string>) => new Headers(h)

describe('retryDelayMs', () => {
  it('honours retry-after-ms, then retry-after in seconds or as a date', () => {
    expect(retryDelayMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), 0)).toBe(250)
    expect(retryDelayMs(headers({ 'retry-after': '1.5' }), 0)).toBe(1500)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(
      3000,
    )
  })

  it('falls back to capped exponential backoff with jitter', () => {
    const none = () => 0
    expect(retryDelayMs(undefined, 0, none)).toBe(500)
    expect(retryDelayMs(undefined, 2, none)).toBe(2000)
    expect(retryDelayMs(undefined, 10, none)).toBe(8000)
    expect(retryDelayMs(undefined, 0, () => 0.999)).toBeGreaterThan(375)
    // Waits longer than a minute are not worth it: back to the default.
    expect(retryDelayMs(headers({ 'retry-after': '3600' }), 1, none)).toBe(1000)
    expect(retryDelayMs(headers({ 'retry-after': 'soon' }), 0, none)).toBe(500)
  })

  it('sleep rejects on abort', async () => {
    const controller = new AbortController()
    const pending = sleep(10_000, controller.signal)
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError)
  })
})

describe('retries against the fake upstream', () => {
  let upstream: FakeUpstream
  const body = { model: 'm', max_tokens: 8, messages: [{ role: 'user' as const, content: 'hi' }] }
  beforeAll(async () => {
    upstream = await startFakeUpstream()
  })
  afterAll(async () => {
    await upstream.close()
  })
  beforeEach(() => upstream.reset())

  it('does not retry by default', async () => {
    upstream.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    await expect(client.messages.create(body)).rejects.toBeInstanceOf(RateLimitError)
    expect(upstream.requests).toHaveLength(1)
  })

  it('waits for retry-after before retrying a 429', async () => {
    upstream.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0.3' } })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k', maxRetries: 2 })
    const message = await client.messages.create(body)
    expect(message.type).toBe('message')
    expect(upstream.requests).toHaveLength(2)
    const [first, second] = upstream.requests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(280)
  })

  it('honours retry-after-ms on 529 and stops after maxRetries', async () => {
    upstream.setDefault({ kind: 'status', status: 529, headers: { 'retry-after-ms': '20' } })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k', maxRetries: 2 })
    await expect(client.messages.create(body)).rejects.toMatchObject({ status: 529 })
    expect(upstream.requests).toHaveLength(3)
  })

  it('obeys x-should-retry both ways', async () => {
    upstream.enqueue(
      { kind: 'status', status: 500, headers: { 'x-should-retry': 'false' } },
      { kind: 'status', status: 400, headers: { 'x-should-retry': 'true', 'retry-after-ms': '5' } },
      { kind: 'status', status: 400 },
    )
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k', maxRetries: 3 })
    await expect(client.messages.create(body)).rejects.toMatchObject({ status: 500 })
    expect(upstream.requests).toHaveLength(1)
    await expect(client.messages.create(body)).rejects.toBeInstanceOf(BadRequestError)
    expect(upstream.requests).toHaveLength(3)
  })

  it('retries a reset connection, and streams retry before the first byte', async () => {
    upstream.enqueue(
      { kind: 'reset' },
      { kind: 'status', status: 503, headers: { 'retry-after-ms': '5' } },
    )
    const client = createClient({
      baseUrl: upstream.url,
      apiKey: 'k',
      maxRetries: 2,
      random: () => 1,
    })
    const text = await client.messages.stream(body).finalText()
    expect(text.length).toBeGreaterThan(0)
    expect(upstream.requests).toHaveLength(3)
  })

  it("counts attempts in Claude Code's x-stainless-retry-count", async () => {
    upstream.enqueue({ kind: 'status', status: 500, headers: { 'retry-after-ms': '1' } })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k', maxRetries: 1 })
    await client.messages.create(body, { headers: { 'x-stainless-retry-count': '0' } })
    const counts = upstream.requests.map((r) => r.headers['x-stainless-retry-count'])
    expect(counts).toEqual(['0', '1'])
  })

  it('an abort during the wait ends the retries', async () => {
    upstream.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '30' } })
    // Each answer is read in full before the client gets it, so once one is counted the client
    // goes straight into its 30 s wait (in promise jobs, before any poll below runs again).
    let answered = 0
    const client = createClient({
      baseUrl: upstream.url,
      apiKey: 'k',
      maxRetries: 1,
      fetch: async (url, init) => {
        const res = await fetch(url, init)
        const bytes = await res.arrayBuffer()
        answered++
        return new Response(bytes, res)
      },
    })
    const controller = new AbortController()
    const pending = client.messages.create(body, { signal: controller.signal })
    await vi.waitFor(() => expect(answered).toBe(1))
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError)
    expect(upstream.requests).toHaveLength(1)
  })
})
