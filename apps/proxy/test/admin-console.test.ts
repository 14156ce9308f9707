import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSseFrames, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, createTenant, eventually, loggedIn, messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let up: FakeUpstream
let qcc: RunningQcc
let admin: AdminClient
let t: Awaited<ReturnType<typeof createTenant>>
let other: Awaited<ReturnType<typeof createTenant>>
let nodeId: string
let otherNodeId: string

beforeAll(async () => {
  up = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_API_KEY: 'sk-ant-console-0123456789abcdef' })
  admin = await loggedIn(qcc, 'admin', 'admin123')
  t = await createTenant(admin, 'console-tenant')
  other = await createTenant(admin, 'console-other')
  const node = await admin.post(`/admin/api/nodes?account_id=${t.id}`, {
    name: 'c-node',
    base_url: up.url,
    api_key: 'sk-ant-c-node-0123456789',
  })
  nodeId = node.json.id
  const o = await admin.post(`/admin/api/nodes?account_id=${other.id}`, {
    name: 'o-node',
    base_url: up.url,
  })
  otherNodeId = o.json.id
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
})

/** Opens the event stream and collects frames until `until` matches or the time is up. */
async function collectEvents(
  client: AdminClient,
  act: () => Promise<void>,
  until: (events: string[]) => boolean,
) {
  const controller = new AbortController()
  const res = await fetch(`${qcc.url}/admin/api/events`, {
    headers: { cookie: `session_token=${client.cookie}` },
    signal: controller.signal,
  })
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let text = ''
  const first = await reader.read()
  text += decoder.decode(first.value, { stream: true })
  await act()
  const deadline = setTimeout(() => controller.abort(), 4000)
  try {
    while (!until(parseSseFrames(text).map((f) => f.event ?? ''))) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // aborted at the deadline
  } finally {
    clearTimeout(deadline)
    controller.abort()
  }
  return parseSseFrames(text)
}

