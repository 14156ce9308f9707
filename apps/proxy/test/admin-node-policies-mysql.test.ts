import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { type AdminClient, loggedIn } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { startTestQcc } from './start-qcc'

/**
 * docs/contract.md §13 node policy fields through MariaDB: saved by one proxy, listed by another
 * (so they came from the database, not a cache), updated there, and the header values sealed.
 */
let db: TestDatabase
let p1: RunningQcc
let p2: RunningQcc
let admin1: AdminClient
let admin2: AdminClient
const HEADER_VALUE = `cnry-header-${randomBytes(8).toString('hex')}`

beforeAll(async () => {
  db = await createTestDatabase('policies')
  const env = {
    PROXY_MYSQL_DSN: db.url,
    QCC_SECRET_KEY: 'ef'.repeat(32),
    PROXY_HEALTH_INTERVAL_SEC: '3600',
  }
  p1 = await startTestQcc(env)
  p2 = await startTestQcc(env)
  admin1 = await loggedIn(p1, 'admin', 'admin123')
  admin2 = await loggedIn(p2, 'admin', 'admin123')
})
afterAll(async () => {
  await p1?.close()
  await p2?.close()
  await db?.drop()
})

const POLICY = {
  auth_header: 'both',
  models: ['claude-sonnet-4-6', 'claude-haiku-*'],
  model_map: { 'claude-haiku-*': 'vendor/haiku' },
  error_rules: [
    { status: '4xx', contains: 'Quota', action: 'cooldown', cooldown_sec: 300 },
    { status: 529, action: 'failover' },
  ],
  no_failover: true,
  strip_tool_fields: true,
  sticky_ttl_sec: 3600,
}

const listedOn = async (client: AdminClient, id: string) =>
  (await client.get('/admin/api/nodes')).json.nodes.find((n: { id: string }) => n.id === id)

describe('node policies in MariaDB', () => {
  it('round-trips every field between two proxies; header values only sealed', async () => {
    const created = await admin1.post('/admin/api/nodes', {
      name: 'policy-db',
      base_url: 'https://relay-db.example.com',
      ...POLICY,
      extra_headers: { 'x-relay-secret': HEADER_VALUE },
    })
    expect(created.status, created.text).toBe(201)
    const id = created.json.id as string
    expect(await listedOn(admin2, id)).toMatchObject({
      ...POLICY,
      extra_headers: { 'x-relay-secret': `••••${HEADER_VALUE.slice(-4)}` },
    })
    expect(await p2.store.getNodeExtraHeaders(id)).toEqual({ 'x-relay-secret': HEADER_VALUE })

    const put = await admin2.put(`/admin/api/nodes?id=${id}`, {
      auth_header: 'bearer',
      extra_headers: { 'x-relay-secret': '', 'x-second': 'two' },
      error_rules: [{ contains: 'overloaded', action: 'return' }],
      sticky_ttl_sec: 0,
    })
    expect(put.status, put.text).toBe(200)
    expect(await listedOn(admin1, id)).toMatchObject({
      ...POLICY,
      auth_header: 'bearer',
      error_rules: [{ contains: 'overloaded', action: 'return' }],
      sticky_ttl_sec: 0,
      extra_headers: { 'x-relay-secret': `••••${HEADER_VALUE.slice(-4)}`, 'x-second': '••••' },
    })
    expect(await p1.store.getNodeExtraHeaders(id)).toEqual({
      'x-relay-secret': HEADER_VALUE,
      'x-second': 'two',
    })

    const rows = await db.query<Record<string, unknown>>('SELECT * FROM qcc_nodes WHERE id = ?', [
      id,
    ])
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows[0])).not.toContain(HEADER_VALUE)
    const audit = await db.query<Record<string, unknown>>('SELECT * FROM qcc_audit_log')
    expect(JSON.stringify(audit)).not.toContain(HEADER_VALUE)
  })
})
