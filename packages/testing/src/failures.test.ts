import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from './fake-upstream'
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

function post(u: FakeUpstream, path = '/v1/messages', init: RequestInit = {}): Promise<Response> {
  return fetch(`${u.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-x', max_tokens: 10, messages: [] }),
    signal: AbortSignal.timeout(5000),
    ...init,
  })
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const EXPECTED: Array<[number, string]> = [
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [502, 'api_error'],
  [503, 'api_error'],
  [529, 'overloaded_error'],
]

describe('failure behaviours', () => {
  it.each(EXPECTED)('status %i answers Anthropic error type %s', async (status, type) => {
    const u = await start()
    u.enqueue({ kind: 'status', status })
    const res = await post(u)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('request-id')).toMatch(/^req_/)
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type, message: expect.any(String) },
    })
  })

  it('429 carries retry-after, overridable with headers', async () => {
    const u = await start()
    u.enqueue({ kind: 'status', status: 429 })
    u.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7' } })
    expect((await post(u)).headers.get('retry-after')).toBe('1')
    expect((await post(u)).headers.get('retry-after')).toBe('7')
  })

  it('status uses a custom body and headers', async () => {
    const u = await start()
    u.enqueue({ kind: 'status', status: 418, body: { hello: 'x' }, headers: { 'x-extra': 'y' } })
    u.enqueue({ kind: 'status', status: 502, body: '<html>bad gateway</html>' })
    const a = await post(u)
    expect(a.status).toBe(418)
    expect(a.headers.get('x-extra')).toBe('y')
    expect(await a.json()).toEqual({ hello: 'x' })
    expect(await (await post(u)).text()).toBe('<html>bad gateway</html>')
  })

  it('applies behaviours to count_tokens and models too', async () => {
    const u = await start()
    u.enqueue({ kind: 'status', status: 503 }, { kind: 'status', status: 401 })
    expect((await post(u, '/v1/messages/count_tokens')).status).toBe(503)
    const models = await fetch(`${u.url}/v1/models`, { signal: AbortSignal.timeout(5000) })
    expect(models.status).toBe(401)
    u.enqueue({ kind: 'reset' })
    await expect(
      fetch(`${u.url}/v1/models`, { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow()
  })

  it('reset destroys the socket before any headers (fetch error)', async () => {
    const u = await start()
    u.enqueue({ kind: 'reset' })
    await expect(post(u)).rejects.toThrow(TypeError)
    expect(u.requests).toHaveLength(1)
    expect((await post(u)).status).toBe(200)
  })

  it('hang never answers until close() releases it', async () => {
    const u = await start()
    u.enqueue({ kind: 'hang' })
    const t0 = Date.now()
    const pending = post(u).then(
      () => 'answered',
      () => 'failed',
    )
    await waitFor(() => u.requests.length === 1)
    const early = await Promise.race([pending, new Promise((r) => setTimeout(r, 100, 'pending'))])
    expect(early).toBe('pending')
    await u.close()
    expect(await pending).toBe('failed')
    expect(Date.now() - t0).toBeLessThan(3000)
  })

  it('hang is released when the client aborts', async () => {
    const u = await start()
    u.setDefault({ kind: 'hang' })
    await expect(post(u, '/v1/messages', { signal: AbortSignal.timeout(100) })).rejects.toThrow()
    const t0 = Date.now()
    await u.close()
    expect(Date.now() - t0).toBeLessThan(1000)
  })

  it('redirects with 307 by default, or the given status', async () => {
    const u = await start()
    u.enqueue({ kind: 'redirect', location: 'http://127.0.0.1:1/elsewhere' })
    u.enqueue({ kind: 'redirect', location: '/v1/models', status: 302 })
    const a = await post(u, '/v1/messages', { redirect: 'manual' })
    expect(a.status).toBe(307)
    expect(a.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere')
    const b = await fetch(`${u.url}/v1/models`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    })
    expect(b.status).toBe(302)
  })
})
