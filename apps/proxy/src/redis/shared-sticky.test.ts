import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AttemptPlanner, NodeHealthMachine, TtfbWindows } from '@qcc/core'
import { accountRecord, nodeRecord } from '../../test/records'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { pollUntil } from '../../test/wait'
import { toNodeConfig } from '../health/store-records'
import { createCoreRouter } from '../routing/core-router'
import type { PlanInput, RequestPlan, RouteTarget } from '../routing/types'
import type { RedisLink } from './connection'
import { SharedSticky } from './shared-sticky'

const prefix = testPrefix()
const links: RedisLink[] = []
const relays: RedisRelay[] = []
let admin: RedisLink

beforeAll(async () => void (admin = await upLink(prefix)))
afterEach(async () => {
  for (const l of links.splice(0)) await l.close()
  for (const r of relays.splice(0)) await r.close()
})
afterAll(async () => {
  await dropKeys(admin, prefix)
  await admin.close()
})

// `cheap` is the better tier: without a binding every session goes there.
const NODES = [nodeRecord('cheap', { weight: 1 }), nodeRecord('dear', { weight: 2 })]

/** One "replica": its own link, shared bindings, health machine, planner and router. */
async function replica(options: { url?: string; unstuckAt?: Map<string, number> } = {}) {
  const link = await upLink(prefix, options.url, { maxRetryDelayMs: 100 })
  links.push(link)
  const now = Date.now()
  const clock = { now: () => now }
  const shared = new SharedSticky({
    link,
    sticky: { ttlMs: 60_000 },
    unstuckAt: (id) => options.unstuckAt?.get(id),
    now: clock.now,
  })
  const health = new NodeHealthMachine({ clock, failThreshold: 3 })
  for (const node of NODES) health.upsert(toNodeConfig(node))
  const ttfb = new TtfbWindows()
  const planner = new AttemptPlanner({
    health,
    clock,
    random: () => 0,
    sticky: shared.bindings,
    retryMax: 3,
    ttfb,
    stickyBreakTtfbMs: () => 1_000,
  })
  const byId = new Map(NODES.map((n) => [n.id, n]))
  const router = createCoreRouter({
    directory: {
      account: () => accountRecord(),
      node: (id) => byId.get(id),
      apiKeyNow: () => 'sk-ant-test',
      extraHeadersNow: () => null,
    },
    planner,
    onTransition: () => {},
    allowPrivateUpstreams: false,
    loadSticky: (accountId, sessionId) => shared.load(accountId, sessionId),
  })
  /** Prepares and plans one request of `session`, as the data path does. */
  const plan = async (session: string): Promise<RequestPlan> => {
    const input: PlanInput = {
      accountId: 'acme',
      requestId: randomUUID(),
      headers: { 'x-claude-code-session-id': session },
      body: {},
    }
    const ready = router.prepare?.(input)
    if (ready !== undefined) await ready
    return router.plan(input)
  }
  /** Waits until every command this replica sent so far has been run (one connection, in order). */
  const flushed = () => link.client.ping()
  const bound = (session: string) => shared.bindings.get('acme', session, now)
  return { link, shared, router, plan, flushed, bound, ttfb, now: clock.now }
}

function nextOf(plan: RequestPlan): RouteTarget {
  const next = plan.next()
  if (!next) throw new Error('expected a target')
  return next
}

/** Serves a session on `dear` (the worse tier): `cheap` answers 500 first. */
async function serveOnDear(r: Awaited<ReturnType<typeof replica>>, session: string, flush = true) {
  const plan = await r.plan(session)
  plan.report(nextOf(plan), { kind: 'response', status: 500 })
  const second = nextOf(plan)
  expect(second.nodeId).toBe('id-dear')
  plan.report(second, { kind: 'response', status: 200 })
  plan.done()
  if (flush) await r.flushed()
}

const key = (session: string) => `${prefix}sticky:acme:${session}`

