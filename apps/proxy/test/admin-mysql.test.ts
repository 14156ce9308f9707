import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { AdminClient, eventually, loggedIn, messages } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

// CI provides MariaDB here (docs/contract.md §6.3: MySQL tests never skip in CI).
const SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const DB = `qcc_admin_${randomBytes(4).toString('hex')}`
const tag = () => randomBytes(6).toString('hex')
const CANARY = {
  adminPassword: `cnry-admin-pw-${tag()}`,
  adminKey: `cnry-admin-key-${tag()}`,
  tenantKey: `cnry-tenant-key-${tag()}`,
  tenantPassword: `cnry-tenant-pw-${tag()}`,
  upstreamKey: `sk-ant-cnry-up-${tag()}`,
}

let conn: mysql.Connection
let up: FakeUpstream
let p1: RunningQcc
let p2: RunningQcc
let admin1: AdminClient
let tenantId: string

const env = () => ({
  PROXY_MYSQL_DSN: `${SERVER}/${DB}`,
  QCC_SECRET_KEY: 'ab'.repeat(32),
  ADMIN_PASSWORD: CANARY.adminPassword,
  ADMIN_API_KEY: CANARY.adminKey,
  PROXY_HEALTH_INTERVAL_SEC: '3600',
})

async function servedBy(qcc: RunningQcc, key: string) {
  const res = await messages(qcc.url, key, MESSAGE_BODY)
  await res.text()
  return `${res.status} ${res.headers.get('x-qcc-node') ?? ''}`
}

beforeAll(async () => {
  conn = await mysql.createConnection(SERVER)
  await conn.query(`CREATE DATABASE \`${DB}\``)
  up = await startFakeUpstream()
  p1 = await startTestQcc(env())
  p2 = await startTestQcc(env())
  admin1 = await loggedIn(p1, 'admin', CANARY.adminPassword)
  const created = await admin1.post('/admin/api/accounts', {
    name: 'db-tenant',
    password: CANARY.tenantPassword,
    proxy_api_key: CANARY.tenantKey,
  })
  tenantId = created.json.id
  for (const [name, weight] of [
    ['n1', 1],
    ['n2', 2],
  ] as const) {
    const res = await admin1.post(`/admin/api/nodes?account_id=${tenantId}`, {
      name,
      base_url: up.url,
      api_key: CANARY.upstreamKey,
      weight,
    })
    expect(res.status).toBe(201)
  }
})
afterAll(async () => {
  await p1?.close()
  await p2?.close()
  await up?.close()
  await conn?.query(`DROP DATABASE IF EXISTS \`${DB}\``)
  await conn?.end()
})

