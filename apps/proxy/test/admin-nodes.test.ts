import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, createTenant, eventually, loggedIn, messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let up1: FakeUpstream
let up2: FakeUpstream
let qcc: RunningQcc
let admin: AdminClient
let tenant: Awaited<ReturnType<typeof createTenant>>

beforeAll(async () => {
  up1 = await startFakeUpstream({ name: 'up1' })
  up2 = await startFakeUpstream({ name: 'up2' })
  qcc = await startTestQcc()
  admin = await loggedIn(qcc, 'admin', 'admin123')
  tenant = await createTenant(admin, 'node-tenant')
})
afterAll(async () => {
  await qcc?.close()
  await up1?.close()
  await up2?.close()
})

const servedBy = async (key: string) => {
  const res = await messages(qcc.url, key, MESSAGE_BODY)
  await res.text()
  return res.headers.get('x-qcc-node')
}

describe('A11 SSRF on save', () => {
  it('A11: a tenant cannot save loopback, private, metadata or non-http base URLs', async () => {
    const refused = [
      'http://127.0.0.1:9/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://10.0.0.8/',
      'http://localhost:8080/',
      'file:///etc/passwd',
      'gopher://example.com:70/_x',
      'https://relay.example.com/v1?key=secret-in-url',
    ]
    for (const base_url of refused) {
      const res = await tenant.client.post('/admin/api/nodes', { name: 'evil', base_url })
      expect(res.status, base_url).toBe(400)
      expect(res.json.error, base_url).toMatch(/^base_url: /)
      expect(res.text, base_url).not.toContain('meta-data')
    }
    expect((await tenant.client.get('/admin/api/nodes')).json.nodes).toEqual([])
  })

  it('A11: an admin may use loopback relays but never metadata addresses', async () => {
    for (const base_url of ['http://169.254.169.254/', 'http://[fd00:ec2::254]/']) {
      const res = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
        name: 'meta',
        base_url,
      })
      expect(res.status, base_url).toBe(400)
    }
    const ok = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
      name: 'relay-a',
      base_url: up1.url,
      api_key: 'sk-ant-node-a-0123456789',
      weight: 1,
    })
    expect(ok.status).toBe(201)
    // The node is managed (an admin put it in the tenant's account): the tenant may reweight
    // it but not repoint it anywhere (docs/contract.md §9), private addresses included.
    const moved = await tenant.client.put(`/admin/api/nodes?id=${ok.json.id}`, {
      base_url: up2.url,
    })
    expect(moved.status).toBe(403)
    expect(moved.json.error).toMatch(/^base_url: .*managed/)
    expect(
      (await tenant.client.put(`/admin/api/nodes?id=${ok.json.id}`, { weight: 1 })).status,
    ).toBe(200)
  })
})

