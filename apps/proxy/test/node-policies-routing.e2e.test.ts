/**
 * docs/contract.md §13 end to end, where a request goes: model lists (404 never forwarded,
 * GET /v1/models from the lists), error_rules (each action), no_failover.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FAKE_MODELS } from '@qcc/testing'
import {
  messagesOf,
  nodeOf,
  startPolicyPool,
  upOf,
  type PolicyPool,
  POLICY_BODY as BODY,
  callsOf as calls,
} from './policy-pool'

let pool: PolicyPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

const total = (p: PolicyPool) =>
  Object.values(p.nodes).reduce((n, x) => n + x.upstream.requests.length, 0)

interface ModelList {
  data: Array<{ type: string; id: string }>
  has_more: boolean
  first_id: string | null
  last_id: string | null
}

describe('models lists', () => {
  const LISTED = [
    { name: 'a', weight: 1, models: ['claude-a-*', 'exact-a', 'shared'] },
    { name: 'b', weight: 2, models: ['exact-b', 'shared'] },
  ]

  it('skips a node for models it does not list; 404 for a model no node serves', async () => {
    pool = await startPolicyPool(LISTED)
    const b = await pool.post({ ...BODY, model: 'exact-b' })
    expect(b.headers.get('x-qcc-node')).toBe('b')
    const a = await pool.post({ ...BODY, model: 'claude-a-7' })
    expect(a.headers.get('x-qcc-node')).toBe('a')
    expect([calls(pool, 'a'), calls(pool, 'b')]).toEqual([1, 1])

    const before = total(pool)
    for (const stream of [false, true]) {
      const res = await pool.post({ ...BODY, model: 'claude-sonnet-4-6', stream })
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({
        type: 'error',
        error: { type: 'not_found_error', message: 'no node serves model claude-sonnet-4-6' },
      })
    }
    expect(total(pool)).toBe(before)
  })

  it('count_tokens for a model no node serves is a 404 too, never forwarded', async () => {
    pool = await startPolicyPool(LISTED)
    const res = await fetch(`${pool.qcc.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'default-proxy-key' },
      body: JSON.stringify({ model: 'nobody-serves', messages: BODY.messages }),
    })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'no node serves model nobody-serves',
    )
    expect(total(pool)).toBe(0)
  })

  it('lists are matched against the requested id, before model_map', async () => {
    pool = await startPolicyPool([
      { name: 'a', models: ['relay-sonnet'], modelMap: { 'claude-*': 'relay-sonnet' } },
      { name: 'b', weight: 2, models: ['claude-*'], modelMap: { 'claude-*': 'relay-b' } },
    ])
    const res = await pool.post({ ...BODY, model: 'claude-x' })
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect((messagesOf(upOf(pool, 'b'))[0]?.json as { model: string }).model).toBe('relay-b')
    expect(calls(pool, 'a')).toBe(0)
  })

  it('a listed model whose only node is down is not "no node serves"', async () => {
    pool = await startPolicyPool(LISTED)
    upOf(pool, 'b').enqueue({ kind: 'status', status: 401 })
    await (await pool.post({ ...BODY, model: 'exact-b' })).text()
    expect(pool.health('b')?.status).toBe('failed')
    const res = await pool.post({ ...BODY, model: 'exact-b' })
    expect(res.status).not.toBe(404)
    expect(await res.text()).not.toContain('no node serves')
    expect(calls(pool, 'a')).toBe(0)
  })

  it('a listed model still fails over between the nodes that list it', async () => {
    pool = await startPolicyPool(LISTED)
    upOf(pool, 'a').enqueue({ kind: 'status', status: 500 })
    const res = await pool.post({ ...BODY, model: 'shared' })
    expect(res.headers.get('x-qcc-node')).toBe('b')
  })

  it('answers GET /v1/models from the union of exact ids, with paging', async () => {
    pool = await startPolicyPool(LISTED)
    const res = await pool.get('/v1/models')
    expect(res.status).toBe(200)
    const list = (await res.json()) as ModelList
    expect(list.data.map((m) => m.id).sort()).toEqual(['exact-a', 'exact-b', 'shared'])
    expect(list.data.every((m) => m.type === 'model')).toBe(true)
    expect(list).toMatchObject({
      has_more: false,
      first_id: list.data[0]?.id,
      last_id: list.data[2]?.id,
    })
    const ids = list.data.map((m) => m.id)

    const first = (await (await pool.get('/v1/models?limit=2')).json()) as ModelList
    expect(first.data.map((m) => m.id)).toEqual(ids.slice(0, 2))
    expect(first.has_more).toBe(true)
    const next = (await (
      await pool.get(`/v1/models?limit=2&after_id=${first.last_id}`)
    ).json()) as ModelList
    expect(next.data.map((m) => m.id)).toEqual(ids.slice(2))
    expect(next.has_more).toBe(false)

    const one = await pool.get('/v1/models/exact-b')
    expect(((await one.json()) as { id: string }).id).toBe('exact-b')
    expect(total(pool)).toBe(0)
  })

  it('forwards GET /v1/models when an enabled node has no list; a disabled one does not count', async () => {
    pool = await startPolicyPool([...LISTED, { name: 'c', weight: 3, disabled: true }])
    const own = (await (await pool.get('/v1/models')).json()) as ModelList
    expect(own.data.map((m) => m.id).sort()).toEqual(['exact-a', 'exact-b', 'shared'])
    expect(total(pool)).toBe(0)

    await pool.qcc.store.updateNode(nodeOf(pool, 'c').id, { disabled: false })
    await pool.qcc.refresh()
    const res = await pool.get('/v1/models')
    expect(res.status).toBe(200)
    const list = (await res.json()) as ModelList
    expect(list.data.map((m) => m.id)).toEqual(FAKE_MODELS.map((m) => m.id))
    const forwarded = Object.values(pool.nodes).flatMap((n) =>
      n.upstream.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/models')),
    )
    expect(forwarded).toHaveLength(1)
  })
})

describe('error_rules', () => {
  const pair = (rules: unknown, extra = {}) =>
    startPolicyPool([
      { name: 'a', weight: 1, errorRules: rules as never, ...extra },
      { name: 'b', weight: 2 },
    ])
  const errorJson = (message: string) => ({ type: 'error', error: { type: 'api_error', message } })

  it('failover: a 400 that matches counts as a node fault and goes to the next node', async () => {
    pool = await pair([{ status: 400, action: 'failover' }])
    upOf(pool, 'a').enqueue({ kind: 'status', status: 400 })
    const res = await pool.post(BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(pool.health('a')?.consecutiveFailures).toBe(1)
  })

  it('return: a 5xx is passed as it is, no other node, no penalty', async () => {
    pool = await pair([{ status: '5xx', action: 'return' }])
    const body = JSON.stringify(errorJson('relay says: upstream busy, try later'))
    upOf(pool, 'a').enqueue({ kind: 'status', status: 503, body })
    const res = await pool.post(BODY)
    expect(res.status).toBe(503)
    expect(await res.text()).toBe(body)
    expect(calls(pool, 'b')).toBe(0)
    expect(pool.health('a')).toMatchObject({ status: 'healthy', consecutiveFailures: 0 })
  })

  it('cooldown: contains matches case-insensitively; the node cools for cooldown_sec', async () => {
    pool = await pair([{ contains: 'QUOTA exceeded', action: 'cooldown', cooldownSec: 30 }])
    upOf(pool, 'a').enqueue({
      kind: 'status',
      status: 400,
      body: errorJson('Your quota Exceeded for today'),
    })
    const res = await pool.post(BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(pool.health('a')?.status).toBe('cooling')
    const left = (pool.health('a')?.coolingUntil ?? 0) - Date.now()
    expect(left).toBeGreaterThan(25_000)
    expect(left).toBeLessThanOrEqual(30_000)
    expect((await pool.post(BODY)).headers.get('x-qcc-node')).toBe('b')
  })

  it('fail: "4xx" with contains fails the node at once', async () => {
    pool = await pair([{ status: '4xx', contains: 'banned', action: 'fail' }])
    upOf(pool, 'a').enqueue({
      kind: 'status',
      status: 403,
      body: errorJson('Account BANNED'),
    })
    const res = await pool.post(BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(pool.health('a')?.status).toBe('failed')
  })

  it('contains looks at the first 4 KiB of the body only; cooldown defaults to 60 s', async () => {
    pool = await pair([{ contains: 'needle', action: 'cooldown' }])
    const a = upOf(pool, 'a')
    const at = (offset: number) =>
      JSON.stringify({
        type: 'error',
        error: { type: 'invalid_request_error', message: `${'.'.repeat(offset)}needle` },
      })
    a.enqueue({ kind: 'status', status: 400, body: at(5000) })
    expect((await pool.post(BODY)).status).toBe(400)
    expect(pool.health('a')?.status).toBe('healthy')
    a.enqueue({ kind: 'status', status: 400, body: at(3900) })
    expect((await pool.post(BODY)).headers.get('x-qcc-node')).toBe('b')
    expect(pool.health('a')?.status).toBe('cooling')
    const left = (pool.health('a')?.coolingUntil ?? 0) - Date.now()
    expect(left).toBeGreaterThan(55_000)
    expect(left).toBeLessThanOrEqual(60_000)
  })

  it('return also applies to a streamed request', async () => {
    pool = await pair([{ status: 529, action: 'return' }])
    upOf(pool, 'a').enqueue({ kind: 'status', status: 529 })
    const res = await pool.post({ ...BODY, stream: true })
    expect(res.status).toBe(529)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('overloaded_error')
    expect(calls(pool, 'b')).toBe(0)
    expect(pool.health('a')?.status).toBe('healthy')
  })

  it('first match wins; a rule that does not match leaves the built-in classification', async () => {
    pool = await pair([
      { status: 500, contains: 'keep', action: 'return' },
      { status: '5xx', action: 'failover' },
    ])
    const a = upOf(pool, 'a')
    a.enqueue({ kind: 'status', status: 500, body: errorJson('please KEEP this') })
    expect((await pool.post(BODY)).status).toBe(500)
    a.enqueue({ kind: 'status', status: 500, body: errorJson('other') })
    expect((await pool.post(BODY)).headers.get('x-qcc-node')).toBe('b')
    // No rule for 400: passed through as before, no penalty.
    a.enqueue({ kind: 'status', status: 400 })
    expect((await pool.post(BODY)).status).toBe(400)
    expect(calls(pool, 'b')).toBe(1)
  })
})

describe('no_failover', () => {
  it('a failing node’s error is final: the next node is never called', async () => {
    pool = await startPolicyPool([
      { name: 'a', weight: 1, noFailover: true },
      { name: 'b', weight: 2 },
    ])
    upOf(pool, 'a').enqueue({ kind: 'status', status: 503 })
    const res = await pool.post(BODY)
    expect(res.status).toBeGreaterThanOrEqual(500)
    expect(((await res.json()) as { type: string }).type).toBe('error')
    expect(calls(pool, 'a')).toBe(1)
    expect(calls(pool, 'b')).toBe(0)
    upOf(pool, 'a').enqueue({ kind: 'reset' })
    expect((await pool.post(BODY)).status).toBeGreaterThanOrEqual(500)
    expect(calls(pool, 'b')).toBe(0)
  })
})
