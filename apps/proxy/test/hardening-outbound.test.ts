/**
 * docs/SECURITY.md H2 (SSRF through probes and webhooks) and the tenant channel cap, with the real
 * proxy and real hosts on 127.0.0.1: probes, webhooks and test-sends obey the address policy at
 * connect time, never follow a redirect, and store only docs/contract.md §9's form of an error.
 */
import type { SseFrame } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { createTenant, eventually, loggedIn, messages, type AdminClient } from './admin-harness'
import { answerWith, readEvents, startRecordingHost, type RecordingHost } from './outbound-hosts'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const METHODS = ['api', 'count_tokens', 'head'] as const
const NODE_KEY = 'node-key-canary-4f1c9e'
const SECRET = 'INTERNAL-SECRET-BODY-7d2a'
const P = '/admin/api/notifications'
// Probes every second: sweeps of all nodes and recovery probes of failed ones.
const FAST_PROBES = { PROXY_HEALTH_SWEEP_SEC: '1', PROXY_HEALTH_INTERVAL_SEC: '1' }

interface Check {
  node_id: string
  ok: boolean
  status: number | null
  error: string | null
  method: string
}

const hosts: RecordingHost[] = []
const started: RunningQcc[] = []
async function host(answer: Parameters<typeof startRecordingHost>[0]) {
  const h = await startRecordingHost(answer)
  hosts.push(h)
  return h
}
async function qccWith(env: Record<string, string>) {
  const qcc = await startTestQcc({ ...FAST_PROBES, ...env })
  started.push(qcc)
  return qcc
}
afterAll(async () => {
  await Promise.all(started.map((q) => q.close()))
  await Promise.all(hosts.map((h) => h.close()))
})

/** Creates one node per probe method in the caller's account; returns method → node id. */
async function nodesFor(client: AdminClient, baseUrl: string, query = '', disabled = false) {
  const ids: Record<string, string> = {}
  for (const method of METHODS) {
    const res = await client.post(`/admin/api/nodes${query}`, {
      name: `probe-${method}`,
      base_url: baseUrl,
      api_key: NODE_KEY,
      health_check_method: method,
      disabled,
    })
    expect(res.status).toBe(201)
    ids[method] = res.json.id as string
  }
  return ids
}

/** Waits until every node has a failed check in the health history the tenant reads. */
async function failedChecks(client: AdminClient, ids: Record<string, string>) {
  return eventually(async () => {
    const res = await client.get('/admin/api/health/history')
    expect(res.status).toBe(200)
    const checks = res.json.checks as Check[]
    for (const id of Object.values(ids)) expect(checks.some((c) => c.node_id === id)).toBe(true)
    return { checks, text: res.text }
  }, 15_000)
}

const checkEvents = (frames: SseFrame[]) =>
  frames.filter((f) => f.event === 'health.check').map((f) => f.data as Record<string, unknown>)
const everyNodeSeen = (ids: Record<string, string>) => (frames: SseFrame[]) =>
  Object.values(ids).every((id) => checkEvents(frames).some((e) => e.node_id === id))

describe('H2: probes (private upstreams allowed for tenants)', () => {
  let qcc: RunningQcc
  let admin: AdminClient
  let internal: RecordingHost
  beforeAll(async () => {
    qcc = await qccWith({ PROXY_ALLOW_PRIVATE_UPSTREAMS: 'true' })
    admin = await loggedIn(qcc, 'admin', 'admin123')
    internal = await host(answerWith(500, SECRET, 'text/plain'))
  })

  it('H2: a probe never follows a redirect to an internal URL, for every method, and stores only "redirect"', async () => {
    const tenant = await createTenant(admin, 'ssrf-tenant')
    const attacker = await host((_req, res) => {
      res.writeHead(302, { location: `${internal.url}/secret` })
      res.end(SECRET)
    })
    let ids: Record<string, string> = {}
    const events = readEvents(
      qcc.url,
      tenant.client.cookie,
      (frames) => Object.keys(ids).length > 0 && everyNodeSeen(ids)(frames),
      15_000,
    )
    ids = await nodesFor(tenant.client, attacker.url)
    const { checks, text } = await failedChecks(tenant.client, ids)
    const stream = await events

    expect(internal.seen).toEqual([])
    // The key went to the node's own origin and nowhere else.
    expect(attacker.seen.some((s) => s.apiKey === NODE_KEY)).toBe(true)
    for (const method of METHODS) {
      const mine = checks.filter((c) => c.node_id === ids[method])
      expect(mine.length).toBeGreaterThan(0)
      for (const c of mine) expect(c).toMatchObject({ ok: false, status: 302, error: 'redirect' })
      const live = checkEvents(stream.frames).filter((e) => e.node_id === ids[method])
      expect(live.length).toBeGreaterThan(0)
      for (const e of live) expect(e).toMatchObject({ ok: false, error: 'redirect' })
    }
    const nodes = await tenant.client.get('/admin/api/nodes')
    for (const seen of [text, stream.text, nodes.text]) {
      expect(seen).not.toContain(SECRET)
      expect(seen).not.toContain(NODE_KEY)
    }
  })

  it('H2: an upstream error body echoing the node key is redacted in health history', async () => {
    const tenant = await createTenant(admin, 'echo-tenant')
    const echo = await host(
      answerWith(
        401,
        JSON.stringify({
          type: 'error',
          error: { type: 'authentication_error', message: `invalid x-api-key ${NODE_KEY}` },
        }),
      ),
    )
    const res = await tenant.client.post('/admin/api/nodes', {
      name: 'echo',
      base_url: echo.url,
      api_key: NODE_KEY,
      health_check_method: 'api',
    })
    expect(res.status).toBe(201)
    const { checks, text } = await failedChecks(tenant.client, { api: res.json.id as string })
    expect(checks[0]).toMatchObject({
      status: 401,
      error: 'http_401 authentication_error: invalid x-api-key [redacted]',
    })
    expect(text).not.toContain(NODE_KEY)
    const nodes = await tenant.client.get('/admin/api/nodes')
    expect(nodes.text).not.toContain(NODE_KEY)
  })

  it('H2: a test-send answer carries a status and a class, never the receiver text', async () => {
    const tenant = await createTenant(admin, 'hook-text-tenant')
    const wecom = await host(answerWith(200, JSON.stringify({ errcode: 40001, errmsg: SECRET })))
    const failing = await host(answerWith(500, SECRET, 'text/plain'))
    const answers: string[] = []
    for (const [kind, url, error] of [
      ['wechat_work', wecom.url, 'http_200 errcode_40001'],
      ['webhook', failing.url, 'http_500'],
    ] as const) {
      const ch = await tenant.client.post(`${P}/channels`, { name: kind, kind, url, events: [] })
      expect(ch.status).toBe(201)
      const sent = await tenant.client.post(`${P}/test`, { id: ch.json.id })
      expect(sent.status).toBe(502)
      expect(sent.json).toMatchObject({ ok: false, error })
      answers.push(sent.text)
    }
    expect(wecom.seen).toHaveLength(1)
    const log = await tenant.client.get(`${P}/deliveries`)
    for (const seen of [...answers, log.text]) expect(seen).not.toContain(SECRET)
  })
})