describe('console APIs', () => {
  it('streams node transitions and requests: admins see all, tenants only their own', async () => {
    const act = async () => {
      await admin.post('/admin/api/nodes/disable', { id: otherNodeId })
      await admin.post('/admin/api/nodes/disable', { id: nodeId })
      await admin.post('/admin/api/nodes/enable', { id: nodeId })
    }
    const mine = await collectEvents(
      t.client,
      act,
      (e) => e.filter((x) => x === 'node.state').length >= 2,
    )
    const states = mine
      .filter((f) => f.event === 'node.state')
      .map((f) => f.data as Record<string, string>)
    expect(states.map((s) => [s.node_id, s.from, s.to])).toEqual([
      [nodeId, 'healthy', 'disabled'],
      [nodeId, 'disabled', 'healthy'],
    ])
    expect(states[0]).toMatchObject({
      account_id: t.id,
      reason: expect.any(String),
      at: expect.any(String),
    })
    expect(JSON.stringify(mine)).not.toContain(otherNodeId)

    const all = await collectEvents(
      admin,
      async () => {
        await admin.post('/admin/api/nodes/enable', { id: otherNodeId })
        await eventually(async () => {
          const r = await messages(qcc.url, t.key, MESSAGE_BODY)
          await r.text()
          if (r.status !== 200) throw new Error(String(r.status))
        })
      },
      (e) => e.includes('request') && e.includes('node.state'),
    )
    expect(
      all.some((f) => f.event === 'node.state' && JSON.stringify(f.data).includes(otherNodeId)),
    ).toBe(true)
    expect(all.some((f) => f.event === 'request' && JSON.stringify(f.data).includes(t.id))).toBe(
      true,
    )
  })

  it('serves an OpenAPI 3.1 document built from the route schemas', async () => {
    const doc = (await t.client.get('/admin/api/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    const post = doc.paths['/admin/api/nodes'].post
    expect(post.requestBody.content['application/json'].schema.required).toContain('base_url')
    expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(['account_id'])
    expect(doc.paths['/login'].post.security).toEqual([])
    expect(Object.keys(doc.paths)).toContain('/admin/api/usage/summary')
    const listed = doc.paths['/admin/api/nodes'].get.responses['200'].content['application/json']
    expect(listed.schema.properties.nodes.items.required).toEqual(
      expect.arrayContaining(['id', 'status', 'active', 'last_error', 'fail_count']),
    )
  })

  it('summarises usage, lists logs and series; health history per node', async () => {
    await qcc.store.usageWriter.flush()
    const sum = (await t.client.get('/admin/api/usage/summary')).json
    expect(sum).toMatchObject({
      requests: expect.any(Number),
      errors: expect.any(Number),
      input_tokens: expect.any(Number),
      cost_usd: expect.any(Number),
    })
    expect(sum.requests).toBeGreaterThan(0)
    const byModel = (await t.client.get('/admin/api/usage/summary?group_by=model')).json.groups
    expect(byModel[0]).toMatchObject({ key: MESSAGE_BODY.model, name: MESSAGE_BODY.model })
    const logs = (await t.client.get(`/admin/api/usage/logs?node_id=${nodeId}&limit=5`)).json.logs
    expect(logs[0]).toMatchObject({ account_id: t.id, node_id: nodeId, status: 200, success: true })
    const series = (await t.client.get('/admin/api/usage/series?bucket=minute')).json
    expect(series.points.length).toBeGreaterThan(0)
    expect(series.points.reduce((n: number, p: { requests: number }) => n + p.requests, 0)).toBe(
      sum.requests,
    )
    const perNode = (await admin.get(`/admin/api/usage/series?bucket=minute&node_id=${nodeId}`))
      .json
    const busy = perNode.points.filter((p: { requests: number }) => p.requests > 0)
    expect(busy.length).toBeGreaterThan(0)
    expect(busy[0].avg_duration_ms).toEqual(expect.any(Number))
    expect(busy[0].avg_ttfb_ms).toEqual(expect.any(Number))

    await qcc.store.recordHealthCheck({
      accountId: t.id,
      nodeId,
      at: new Date(),
      ok: false,
      latencyMs: 12,
      status: 529,
      error: 'overloaded',
      method: 'api',
      source: 'scheduled',
    })
    const checks = (await t.client.get(`/admin/api/health/history?node_id=${nodeId}`)).json.checks
    expect(checks[0]).toMatchObject({
      node_id: nodeId,
      ok: false,
      status: 529,
      error: 'overloaded',
      source: 'scheduled',
    })
    expect((await other.client.get('/admin/api/health/history')).json.checks).toEqual([])
  })

  it('lists prices to everyone and lets admins edit them', async () => {
    const prices = (await t.client.get('/admin/api/pricing')).json.pricing
    expect(prices.length).toBeGreaterThan(0)
    const row = {
      model: 'test-model-1',
      input_per_mtok: 1,
      output_per_mtok: 5,
      cache_write_5m_per_mtok: 1.25,
      cache_write_1h_per_mtok: 2,
      cache_read_per_mtok: 0.1,
    }
    expect((await admin.put('/admin/api/pricing', row)).json).toMatchObject(row)
    expect(
      (await t.client.get('/admin/api/pricing')).json.pricing.some(
        (p: { model: string }) => p.model === 'test-model-1',
      ),
    ).toBe(true)
    expect((await admin.del('/admin/api/pricing?model=test-model-1')).json).toEqual({
      deleted: 'test-model-1',
    })
    expect((await admin.del('/admin/api/pricing?model=test-model-1')).status).toBe(404)
  })

  it('creates monitor share links; the public monitor shows names and states only', async () => {
    const share = await t.client.post('/admin/api/shares', { expires_in: '1h' })
    expect(share.status).toBe(201)
    expect(share.json.share_url).toBe(`${qcc.url}/admin/monitor/share/${share.json.token}`)
    const listed = await t.client.get('/admin/api/shares')
    expect(listed.text).not.toContain(share.json.token)
    const pub = await fetch(`${qcc.url}/api/monitor/share/${share.json.token}`)
    expect(pub.status).toBe(200)
    const view = (await pub.json()) as {
      account_name: string
      nodes: Array<Record<string, unknown>>
    }
    expect(view.account_name).toBe('console-tenant')
    expect(view.nodes[0]).toMatchObject({
      id: nodeId,
      name: 'c-node',
      status: 'healthy',
      active: true,
    })
    expect(JSON.stringify(view)).not.toContain(up.url)
    expect((await t.client.del(`/admin/api/shares?id=${share.json.id}`)).json).toEqual({
      deleted: share.json.id,
    })
    expect((await fetch(`${qcc.url}/api/monitor/share/${share.json.token}`)).status).toBe(404)
  })

  it('generates a Claude Code settings.json with a download link and install commands', async () => {
    const gen = await t.client.post('/admin/api/claude-config', {
      new_key: true,
      model: 'claude-sonnet-4-6',
      allow: ['Bash(ls:*)', 'Bash(ls:*)'],
    })
    expect(gen.status).toBe(200)
    const key = gen.json.settings.env.ANTHROPIC_AUTH_TOKEN as string
    expect(gen.json.settings).toEqual({
      env: { ANTHROPIC_BASE_URL: qcc.url, ANTHROPIC_AUTH_TOKEN: key },
      permissions: { allow: ['Bash(ls:*)'], deny: [] },
      model: 'claude-sonnet-4-6',
    })
    expect(gen.json.install_cmd.unix).toContain(gen.json.download_url)
    const file = await fetch(gen.json.download_url)
    expect(file.headers.get('content-disposition')).toContain('settings.json')
    expect(await file.json()).toEqual(gen.json.settings)
    const r = await messages(qcc.url, key, MESSAGE_BODY)
    await r.text()
    expect(r.status).toBe(200)
    expect(
      (await t.client.post('/admin/api/claude-config', { api_key: 'default-proxy-key' })).status,
    ).toBe(400)
  })

  it('shows the env to admins with secrets masked', async () => {
    const vars = (await admin.get('/admin/api/env')).json.vars as Array<{
      name: string
      value: string | null
      secret: boolean
    }>
    const get = (n: string) => vars.find((v) => v.name === n)
    expect(get('LISTEN_ADDR')?.value).toBe('127.0.0.1:0')
    expect(get('UPSTREAM_API_KEY')).toEqual({
      name: 'UPSTREAM_API_KEY',
      value: '****cdef',
      secret: true,
    })
    expect(get('ADMIN_PASSWORD')?.value).toBe('********')
    expect(JSON.stringify(vars)).not.toContain('admin123')
  })

  it('keeps an audit log of admin actions, scoped per tenant', async () => {
    const entries = (await admin.get('/admin/api/audit')).json.entries as Array<{
      action: string
      account_id: string | null
    }>
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['account.create', 'node.create', 'node.disable', 'share.create']),
    )
    const mine = (await t.client.get('/admin/api/audit')).json.entries as Array<{
      account_id: string
    }>
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((e) => e.account_id === t.id)).toBe(true)
  })
})
