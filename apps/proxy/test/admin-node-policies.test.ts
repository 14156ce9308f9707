import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { type AdminClient, createTenant, loggedIn } from './admin-harness'
import { startTestQcc } from './start-qcc'

/**
 * docs/contract.md §13 node policy fields through `POST|PUT|GET /admin/api/nodes`: snake_case in,
 * stored, listed (extra header values masked), audited by name only, refused with a 400 naming
 * the field (changing nothing), and admin-only on a managed node.
 */
const secret = (what: string) => `${what}-${randomBytes(12).toString('hex')}`

let qcc: RunningQcc
let admin: AdminClient
let tenant: Awaited<ReturnType<typeof createTenant>>

beforeAll(async () => {
  qcc = await startTestQcc({ PROXY_ALLOW_PRIVATE_UPSTREAMS: 'true' })
  admin = await loggedIn(qcc, 'admin', 'admin123')
  tenant = await createTenant(admin, 'policy-tenant')
})
afterAll(async () => {
  await qcc?.close()
})

const listed = async (client: AdminClient, id: string) => {
  const res = await client.get(`/admin/api/nodes${client === admin ? '?account_id=*' : ''}`)
  const node = res.json.nodes.find((n: { id: string }) => n.id === id)
  if (!node) throw new Error(`no node ${id} in ${res.text}`)
  return { node, text: res.text }
}

const POLICY = {
  auth_header: 'bearer',
  models: ['claude-sonnet-4-6', 'claude-opus-*'],
  model_map: { 'claude-opus-*': 'claude-opus-4-1', 'claude-sonnet-4-6': 'vendor/sonnet' },
  error_rules: [
    { status: 429, contains: 'quota', action: 'cooldown', cooldown_sec: 120 },
    { status: '5xx', action: 'return' },
    { contains: 'insufficient balance', action: 'fail' },
  ],
  no_failover: true,
  strip_tool_fields: true,
  sticky_ttl_sec: 600,
}

