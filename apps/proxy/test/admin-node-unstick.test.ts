import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus, type ConsoleEvent } from '../src/events/bus'
import { adminApp, type AdminApp } from './admin-app'

// POST /admin/api/nodes/unstick, the config's sticky fields and the usage log's upstream_model
// (docs/contract.md §13), on a memory store through app.request.
const NOW = Date.UTC(2026, 0, 15, 10, 30, 0)
let t: AdminApp
let events: ConsoleEvent[]
let unstuck: string[]
let root: string
let tenantA: { id: string; cookie: string; node: string }
let tenantB: { id: string; cookie: string; node: string }

async function tenant(name: string) {
  const a = await t.store.createAccount({ name, password: `${name}-password` })
  const n = await t.store.createNode({
    accountId: a.id,
    name: `${name}-n`,
    baseUrl: 'https://r.test',
  })
  return { id: a.id, node: n.id, cookie: await t.login(name, `${name}-password`) }
}

beforeEach(async () => {
  const bus = new EventBus()
  events = []
  bus.subscribe((e) => void events.push(e))
  unstuck = []
  t = await adminApp({
    eventBus: bus,
    now: () => NOW,
    unstickNode: (id) => {
      unstuck.push(id)
      return 3
    },
  })
  root = await t.login()
  tenantA = await tenant('alpha')
  tenantB = await tenant('bravo')
})
afterEach(() => t.close())

const json = async (res: Response) => (await res.json()) as Record<string, unknown>
const unstick = (cookie: string, body: unknown) =>
  t.request('POST', '/admin/api/nodes/unstick', cookie, body)

describe('POST /admin/api/nodes/unstick', () => {
  it("lets the owner drop a node's bindings: unstuckAt set, audited, config changed", async () => {
    const res = await unstick(tenantA.cookie, { id: tenantA.node })
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ unstuck: tenantA.node, dropped: 3 })
    expect(unstuck).toEqual([tenantA.node])
    expect((await t.store.getNode(tenantA.node))?.unstuckAt?.getTime()).toBe(NOW)
    const [entry] = await t.store.listAudit({ action: 'node.unstick' })
    expect(entry).toMatchObject({
      accountId: tenantA.id,
      targetType: 'node',
      targetId: tenantA.node,
      detail: { dropped: 3 },
    })
    expect(events.some((e) => e.type === 'config.changed' && e.accountId === tenantA.id)).toBe(true)
  })

  it("lets an admin unstick any tenant's node", async () => {
    const res = await unstick(root, { id: tenantB.node })
    expect(res.status).toBe(200)
    expect((await json(res)).unstuck).toBe(tenantB.node)
    expect((await t.store.getNode(tenantB.node))?.unstuckAt).not.toBeNull()
  })

  it("answers 404 for another tenant's node and changes nothing", async () => {
    const res = await unstick(tenantA.cookie, { id: tenantB.node })
    expect(res.status).toBe(404)
    expect(unstuck).toEqual([])
    expect((await t.store.getNode(tenantB.node))?.unstuckAt).toBeNull()
    expect(await t.store.listAudit({ action: 'node.unstick' })).toEqual([])
  })

  it('refuses a bad body with 400 {error}', async () => {
    for (const body of [{}, { id: 5 }, { id: '' }, [], 'x']) {
      const res = await unstick(tenantA.cookie, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(typeof (await json(res)).error).toBe('string')
    }
    expect(unstuck).toEqual([])
    expect((await t.store.getNode(tenantA.node))?.unstuckAt).toBeNull()
  })

  it('answers dropped 0 without a local binding table', async () => {
    const bare = await adminApp({ now: () => NOW })
    try {
      const n = (await bare.store.listAccounts())[0]
      const node = await bare.store.createNode({
        accountId: n?.id ?? '',
        name: 'n',
        baseUrl: 'https://r.test',
      })
      const res = await bare.request('POST', '/admin/api/nodes/unstick', await bare.login(), {
        id: node.id,
      })
      expect(await json(res)).toEqual({ unstuck: node.id, dropped: 0 })
    } finally {
      await bare.close()
    }
  })
})

