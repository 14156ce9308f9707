import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSseFrames, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, createTenant, eventually, loggedIn, messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let ups: FakeUpstream[]
let qcc: RunningQcc
let admin: AdminClient
type Tenant = Awaited<ReturnType<typeof createTenant>> & { nodeKeys: string[] }
let A: Tenant
let B: Tenant

async function addNodes(
  t: Awaited<ReturnType<typeof createTenant>>,
  tag: string,
  first: FakeUpstream,
  second: FakeUpstream,
) {
  const nodeKeys = [`sk-${tag}-primary-0123456789`, `sk-${tag}-backup-0123456789`]
  for (const [i, up] of [first, second].entries()) {
    const res = await admin.post(`/admin/api/nodes?account_id=${t.id}`, {
      name: `${tag}-${i}`,
      base_url: up.url,
      api_key: nodeKeys[i],
      weight: i + 1,
    })
    expect(res.status).toBe(201)
  }
  return { ...t, nodeKeys }
}

beforeAll(async () => {
  ups = await Promise.all([0, 1, 2, 3].map((i) => startFakeUpstream({ name: `up${i}` })))
  qcc = await startTestQcc({ PROXY_HEALTH_INTERVAL_SEC: '3600' })
  admin = await loggedIn(qcc, 'admin', 'admin123')
  A = await addNodes(
    await createTenant(admin, 'tenant-a'),
    'a',
    ups[0] as FakeUpstream,
    ups[1] as FakeUpstream,
  )
  B = await addNodes(
    await createTenant(admin, 'tenant-b'),
    'b',
    ups[2] as FakeUpstream,
    ups[3] as FakeUpstream,
  )
  await eventually(async () => {
    for (const t of [A, B]) {
      const res = await messages(qcc.url, t.key, MESSAGE_BODY)
      await res.text()
      if (res.status !== 200) throw new Error(String(res.status))
    }
  })
})
afterAll(async () => {
  await qcc?.close()
  await Promise.all((ups ?? []).map((u) => u.close()))
})

const keysSeenBy = (up: FakeUpstream) => new Set(up.requests.map((r) => r.headers['x-api-key']))

