import { afterEach, describe, expect, it } from 'vitest'
import { MESSAGE_BODY } from './start-qcc'
import { eventually, startPool, TENANT_KEY, type TestPool } from './pool'

let pool: TestPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

const health = (p: TestPool, name: string) => p.qcc.health.get(p.nodes[name]?.id ?? '')?.health
const count = (p: TestPool, name: string) => p.nodes[name]?.upstream.requests.length ?? 0

describe('reliability: failover (docs/contract.md §3, reliability.md 5.1)', () => {
  it('F1: a refused connection fails over; two attempts; the tenant key never leaves', async () => {
    pool = await startPool([
      { name: 'a', weight: 1, baseUrl: 'http://127.0.0.1:1' },
      { name: 'b', weight: 2 },
    ])
    const res = await pool.post(MESSAGE_BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(health(pool, 'a')?.consecutiveFailures).toBe(1)
    expect(count(pool, 'b')).toBe(1)
    expect(JSON.stringify(pool.nodes.b?.upstream.requests[0]?.headers)).not.toContain(TENANT_KEY)
  })

  it('F2: a 503 before headers moves to the next node; the node counts a failure', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 503 })
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(health(pool, 'a')?.consecutiveFailures).toBe(1)
  })

  it('F3: 529 overloaded cools the node briefly without failing it', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 529 })
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(health(pool, 'a')?.status).toBe('cooling')
    const again = await pool.post(MESSAGE_BODY)
    expect(again.headers.get('x-qcc-node')).toBe('b')
  })

  it('F4: 429 with retry-after skips the node; all 429 gives 429 with the soonest retry-after', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '30' },
    })
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    const until = health(pool, 'a')?.coolingUntil ?? 0
    expect(until - Date.now()).toBeGreaterThan(25_000)
    expect(until - Date.now()).toBeLessThanOrEqual(30_000)

    pool.nodes.b?.upstream.setDefault({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '7' },
    })
    const all = await pool.post(MESSAGE_BODY)
    expect(all.status).toBe(429)
    expect(Number(all.headers.get('retry-after'))).toBeGreaterThanOrEqual(6)
    expect(Number(all.headers.get('retry-after'))).toBeLessThanOrEqual(7)
    expect(((await all.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error')
  })

  it('F5: a 400 is passed through after exactly one call, with no penalty', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 400 })
    const res = await pool.post(MESSAGE_BODY)
    expect(res.status).toBe(400)
    expect(count(pool, 'a') + count(pool, 'b')).toBe(1)
    expect(health(pool, 'a')?.consecutiveFailures).toBe(0)
    expect(await res.text()).not.toContain(pool.nodes.a?.upstream.url ?? 'x')
  })

  it('F6: a 401 from the node fails it at once; the client never sees 401', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 401 })
    const res = await pool.post(MESSAGE_BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(health(pool, 'a')?.status).toBe('failed')
    expect(health(pool, 'a')?.failReason).toMatch(/auth|401/)
    await eventually(() => pool?.events.some((e) => e.to === 'failed'))
  })

  it('F7: a node that never answers is left after the first-byte timeout', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FIRST_BYTE_TIMEOUT_SEC: '1',
      },
    )
    pool.nodes.a?.upstream.enqueue({ kind: 'hang' })
    const started = Date.now()
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('F8: N consecutive failures give exactly one persisted transition; the node is skipped', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FAIL_THRESHOLD: '2',
      },
    )
    pool.nodes.a?.upstream.setDefault({ kind: 'status', status: 500 })
    await pool.post(MESSAGE_BODY)
    await pool.post(MESSAGE_BODY)
    expect(health(pool, 'a')?.status).toBe('failed')
    await eventually(() => pool?.events.length === 1)
    expect(pool.events[0]).toMatchObject({
      node_id: pool.nodes.a?.id,
      from: 'healthy',
      to: 'failed',
    })
    const stored = await eventually(async () =>
      (await pool?.qcc.store.getNodeStates())?.find((s) => s.nodeId === pool?.nodes.a?.id),
    )
    expect(stored?.status).toBe('failed')
    const before = count(pool, 'a')
    await pool.post(MESSAGE_BODY)
    expect(count(pool, 'a')).toBe(before)
  })

  it('F9: failures that are not consecutive never fail the node', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FAIL_THRESHOLD: '2',
      },
    )
    for (let i = 0; i < 4; i++) {
      pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 500 })
      await pool.post(MESSAGE_BODY) // fails over to b
      await pool.post(MESSAGE_BODY) // a succeeds and resets the streak
      expect(health(pool, 'a')?.consecutiveFailures).toBe(0)
    }
    expect(health(pool, 'a')?.status).toBe('healthy')
    expect(pool.events).toHaveLength(0)
  })

  it('F10: a passing probe restores a failed node; the probe carries the node key only', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FAIL_THRESHOLD: '1',
        PROXY_HEALTH_INTERVAL_SEC: '1',
      },
    )
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 500 })
    await pool.post(MESSAGE_BODY)
    expect(health(pool, 'a')?.status).toBe('failed')
    const before = count(pool, 'a')
    await eventually(() => health(pool as TestPool, 'a')?.status === 'healthy', 8000)
    const probe = pool.nodes.a?.upstream.requests[before]
    expect(probe?.headers['x-api-key']).toBe('sk-a')
    expect(JSON.stringify(probe?.headers)).not.toContain(TENANT_KEY)
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('a')
  })

  it('F11: whole pool down: one last-resort attempt, then 503 with retry-after; recovery later', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FAIL_THRESHOLD: '1',
        PROXY_HEALTH_INTERVAL_SEC: '1',
      },
    )
    for (const n of ['a', 'b']) pool.nodes[n]?.upstream.setDefault({ kind: 'status', status: 500 })
    await pool.post(MESSAGE_BODY)
    expect(health(pool, 'a')?.status).toBe('failed')
    expect(health(pool, 'b')?.status).toBe('failed')
    const before = count(pool, 'a') + count(pool, 'b')
    const down = await pool.post(MESSAGE_BODY)
    expect([502, 503]).toContain(down.status)
    expect(count(pool, 'a') + count(pool, 'b') - before).toBeLessThanOrEqual(1)
    const fast = await pool.post(MESSAGE_BODY)
    expect(fast.status).toBe(503)
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThan(0)
    pool.nodes.b?.upstream.setDefault({ kind: 'ok' })
    await eventually(() => health(pool as TestPool, 'b')?.status === 'healthy', 8000)
    expect((await pool.post(MESSAGE_BODY)).status).toBe(200)
  })

  it('F12: a storm of failing requests stays within attempts x requests', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
        { name: 'c', weight: 2 },
      ],
      { PROXY_FAIL_THRESHOLD: '100' },
    )
    for (const n of ['a', 'b', 'c'])
      pool.nodes[n]?.upstream.setDefault({ kind: 'status', status: 503 })
    const requests = 60
    const answers = await Promise.all(
      Array.from({ length: requests }, () => pool?.post(MESSAGE_BODY)),
    )
    expect(answers.every((r) => r?.status === 502)).toBe(true)
    const attempts = count(pool, 'a') + count(pool, 'b') + count(pool, 'c')
    expect(attempts).toBeLessThanOrEqual(requests * 3)
    // The retry budget (20 % of active requests, at least 3) holds retries well below 3x.
    expect(attempts).toBeLessThan(requests * 3)
  })

  it('F13: a tenant sending bad requests cannot change any node state', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }], { PROXY_FAIL_THRESHOLD: '1' })
    pool.nodes.a?.upstream.setDefault({ kind: 'status', status: 400 })
    for (let i = 0; i < 100; i++) expect((await pool.post(MESSAGE_BODY)).status).toBe(400)
    expect(health(pool, 'a')?.status).toBe('healthy')
    expect(pool.events).toHaveLength(0)
  })

  it('F14: 50 concurrent failures on one node give one transition and one write', async () => {
    pool = await startPool(
      [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ],
      {
        PROXY_FAIL_THRESHOLD: '3',
      },
    )
    pool.nodes.a?.upstream.setDefault({ kind: 'status', status: 500 })
    await Promise.all(Array.from({ length: 50 }, () => pool?.post(MESSAGE_BODY)))
    await eventually(() => pool?.events.length === 1)
    // Nothing signals "no second transition": give a late one a moment to show up.
    await new Promise((r) => setTimeout(r, 200))
    expect(pool.events.filter((e) => e.node_id === pool?.nodes.a?.id)).toHaveLength(1)
    const stored = (await pool.qcc.store.getNodeStates()).find(
      (s) => s.nodeId === pool?.nodes.a?.id,
    )
    expect(stored?.version).toBe(1)
  })

  it('F15: weights are priority tiers; load spreads inside the best tier only', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 2 },
    ])
    const batches = 10
    for (let i = 0; i < batches; i++) {
      await Promise.all(Array.from({ length: 10 }, () => pool?.post(MESSAGE_BODY)))
    }
    expect(count(pool, 'c')).toBe(0)
    expect(count(pool, 'a') + count(pool, 'b')).toBe(100)
    expect(count(pool, 'a')).toBeGreaterThan(20)
    expect(count(pool, 'b')).toBeGreaterThan(20)
  })
})