describe('config: sticky_policy and sticky_break_ttfb_ms', () => {
  const get = async (cookie: string) =>
    (await t.request('GET', '/admin/api/config', cookie)).json() as Promise<
      Record<string, unknown> & { overrides: Record<string, unknown> }
    >

  it('defaults to cache_first and never; sets, audits and unsets them', async () => {
    expect(await get(tenantA.cookie)).toMatchObject({
      sticky_policy: 'cache_first',
      sticky_break_ttfb_ms: null,
      overrides: { sticky_policy: null, sticky_break_ttfb_ms: null },
    })
    const put = await t.request('PUT', '/admin/api/config', tenantA.cookie, {
      sticky_policy: 'cost_first',
      sticky_break_ttfb_ms: 4000,
    })
    expect(put.status).toBe(200)
    expect(await put.json()).toMatchObject({
      sticky_policy: 'cost_first',
      sticky_break_ttfb_ms: 4000,
    })
    expect((await t.store.getAccount(tenantA.id))?.settings).toMatchObject({
      stickyPolicy: 'cost_first',
      stickyBreakTtfbMs: 4000,
    })
    const [entry] = await t.store.listAudit({ action: 'config.update', accountId: tenantA.id })
    expect(entry?.detail).toMatchObject({ sticky_policy: 'cost_first', sticky_break_ttfb_ms: 4000 })
    // Another tenant is untouched.
    expect((await get(tenantB.cookie)).sticky_policy).toBe('cache_first')
    await t.request('PUT', '/admin/api/config', tenantA.cookie, { sticky_break_ttfb_ms: 0 })
    expect(await get(tenantA.cookie)).toMatchObject({
      sticky_break_ttfb_ms: null,
      overrides: { sticky_policy: 'cost_first', sticky_break_ttfb_ms: 0 },
    })
    await t.request('PUT', '/admin/api/config', tenantA.cookie, {
      sticky_policy: null,
      sticky_break_ttfb_ms: null,
    })
    expect(await get(tenantA.cookie)).toMatchObject({
      sticky_policy: 'cache_first',
      overrides: { sticky_policy: null, sticky_break_ttfb_ms: null },
    })
  })

  it('refuses bad values with 400 naming the field and changes nothing', async () => {
    await t.request('PUT', '/admin/api/config', tenantA.cookie, { sticky_policy: 'cost_first' })
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ sticky_policy: 'fastest' }, 'sticky_policy'],
      [{ sticky_policy: 1 }, 'sticky_policy'],
      [{ sticky_break_ttfb_ms: -1 }, 'sticky_break_ttfb_ms'],
      [{ sticky_break_ttfb_ms: 1.5 }, 'sticky_break_ttfb_ms'],
      [{ sticky_break_ttfb_ms: '100' }, 'sticky_break_ttfb_ms'],
      [{ sticky_break_ttfb_ms: 600_001 }, 'sticky_break_ttfb_ms'],
    ]
    for (const [body, field] of bad) {
      const res = await t.request('PUT', '/admin/api/config', tenantA.cookie, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect((await json(res)).error).toMatch(new RegExp(`^${field}`))
    }
    expect((await get(tenantA.cookie)).overrides).toMatchObject({
      sticky_policy: 'cost_first',
      sticky_break_ttfb_ms: null,
    })
  })
})

describe('usage logs: upstream_model', () => {
  it('shows the upstream model when the model map rewrote it, else null', async () => {
    const { key } = await t.store.createProxyKey({ accountId: tenantA.id })
    const event = {
      accountId: tenantA.id,
      keyId: key.id,
      nodeId: tenantA.node,
      model: 'claude-sonnet-4-5',
      status: 200,
      attempts: 1,
      inputTokens: 1,
      outputTokens: 1,
      cacheCreationInputTokens: 0,
      cacheCreation5mTokens: 0,
      cacheCreation1hTokens: 0,
      cacheReadInputTokens: 0,
      costUsd: 0,
      ttfbMs: 10,
      durationMs: 20,
      bytes: 30,
      sessionId: null,
      partial: false,
    }
    t.store.usageWriter.enqueue({
      ...event,
      requestId: 'r1',
      at: new Date(NOW),
      upstreamModel: 'glm-4.6',
    })
    t.store.usageWriter.enqueue({ ...event, requestId: 'r2', at: new Date(NOW + 1) })
    await t.store.usageWriter.flush()
    const res = await t.request('GET', '/admin/api/usage/logs?limit=10', tenantA.cookie)
    const { logs } = (await res.json()) as { logs: Array<Record<string, unknown>> }
    expect(logs.map((l) => [l.request_id, l.model, l.upstream_model])).toEqual([
      ['r2', 'claude-sonnet-4-5', null],
      ['r1', 'claude-sonnet-4-5', 'glm-4.6'],
    ])
  })
})
