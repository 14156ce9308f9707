import { describe, expect, it } from 'vitest'
import { fakeApi } from './fake-api'
import { KeyStatusError, keyStatusApi } from './key-status'

describe('GET /key/status transport', () => {
  it('sends the key as x-api-key, never in the URL, and reads the answer', async () => {
    const seen: { url: string; headers: Record<string, string> }[] = []
    const api = keyStatusApi(async (url, init) => {
      seen.push({ url: String(url), headers: init?.headers as Record<string, string> })
      return Response.json({ key: { name: 'k' }, windows: {} })
    })
    const s = await api.get('sk-qcc-secret')
    expect(s.key.name).toBe('k')
    expect(seen).toEqual([
      { url: '/key/status', headers: { accept: 'application/json', 'x-api-key': 'sk-qcc-secret' } },
    ])
  })

  it('names an unknown key, a throttle with its retry-after, and other failures', async () => {
    const answering = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      keyStatusApi(async () => Response.json(body, { status, headers }))
    const unknown = await answering(401, { error: 'unknown key' })
      .get('x')
      .catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(KeyStatusError)
    expect(unknown).toMatchObject({ code: 'unknown_key', status: 401, message: 'unknown key' })
    const throttled = await answering(429, { error: 'slow down' }, { 'retry-after': '17' })
      .get('x')
      .catch((e: unknown) => e)
    expect(throttled).toMatchObject({ code: 'throttled', retryAfterSec: 17 })
    const anthropic = await answering(403, { type: 'error', error: { message: 'not here' } })
      .get('x')
      .catch((e: unknown) => e)
    expect(anthropic).toMatchObject({ code: 'failed', message: 'not here' })
  })
})

describe('limits on the admin API resources', () => {
  it('PUT a key and an account with limits, POST a key with them', async () => {
    const { api, calls } = fakeApi({
      'PUT /admin/api/keys?id=k1': {},
      'PUT /admin/api/accounts?id=a1': {},
      'POST /admin/api/keys?account_id=a1': { key: 'sk' },
    })
    await api.keys.update('k1', { limits: { rpm: 3, ips: null } })
    await api.accounts.setLimits('a1', null)
    await api.keys.create('ci', 'a1', { rpm: 1 })
    expect(calls).toEqual([
      'PUT /admin/api/keys?id=k1 {"limits":{"rpm":3,"ips":null}}',
      'PUT /admin/api/accounts?id=a1 {"limits":null}',
      'POST /admin/api/keys?account_id=a1 {"name":"ci","limits":{"rpm":1}}',
    ])
  })
})
