// Replicas on Redis (docs/contract.md §11): three real servers on one MariaDB database and one
// real Redis (a key prefix of this file's own). What one replica does reaches the others through
// Redis: config changes within 1 s, console events, sticky sessions, login throttling, and one
// probe per node and interval in all. Each test uses a tenant of its own.
import { randomUUID } from 'node:crypto'
import { startFakeUpstream, type FakeUpstream, type SseFrame } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { AdminClient, createTenant, loggedIn, messages } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { readEvents } from './outbound-hosts'
import { dropKeys, REDIS_URL, testPrefix, upLink } from './redis-fakes'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { pollUntil } from './wait'

const ADMIN_PASSWORD = 'replicas-admin-password-1'
const prefix = testPrefix()
let db: TestDatabase
const upstreams: FakeUpstream[] = []
let r1: RunningQcc
let r2: RunningQcc
let r3: RunningQcc
let admin: AdminClient

beforeAll(async () => {
  db = await createTestDatabase('replicas')
  const env = {
    PROXY_MYSQL_DSN: db.url,
    ADMIN_PASSWORD,
    QCC_SECRET_KEY: 'e1'.repeat(32),
    PROXY_REDIS_URL: REDIS_URL,
    PROXY_REDIS_PREFIX: prefix,
    PROXY_HEALTH_INTERVAL_SEC: '2',
  }
  // One after the other: the first applies the migrations.
  r1 = await startTestQcc(env)
  r2 = await startTestQcc(env)
  r3 = await startTestQcc(env)
  admin = await loggedIn(r1, 'admin', ADMIN_PASSWORD)
}, 60_000)
afterAll(async () => {
  await Promise.all([r1, r2, r3].map((r) => r?.close()))
  await Promise.all(upstreams.map((u) => u.close()))
  const link = await upLink(prefix)
  await dropKeys(link, prefix)
  await link.close()
  await db?.drop()
})

async function upstream(name: string, failing = false): Promise<FakeUpstream> {
  const up = await startFakeUpstream({
    name,
    ...(failing ? { defaultBehaviour: { kind: 'status' as const, status: 401 } } : {}),
  })
  upstreams.push(up)
  return up
}

async function addNode(accountId: string, name: string, url: string, extra: object = {}) {
  const res = await admin.post(`/admin/api/nodes?account_id=${accountId}`, {
    name,
    base_url: url,
    api_key: `sk-ant-${name}-key`,
    ...extra,
  })
  expect(res.status, res.text).toBe(201)
  return res.json.id as string
}

/** One request's status and serving node (`x-qcc-node`), read to its end. */
async function send(qcc: RunningQcc, key: string, session?: string) {
  const headers: Record<string, string> = session ? { 'x-claude-code-session-id': session } : {}
  const res = await messages(qcc.url, key, MESSAGE_BODY, headers)
  await res.text()
  return {
    status: res.status,
    node: res.headers.get('x-qcc-node'),
    requestId: res.headers.get('x-qcc-request-id'),
  }
}

/** Milliseconds from now until `check` holds, polled every 25 ms (fails after 5 s). */
async function msUntil(what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now()
  await pollUntil(what, check, { timeoutMs: 5000, intervalMs: 25 })
  return performance.now() - started
}

