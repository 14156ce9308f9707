import { randomBytes, randomUUID } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SCRYPT, TEST_SECRET_KEY } from '../../test/support/harness'
import { MYSQL_TEST_SERVER, requireServer } from '../../test/support/mysql-harness'
import { migrateBefore } from '../../test/support/partial-migrations'
import { createStore } from '../create-store'
import { legacyNodeKeyAad, nodeKeyAad } from '../crypto/node-key'
import { SecretBox } from '../crypto/secret-box'
import { isStoreError } from '../errors'
import type { Store } from '../interface'
import { connectionOptions } from './connection'
import { parseMysqlDsn } from './dsn'
import { migrateDatabase } from './migrate'
import { NODE_KEY_AAD_META, NODE_KEY_AAD_VERSION } from './node-key-upgrade'

// Data written by versions before docs/contract.md §9: keys sealed as `node:<id>` and nodes without `managed`.
const SERVER = MYSQL_TEST_SERVER
const reachable = await requireServer(SERVER, process.env.CI)
const server = parseMysqlDsn(SERVER)
const admin =
  reachable === true ? await mysql.createConnection(connectionOptions(server, '')) : null
const created: string[] = []
const stores: Store[] = []
const box = new SecretBox(TEST_SECRET_KEY)

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)))
  for (const db of created) await admin?.query(`DROP DATABASE IF EXISTS ${db}`)
  await admin?.end()
})

function freshDb(): string {
  const name = `qcc_test_${randomBytes(6).toString('hex')}`
  created.push(name)
  return name
}
const urlOf = (database: string) => {
  const u = new URL(SERVER)
  u.pathname = `/${database}`
  return u.toString()
}
async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (!admin) throw new Error('no MySQL server')
  const [rows] = await admin.query(sql, params)
  return rows as T[]
}
async function open(database: string): Promise<Store> {
  const s = await createStore({
    kind: 'mysql',
    url: urlOf(database),
    secretKey: TEST_SECRET_KEY,
    passwordHash: TEST_SCRYPT,
  })
  stores.push(s)
  return s
}
const NOW = '2026-01-15 10:30:00.000'
async function insertAccount(db: string, name: string, isAdmin: boolean): Promise<string> {
  const id = randomUUID()
  await q(
    `INSERT INTO ${db}.qcc_accounts (id, name, password_hash, is_admin, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, ?)`,
    [id, name, isAdmin, NOW, NOW],
  )
  return id
}
async function insertNode(
  db: string,
  node: { accountId: string; name: string; baseUrl: string; enc?: (id: string) => string },
  allowPrivate = false,
): Promise<string> {
  const id = randomUUID()
  await q(
    `INSERT INTO ${db}.qcc_nodes (id, account_id, name, base_url, api_key_enc, health_check_method, allow_private, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'api', ?, ?, ?)`,
    [id, node.accountId, node.name, node.baseUrl, node.enc?.(id) ?? null, allowPrivate, NOW, NOW],
  )
  return id
}
const sealedOf = async (db: string, id: string) =>
  (
    await q<{ enc: string | null }>(`SELECT api_key_enc AS enc FROM ${db}.qcc_nodes WHERE id = ?`, [
      id,
    ])
  )[0]?.enc ?? null

describe.skipIf(reachable !== true)('mysql: node keys and managed nodes of older versions', () => {
  it('re-seals old-AAD keys under their origin once, with three replicas opening at once', async () => {
    const db = freshDb()
    await migrateDatabase({ ...server, database: db })
    const acc = await insertAccount(db, 'tenant', false)
    const key = `sk-ant-old-${randomBytes(8).toString('hex')}`
    const old = await insertNode(db, {
      accountId: acc,
      name: 'old',
      baseUrl: 'https://relay.test/x',
      enc: (id) => box.seal(key, legacyNodeKeyAad(id)),
    })
    const damaged = await insertNode(db, {
      accountId: acc,
      name: 'damaged',
      baseUrl: 'https://relay.test',
      enc: (id) => box.seal('sk-ant-elsewhere', `node:${id}-not-this-row`),
    })
    const damagedBefore = await sealedOf(db, damaged)
    const replicas = await Promise.all([1, 2, 3].map(() => open(db)))
    for (const s of replicas) expect(await s.getNodeApiKey(old)).toBe(key)
    const resealed = (await sealedOf(db, old)) as string
    expect(box.open(resealed, nodeKeyAad(old, 'https://relay.test/x'))).toBe(key)
    expect(() => box.open(resealed, legacyNodeKeyAad(old))).toThrow()
    const [mark] = await q<{ value: string }>(`SELECT value FROM ${db}.qcc_meta WHERE name = ?`, [
      NODE_KEY_AAD_META,
    ])
    expect(mark?.value).toBe(NODE_KEY_AAD_VERSION)
    // A key that opens under neither AAD is left as it was, and reading it fails (no garbage).
    expect(await sealedOf(db, damaged)).toBe(damagedBefore)
    const err = await replicas[0]?.getNodeApiKey(damaged).catch((e) => e)
    expect(isStoreError(err, 'secret_key_mismatch')).toBe(true)

    // After the mark the old AAD is never tried: an old-style row written now stays unreadable.
    const late = await insertNode(db, {
      accountId: acc,
      name: 'late',
      baseUrl: 'https://relay.test',
      enc: (id) => box.seal(key, legacyNodeKeyAad(id)),
    })
    const again = await open(db)
    const lateErr = await again.getNodeApiKey(late).catch((e) => e)
    expect(isStoreError(lateErr, 'secret_key_mismatch')).toBe(true)
    expect(await again.getNodeApiKey(old)).toBe(key)
  })

  it('backfills managed for nodes an admin saved in a tenant account (migration 0002)', async () => {
    const db = freshDb()
    expect(await migrateBefore({ ...server, database: db }, '0002')).toBe(2)
    const adminId = await insertAccount(db, 'admin', true)
    const tenant = await insertAccount(db, 'tenant', false)
    const url = 'http://127.0.0.1:9'
    const byAdmin = await insertNode(
      db,
      { accountId: tenant, name: 'by-admin', baseUrl: url },
      true,
    )
    const own = await insertNode(db, { accountId: tenant, name: 'own', baseUrl: 'https://r.test' })
    const adminOwn = await insertNode(db, { accountId: adminId, name: 'mine', baseUrl: url }, true)

    const s = await open(db)
    expect((await s.getNode(byAdmin))?.managed).toBe(true)
    expect((await s.getNode(own))?.managed).toBe(false)
    expect((await s.getNode(adminOwn))?.managed).toBe(false)
  })
})