describe('SharedSticky: session bindings across replicas (docs/contract.md §11)', () => {
  it('a binding made on A is followed on B, over a better healthy node', async () => {
    const [a, b] = [await replica(), await replica()]
    const session = randomUUID()
    await serveOnDear(a, session)
    const [value, pttl] = [
      await admin.client.get(key(session)),
      await admin.client.pttl(key(session)),
    ]
    expect(value).toMatch(/^60000:\d+:id-dear$/)
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(60_000)

    const plan = await b.plan(session)
    expect(nextOf(plan)).toMatchObject({ nodeId: 'id-dear', attempt: { reason: 'sticky' } })
    plan.done()
    // A session nobody bound still goes to the better tier.
    const fresh = await b.plan(randomUUID())
    expect(nextOf(fresh).nodeId).toBe('id-cheap')
    fresh.done()
  })

  it('a rebind on B is seen by A, and a load restarts the TTL', async () => {
    const [a, b] = [await replica(), await replica()]
    const session = randomUUID()
    await serveOnDear(a, session)
    // B's next request: the bound node fails, `cheap` serves and becomes the binding.
    const plan = await b.plan(session)
    const first = nextOf(plan)
    expect(first.nodeId).toBe('id-dear')
    plan.report(first, { kind: 'response', status: 500 })
    plan.report(nextOf(plan), { kind: 'response', status: 200 })
    plan.done()
    await b.flushed()
    expect(a.bound(session)).toBe('id-dear')
    await a.shared.load('acme', session)
    expect(a.bound(session)).toBe('id-cheap')

    await admin.client.pexpire(key(session), 5_000)
    await b.shared.load('acme', session)
    expect(await admin.client.pttl(key(session))).toBeGreaterThan(5_000)
  })

  it('a drop on B (the TTFB break) is seen by A', async () => {
    const [a, b] = [await replica(), await replica()]
    const session = randomUUID()
    await serveOnDear(a, session)
    b.ttfb.record('id-dear', 5_000)
    const plan = await b.plan(session)
    // The binding breaks: B goes to the better tier and deletes the shared binding.
    expect(nextOf(plan).nodeId).toBe('id-cheap')
    plan.done()
    await b.flushed()
    expect(await admin.client.exists(key(session))).toBe(0)
    expect(a.bound(session)).toBe('id-dear')
    await a.shared.load('acme', session)
    expect(a.bound(session)).toBeUndefined()
  })

  it('prepares only a request with a session id; without Redis there is nothing to prepare', async () => {
    const r = await replica()
    const input = { accountId: 'acme', requestId: 'r1', headers: {} }
    const none: PlanInput = { ...input, body: { model: 'x' } }
    expect(r.router.prepare?.(none)).toBeUndefined()
    expect(none.sessionId).toBeNull()
    const session = randomUUID()
    const legacy: PlanInput = {
      ...input,
      body: { metadata: { user_id: `user_ab_account__session_${session}` } },
    }
    const ready = r.router.prepare?.(legacy)
    expect(ready).toBeInstanceOf(Promise)
    await ready
    // Read once: `plan` takes it from the input.
    expect(legacy.sessionId).toBe(session)
    const plan = r.router.plan(legacy)
    expect(plan.sessionId).toBe(session)
    plan.done()
    const clock = { now: Date.now }
    const alone = createCoreRouter({
      directory: {
        account: () => undefined,
        node: () => undefined,
        apiKeyNow: () => null,
        extraHeadersNow: () => null,
      },
      planner: new AttemptPlanner({
        health: new NodeHealthMachine({ clock }),
        clock,
        random: Math.random,
      }),
      onTransition: () => {},
      allowPrivateUpstreams: false,
    })
    expect(alone.prepare).toBeUndefined()
  })

  it('a TTL of 0 (a node that binds no session) deletes the shared binding', async () => {
    const a = await replica()
    const session = randomUUID()
    a.shared.bindings.bind('acme', session, 'id-dear', Date.now(), 60_000)
    a.shared.bindings.bind('acme', session, 'id-cheap', Date.now(), 0)
    await a.flushed()
    expect(await admin.client.exists(key(session))).toBe(0)
  })

  it('a re-bind to the node just loaded writes nothing (the load renewed it); a move does', async () => {
    const a = await replica()
    const session = randomUUID()
    // Bound elsewhere at a time this replica's binds never stamp: a write would change it.
    await admin.client.set(key(session), '60000:12345:id-dear', 'PX', 60_000)
    await a.shared.load('acme', session)
    a.shared.bindings.bind('acme', session, 'id-dear', a.now(), 60_000)
    await a.flushed()
    expect(await admin.client.get(key(session))).toBe('60000:12345:id-dear')
    a.shared.bindings.bind('acme', session, 'id-cheap', a.now(), 60_000)
    await a.flushed()
    expect(await admin.client.get(key(session))).toBe(`60000:${a.now()}:id-cheap`)
  })
})

