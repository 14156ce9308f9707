import { afterEach, describe, expect, it } from 'vitest'
import {
  bodyOf,
  recordingUsage,
  scriptedPlan,
  scriptedUpstream,
  serve,
  target,
  type ScriptedPlan,
} from '../../test/data-path-fakes'
import { DEFAULT_TENANT_PROXY_KEY } from '../default-credentials'
import type { PlanInput } from '../routing/types'
import { createV1Handler } from './v1-handler'

const TENANT = { accountId: 'acct-1', keyId: 'key-1' }

let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

/** The handler on a real server, its seams faked; the secrets it resolved and plans it made. */
async function handler(options: { loopback?: boolean; maxBodyBytes?: number } = {}) {
  const resolved: string[] = []
  const planned: PlanInput[] = []
  const plans: ScriptedPlan[] = []
  const upstream = scriptedUpstream(
    Array.from({ length: 4 }, () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: bodyOf('{"ok":1}'),
    })),
  )
  const handle = createV1Handler({
    resolveProxyKey: (secret) => {
      resolved.push(secret)
      return secret === 'sk-qcc-tenant' || secret === DEFAULT_TENANT_PROXY_KEY ? TENANT : null
    },
    isLoopbackClient: () => options.loopback ?? true,
    router: {
      plan(input) {
        planned.push(input)
        const plan = scriptedPlan([target('alpha')])
        plans.push(plan)
        return plan
      },
    },
    upstream,
    usage: recordingUsage(),
    newRequestId: () => 'req_test_1',
    now: Date.now,
    limits: {
      maxBodyBytes: options.maxBodyBytes ?? 1024,
      firstByteTimeoutMs: 60_000,
      keepaliveMs: 60_000,
    },
  })
  const server = await serve(handle)
  stop = server.close
  return { url: server.url, resolved, planned, plans, upstream }
}

const post = (url: string, headers: Record<string, string>, body = '{"model":"claude-test"}') =>
  fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

const errorType = async (res: Response) =>
  ((await res.json()) as { error: { type: string } }).error.type

describe('createV1Handler', () => {
  it('answers an unknown route 404 with the request id, before any key is looked at', async () => {
    const h = await handler()
    for (const path of ['/v1/nope', '/v1/models/..%2Fadmin']) {
      const res = await fetch(`${h.url}${path}`, { headers: { 'x-api-key': 'sk-qcc-tenant' } })
      expect(res.status).toBe(404)
      expect(res.headers.get('x-qcc-request-id')).toBe('req_test_1')
      expect(await errorType(res)).toBe('not_found_error')
    }
    expect(h.resolved).toEqual([])
  })

  it("reads the tenant key by core's rule: x-api-key first, else one bearer token", async () => {
    const h = await handler()
    const both = { 'x-api-key': 'sk-qcc-tenant', authorization: 'Bearer sk-qcc-other' }
    expect((await post(h.url, both)).status).toBe(200)
    expect((await post(h.url, { authorization: 'bearer sk-qcc-tenant' })).status).toBe(200)
    expect((await post(h.url, { authorization: 'Bearer sk-qcc-tenant extra' })).status).toBe(401)
    expect(h.resolved).toEqual(['sk-qcc-tenant', 'sk-qcc-tenant'])
  })

  it('answers 401 for a missing or unknown key, without planning', async () => {
    const h = await handler()
    const none = await post(h.url, {})
    expect(none.status).toBe(401)
    expect(await errorType(none)).toBe('authentication_error')
    expect((await post(h.url, { 'x-api-key': 'sk-qcc-wrong' })).status).toBe(401)
    expect(h.planned).toEqual([])
  })

  it('refuses a default key from another machine without asking the key index', async () => {
    const remote = await handler({ loopback: false })
    expect((await post(remote.url, { 'x-api-key': DEFAULT_TENANT_PROXY_KEY })).status).toBe(401)
    expect(remote.resolved).toEqual([])
    await stop?.()
    const local = await handler({ loopback: true })
    expect((await post(local.url, { 'x-api-key': DEFAULT_TENANT_PROXY_KEY })).status).toBe(200)
  })

  it('answers 413 (closing the connection) over the body limit and 400 for a body that is not JSON', async () => {
    const h = await handler({ maxBodyBytes: 64 })
    const big = await post(
      h.url,
      { 'x-api-key': 'sk-qcc-tenant' },
      JSON.stringify({ x: 'y'.repeat(100) }),
    )
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    const bad = await post(h.url, { 'x-api-key': 'sk-qcc-tenant' }, '{not json')
    expect(bad.status).toBe(400)
    expect(await errorType(bad)).toBe('invalid_request_error')
    expect(h.upstream.requests).toEqual([])
  })

  it("plans for the key's account with the parsed body, attempts, and ends the plan once", async () => {
    const h = await handler()
    const res = await post(h.url, {
      'x-api-key': 'sk-qcc-tenant',
      'x-claude-code-session-id': 's1',
    })
    expect(await res.text()).toBe('{"ok":1}')
    expect(h.planned[0]).toMatchObject({
      accountId: 'acct-1',
      requestId: 'req_test_1',
      body: { model: 'claude-test' },
    })
    expect(h.planned[0]?.headers).toMatchObject({ 'x-claude-code-session-id': 's1' })
    expect(h.upstream.requests[0]?.body?.toString()).toBe('{"model":"claude-test"}')
    expect(h.plans[0]?.doneCalls).toBe(1)
  })
})