describe('H2: connect-time address policy (no private upstreams for tenants)', () => {
  let qcc: RunningQcc
  let admin: AdminClient
  beforeAll(async () => {
    qcc = await qccWith({})
    admin = await loggedIn(qcc, 'admin', 'admin123')
  })

  it('H2: probes of a node whose name points at a refused address are refused at connect', async () => {
    const tenant = await createTenant(admin, 'rebind-tenant')
    const target = await host(answerWith(200, '{"type":"message"}'))
    // `localhost` resolves to 127.0.0.1 at connect time. A tenant may not save it, so an admin
    // saves it (disabled: no probe yet) and the node loses its private permission, as a
    // tenant-saved node has it; then it is enabled.
    const base = `http://localhost:${target.port}`
    const ids = await nodesFor(admin, base, `?account_id=${tenant.id}`, true)
    for (const id of Object.values(ids)) await qcc.store.updateNode(id, { allowPrivate: false })
    await qcc.refresh()
    for (const id of Object.values(ids)) {
      expect((await admin.post('/admin/api/nodes/enable', { id })).status).toBe(200)
    }
    const { checks } = await failedChecks(tenant.client, ids)
    for (const id of Object.values(ids)) {
      const mine = checks.filter((c) => c.node_id === id)
      for (const c of mine)
        expect(c).toMatchObject({ ok: false, status: null, error: 'address_refused' })
    }
    // The data path applies the same rule to the same node.
    const res = await messages(qcc.url, tenant.key, MESSAGE_BODY)
    expect(res.status).toBeGreaterThanOrEqual(500)
    expect(target.seen).toEqual([])
  })

  it('H2: a tenant webhook whose name points at an internal host is refused at connect; an admin channel still works', async () => {
    const tenant = await createTenant(admin, 'hook-tenant')
    const inside = await host((req, res) =>
      req.url === '/ops'
        ? answerWith(200, '{"ok":true}')(req, res)
        : answerWith(418, SECRET, 'text/plain')(req, res),
    )
    // Saved while the name pointed elsewhere; now it resolves to the internal host.
    const channel = await qcc.store.createNotificationChannel({
      accountId: tenant.id,
      name: 'rebound',
      kind: 'webhook',
      config: { url: `http://localhost:${inside.port}/hook`, allowPrivate: false },
    })
    const sent = await tenant.client.post(`${P}/test`, { id: channel.id })
    expect(sent.status).toBe(502)
    expect(sent.json).toEqual({ ok: false, attempts: 1, status: null, error: 'address_refused' })
    expect(inside.seen).toEqual([])

    const own = await admin.post(`${P}/channels`, {
      name: 'ops',
      kind: 'webhook',
      url: `${inside.url}/ops`,
      events: [],
    })
    expect(own.status).toBe(201)
    const ok = await admin.post(`${P}/test`, { id: own.json.id })
    expect(ok.json).toEqual({ ok: true, attempts: 1, status: 200, error: null })
    expect(inside.seen.map((s) => s.url)).toEqual(['/ops'])
  })

  it('H6: a tenant holds at most 20 notification channels; the 21st is 409', async () => {
    const tenant = await createTenant(admin, 'cap-tenant')
    const create = (client: AdminClient, i: number, query = '') =>
      client.post(`${P}/channels${query}`, {
        name: `hook-${i}`,
        kind: 'webhook',
        url: `https://93.184.216.34/hook-${i}`,
        events: [],
      })
    for (let i = 1; i <= 20; i++) expect((await create(tenant.client, i)).status).toBe(201)
    const over = await create(tenant.client, 21)
    expect(over.status).toBe(409)
    expect(typeof over.json.error).toBe('string')
    const listed = await tenant.client.get(`${P}/channels`)
    expect(listed.json.channels).toHaveLength(20)
    // Admins are not capped, in their own account or the tenant's.
    expect((await create(admin, 22, `?account_id=${tenant.id}`)).status).toBe(201)
  })
})