describe('node policy fields (docs/contract.md §13)', () => {
  it('creates a node with every field; the list holds them and masks header values', async () => {
    const long = secret('tenant-header-value')
    const short = 'abc'
    const res = await tenant.client.post('/admin/api/nodes', {
      name: 'policy-a',
      base_url: 'https://relay-a.example.com',
      ...POLICY,
      extra_headers: { 'x-relay-token': long, 'x-tenant': short },
    })
    expect(res.status, res.text).toBe(201)
    const { node, text } = await listed(tenant.client, res.json.id)
    expect(node).toMatchObject(POLICY)
    expect(node.extra_headers).toEqual({
      'x-relay-token': `••••${long.slice(-4)}`,
      'x-tenant': '••••',
    })
    expect(text).not.toContain(long)
    expect(text).not.toContain(long.slice(0, -4))
  })

  it('defaults keep today’s behaviour', async () => {
    const res = await tenant.client.post('/admin/api/nodes', {
      name: 'policy-plain',
      base_url: 'https://relay-plain.example.com',
    })
    expect(res.status).toBe(201)
    expect((await listed(tenant.client, res.json.id)).node).toMatchObject({
      auth_header: 'x-api-key',
      extra_headers: {},
      models: null,
      model_map: null,
      error_rules: [],
      no_failover: false,
      strip_tool_fields: false,
      sticky_ttl_sec: null,
    })
  })

  it('updates partially: absent keeps, "" keeps a saved header value, null clears', async () => {
    const kept = secret('kept-value')
    const created = await tenant.client.post('/admin/api/nodes', {
      name: 'policy-b',
      base_url: 'https://relay-b.example.com',
      ...POLICY,
      extra_headers: { 'x-keep': kept, 'x-drop': secret('dropped') },
    })
    const id = created.json.id as string
    const replaced = secret('replaced-value')
    const put = await tenant.client.put(`/admin/api/nodes?id=${id}`, {
      auth_header: 'both',
      extra_headers: { 'X-Keep': '', 'x-new': replaced },
      sticky_ttl_sec: null,
    })
    expect(put.status, put.text).toBe(200)
    const { node } = await listed(tenant.client, id)
    expect(node).toMatchObject({ ...POLICY, auth_header: 'both', sticky_ttl_sec: null })
    expect(node.extra_headers).toEqual({
      'X-Keep': `••••${kept.slice(-4)}`,
      'x-new': `••••${replaced.slice(-4)}`,
    })
    const stored = await qcc.store.getNodeExtraHeaders(id)
    expect(stored).toEqual({ 'X-Keep': kept, 'x-new': replaced })

    const cleared = await tenant.client.put(`/admin/api/nodes?id=${id}`, {
      extra_headers: {},
      models: null,
      model_map: null,
      error_rules: [],
      no_failover: false,
    })
    expect(cleared.status).toBe(200)
    expect((await listed(tenant.client, id)).node).toMatchObject({
      extra_headers: {},
      models: null,
      model_map: null,
      error_rules: [],
      no_failover: false,
      strip_tool_fields: true,
    })
    expect(await qcc.store.getNodeExtraHeaders(id)).toBeNull()
  })

  it('audits node.update by field names only, never a header value', async () => {
    const value = secret('audited-value')
    const created = await tenant.client.post('/admin/api/nodes', {
      name: 'policy-audit',
      base_url: 'https://relay-audit.example.com',
      extra_headers: { 'x-a': value },
    })
    const id = created.json.id as string
    const again = secret('audited-again')
    await tenant.client.put(`/admin/api/nodes?id=${id}`, {
      extra_headers: { 'x-a': again },
      auth_header: 'bearer',
    })
    const audit = await admin.get('/admin/api/audit?action=node.update')
    const mine = audit.json.entries.filter((e: { target_id: string }) => e.target_id === id)
    expect(mine).toHaveLength(1)
    expect([...mine[0].detail.fields].sort()).toEqual(['auth_header', 'extra_headers'])
    expect(Object.keys(mine[0].detail)).toEqual(['fields'])
    const all = await admin.get('/admin/api/audit')
    expect(all.text).not.toContain(value)
    expect(all.text).not.toContain(again)
  })

  it('refuses bad input with a 400 naming the field and changes nothing', async () => {
    const created = await tenant.client.post('/admin/api/nodes', {
      name: 'policy-bad',
      base_url: 'https://relay-bad.example.com',
      ...POLICY,
      extra_headers: { 'x-ok': 'fine' },
    })
    const id = created.json.id as string
    const before = (await listed(tenant.client, id)).node
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v']))
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ auth_header: 'basic' }, /^auth_header: /],
      ...['host', 'Authorization', 'x-api-key', 'cookie', 'x-forwarded-for', 'proxy-authorization']
        .concat([
          'accept-encoding',
          'forwarded',
          'connection',
          'transfer-encoding',
          'content-length',
        ])
        .map((h): [Record<string, unknown>, RegExp] => [
          { extra_headers: { [h]: 'v' } },
          /^extra_headers: .*proxy owns/,
        ]),
      [{ extra_headers: tooMany }, /^extra_headers: .*at most 20/],
      [{ extra_headers: { 'bad name': 'v' } }, /^extra_headers: .*not a valid header name/],
      [{ extra_headers: { 'x-crlf': 'a\r\nx-evil: 1' } }, /^extra_headers: .*CR, LF/],
      [{ extra_headers: { 'x-unknown': '' } }, /^extra_headers: .*no saved value/],
      [{ extra_headers: { 'x-n': 5 } }, /^extra_headers/],
      [{ error_rules: [{ action: 'explode' }] }, /^error_rules\.0\.action: /],
      [{ error_rules: [{ action: 'fail', cooldown_sec: 30 }] }, /^error_rules\.0\.cooldown_sec: /],
      [{ error_rules: [{ status: 600, action: 'fail' }] }, /^error_rules\.0\.status: /],
      [{ error_rules: [{ status: '3xx', action: 'fail' }] }, /^error_rules\.0\.status: /],
      [{ error_rules: [{ action: 'cooldown', cooldown_sec: 0 }] }, /^error_rules\.0\.cooldown_sec/],
      [{ error_rules: Array.from({ length: 51 }, () => ({ action: 'fail' })) }, /^error_rules: /],
      [{ models: [] }, /^models: /],
      [{ models: ['bad model'] }, /^models: /],
      [{ model_map: { 'claude-*': 'up-*' } }, /^model_map: /],
      [{ no_failover: 'yes' }, /^no_failover: /],
      [{ strip_tool_fields: 1 }, /^strip_tool_fields: /],
      [{ sticky_ttl_sec: 7 * 86_400 + 1 }, /^sticky_ttl_sec: /],
      [{ sticky_ttl_sec: 1.5 }, /^sticky_ttl_sec: /],
    ]
    for (const [body, message] of bad) {
      const label = JSON.stringify(body).slice(0, 120)
      const put = await tenant.client.put(`/admin/api/nodes?id=${id}`, { name: 'renamed', ...body })
      expect(put.status, label).toBe(400)
      expect(put.json.error, label).toMatch(message)
      const post = await tenant.client.post('/admin/api/nodes', {
        name: 'never-made',
        base_url: 'https://relay-never.example.com',
        ...body,
      })
      expect(post.status, label).toBe(400)
    }
    expect((await listed(tenant.client, id)).node).toEqual(before)
    const names = (await tenant.client.get('/admin/api/nodes')).json.nodes.map(
      (n: { name: string }) => n.name,
    )
    expect(names).not.toContain('never-made')
  })
})

