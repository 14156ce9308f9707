/**
 * docs/contract.md §12 end to end: every request records its attempts (who picked each node,
 * how each ended, its timings, the redacted error), who asked, and the headers every proxied
 * answer carries; read back through GET /admin/api/usage/logs[/{request_id}].
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loggedIn, type AdminClient } from './admin-harness'
import {
  startPolicyPool,
  upOf,
  type PolicyNodeSpec,
  type PolicyPool,
  POLICY_BODY as BODY,
} from './policy-pool'

let pool: PolicyPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

interface TraceAttempt {
  node_id: string
  node_name: string
  picked_by: string
  started_at: string
  status: number | null
  outcome: string
  error_type: string | null
  error_message: string | null
  ttfb_ms: number | null
  duration_ms: number
}

/** Nodes a, b, c… in tiers 1, 2, 3… (a is tried first). */
const tiers = (...names: string[]): PolicyNodeSpec[] =>
  names.map((name, i) => ({ name, weight: i + 1 }))

async function admin(p: PolicyPool): Promise<AdminClient> {
  return loggedIn(p.qcc, 'admin', 'admin123')
}

/** The entry of one request, once the batched usage write has committed it. */
async function entryOf(p: PolicyPool, res: Response) {
  const id = res.headers.get('x-qcc-request-id')
  expect(id).toBeTruthy()
  await p.qcc.store.usageWriter.flush()
  const answer = await (await admin(p)).get(`/admin/api/usage/logs/${id}`)
  expect(answer.status).toBe(200)
  return answer.json as {
    request_id: string
    status: number
    attempts: TraceAttempt[]
    attempt_count: number
    node_name: string | null
    session_id: string | null
    user_agent: string | null
    client_ip: string | null
    stream: boolean | null
    refused: string | null
    partial: boolean
  }
}

const brief = (a: TraceAttempt[]) => a.map((x) => [x.node_name, x.picked_by, x.outcome, x.status])