describe('three replicas on one Redis (docs/contract.md §11)', () => {
  it('a node created, disabled and enabled via replica 1 routes that way via replica 3 within 1 s', async () => {
    const tenant = await createTenant(admin, 'rep-config')
    const up = await upstream('rep-config-up')
    // Replica 3 knows the key: not 401 (no node yet, so no node serves the model: 404).
    await pollUntil(
      'replica 3 knows the key',
      async () => (await send(r3, tenant.key)).status === 404,
    )
    // Timed from the admin answer: read your writes holds it until replica 1 applied the change.
    const nodeId = await addNode(tenant.id, 'rep-config-node', up.url)
    const routed = await msUntil('replica 3 routes to the new node', async () => {
      return (await send(r3, tenant.key)).node === 'rep-config-node'
    })
    expect((await admin.post('/admin/api/nodes/disable', { id: nodeId })).status).toBe(200)
    const disabled = await msUntil('replica 3 stops routing to it', async () => {
      // Its only node disabled: the pool is down (503).
      return (await send(r3, tenant.key)).status === 503
    })
    expect((await admin.post('/admin/api/nodes/enable', { id: nodeId })).status).toBe(200)
    const enabled = await msUntil('replica 3 routes to it again', async () => {
      return (await send(r3, tenant.key)).status === 200
    })
    // Each within 1 s of the admin answer; the 2 s poll alone would miss at least one of three.
    for (const ms of [routed, disabled, enabled]) expect(ms).toBeLessThan(1000)
  }, 30_000)

  it("a console event stream on replica 2 sees replica 1's failover", async () => {
    const tenant = await createTenant(admin, 'rep-events')
    const flaky = await upstream('rep-events-flaky')
    const steady = await upstream('rep-events-steady')
    const flakyId = await addNode(tenant.id, 'rep-flaky', flaky.url, { weight: 1 })
    await addNode(tenant.id, 'rep-steady', steady.url, { weight: 2 })
    const watcher = await loggedIn(r2, 'admin', ADMIN_PASSWORD)
    await pollUntil(
      'replica 1 knows the nodes',
      async () => (await send(r1, tenant.key)).status === 200,
    )
    let served = { status: 0, node: null as string | null, requestId: null as string | null }
    const isRequest = (f: SseFrame) =>
      f.event === 'request' && (f.data as { request_id: string }).request_id === served.requestId
    const isTransition = (f: SseFrame) =>
      f.event === 'node.state' && (f.data as { node_id: string }).node_id === flakyId
    const { frames } = await readEvents(
      r2.url,
      watcher.cookie,
      (all) => all.some(isRequest) && all.some(isTransition),
      5000,
      async () => {
        // The flaky node is tried first and refuses its key: replica 1 fails over.
        flaky.setDefault({ kind: 'status', status: 401 })
        served = await send(r1, tenant.key)
        for (let i = 0; i < 5 && served.node !== 'rep-steady'; i++)
          served = await send(r1, tenant.key)
      },
    )
    expect(served).toMatchObject({ status: 200, node: 'rep-steady' })
    const request = frames.find(isRequest)
    expect(request?.data).toMatchObject({ account_id: tenant.id, status: 200 })
    const transition = frames.find(isTransition)
    expect(transition?.data).toMatchObject({ from: 'healthy', to: 'failed' })
  }, 30_000)

  it('a Claude Code session bound on replica 1 stays on its node via replicas 2 and 3 while a better node is healthy', async () => {
    const tenant = await createTenant(admin, 'rep-sticky')
    const cheap = await upstream('rep-sticky-cheap', true)
    const fallback = await upstream('rep-sticky-fallback')
    const cheapId = await addNode(tenant.id, 'rep-cheap', cheap.url, { weight: 1 })
    await addNode(tenant.id, 'rep-fallback', fallback.url, { weight: 2 })
    const session = randomUUID()
    // Only replica 1 serves the session while the cheap node refuses: it binds it to the fallback.
    await pollUntil(
      'replica 1 serves the session',
      async () => (await send(r1, tenant.key, session)).status === 200,
    )
    expect((await send(r1, tenant.key, session)).node).toBe('rep-fallback')
    cheap.setDefault({ kind: 'ok' })
    for (const r of [r1, r2, r3]) {
      await pollUntil(
        'the cheap node healthy on every replica',
        () => r.health.get(cheapId)?.health.status === 'healthy',
        {
          timeoutMs: 15_000,
        },
      )
    }
    // A session nobody bound goes to the cheap node: it is the better one.
    expect((await send(r2, tenant.key, randomUUID())).node).toBe('rep-cheap')
    for (const r of [r2, r3, r2, r3])
      expect((await send(r, tenant.key, session)).node).toBe('rep-fallback')
  }, 40_000)

  it('login throttling counts attempts spread over the replicas', async () => {
    const tenant = await createTenant(admin, 'rep-throttle')
    const clients = [r1, r2, r3].map((r) => AdminClient.for(r))
    // docs/contract.md §9: an (account, address) pair locks after 5 failures in 15 minutes.
    const wrong = []
    for (let i = 0; i < 5; i++) {
      const client = clients[i % 3] as AdminClient
      wrong.push(
        (await client.post('/login', { username: 'rep-throttle', password: `wrong-${i}` })).status,
      )
    }
    expect(wrong).toEqual([401, 401, 401, 401, 401])
    for (const client of clients) {
      const locked = await client.post('/login', {
        username: 'rep-throttle',
        password: tenant.password,
      })
      expect(locked.status, locked.text).toBe(429)
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  }, 20_000)

  it('a failing node is probed once per interval in all, not once per replica', async () => {
    const tenant = await createTenant(admin, 'rep-probes')
    const down = await upstream('rep-probes-down', true)
    const nodeId = await addNode(tenant.id, 'rep-down', down.url, {
      health_check_method: 'count_tokens',
    })
    await pollUntil('replica 1 fails the node', async () => {
      await send(r1, tenant.key)
      return r1.health.get(nodeId)?.health.status === 'failed'
    })
    for (const r of [r2, r3]) {
      await pollUntil(
        'every replica sees it failed',
        () => r.health.get(nodeId)?.health.status === 'failed',
        {
          timeoutMs: 5000,
        },
      )
    }
    const probes = () =>
      down.requests.filter((q) => q.path.startsWith('/v1/messages/count_tokens')).length
    const before = probes()
    const windowMs = 10_000
    await new Promise((resolve) => setTimeout(resolve, windowMs))
    const seen = probes() - before
    // One recovery probe per 2 s interval in all: 5 in 10 s (one more at an edge); three replicas
    // probing on their own would send about 15.
    expect(seen).toBeGreaterThanOrEqual(3)
    expect(seen).toBeLessThanOrEqual(6)
  }, 40_000)
})
