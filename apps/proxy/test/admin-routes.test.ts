import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import {
  AdminClient,
  createTenant,
  documentedRoutes,
  errorBody,
  loggedIn,
  type DocumentedRoute,
} from './admin-harness'
import { startTestQcc } from './start-qcc'

/**
 * Every route behind the session guard (tunnel and notifications included), as the served
 * openapi.json lists them: `METHOD /path`, `{param}` templates as they are.
 */
let GUARDED: DocumentedRoute[] = []
/** Any path under /admin/api must be 401 without a session, existing or not. */
const OTHER_PATHS = [
  { key: 'GET /admin/api/no-such-route', method: 'GET', path: '/admin/api/no-such-route' },
]

let qcc: RunningQcc
let shortLived: RunningQcc
let admin: AdminClient
let a: Awaited<ReturnType<typeof createTenant>>
let b: Awaited<ReturnType<typeof createTenant>>
const ids = {
  nodeA: '',
  keyA: '',
  shareA: '',
  channelA: '',
  subscriptionA: '',
  requestA: 'req_tenant_a_1',
}

beforeAll(async () => {
  qcc = await startTestQcc({ PROXY_ALLOW_PRIVATE_UPSTREAMS: 'true' })
  shortLived = await startTestQcc({ PROXY_SESSION_TTL_SEC: '2' })
  admin = await loggedIn(qcc, 'admin', 'admin123')
  a = await createTenant(admin, 'tenant-a')
  b = await createTenant(admin, 'tenant-b')
  const node = await a.client.post('/admin/api/nodes', {
    name: 'a-node',
    base_url: 'https://relay.example.com',
    api_key: 'sk-a-node-key-0123456789',
  })
  ids.nodeA = node.json.id
  ids.keyA = (await a.client.get('/admin/api/keys')).json.keys[0].id
  ids.shareA = (await a.client.post('/admin/api/shares', { expires_in: '1h' })).json.id
  const channel = await a.client.post('/admin/api/notifications/channels', {
    name: 'a-hook',
    kind: 'webhook',
    url: 'https://hooks.example.com/a',
  })
  ids.channelA = channel.json.id
  const subs = await a.client.get(
    `/admin/api/notifications/subscriptions?channel_id=${ids.channelA}`,
  )
  ids.subscriptionA = subs.json.subscriptions[0].id
  // One request of tenant A's, straight into its usage (docs/contract.md §12).
  qcc.store.usageWriter.enqueue({
    requestId: ids.requestA,
    accountId: a.id,
    keyId: ids.keyA,
    nodeId: ids.nodeA,
    model: 'claude-sonnet-4-6',
    status: 200,
    attempts: 0,
    inputTokens: 1,
    outputTokens: 1,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    costUsd: 0,
    ttfbMs: null,
    durationMs: 1,
    bytes: 1,
    sessionId: null,
    partial: false,
    at: new Date(),
  })
  await qcc.store.usageWriter.flush()
  GUARDED = (await documentedRoutes(admin)).filter((r) => !r.public)
})
afterAll(async () => {
  await qcc?.close()
  await shortLived?.close()
})

const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {})

describe('A13 route coverage', () => {
  it('A13: every admin route answers 401 JSON without a session (never a redirect)', async () => {
    const anon = AdminClient.for(qcc)
    expect(GUARDED.length).toBeGreaterThan(40)
    for (const r of [...GUARDED, ...OTHER_PATHS]) {
      const res = await anon.request(r.method, r.path, bodyFor(r.method))
      expect(res.status, r.key).toBe(401)
      expect(res.json, r.key).toEqual(errorBody('not_logged_in'))
    }
    const forged = AdminClient.for(qcc)
    forged.cookie = 'f'.repeat(64)
    for (const r of GUARDED) expect((await forged.get(r.path)).status, r.key).toBe(401)
  })

  it('A13: every admin route answers 401 with an expired session', async () => {
    const client = await loggedIn(shortLived, 'admin', 'admin123')
    expect((await client.get('/admin/api/me')).status).toBe(200)
    // The server's own 2 s idle timeout has to pass unused: polling would renew the session.
    await new Promise((r) => setTimeout(r, 2600))
    for (const r of [...GUARDED, ...OTHER_PATHS]) {
      const res = await client.request(r.method, r.path, bodyFor(r.method))
      expect(res.status, r.key).toBe(401)
    }
  })

  it('A13: unknown admin paths are 404 and wrong methods 405, behind the session', async () => {
    expect((await AdminClient.for(qcc).get('/admin/api/nope')).status).toBe(401)
    expect((await admin.get('/admin/api/nope')).status).toBe(404)
    const res = await admin.get('/admin/api/nodes/activate')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
  })
})

