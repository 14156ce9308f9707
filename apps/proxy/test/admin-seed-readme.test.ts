import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { eventually } from './admin-harness'
import { startTestQcc } from './start-qcc'

let upstream: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({
    UPSTREAM_BASE_URL: upstream.url,
    UPSTREAM_API_KEY: 'sk-ant-seed-0123456789',
  })
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
})

/** What `curl -c jar` keeps from a Set-Cookie header. */
function cookieJar(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('session_token='))
  return (set ?? '').split(';')[0] ?? ''
}

describe("the seed README's curl session", () => {
  it('uses the default key exactly as the quick start shows', async () => {
    // curl http://localhost:8000/v1/messages -H "x-api-key: default-proxy-key" ...
    const res = await fetch(`${qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'default-proxy-key', 'Content-Type': 'application/json' },
      body: '{"model":"claude-sonnet-4-5-20250929","messages":[{"role":"user","content":"hi"}],"max_tokens":100}',
    })
    expect(res.status).toBe(200)
  })

  it('logs in with a form, creates team-alpha with alpha-key, adds its node, proxies with alpha-key', async () => {
    // curl -c "$auth_cookie" -X POST -d "username=admin&password=admin123" http://localhost:8000/login
    const login = await fetch(`${qcc.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=admin123',
      redirect: 'manual',
    })
    expect(login.status).toBe(302)
    expect(login.headers.get('location')).toBe('/admin')
    const cookie = cookieJar(login)
    expect(cookie).toMatch(/^session_token=.+/)

    // curl -b "$auth_cookie" -X POST .../admin/api/accounts -H "Content-Type: application/json" -d '{...}'
    const created = await fetch(`${qcc.url}/admin/api/accounts`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json' },
      body: `{
    "name":"team-alpha",
    "proxy_api_key":"alpha-key",
    "is_admin":false
  }`,
    })
    expect(created.status).toBe(201)
    const account = (await created.json()) as {
      id: string
      name: string
      is_admin: boolean
      proxy_api_key: string
    }
    expect(account).toEqual({
      id: expect.any(String),
      name: 'team-alpha',
      is_admin: false,
      proxy_api_key: 'alpha-key',
    })

    // The README's node body; only base_url points at the fake upstream instead of Anthropic.
    const node = await fetch(`${qcc.url}/admin/api/nodes?account_id=${account.id}`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json' },
      body: `{
    "name":"node-1",
    "base_url":"${upstream.url}",
    "api_key":"sk-ant-xxx",
    "weight":1
  }`,
    })
    expect(node.status).toBe(201)
    expect(await node.json()).toEqual({ id: expect.any(String) })

    upstream.reset()
    const res = await eventually(async () => {
      const r = await fetch(`${qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'alpha-key', 'Content-Type': 'application/json' },
        body: `{
    "model":"claude-sonnet-4-5-20250929",
    "messages":[{"role":"user","content":"Hello"}],
    "max_tokens":1024
  }`,
      })
      if (r.status !== 200) throw new Error(`status ${r.status}`)
      return r
    })
    expect(res.headers.get('x-qcc-node')).toBe('node-1')
    expect(((await res.json()) as { type: string }).type).toBe('message')
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-xxx')
  })
})
