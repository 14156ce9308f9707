import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createClient } from './client'
import { APITimeoutError, RateLimitError } from './errors'
import { probeMessagesApi } from './probe'

let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.reset())

describe('probeMessagesApi', () => {
  it('passes on a 2xx and sends a tiny Claude Code request', async () => {
    const client = createClient({ baseUrl: upstream.url, apiKey: 'node-key' })
    let t = 0
    const result = await probeMessagesApi(client, { model: 'small', now: () => (t += 7) })
    expect(result).toEqual({ ok: true, latencyMs: 7 })
    const [request] = upstream.requests
    expect(request?.path).toBe('/v1/messages?beta=true')
    expect(request?.headers['x-app']).toBe('cli')
    expect(request?.json).toMatchObject({ model: 'small', max_tokens: 1, stream: false })
    expect((request?.json as { tools?: unknown }).tools).toBeUndefined()
  })

  it('sends a bare request with style: plain', async () => {
    const client = createClient({ baseUrl: upstream.url, apiKey: 'node-key' })
    expect((await probeMessagesApi(client, { style: 'plain' })).ok).toBe(true)
    const [request] = upstream.requests
    expect(request?.path).toBe('/v1/messages')
    expect(request?.headers['x-app']).toBeUndefined()
  })

  it('reports an error answer without throwing and without retrying', async () => {
    upstream.enqueue({ kind: 'status', status: 429 })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k', maxRetries: 3 })
    const result = await probeMessagesApi(client)
    expect(result.ok).toBe(false)
    expect(result.status).toBe(429)
    expect(result.error).toBeInstanceOf(RateLimitError)
    expect(result.detail).toMatch(/^429 rate_limit_error: /)
    expect(upstream.requests).toHaveLength(1)
  })

  it('times out', async () => {
    upstream.enqueue({ kind: 'hang' })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    const result = await probeMessagesApi(client, { timeoutMs: 100 })
    expect(result.ok).toBe(false)
    expect(result.error).toBeInstanceOf(APITimeoutError)
  })
})