describe('the attempts of a request, in order (docs/contract.md §12.1)', () => {
  it('a request that fails over twice records three attempts: fake_200, timeout, ok', async () => {
    pool = await startPolicyPool(tiers('a', 'b', 'c'), { PROXY_FIRST_BYTE_TIMEOUT_SEC: '1' })
    upOf(pool, 'a').enqueue({ kind: 'fake-200', body: '<html>login</html>' })
    upOf(pool, 'b').enqueue({ kind: 'hang' })
    const res = await pool.post(BODY, { 'user-agent': 'trace-test/1.0' })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    expect(res.headers.get('x-qcc-attempts')).toBe('3')
    expect(Number(res.headers.get('x-qcc-overhead-ms'))).toBeGreaterThanOrEqual(0)
    const entry = await entryOf(pool, res)
    expect(brief(entry.attempts)).toEqual([
      ['a', 'tier', 'fake_200', 200],
      ['b', 'tier', 'timeout', null],
      ['c', 'tier', 'ok', 200],
    ])
    expect(entry.attempt_count).toBe(3)
    const [a, b, c] = entry.attempts as [TraceAttempt, TraceAttempt, TraceAttempt]
    expect(a.error_message).toBe('http_200')
    expect(a.ttfb_ms).not.toBeNull()
    expect(b.ttfb_ms).toBeNull()
    expect(b.error_message).toBe('timeout')
    // The hang lasted the first-byte timeout: about a second, never less.
    expect(b.duration_ms).toBeGreaterThanOrEqual(900)
    expect(c.error_type).toBeNull()
    expect(c.error_message).toBeNull()
    // In order, each starting after the one before ended.
    const [t0, t1, t2] = entry.attempts.map((x) => Date.parse(x.started_at)) as [
      number,
      number,
      number,
    ]
    expect(t1).toBeGreaterThanOrEqual(t0 + a.duration_ms)
    expect(t2).toBeGreaterThanOrEqual(t1 + b.duration_ms)
    expect(entry.node_name).toBe('c')
    expect(entry.user_agent).toBe('trace-test/1.0')
    expect(entry.client_ip).toBe('127.0.0.1')
    expect(entry.stream).toBe(false)
    expect(entry.refused).toBeNull()
  })

  it('names auth, rate_limited, overloaded, network and server_error, redacting the node’s key', async () => {
    const [, ...rest] = tiers('a', 'b', 'c', 'd', 'e', 'f')
    pool = await startPolicyPool([{ name: 'a', weight: 1, apiKey: 'relay-a-secret' }, ...rest], {
      PROXY_RETRY_MAX: '6',
    })
    upOf(pool, 'a').enqueue({
      kind: 'status',
      status: 401,
      body: {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: 'invalid x-api-key relay-a-secret for this org',
        },
      },
    })
    upOf(pool, 'b').enqueue({ kind: 'status', status: 429 })
    upOf(pool, 'c').enqueue({ kind: 'status', status: 529 })
    upOf(pool, 'd').enqueue({ kind: 'reset' })
    upOf(pool, 'e').enqueue({ kind: 'status', status: 503, body: '<html>db-7 password</html>' })
    const res = await pool.post({ ...BODY, stream: true })
    expect(res.status).toBe(200)
    await res.text()
    expect(res.headers.get('x-qcc-attempts')).toBe('6')
    const entry = await entryOf(pool, res)
    expect(entry.attempts.map((x) => x.outcome)).toEqual([
      'auth',
      'rate_limited',
      'overloaded',
      'network',
      'server_error',
      'ok',
    ])
    const [a, , , d, e] = entry.attempts
    // The node's key is not key-shaped; as a known secret it is redacted all the same.
    expect(a).toMatchObject({
      status: 401,
      error_type: 'authentication_error',
      error_message: 'invalid x-api-key [redacted] for this org',
    })
    expect(d).toMatchObject({ status: null, error_message: 'connect_refused' })
    expect(e).toMatchObject({ status: 503, error_type: null, error_message: 'http_503' })
    expect(JSON.stringify(entry)).not.toContain('password')
    expect(entry.stream).toBe(true)
  })

  it('a request’s own fault is client_error and passed through, with the headers', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    upOf(pool, 'a').enqueue({
      kind: 'status',
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: bad' } },
    })
    const res = await pool.post(BODY)
    expect(res.status).toBe(400)
    expect(res.headers.get('x-qcc-attempts')).toBe('1')
    expect(res.headers.get('x-qcc-overhead-ms')).toMatch(/^\d+\.\d\d$/)
    const entry = await entryOf(pool, res)
    expect(entry.attempts).toMatchObject([
      {
        node_name: 'a',
        outcome: 'client_error',
        status: 400,
        error_type: 'invalid_request_error',
        error_message: 'max_tokens: bad',
      },
    ])
  })

  it('a stream cut after the commit is midstream, its usage partial', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    upOf(pool, 'a').enqueue({ kind: 'cut', afterEvents: 3 })
    const res = await pool.post({ ...BODY, stream: true })
    expect(res.status).toBe(200)
    await res.text().catch(() => '')
    const entry = await entryOf(pool, res)
    expect(entry.partial).toBe(true)
    expect(entry.attempts).toHaveLength(1)
    expect(entry.attempts[0]).toMatchObject({ node_name: 'a', outcome: 'midstream', status: 200 })
    expect(['reset', 'incomplete', 'malformed']).toContain(entry.attempts[0]?.error_message)
    expect(entry.attempts[0]?.ttfb_ms).not.toBeNull()
  })

  it('a stream ending in an upstream event: error is midstream with its type', async () => {
    pool = await startPolicyPool(tiers('a'))
    upOf(pool, 'a').enqueue({ kind: 'sse-error', afterEvents: 3, errorType: 'overloaded_error' })
    const res = await pool.post({ ...BODY, stream: true })
    await res.text()
    const entry = await entryOf(pool, res)
    expect(entry.attempts[0]).toMatchObject({
      outcome: 'midstream',
      error_type: 'overloaded_error',
      error_message: 'error_event',
    })
  })

  it('a client that leaves while the node is silent: client_error, status 499', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    upOf(pool, 'a').enqueue({ kind: 'hang' })
    const abort = new AbortController()
    const pending = fetch(`${pool.qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'default-proxy-key' },
      body: JSON.stringify(BODY),
      signal: abort.signal,
    }).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 300))
    abort.abort()
    await pending
    const entry = await eventuallyOne(pool)
    expect(entry.status).toBe(499)
    expect(entry.attempts).toMatchObject([
      { node_name: 'a', outcome: 'client_error', error_message: 'client disconnected' },
    ])
  })

  it('a session bound to a node records sticky on its next request', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    const session = { 'x-claude-code-session-id': '5f0c1e2d-aaaa-bbbb-cccc-000000000001' }
    const first = await pool.post(BODY, session)
    await first.arrayBuffer()
    const second = await pool.post(BODY, session)
    await second.arrayBuffer()
    expect((await entryOf(pool, first)).attempts.map((x) => x.picked_by)).toEqual(['tier'])
    const entry = await entryOf(pool, second)
    expect(entry.attempts.map((x) => x.picked_by)).toEqual(['sticky'])
    expect(entry.session_id).toBe('5f0c1e2d-aaaa-bbbb-cccc-000000000001')
  })

  it('the operator-activated node records activated', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    const client = await admin(pool)
    const activated = await client.post('/admin/api/nodes/activate', { id: pool.nodes.b?.id })
    expect(activated.status).toBe(200)
    const res = await pool.post(BODY)
    await res.arrayBuffer()
    expect(brief((await entryOf(pool, res)).attempts)).toEqual([['b', 'activated', 'ok', 200]])
  })

  it('a pool that is all down gets one last_resort attempt', async () => {
    pool = await startPolicyPool(tiers('a'))
    // A 401 fails the only node at once; the next request finds the whole pool down.
    upOf(pool, 'a').enqueue({ kind: 'status', status: 401 })
    await (await pool.post(BODY)).arrayBuffer()
    const res = await pool.post(BODY)
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    expect(brief((await entryOf(pool, res)).attempts)).toEqual([['a', 'last_resort', 'ok', 200]])
  })

  it('a refused request records its limit, no attempt, and carries the headers', async () => {
    pool = await startPolicyPool(tiers('a'))
    const made = await pool.qcc.store.createProxyKey({
      accountId: pool.accountId,
      name: 'limited',
      limits: { rpm: 1 },
    })
    const headers = { 'x-api-key': made.secret }
    await (await pool.post(BODY, headers)).arrayBuffer()
    const refused = await pool.post(BODY, headers)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('x-qcc-attempts')).toBe('0')
    expect(refused.headers.get('x-qcc-overhead-ms')).toMatch(/^\d+\.\d\d$/)
    const entry = await entryOf(pool, refused)
    expect(entry).toMatchObject({ status: 429, refused: 'key.rpm', attempts: [], attempt_count: 0 })
    const listed = await (await admin(pool)).get('/admin/api/usage/logs?refused=true')
    expect(listed.json.logs.map((l: { request_id: string }) => l.request_id)).toEqual([
      entry.request_id,
    ])
  })

  it('when every node fails the error answer carries the attempts made', async () => {
    pool = await startPolicyPool(tiers('a', 'b'))
    upOf(pool, 'a').setDefault({ kind: 'status', status: 503 })
    upOf(pool, 'b').setDefault({ kind: 'status', status: 503 })
    const res = await pool.post(BODY)
    expect(res.status).toBe(502)
    expect(res.headers.get('x-qcc-attempts')).toBe('2')
    expect(res.headers.get('x-qcc-overhead-ms')).toMatch(/^\d+\.\d\d$/)
    const entry = await entryOf(pool, res)
    expect(entry.attempts.map((x) => x.outcome)).toEqual(['server_error', 'server_error'])
  })
})

describe('GET /admin/api/usage/logs filters and tenants (docs/contract.md §12)', () => {
  it('filters by status, key, session and request id; another tenant’s request is 404', async () => {
    pool = await startPolicyPool(tiers('a'))
    const client = await admin(pool)
    const ok = await pool.post(BODY, { 'x-claude-code-session-id': 'sess-filter-1' })
    await ok.arrayBuffer()
    upOf(pool, 'a').enqueue({
      kind: 'status',
      status: 404,
      body: { type: 'error', error: { type: 'not_found_error', message: 'model' } },
    })
    const missing = await pool.post(BODY)
    await missing.arrayBuffer()
    await pool.qcc.store.usageWriter.flush()
    const ids = async (query: string) => {
      const answer = await client.get(`/admin/api/usage/logs?${query}`)
      expect(answer.status, query).toBe(200)
      return (answer.json.logs as { request_id: string }[]).map((l) => l.request_id)
    }
    const okId = ok.headers.get('x-qcc-request-id')
    const missingId = missing.headers.get('x-qcc-request-id')
    expect(await ids('status=2xx')).toEqual([okId])
    expect(await ids('status=4xx')).toEqual([missingId])
    expect(await ids('status=error')).toEqual([missingId])
    expect(await ids('status=404')).toEqual([missingId])
    expect(await ids('status=5xx')).toEqual([])
    expect(await ids('session_id=sess-filter-1')).toEqual([okId])
    expect(await ids(`request_id=${missingId}`)).toEqual([missingId])
    const page = await client.get('/admin/api/usage/logs?limit=1')
    expect(page.json).toMatchObject({ limit: 1, offset: 0, has_more: true })
    expect((await client.get('/admin/api/usage/logs?status=abc')).status).toBe(400)

    const tenant = await client.post('/admin/api/accounts', {
      name: 'other',
      password: 'other-pass-1',
    })
    expect(tenant.status).toBe(201)
    const other = await loggedIn(pool.qcc, 'other', 'other-pass-1')
    expect((await other.get(`/admin/api/usage/logs/${okId}`)).status).toBe(404)
    expect((await other.get(`/admin/api/usage/logs?request_id=${okId}`)).json.logs).toEqual([])
    expect((await client.get(`/admin/api/usage/logs/${okId}`)).status).toBe(200)
  })
})

/** The tenant's one usage entry, once written (a client that left ends its request a bit later). */
async function eventuallyOne(p: PolicyPool) {
  const client = await admin(p)
  for (let i = 0; i < 50; i++) {
    await p.qcc.store.usageWriter.flush()
    const answer = await client.get('/admin/api/usage/logs?limit=1')
    const [log] = answer.json.logs as Array<Awaited<ReturnType<typeof entryOf>>>
    if (log) return log
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('no usage entry')
}