describe('tenant isolation', () => {
  it("T4: the same Claude Code session id from A and B sticks to each tenant's own nodes", async () => {
    for (const u of ups) u.reset()
    const headers = { 'x-claude-code-session-id': 'shared-session-0001' }
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const t = i % 2 === 0 ? A : B
        return messages(qcc.url, t.key, MESSAGE_BODY, headers).then(async (r) => ({
          t,
          node: r.headers.get('x-qcc-node'),
          status: r.status,
          body: await r.text(),
        }))
      }),
    )
    for (const r of runs) {
      expect(r.status).toBe(200)
      expect(r.node?.startsWith(r.t === A ? 'a-' : 'b-')).toBe(true)
    }
    for (const [i, up] of ups.entries()) {
      const own = i < 2 ? A : B
      for (const key of keysSeenBy(up)) expect(own.nodeKeys).toContain(key)
    }
    // Per-account settings are per account too.
    await A.client.put('/admin/api/config', { retries: 5, fail_limit: 7 })
    expect((await A.client.get('/admin/api/config')).json).toMatchObject({
      retries: 5,
      fail_limit: 7,
    })
    expect((await B.client.get('/admin/api/config')).json).toMatchObject({
      retries: 3,
      fail_limit: 3,
      overrides: { retries: null, fail_limit: null },
    })
  })

  it('T5: 1000 interleaved requests with failovers are attributed to the right tenant, exactly', async () => {
    for (const u of ups) u.reset()
    await qcc.store.usageWriter.flush()
    const before = await Promise.all([A, B].map((t) => t.client.get('/admin/api/usage/summary')))
    // Primaries fail every other request early on: failovers to the backups.
    for (const up of [ups[0], ups[2]] as FakeUpstream[]) {
      up.enqueue(
        ...Array.from({ length: 30 }, (_, i) =>
          i % 2 ? { kind: 'ok' as const } : { kind: 'status' as const, status: 500 },
        ),
      )
    }
    const jobs = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? A : B))
    let next = 0
    const failures: string[] = []
    const statuses = new Map<Tenant, { ok: number; failed: number }>([
      [A, { ok: 0, failed: 0 }],
      [B, { ok: 0, failed: 0 }],
    ])
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) {
          const t = jobs[next++] as Tenant
          const res = await messages(qcc.url, t.key, MESSAGE_BODY)
          await res.text()
          const node = res.headers.get('x-qcc-node')
          const count = statuses.get(t) as { ok: number; failed: number }
          if (res.status === 200) count.ok++
          else count.failed++
          // An answer may fail (then no node is named), but a named node is always the tenant's.
          if (node !== null && !node.startsWith(t === A ? 'a-' : 'b-')) failures.push(node)
          if (res.status === 200 && node === null) failures.push('200 without x-qcc-node')
        }
      }),
    )
    expect(failures).toEqual([])
    for (const [i, up] of ups.entries()) {
      for (const key of keysSeenBy(up)) expect((i < 2 ? A : B).nodeKeys).toContain(key)
    }
    await qcc.store.usageWriter.flush()
    const after = await Promise.all([A, B].map((t) => t.client.get('/admin/api/usage/summary')))
    for (const i of [0, 1]) {
      const delta = after[i]?.json.requests - before[i]?.json.requests
      expect(delta).toBe(500)
      const t = i === 0 ? A : B
      expect(after[i]?.json.errors - before[i]?.json.errors).toBe(statuses.get(t)?.failed)
      expect(after[i]?.json.input_tokens - before[i]?.json.input_tokens).toBe(
        (statuses.get(t)?.ok ?? 0) * 25,
      )
    }
    const logs = (await A.client.get('/admin/api/usage/logs?limit=1000')).json.logs
    expect(logs.every((l: { account_id: string }) => l.account_id === A.id)).toBe(true)
    const aNodes = new Set(
      (await A.client.get('/admin/api/nodes')).json.nodes.map((n: { id: string }) => n.id),
    )
    expect(
      logs.every((l: { node_id: string | null }) => l.node_id === null || aNodes.has(l.node_id)),
    ).toBe(true)
    const groups = (await admin.get(`/admin/api/usage/summary?account_id=${B.id}&group_by=node`))
      .json.groups
    // A request no node answered is grouped without a node name.
    expect(
      groups.every((g: { name: string | null }) => g.name === null || g.name.startsWith('b-')),
    ).toBe(true)
  })

  it('A6: keys are shown once, listed by prefix, and revoked or rotated keys stop working', async () => {
    const created = await A.client.post('/admin/api/keys', { name: 'ci' })
    expect(created.status).toBe(201)
    const secret = created.json.key as string
    expect(secret.length).toBeGreaterThanOrEqual(32)
    expect(created.json.prefix).toBe(secret.slice(0, 8))
    const listed = await A.client.get('/admin/api/keys')
    expect(listed.text).not.toContain(secret)
    expect(listed.json.keys.every((k: { prefix: string }) => k.prefix.length <= 8)).toBe(true)
    expect((await A.client.post('/admin/api/keys', { key: 'my-own-chosen-key-123' })).status).toBe(
      403,
    )
    await eventually(async () => {
      const r = await messages(qcc.url, secret, MESSAGE_BODY)
      await r.text()
      if (r.status !== 200) throw new Error(String(r.status))
    })

    const rotated = await A.client.post('/admin/api/keys/rotate', { id: created.json.id })
    expect(rotated.json).toMatchObject({ replaces: created.json.id, key: expect.any(String) })
    const fresh = rotated.json.key as string
    await eventually(async () => {
      const old = await messages(qcc.url, secret, MESSAGE_BODY)
      const body = await old.text()
      if (old.status !== 401) throw new Error(String(old.status))
      expect(body).not.toMatch(/hash|qcc_|proxy_keys/i)
    }, 5000)
    const ok = await messages(qcc.url, fresh, MESSAGE_BODY)
    await ok.text()
    expect(ok.status).toBe(200)
    const revoked = await A.client.post('/admin/api/keys/revoke', { id: rotated.json.id })
    expect(revoked.json.revoked_at).not.toBeNull()
    await eventually(async () => {
      const r = await messages(qcc.url, fresh, MESSAGE_BODY)
      await r.text()
      if (r.status !== 401) throw new Error(String(r.status))
    }, 5000)
  })

  it('T6: disabling a tenant refuses its new requests at once; live streams finish', async () => {
    ups[0]?.reset()
    ups[0]?.enqueue({ kind: 'ok', events: 8, eventDelayMs: 150 })
    const live = await messages(qcc.url, A.key, { ...MESSAGE_BODY, stream: true })
    expect(live.status).toBe(200)
    const reader = (live.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    const t0 = Date.now()
    expect((await admin.put(`/admin/api/accounts?id=${A.id}`, { disabled: true })).status).toBe(200)
    await eventually(async () => {
      const r = await messages(qcc.url, A.key, MESSAGE_BODY)
      await r.text()
      if (r.status !== 401) throw new Error(String(r.status))
    }, 3000)
    expect(Date.now() - t0).toBeLessThan(3000)
    expect((await A.client.get('/admin/api/me')).status).toBe(401)
    let text = ''
    const decoder = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    expect(parseSseFrames(text).at(-1)?.event).toBe('message_stop')
    // B is unaffected.
    const b = await messages(qcc.url, B.key, MESSAGE_BODY)
    await b.text()
    expect(b.status).toBe(200)
  })
})
