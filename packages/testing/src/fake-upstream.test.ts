import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from './fake-upstream'
import { FAKE_MODEL, FAKE_TEXT, FAKE_USAGE } from './message'
import type { FakeUpstream } from './types'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions dig into answers
type Json = any

let up: FakeUpstream | undefined
afterEach(async () => {
  await up?.close()
  up = undefined
})

async function start(): Promise<FakeUpstream> {
  up = await startFakeUpstream({ name: 'test' })
  return up
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  })
}

const MESSAGE = { model: 'claude-opus-4-1-20250805', max_tokens: 1024, messages: [] }

describe('startFakeUpstream', () => {
  it('listens on 127.0.0.1 with a real port', async () => {
    const u = await start()
    expect(u.port).toBeGreaterThan(0)
    expect(u.url).toBe(`http://127.0.0.1:${u.port}`)
  })

  it('answers a non-stream message with a faithful Message JSON', async () => {
    const u = await start()
    const res = await post(`${u.url}/v1/messages?beta=true`, MESSAGE)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('request-id')).toMatch(/^req_01[0-9A-Za-z]{22}$/)
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('999')
    expect(res.headers.get('x-fake-upstream')).toBe('test')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      id: expect.stringMatching(/^msg_01/),
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-1-20250805',
      content: [{ type: 'text', text: FAKE_TEXT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: FAKE_USAGE,
    })
  })

  it('uses the behaviour text, model and usage, and the default model without one', async () => {
    const u = await start()
    u.enqueue({ kind: 'ok', text: 'abc', model: 'm-1', usage: { input_tokens: 7 } })
    const a = (await (await post(`${u.url}/v1/messages`, MESSAGE)).json()) as Json
    expect(a.content[0].text).toBe('abc')
    expect(a.model).toBe('m-1')
    expect(a.usage).toEqual({ ...FAKE_USAGE, input_tokens: 7 })
    const b = (await (await post(`${u.url}/v1/messages`, { messages: [] })).json()) as Json
    expect(b.model).toBe(FAKE_MODEL)
  })

  it('rejects a body that is not JSON with 400 invalid_request_error', async () => {
    const u = await start()
    const res = await post(`${u.url}/v1/messages`, '{nope')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.any(String) },
    })
  })

  it('counts tokens deterministically from the body size', async () => {
    const u = await start()
    const body = JSON.stringify({ ...MESSAGE, pad: 'x'.repeat(400) })
    const a = await (await post(`${u.url}/v1/messages/count_tokens`, body)).json()
    const b = await (await post(`${u.url}/v1/messages/count_tokens`, body)).json()
    expect(a).toEqual({ input_tokens: Math.ceil(Buffer.byteLength(body) / 4) })
    expect(b).toEqual(a)
  })

  it('lists models and finds one, 404 not_found_error for an unknown id', async () => {
    const u = await start()
    const list = (await (await fetch(`${u.url}/v1/models`)).json()) as Json
    expect(list.has_more).toBe(false)
    expect(list.data.length).toBeGreaterThan(0)
    expect(list.first_id).toBe(list.data[0].id)
    expect(list.last_id).toBe(list.data[list.data.length - 1].id)
    for (const m of list.data) {
      expect(Object.keys(m).sort()).toEqual(['created_at', 'display_name', 'id', 'type'])
    }
    const one = await (await fetch(`${u.url}/v1/models/${list.data[0].id}`)).json()
    expect(one).toEqual(list.data[0])
    const missing = await fetch(`${u.url}/v1/models/claude-nope`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as Json).error.type).toBe('not_found_error')
  })

  it('answers HEAD / and unknown routes with 404, records them, consumes no behaviour', async () => {
    const u = await start()
    u.enqueue({ kind: 'status', status: 529 })
    const head = await fetch(`${u.url}/`, { method: 'HEAD', signal: AbortSignal.timeout(5000) })
    expect(head.status).toBe(404)
    const other = await fetch(`${u.url}/v2/whatever`, { signal: AbortSignal.timeout(5000) })
    expect(other.status).toBe(404)
    expect(((await other.json()) as Json).error.type).toBe('not_found_error')
    expect((await post(`${u.url}/v1/messages`, MESSAGE)).status).toBe(529)
    expect(u.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /',
      'GET /v2/whatever',
      'POST /v1/messages',
    ])
  })

  it('records method, path with query, headers, body and size', async () => {
    const u = await start()
    const before = Date.now()
    const body = JSON.stringify({ ...MESSAGE, system: 'é'.repeat(50_000) })
    await post(`${u.url}/v1/messages?beta=true`, body, { 'x-api-key': 'sk-test', 'x-app': 'cli' })
    expect(u.requests).toHaveLength(1)
    const r = u.requests[0]
    expect(r?.method).toBe('POST')
    expect(r?.path).toBe('/v1/messages?beta=true')
    expect(r?.headers['x-api-key']).toBe('sk-test')
    expect(r?.headers['x-app']).toBe('cli')
    expect(r?.bodySize).toBe(Buffer.byteLength(body))
    expect(r?.body).toBe(body)
    expect(r?.json).toEqual(JSON.parse(body))
    expect(r?.at).toBeGreaterThanOrEqual(before)
  })

  it('consumes the queue FIFO, then the default; setDefault and reset', async () => {
    const u = await start()
    u.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 503 })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await post(`${u.url}/v1/messages`, MESSAGE)).status)
    expect(statuses).toEqual([500, 503, 200])
    u.setDefault({ kind: 'status', status: 429 })
    expect((await post(`${u.url}/v1/messages`, MESSAGE)).status).toBe(429)
    u.enqueue({ kind: 'status', status: 401 })
    u.reset()
    expect(u.requests).toHaveLength(0)
    expect((await post(`${u.url}/v1/messages`, MESSAGE)).status).toBe(200)
  })

  it('takes its initial default from the options', async () => {
    up = await startFakeUpstream({ defaultBehaviour: { kind: 'status', status: 529 } })
    expect((await post(`${up.url}/v1/messages`, MESSAGE)).status).toBe(529)
    expect(up.name).toBe('fake-upstream')
  })

  it('close() is idempotent', async () => {
    const u = await start()
    await Promise.all([u.close(), u.close()])
    await expect(
      fetch(`${u.url}/v1/models`, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow()
  })
})
