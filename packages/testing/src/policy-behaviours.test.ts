import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from './fake-upstream'
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

function post(u: FakeUpstream, stream = false): Promise<Response> {
  return fetch(`${u.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-x', max_tokens: 10, messages: [], stream }),
    signal: AbortSignal.timeout(5000),
  })
}

describe('fake-200', () => {
  it('answers 200 with an HTML page as text/html', async () => {
    const u = await start()
    const page = '  <html><body>Bad gateway</body></html>'
    u.enqueue({ kind: 'fake-200', body: page })
    const res = await post(u)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toBe(page)
  })

  it('answers 200 with a JSON error body as application/json, or the given type', async () => {
    const u = await start()
    const body = '{"type":"error","error":{"type":"api_error","message":"upstream down"}}'
    u.enqueue({ kind: 'fake-200', body }, { kind: 'fake-200', body: 'x', contentType: 'text/x' })
    const res = await post(u)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe(body)
    expect((await post(u)).headers.get('content-type')).toBe('text/x')
  })
})

describe('no-stop', () => {
  it('ends the stream cleanly after message_delta, without message_stop', async () => {
    const u = await start()
    u.enqueue({ kind: 'no-stop' })
    const res = await post(u, true)
    expect(res.status).toBe(200)
    const events = parseSseFrames(await res.text()).map((f) => f.event)
    expect(events[0]).toBe('message_start')
    expect(events).toContain('content_block_delta')
    expect(events.at(-1)).toBe('message_delta')
    expect(events).not.toContain('message_stop')
    expect(events).not.toContain('error')
  })

  it('stops after afterEvents frames', async () => {
    const u = await start()
    u.enqueue({ kind: 'no-stop', afterEvents: 4 })
    const events = parseSseFrames(await (await post(u, true)).text()).map((f) => f.event)
    expect(events).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta'])
  })
})