describe('T2 as another tenant', () => {
  it('T2: tenant B gets 404 (or 403 for admin-only actions) for everything of tenant A', async () => {
    const A = a.id
    const cases: Array<[string, string, string, unknown, number]> = [
      ['GET /admin/api/accounts', 'GET', '/admin/api/accounts', undefined, 200],
      ['POST /admin/api/accounts', 'POST', '/admin/api/accounts', { name: 'x' }, 403],
      ['PUT /admin/api/accounts', 'PUT', `/admin/api/accounts?id=${A}`, { name: 'pwned' }, 404],
      ['DELETE /admin/api/accounts', 'DELETE', `/admin/api/accounts?id=${A}`, undefined, 404],
      ['GET /admin/api/nodes', 'GET', `/admin/api/nodes?account_id=${A}`, undefined, 404],
      [
        'POST /admin/api/nodes',
        'POST',
        `/admin/api/nodes?account_id=${A}`,
        { base_url: 'https://x.example.com' },
        404,
      ],
      ['PUT /admin/api/nodes', 'PUT', `/admin/api/nodes?id=${ids.nodeA}`, { weight: 'bad' }, 404],
      ['DELETE /admin/api/nodes', 'DELETE', `/admin/api/nodes?id=${ids.nodeA}`, undefined, 404],
      [
        'POST /admin/api/nodes/activate',
        'POST',
        '/admin/api/nodes/activate',
        { id: ids.nodeA },
        404,
      ],
      ['POST /admin/api/nodes/disable', 'POST', '/admin/api/nodes/disable', { id: ids.nodeA }, 404],
      ['POST /admin/api/nodes/enable', 'POST', '/admin/api/nodes/enable', { id: ids.nodeA }, 404],
      ['POST /admin/api/nodes/unstick', 'POST', '/admin/api/nodes/unstick', { id: ids.nodeA }, 404],
      ['GET /admin/api/keys', 'GET', `/admin/api/keys?account_id=${A}`, undefined, 404],
      ['POST /admin/api/keys', 'POST', `/admin/api/keys?account_id=${A}`, {}, 404],
      [
        'PUT /admin/api/keys',
        'PUT',
        `/admin/api/keys?id=${ids.keyA}`,
        { limits: { rpm: 'x' } },
        404,
      ],
      ['POST /admin/api/keys/revoke', 'POST', '/admin/api/keys/revoke', { id: ids.keyA }, 404],
      ['POST /admin/api/keys/rotate', 'POST', '/admin/api/keys/rotate', { id: ids.keyA }, 404],
      ['GET /admin/api/config', 'GET', `/admin/api/config?account_id=${A}`, undefined, 404],
      ['PUT /admin/api/config', 'PUT', `/admin/api/config?account_id=${A}`, { retries: 'x' }, 404],
      [
        'GET /admin/api/usage/summary',
        'GET',
        `/admin/api/usage/summary?account_id=${A}`,
        undefined,
        404,
      ],
      [
        'GET /admin/api/usage/logs',
        'GET',
        `/admin/api/usage/logs?node_id=${ids.nodeA}`,
        undefined,
        404,
      ],
      [
        'GET /admin/api/usage/logs/{request_id}',
        'GET',
        `/admin/api/usage/logs/${ids.requestA}`,
        undefined,
        404,
      ],
      [
        'GET /admin/api/usage/series',
        'GET',
        `/admin/api/usage/series?account_id=${A}`,
        undefined,
        404,
      ],
      [
        'GET /admin/api/health/history',
        'GET',
        `/admin/api/health/history?node_id=${ids.nodeA}`,
        undefined,
        404,
      ],
      ['GET /admin/api/pricing', 'GET', '/admin/api/pricing', undefined, 200],
      // Model ids of every tenant: admins only (docs/contract.md §15).
      ['GET /admin/api/pricing/unpriced', 'GET', '/admin/api/pricing/unpriced', undefined, 403],
      ['PUT /admin/api/pricing', 'PUT', '/admin/api/pricing', { model: 'm' }, 403],
      [
        'DELETE /admin/api/pricing',
        'DELETE',
        '/admin/api/pricing?model=claude-opus-4-1',
        undefined,
        403,
      ],
      ['POST /admin/api/shares', 'POST', '/admin/api/shares', { account_id: A }, 404],
      ['GET /admin/api/shares', 'GET', `/admin/api/shares?account_id=${A}`, undefined, 404],
      ['DELETE /admin/api/shares', 'DELETE', `/admin/api/shares?id=${ids.shareA}`, undefined, 404],
      ['POST /admin/api/claude-config', 'POST', '/admin/api/claude-config', { account_id: A }, 404],
      ['GET /admin/api/env', 'GET', '/admin/api/env', undefined, 403],
      ['GET /admin/api/audit', 'GET', `/admin/api/audit?account_id=${A}`, undefined, 404],
      ['GET /admin/api/me', 'GET', '/admin/api/me', undefined, 200],
      [
        'POST /admin/api/me/password',
        'POST',
        '/admin/api/me/password',
        { current: a.password, new: 'x'.repeat(12) },
        403,
      ],
      ['GET /admin/api/openapi.json', 'GET', '/admin/api/openapi.json', undefined, 200],
      ['GET /admin/api/tunnel', 'GET', '/admin/api/tunnel', undefined, 200],
      ['PUT /admin/api/tunnel', 'PUT', '/admin/api/tunnel', { subdomain: 'x' }, 403],
      ['POST /admin/api/tunnel/start', 'POST', '/admin/api/tunnel/start', {}, 403],
      ['POST /admin/api/tunnel/stop', 'POST', '/admin/api/tunnel/stop', {}, 403],
      ['GET /admin/api/notifications', 'GET', '/admin/api/notifications', undefined, 200],
      [
        'GET /admin/api/notifications/event-types',
        'GET',
        '/admin/api/notifications/event-types',
        undefined,
        200,
      ],
      [
        'GET /admin/api/notifications/channels',
        'GET',
        `/admin/api/notifications/channels?account_id=${A}`,
        undefined,
        404,
      ],
      [
        'POST /admin/api/notifications/channels',
        'POST',
        `/admin/api/notifications/channels?account_id=${A}`,
        { name: 'x', kind: 'webhook', url: 'https://x.example.com' },
        404,
      ],
      [
        'PUT /admin/api/notifications/channels',
        'PUT',
        `/admin/api/notifications/channels?id=${ids.channelA}`,
        { name: 'pwned' },
        404,
      ],
      [
        'DELETE /admin/api/notifications/channels',
        'DELETE',
        `/admin/api/notifications/channels?id=${ids.channelA}`,
        undefined,
        404,
      ],
      [
        'POST /admin/api/notifications/test',
        'POST',
        '/admin/api/notifications/test',
        { id: ids.channelA },
        404,
      ],
      [
        'GET /admin/api/notifications/subscriptions',
        'GET',
        `/admin/api/notifications/subscriptions?channel_id=${ids.channelA}`,
        undefined,
        404,
      ],
      [
        'POST /admin/api/notifications/subscriptions',
        'POST',
        '/admin/api/notifications/subscriptions',
        { channel_id: ids.channelA, event_type: '*' },
        404,
      ],
      [
        'DELETE /admin/api/notifications/subscriptions',
        'DELETE',
        `/admin/api/notifications/subscriptions?id=${ids.subscriptionA}`,
        undefined,
        404,
      ],
      [
        'GET /admin/api/notifications/deliveries',
        'GET',
        `/admin/api/notifications/deliveries?account_id=${A}`,
        undefined,
        404,
      ],
    ]
    // /admin/api/events is checked for tenant filtering in admin-console.test.ts.
    const covered = new Set([...cases.map((c) => c[0]), 'GET /admin/api/events'])
    expect([...covered].sort()).toEqual(GUARDED.map((r) => r.key).sort())
    for (const [key, method, path, body, status] of cases) {
      const res = await b.client.request(method, path, body)
      expect(res.status, key).toBe(status)
      expect(res.text, key).not.toContain(a.key)
      if (status === 404) expect(res.json, key).toEqual(errorBody('not_found'))
    }
    // B's own views carry nothing of A.
    const mine = await b.client.get('/admin/api/accounts')
    expect(mine.json.accounts.map((x: { id: string }) => x.id)).toEqual([b.id])
    expect((await b.client.get('/admin/api/me')).json.id).toBe(b.id)
    // ...and A's objects are untouched.
    const nodes = (await a.client.get('/admin/api/nodes')).json.nodes
    expect(nodes).toHaveLength(1)
    expect(nodes[0].disabled).toBe(false)
    expect((await a.client.get('/admin/api/keys')).json.keys[0].revoked_at).toBeNull()
    expect((await a.client.get('/admin/api/me')).json.name).toBe('tenant-a')
  })

  it('T2: a tenant cannot promote itself or create accounts (403)', async () => {
    expect((await b.client.put(`/admin/api/accounts?id=${b.id}`, { is_admin: true })).status).toBe(
      403,
    )
    expect((await b.client.post('/admin/api/accounts', { name: 'sneaky' })).status).toBe(403)
    expect((await b.client.get('/admin/api/me')).json.is_admin).toBe(false)
  })
})