describe('two proxies on one MariaDB', () => {
  it('a session from one works on the other, and a logout on one ends it on both', async () => {
    const onP2 = new AdminClient(p2.url)
    onP2.cookie = admin1.cookie
    expect((await onP2.get('/admin/api/me')).json).toMatchObject({ name: 'admin', is_admin: true })
    const other = await loggedIn(p2, 'admin', CANARY.adminPassword)
    const onP1 = new AdminClient(p1.url)
    onP1.cookie = other.cookie
    expect((await onP1.get('/admin/api/me')).status).toBe(200)
    await other.post('/logout', undefined, { accept: 'application/json' })
    expect((await onP1.get('/admin/api/me')).status).toBe(401)
  })

  it('a node disabled on one is out of rotation on the other within 5 s', async () => {
    expect(
      await eventually(async () => {
        const r = await servedBy(p2, CANARY.tenantKey)
        if (r !== '200 n1') throw new Error(r)
        return r
      }, 8000),
    ).toBe('200 n1')
    const nodes = (await admin1.get(`/admin/api/nodes?account_id=${tenantId}`)).json.nodes
    await admin1.post('/admin/api/nodes/disable', { id: nodes[0].id })
    const t0 = Date.now()
    await eventually(async () => {
      const r = await servedBy(p2, CANARY.tenantKey)
      if (r !== '200 n2') throw new Error(r)
    }, 5000)
    expect(Date.now() - t0).toBeLessThan(5000)
    await admin1.post('/admin/api/nodes/enable', { id: nodes[0].id })
  })

  it('a key revoked on one is refused by the other within 5 s', async () => {
    const tenant = await loggedIn(p1, 'db-tenant', CANARY.tenantPassword)
    const created = await tenant.post('/admin/api/keys', { name: 'replica-test' })
    const secret = created.json.key as string
    await eventually(async () => {
      const r = await servedBy(p2, secret)
      if (!r.startsWith('200')) throw new Error(r)
    }, 8000)
    await tenant.post('/admin/api/keys/revoke', { id: created.json.id })
    const t0 = Date.now()
    await eventually(async () => {
      const r = await servedBy(p2, secret)
      if (!r.startsWith('401')) throw new Error(r)
    }, 5000)
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})

describe('what the database holds', () => {
  const dumpAll = async () => {
    const [tables] = await conn.query(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?',
      [DB],
    )
    let text = ''
    for (const { t } of tables as Array<{ t: string }>) {
      const [rows] = await conn.query(`SELECT * FROM \`${DB}\`.\`${t}\``)
      text += `${t}\n${JSON.stringify(rows)}\n`
    }
    return text
  }

  it('A5: passwords are scrypt PHC-style strings with OWASP cost and unique salts', async () => {
    const [rows] = await conn.query(`SELECT name, password_hash FROM \`${DB}\`.qcc_accounts`)
    const hashes = (rows as Array<{ password_hash: string }>).map((r) => r.password_hash)
    expect(hashes.length).toBeGreaterThanOrEqual(2)
    for (const h of hashes)
      expect(h).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{22,}\$[A-Za-z0-9+/=]{43,}$/)
    expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(hashes.length)
  })

  it('an account created without a password stores no hash and takes no login until one is set', async () => {
    const created = await admin1.post('/admin/api/accounts', { name: 'keys-only-tenant' })
    expect(created.status, created.text).toBe(201)
    const [rows] = await conn.query(
      `SELECT password_hash FROM \`${DB}\`.qcc_accounts WHERE name = 'keys-only-tenant'`,
    )
    expect(rows).toEqual([{ password_hash: '!' }])
    for (const password of ['!', 'keys-only-tenant', '']) {
      const res = await AdminClient.for(p2).post('/login', {
        username: 'keys-only-tenant',
        password,
      })
      expect(res.status, password).toBe(401)
    }
    const set = await admin1.put(`/admin/api/accounts?id=${created.json.id}`, {
      password: 'keys-only-password-1',
    })
    expect(set.status, set.text).toBe(200)
    await AdminClient.for(p2).login('keys-only-tenant', 'keys-only-password-1')
  })

  it('A6/A7/A8: keys only as hash and prefix, upstream keys sealed, no canary in any table', async () => {
    const [keys] = await conn.query(`SELECT prefix, key_hash FROM \`${DB}\`.qcc_proxy_keys`)
    for (const k of keys as Array<{ prefix: string; key_hash: unknown }>)
      expect(k.prefix.length).toBeLessThanOrEqual(8)
    const [nodes] = await conn.query(`SELECT api_key_enc, api_key_hint FROM \`${DB}\`.qcc_nodes`)
    for (const n of nodes as Array<{ api_key_enc: string; api_key_hint: string }>) {
      expect(n.api_key_enc).toMatch(/^v1\./)
      expect(n.api_key_hint.length).toBeLessThanOrEqual(4)
    }
    const dump = await dumpAll()
    expect(dump.length).toBeGreaterThan(1000)
    for (const secret of [...Object.values(CANARY), admin1.cookie as string]) {
      expect(dump.includes(secret), `database contains ${secret}`).toBe(false)
    }
  })

  it('A7: a tampered upstream key fails closed: the node is never called with garbage', async () => {
    const tamper = await admin1.post('/admin/api/accounts', {
      name: 'tamper-tenant',
      proxy_api_key: `tamper-key-${tag()}`,
    })
    const key = tamper.json.proxy_api_key as string
    const node = await admin1.post(`/admin/api/nodes?account_id=${tamper.json.id}`, {
      name: 't1',
      base_url: up.url,
      api_key: 'sk-ant-tamper-0123456789',
    })
    const [rows] = await conn.query(`SELECT api_key_enc FROM \`${DB}\`.qcc_nodes WHERE id = ?`, [
      node.json.id,
    ])
    const sealed = (rows as Array<{ api_key_enc: string }>)[0]?.api_key_enc as string
    const parts = sealed.split('.')
    const ct = Buffer.from(parts[3] as string, 'base64url')
    ct[0] = (ct[0] ?? 0) ^ 1
    parts[3] = ct.toString('base64url')
    await conn.query(`UPDATE \`${DB}\`.qcc_nodes SET api_key_enc = ? WHERE id = ?`, [
      parts.join('.'),
      node.json.id,
    ])
    // Any config change makes both replicas reload their node caches: p1 before it answers, p2 on
    // its 2 s config poll. The test runs that poll itself, once p2's key poll has the tenant key.
    await admin1.put(`/admin/api/nodes?id=${node.json.id}`, { weight: 2 })
    up.reset()
    await eventually(async () =>
      expect(p2.store.resolveProxyKey(key)?.accountId).toBe(tamper.json.id),
    )
    await p2.refresh()
    for (const p of [p1, p2]) {
      const r = await servedBy(p, key)
      expect(r.startsWith('200')).toBe(false)
    }
    expect(up.requests.filter((r) => r.headers['x-api-key'] !== CANARY.upstreamKey)).toEqual([])
  })
})
