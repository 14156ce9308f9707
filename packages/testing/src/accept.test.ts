import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from './fake-upstream'
import type { FakeAccept, FakeUpstream } from './types'

let up: FakeUpstream | undefined
afterEach(async () => {
  await up?.close()
  up = undefined
})

async function start(accept: FakeAccept): Promise<FakeUpstream> {
  up = await startFakeUpstream({ accept })
  return up
}

function post(
  u: FakeUpstream,
  headers: Record<string, string>,
  model = 'relay-sonnet',
  path = '/v1/messages',
): Promise<Response> {
  return fetch(`${u.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(5000),
  })
}

async function errorOf(res: Response): Promise<{ type: string; message: string }> {
  const body = (await res.json()) as { type: string; error: { type: string; message: string } }
  expect(body.type).toBe('error')
  return body.error
}

describe('accept.auth bearer', () => {
  const accept: FakeAccept = { auth: 'bearer', key: 'sk-relay' }

  it('refuses an x-api-key header alone with 401 authentication_error', async () => {
    const u = await start(accept)
    const res = await post(u, { 'x-api-key': 'sk-relay' })
    expect(res.status).toBe(401)
    expect((await errorOf(res)).type).toBe('authentication_error')
  })

  it('refuses a wrong bearer key and accepts the right one', async () => {
    const u = await start(accept)
    const wrong = await post(u, { authorization: 'Bearer sk-other' })
    expect(wrong.status).toBe(401)
    expect((await errorOf(wrong)).type).toBe('authentication_error')
    const ok = await post(u, { authorization: 'Bearer sk-relay' })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { type: string }).type).toBe('message')
    expect(u.requests).toHaveLength(2)
  })

  it('does not consume a queued behaviour for a refused request', async () => {
    const u = await start(accept)
    u.enqueue({ kind: 'status', status: 529 })
    expect((await post(u, {})).status).toBe(401)
    expect((await post(u, { authorization: 'Bearer sk-relay' })).status).toBe(529)
  })
})

describe('accept.auth x-api-key', () => {
  it('refuses a bearer header alone and a wrong key, accepts the key', async () => {
    const u = await start({ auth: 'x-api-key', key: 'sk-a' })
    expect((await post(u, { authorization: 'Bearer sk-a' })).status).toBe(401)
    expect((await post(u, { 'x-api-key': 'sk-b' })).status).toBe(401)
    expect((await post(u, { 'x-api-key': 'sk-a' })).status).toBe(200)
  })
})

describe('accept.models', () => {
  it('answers 404 not_found_error "model: <id>" for a model not served', async () => {
    const u = await start({ models: ['relay-sonnet'] })
    const res = await post(u, {}, 'claude-sonnet-4-5-20250929')
    expect(res.status).toBe(404)
    expect(await errorOf(res)).toEqual({
      type: 'not_found_error',
      message: 'model: claude-sonnet-4-5-20250929',
    })
    const counted = await post(u, {}, 'claude-x', '/v1/messages/count_tokens')
    expect(counted.status).toBe(404)
    expect((await post(u, {}, 'relay-sonnet')).status).toBe(200)
    expect((await post(u, {}, 'relay-sonnet', '/v1/messages/count_tokens')).status).toBe(200)
  })

  it('checks the credentials before the model', async () => {
    const u = await start({ auth: 'bearer', key: 'k', models: ['m'] })
    expect((await post(u, { 'x-api-key': 'k' }, 'other')).status).toBe(401)
    expect((await post(u, { authorization: 'Bearer k' }, 'other')).status).toBe(404)
  })

  it('does not check the model of GET /v1/models', async () => {
    const u = await start({ models: ['relay-sonnet'] })
    const res = await fetch(`${u.url}/v1/models`, { signal: AbortSignal.timeout(5000) })
    expect(res.status).toBe(200)
  })
})