describe('policy fields of a managed node are admin-only', () => {
  it('403 for each field a tenant changes; sending the stored value is not a change', async () => {
    const value = secret('managed-header')
    const created = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
      name: 'managed-policy',
      base_url: 'https://relay-managed.example.com',
      ...POLICY,
      extra_headers: { 'x-managed': value },
    })
    expect(created.status, created.text).toBe(201)
    const id = created.json.id as string
    const changes: Record<string, unknown>[] = [
      { auth_header: 'x-api-key' },
      { extra_headers: { 'x-managed': 'mine' } },
      { extra_headers: { 'x-managed': '', 'x-more': 'v' } },
      { extra_headers: null },
      { models: null },
      { model_map: { 'claude-opus-*': 'elsewhere' } },
      { error_rules: [] },
      { no_failover: false },
      { strip_tool_fields: false },
      { sticky_ttl_sec: 60 },
      // Refused before validation: a tenant learns nothing from a managed node's 400s.
      { error_rules: [{ action: 'explode' }] },
    ]
    for (const change of changes) {
      const res = await tenant.client.put(`/admin/api/nodes?id=${id}`, change)
      const field = Object.keys(change)[0] as string
      expect(res.status, JSON.stringify(change)).toBe(403)
      expect(res.json.error).toMatch(new RegExp(`^${field}: .*managed`))
    }
    // The form that posts everything: stored values (rules in another key order) are no change.
    const same = await tenant.client.put(`/admin/api/nodes?id=${id}`, {
      name: 'managed-renamed',
      weight: 3,
      ...POLICY,
      error_rules: POLICY.error_rules.map((r) => Object.fromEntries(Object.entries(r).reverse())),
      extra_headers: { 'x-managed': '' },
    })
    expect(same.status, same.text).toBe(200)
    const { node } = await listed(tenant.client, id)
    expect(node).toMatchObject({ ...POLICY, name: 'managed-renamed', weight: 3 })
    expect(await qcc.store.getNodeExtraHeaders(id)).toEqual({ 'x-managed': value })
    // The admin may change them.
    const byAdmin = await admin.put(`/admin/api/nodes?id=${id}`, {
      no_failover: false,
      extra_headers: null,
    })
    expect(byAdmin.status).toBe(200)
    expect((await listed(admin, id)).node).toMatchObject({ no_failover: false, extra_headers: {} })
  })
})