describe('SharedSticky: unstick (docs/contract.md §13)', () => {
  // An unstick sweeps the whole tenant: start each test without the earlier tests' bindings.
  beforeEach(async () => void (await dropKeys(admin, prefix)))

  it("deletes the tenant's Redis bindings to the node, and only those", async () => {
    const [a, b] = [await replica(), await replica()]
    const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()]
    const at = Date.now()
    a.shared.bindings.bind('acme', s1, 'id-dear', at)
    b.shared.bindings.bind('acme', s2, 'id-dear', at)
    a.shared.bindings.bind('acme', s3, 'id-cheap', at)
    a.shared.bindings.bind('beta', s1, 'id-dear', at)
    await Promise.all([a.flushed(), b.flushed()])
    expect(await a.shared.unbindNode('acme', 'id-dear')).toBe(2)
    expect(await admin.client.exists(key(s1), key(s2))).toBe(0)
    expect(await admin.client.get(key(s3))).toMatch(/:id-cheap$/)
    expect(await admin.client.exists(`${prefix}sticky:beta:${s1}`)).toBe(1)
    // Its local copy is gone from B once it loads (Redis is the truth while up).
    await b.shared.load('acme', s2)
    expect(b.bound(s2)).toBeUndefined()
  })

  it("drops a binding made before its node's unstuck_at when it is loaded", async () => {
    const unstuckAt = new Map<string, number>()
    const [a, b] = [await replica(), await replica({ unstuckAt })]
    const session = randomUUID()
    a.shared.bindings.bind('acme', session, 'id-dear', Date.now() - 10)
    await a.flushed()
    // The unsticking replica's sweep missed it (Redis was away then, say); B's directory knows.
    unstuckAt.set('id-dear', Date.now())
    const plan = await b.plan(session)
    expect(nextOf(plan).nodeId).toBe('id-cheap')
    plan.done()
    // The delete is fire and forget (and may be a script's first run): wait for it, bounded.
    await pollUntil(
      'the stale binding to go',
      async () => (await admin.client.exists(key(session))) === 0,
    )
  })

  it('counts its own unstick at once, before the directory reloads', async () => {
    const [a, b] = [await replica(), await replica()]
    const session = randomUUID()
    b.shared.bindings.bind('acme', session, 'id-dear', a.now() - 10)
    await b.flushed()
    a.shared.bindings.unbindNode('id-dear')
    const sweep = a.shared.unbindNode('acme', 'id-dear')
    // A request on A before the sweep is over must not bring the stale binding back.
    await a.shared.load('acme', session)
    expect(a.bound(session)).toBeUndefined()
    expect(await sweep).toBeLessThanOrEqual(1) // the load's own delete may have been first
    expect(await admin.client.exists(key(session))).toBe(0)
  })
})

describe('SharedSticky without Redis', () => {
  it('works locally while the link is down: nothing waits, nothing throws', async () => {
    const relay = await startRedisRelay()
    relays.push(relay)
    const r = await replica({ url: relay.url() })
    const session = randomUUID()
    await relay.cut()
    await pollUntil('the link to go down', () => !r.link.up)
    expect(r.shared.load('acme', session)).toBeUndefined()
    await serveOnDear(r, session, false)
    expect(r.bound(session)).toBe('id-dear')
    const plan = await r.plan(session)
    expect(nextOf(plan)).toMatchObject({ nodeId: 'id-dear', attempt: { reason: 'sticky' } })
    plan.done()
    expect(await r.shared.unbindNode('acme', 'id-dear')).toBe(0)
    // Redis back (and empty of this session): the outage's binding is kept and written there.
    r.shared.bindings.bind('acme', session, 'id-dear', r.now())
    await relay.restore()
    await pollUntil('the link back up', () => r.link.up, { timeoutMs: 5000 })
    await r.shared.load('acme', session)
    expect(r.bound(session)).toBe('id-dear')
    await pollUntil(
      'the binding in Redis',
      async () => (await admin.client.exists(key(session))) === 1,
    )
  })

  it('a load pays at most about the command timeout when Redis just went silent', async () => {
    const relay = await startRedisRelay()
    relays.push(relay)
    const r = await replica({ url: relay.url() })
    const session = randomUUID()
    r.shared.bindings.adopt('acme', session, 'id-dear', Date.now() + 60_000)
    relay.stall()
    expect(r.link.up).toBe(true)
    const started = Date.now()
    await r.shared.load('acme', session)
    // The link's command timeout is 100 ms; the bound is loose so a slow machine passes.
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(r.bound(session)).toBe('id-dear')
  })
})