describe('node management', () => {
  it('lists nodes with state, activates, disables and enables them, and the data path follows', async () => {
    const b = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
      name: 'relay-b',
      base_url: up2.url,
      api_key: 'sk-ant-node-b-0123456789',
      weight: 2,
    })
    expect(b.status).toBe(201)
    let list = (await tenant.client.get('/admin/api/nodes')).json.nodes
    expect(list.map((n: { name: string }) => n.name)).toEqual(['relay-a', 'relay-b'])
    const [a, bb] = list
    expect(a).toMatchObject({
      account_id: tenant.id,
      base_url: up1.url,
      weight: 1,
      status: 'healthy',
      failed: false,
      disabled: false,
      active: true,
      has_api_key: true,
      api_key_hint: '6789',
      managed: true,
      last_error: null,
      fail_count: 0,
      requests: 0,
    })
    expect(bb.active).toBe(false)
    expect(bb.health_check_method).toBe('api')
    expect(JSON.stringify(list)).not.toContain('sk-ant-node')
    expect(
      await eventually(async () => {
        const node = await servedBy(tenant.key)
        if (node !== 'relay-a') throw new Error(String(node))
        return node
      }),
    ).toBe('relay-a')

    // Activate the lower-priority node: it is marked active and takes the traffic.
    expect((await tenant.client.post('/admin/api/nodes/activate', { id: bb.id })).json).toEqual({
      active: bb.id,
    })
    list = (await tenant.client.get('/admin/api/nodes')).json.nodes
    expect(list.map((n: { active: boolean }) => n.active)).toEqual([false, true])
    await eventually(async () => {
      if ((await servedBy(tenant.key)) !== 'relay-b') throw new Error('not yet')
    })

    // Disable it: status disabled, the active mark and the traffic go back to relay-a.
    expect((await tenant.client.post('/admin/api/nodes/disable', { id: bb.id })).json).toEqual({
      disabled: bb.id,
    })
    list = (await tenant.client.get('/admin/api/nodes')).json.nodes
    expect(list[1]).toMatchObject({ status: 'disabled', disabled: true, active: false })
    expect(list[0].active).toBe(true)
    await eventually(async () => {
      if ((await servedBy(tenant.key)) !== 'relay-a') throw new Error('not yet')
    })
    expect((await tenant.client.post('/admin/api/nodes/enable', { id: bb.id })).json).toEqual({
      enabled: bb.id,
    })
    expect((await tenant.client.get('/admin/api/nodes')).json.nodes[1].status).toBe('healthy')
  })

  it('shows persisted failure state: status, last_error and fail_count', async () => {
    const nodes = (await tenant.client.get('/admin/api/nodes')).json.nodes
    const a = nodes[0]
    await qcc.store.updateAccount(tenant.id, { activeNodeId: null })
    const states = await qcc.store.getNodeStates()
    const version = states.find((s) => s.nodeId === a.id)?.version ?? 0
    const ok = await qcc.store.compareAndSetNodeState(a.id, version, {
      status: 'failed',
      coolingUntil: null,
      failReason: 'HTTP 401 from upstream',
      consecutiveFailures: 3,
      lastFailureAt: new Date(),
      lastSuccessAt: null,
      lastProbeAt: null,
    })
    expect(ok).toBe(true)
    const after = (await tenant.client.get('/admin/api/nodes')).json.nodes
    expect(after[0]).toMatchObject({
      status: 'failed',
      failed: true,
      last_error: 'HTTP 401 from upstream',
      fail_count: 3,
      active: false,
    })
    expect(after[1].active).toBe(true)
  })

  it('updates and deletes nodes; an admin lists every account with account_id=*', async () => {
    const nodes = (await tenant.client.get('/admin/api/nodes')).json.nodes
    const b = nodes[1]
    // Managed node (docs/contract.md §9): the tenant renames it, only an admin clears its key or deletes it.
    const put = (who: AdminClient, body: unknown) => who.put(`/admin/api/nodes?id=${b.id}`, body)
    expect((await put(tenant.client, { api_key: null, name: 'relay-b2' })).status).toBe(403)
    expect((await put(tenant.client, { name: 'relay-b2' })).status).toBe(200)
    expect((await put(admin, { api_key: null })).status).toBe(200)
    const updated = (await tenant.client.get('/admin/api/nodes')).json.nodes[1]
    expect(updated).toMatchObject({ name: 'relay-b2', has_api_key: false, api_key_hint: null })
    const all = (await admin.get('/admin/api/nodes?account_id=*')).json.nodes
    expect(all.some((n: { account_id: string }) => n.account_id === tenant.id)).toBe(true)
    expect(
      (await admin.get('/admin/api/nodes')).json.nodes.every(
        (n: { account_id: string }) => n.account_id !== tenant.id,
      ),
    ).toBe(true)
    expect((await tenant.client.del(`/admin/api/nodes?id=${b.id}`)).status).toBe(403)
    expect((await admin.del(`/admin/api/nodes?id=${b.id}`)).json).toEqual({ deleted: b.id })
    expect((await tenant.client.get('/admin/api/nodes')).json.nodes).toHaveLength(1)
    expect((await tenant.client.del(`/admin/api/nodes?id=${b.id}`)).status).toBe(404)
  })
})
