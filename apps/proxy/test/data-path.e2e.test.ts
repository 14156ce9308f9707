import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseSseFrames, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const TENANT_KEY = 'default-proxy-key'
const NODE_KEY = 'sk-ant-node-key-0123456789'

let upstream: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: NODE_KEY })
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
})
beforeEach(() => upstream.reset())

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'x-api-key': TENANT_KEY },
) {
  return fetch(`${qcc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  })
}

describe('data path, end to end', () => {
  it('answers /healthz and serves the console at /admin', async () => {
    expect(await (await fetch(`${qcc.url}/healthz`)).json()).toEqual({ status: 'ok' })
    const admin = await fetch(`${qcc.url}/admin`)
    expect(admin.status).toBe(200)
    expect(admin.headers.get('content-type')).toContain('text/html')
    expect(await admin.text()).toContain('<div id="app">')
  })

  it('passes a non-streaming answer through intact, with the node named', async () => {
    const res = await post('/v1/messages', MESSAGE_BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('default')
    expect(res.headers.get('x-proxy-node')).toBe('default')
    expect(res.headers.get('x-qcc-request-id')).toMatch(/^req_qcc_/)
    const body = (await res.json()) as {
      type: string
      content: Array<{ text: string }>
      usage: unknown
    }
    expect(body.type).toBe('message')
    expect(body.content[0]?.text).toBe('Hello from the fake upstream.')
    expect(upstream.requests).toHaveLength(1)
    expect(upstream.requests[0]?.json).toEqual(MESSAGE_BODY)
  })

  it('streams events as the upstream sends them, not in one burst at the end', async () => {
    upstream.enqueue({ kind: 'ok', events: 5, eventDelayMs: 120 })
    const started = Date.now()
    const res = await post('/v1/messages?beta=true', { ...MESSAGE_BODY, stream: true })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    const arrivals: Array<{ at: number; text: string }> = []
    for (let i = 0; i < 100; i++) {
      const { done, value } = await reader.read()
      if (done) break
      arrivals.push({ at: Date.now() - started, text: decoder.decode(value, { stream: true }) })
    }
    const text = arrivals.map((a) => a.text).join('')
    const frames = parseSseFrames(text)
    expect(frames.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    const firstDelta = arrivals.find((a) => a.text.includes('content_block_delta'))
    const last = arrivals[arrivals.length - 1]
    expect(firstDelta && last).toBeTruthy()
    // 5 deltas 120 ms apart: the first must reach us long before the last (no buffering).
    expect((last?.at ?? 0) - (firstDelta?.at ?? 0)).toBeGreaterThanOrEqual(300)
    expect(arrivals.length).toBeGreaterThanOrEqual(4)
    expect(upstream.requests[0]?.path).toBe('/v1/messages?beta=true')
  })

  it('sends the node key upstream and never the tenant key', async () => {
    await post('/v1/messages', MESSAGE_BODY, {
      authorization: `Bearer ${TENANT_KEY}`,
      cookie: 'session_token=x',
    })
    const seen = upstream.requests[0]
    expect(seen?.headers['x-api-key']).toBe(NODE_KEY)
    expect(seen?.headers.authorization).toBeUndefined()
    expect(seen?.headers.cookie).toBeUndefined()
    expect(seen?.headers['accept-encoding']).toBe('identity')
    expect(seen?.headers['anthropic-version']).toBe('2023-06-01')
    expect(JSON.stringify(seen?.headers)).not.toContain(TENANT_KEY)
  })

  it('refuses an unknown or missing key with 401 and never calls the upstream', async () => {
    const attempts: Array<Record<string, string>> = [
      { 'x-api-key': 'nope' },
      { authorization: 'Bearer nope' },
      {},
    ]
    for (const headers of attempts) {
      const res = await post('/v1/messages', MESSAGE_BODY, headers)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: expect.any(String) },
      })
    }
    expect(upstream.requests).toHaveLength(0)
  })

  it('proxies count_tokens and models; other /v1 paths are 404 and never forwarded', async () => {
    const count = await post('/v1/messages/count_tokens', MESSAGE_BODY)
    expect(count.status).toBe(200)
    expect(await count.json()).toEqual({ input_tokens: expect.any(Number) })
    const models = await fetch(`${qcc.url}/v1/models`, { headers: { 'x-api-key': TENANT_KEY } })
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0)
    const other = await post('/v1/complete', MESSAGE_BODY)
    expect(other.status).toBe(404)
    expect(((await other.json()) as { error: { type: string } }).error.type).toBe('not_found_error')
    expect(upstream.requests.map((r) => r.path)).toEqual([
      '/v1/messages/count_tokens',
      '/v1/models',
    ])
  })

  it('answers malformed JSON with 400 without an upstream call', async () => {
    const res = await fetch(`${qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TENANT_KEY },
      body: '{"model": ',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
      'invalid_request_error',
    )
    expect(upstream.requests).toHaveLength(0)
  })
})