describe('bad input', () => {
  it('every route with input refuses bad input with 400 naming the field', async () => {
    const N = ids.nodeA
    const cases: Array<[string, string, string, unknown, string]> = [
      ['POST /admin/api/accounts', 'POST', '/admin/api/accounts', { name: '' }, 'name'],
      [
        'PUT /admin/api/accounts',
        'PUT',
        `/admin/api/accounts?id=${a.id}`,
        { is_admin: 'yes' },
        'is_admin',
      ],
      ['DELETE /admin/api/accounts', 'DELETE', '/admin/api/accounts', undefined, 'id'],
      [
        'GET /admin/api/nodes',
        'GET',
        `/admin/api/nodes?account_id=${'x'.repeat(100)}`,
        undefined,
        'account_id',
      ],
      ['POST /admin/api/nodes', 'POST', '/admin/api/nodes', { base_url: 'not a url' }, 'base_url'],
      ['PUT /admin/api/nodes', 'PUT', `/admin/api/nodes?id=${N}`, { weight: 0 }, 'weight'],
      ['DELETE /admin/api/nodes', 'DELETE', '/admin/api/nodes', undefined, 'id'],
      ['POST /admin/api/nodes/activate', 'POST', '/admin/api/nodes/activate', {}, 'id'],
      ['POST /admin/api/nodes/disable', 'POST', '/admin/api/nodes/disable', { id: 5 }, 'id'],
      ['POST /admin/api/nodes/enable', 'POST', '/admin/api/nodes/enable', [], 'expected object'],
      ['POST /admin/api/nodes/unstick', 'POST', '/admin/api/nodes/unstick', { id: '' }, 'id'],
      [
        'GET /admin/api/keys',
        'GET',
        `/admin/api/keys?account_id=${'x'.repeat(100)}`,
        undefined,
        'account_id',
      ],
      ['POST /admin/api/keys', 'POST', '/admin/api/keys', { key: 'short' }, 'key'],
      [
        'PUT /admin/api/keys',
        'PUT',
        `/admin/api/keys?id=${ids.keyA}`,
        { limits: { rpm: 0 } },
        'limits.rpm',
      ],
      ['POST /admin/api/keys/revoke', 'POST', '/admin/api/keys/revoke', {}, 'id'],
      ['POST /admin/api/keys/rotate', 'POST', '/admin/api/keys/rotate', { id: '' }, 'id'],
      [
        'GET /admin/api/config',
        'GET',
        `/admin/api/config?account_id=${'x'.repeat(100)}`,
        undefined,
        'account_id',
      ],
      [
        'PUT /admin/api/config',
        'PUT',
        '/admin/api/config',
        { health_interval_sec: 0 },
        'health_interval_sec',
      ],
      [
        'GET /admin/api/usage/summary',
        'GET',
        '/admin/api/usage/summary?group_by=color',
        undefined,
        'group_by',
      ],
      ['GET /admin/api/usage/logs', 'GET', '/admin/api/usage/logs?limit=0', undefined, 'limit'],
      [
        'GET /admin/api/usage/series',
        'GET',
        '/admin/api/usage/series?from=yesterday',
        undefined,
        'from',
      ],
      [
        'GET /admin/api/health/history',
        'GET',
        '/admin/api/health/history?limit=-1',
        undefined,
        'limit',
      ],
      [
        'PUT /admin/api/pricing',
        'PUT',
        '/admin/api/pricing',
        { model: 'm', input_per_mtok: -1 },
        'input_per_mtok',
      ],
      ['DELETE /admin/api/pricing', 'DELETE', '/admin/api/pricing', undefined, 'model'],
      ['POST /admin/api/shares', 'POST', '/admin/api/shares', { expires_in: '2d' }, 'expires_in'],
      [
        'GET /admin/api/shares',
        'GET',
        '/admin/api/shares?include_revoked=maybe',
        undefined,
        'include_revoked',
      ],
      ['DELETE /admin/api/shares', 'DELETE', '/admin/api/shares', undefined, 'id'],
      [
        'POST /admin/api/claude-config',
        'POST',
        '/admin/api/claude-config',
        { proxy_url: 'ftp://x' },
        'proxy_url',
      ],
      ['GET /admin/api/audit', 'GET', '/admin/api/audit?limit=5000', undefined, 'limit'],
      [
        'POST /admin/api/me/password',
        'POST',
        '/admin/api/me/password',
        { current: 'admin123', new: 'short' },
        'new',
      ],
      [
        'PUT /admin/api/tunnel',
        'PUT',
        '/admin/api/tunnel',
        { subdomain: 'not a name' },
        'subdomain',
      ],
      [
        'POST /admin/api/notifications/channels',
        'POST',
        '/admin/api/notifications/channels',
        { name: '', kind: 'webhook', url: 'https://x.example.com' },
        'name',
      ],
      [
        'PUT /admin/api/notifications/channels',
        'PUT',
        `/admin/api/notifications/channels?id=${ids.channelA}`,
        { url: 'ftp://x.example.com' },
        'url',
      ],
      [
        'DELETE /admin/api/notifications/channels',
        'DELETE',
        '/admin/api/notifications/channels',
        undefined,
        'id',
      ],
      ['POST /admin/api/notifications/test', 'POST', '/admin/api/notifications/test', {}, 'id'],
      [
        'POST /admin/api/notifications/subscriptions',
        'POST',
        '/admin/api/notifications/subscriptions',
        { channel_id: ids.channelA, event_type: 'node.exploded' },
        'event_type',
      ],
      [
        'DELETE /admin/api/notifications/subscriptions',
        'DELETE',
        '/admin/api/notifications/subscriptions',
        undefined,
        'id',
      ],
    ]
    const noInput = [
      'GET /admin/api/accounts',
      'GET /admin/api/pricing',
      'GET /admin/api/pricing/unpriced',
      'GET /admin/api/env',
      'GET /admin/api/me',
      'GET /admin/api/events',
      'GET /admin/api/openapi.json',
      'GET /admin/api/tunnel',
      'POST /admin/api/tunnel/start',
      'POST /admin/api/tunnel/stop',
      'GET /admin/api/notifications',
      'GET /admin/api/notifications/event-types',
    ]
    // Their only input is an optional account or channel id: a wrong one is 404, never 400.
    const noBadInput = [
      'GET /admin/api/notifications/channels',
      'GET /admin/api/notifications/subscriptions',
      'GET /admin/api/notifications/deliveries',
      'GET /admin/api/usage/logs/{request_id}',
    ]
    expect([...cases.map((c) => c[0]), ...noInput, ...noBadInput].sort()).toEqual(
      GUARDED.map((r) => r.key).sort(),
    )
    for (const [key, method, path, body, field] of cases) {
      const res = await admin.request(method, path, body)
      expect(res.status, key).toBe(400)
      expect(res.json.error, key).toContain(field)
    }
    const broken = await admin.request('POST', '/admin/api/nodes', '{"base_url": ')
    expect(broken.status).toBe(400)
    expect(broken.json).toEqual(errorBody('invalid_request', 'body must be valid JSON'))
    const huge = await admin.post('/admin/api/nodes', { name: 'x'.repeat(2 * 1024 * 1024) })
    expect(huge.status).toBe(413)
    expect(huge.json).toEqual(errorBody('body_too_large', 'request body too large'))
  })
})
