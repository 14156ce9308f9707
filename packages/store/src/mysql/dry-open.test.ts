import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SCRYPT, TEST_SECRET_KEY } from '../../test/support/harness'
import { oldDataHarness } from '../../test/support/old-data'
import { MYSQL_TEST_SERVER } from '../../test/support/mysql-harness'
import { createStore } from '../create-store'
import { isStoreError } from '../errors'
import { pendingMigrations } from '../migrate-cli'
import { connectionOptions } from './connection'
import { parseMysqlDsn } from './dsn'
import { defaultMigrationsFolder, migrateDatabase } from './migrate'

// `qcc import --dry-run` (docs/contract.md §14.1): a dry run migrates nothing and writes nothing.
const old = await oldDataHarness()
const server = parseMysqlDsn(MYSQL_TEST_SERVER)
const admin = old.reachable ? await mysql.createConnection(connectionOptions(server, '')) : null
const dropped: string[] = []
afterAll(async () => {
  for (const db of dropped) await admin?.query(`DROP DATABASE IF EXISTS ${db}`)
  await admin?.end()
  await old.close()
})

const COMMITTED = (
  JSON.parse(readFileSync(`${defaultMigrationsFolder()}/meta/_journal.json`, 'utf8')) as {
    entries: unknown[]
  }
).entries.length

function urlOf(db: string): string {
  const u = new URL(MYSQL_TEST_SERVER)
  u.pathname = `/${db}`
  return u.toString()
}
function freshName(): string {
  const db = `qcc_test_${randomBytes(6).toString('hex')}`
  dropped.push(db)
  return db
}
async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (!admin) throw new Error('no MySQL server')
  return (await admin.query(sql, params))[0] as T[]
}
const openDry = (db: string, secretKey = TEST_SECRET_KEY) =>
  createStore({
    kind: 'mysql',
    url: urlOf(db),
    secretKey,
    passwordHash: TEST_SCRYPT,
    migrate: false,
  })

describe.skipIf(!old.reachable)('mysql: opening without migrating (dry run)', () => {
  it('reports a missing or empty database as having no tables, creating nothing', async () => {
    const missing = freshName()
    expect(await pendingMigrations(urlOf(missing))).toEqual({
      applied: 0,
      pending: COMMITTED,
      hasTables: false,
    })
    expect(await q('SHOW DATABASES LIKE ?', [missing])).toEqual([])
    const empty = freshName()
    await q(`CREATE DATABASE ${empty}`)
    expect(await pendingMigrations(urlOf(empty))).toMatchObject({ applied: 0, hasTables: false })
    expect(await q(`SHOW TABLES FROM ${empty}`)).toEqual([])
    const err = await openDry(empty).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
    expect(await q(`SHOW TABLES FROM ${empty}`)).toEqual([])
  })

  it('counts the migrations of a database migrated before 0007 and of a current one', async () => {
    const { db, applied } = await old.databaseBefore('0007')
    expect(await pendingMigrations(urlOf(db))).toEqual({
      applied,
      pending: COMMITTED - applied,
      hasTables: true,
    })
    const current = freshName()
    await migrateDatabase({ ...server, database: current })
    expect(await pendingMigrations(urlOf(current))).toEqual({
      applied: COMMITTED,
      pending: 0,
      hasTables: true,
    })
  })

  it('opens a migrated database writing nothing, and still refuses another secret key', async () => {
    const db = freshName()
    await migrateDatabase({ ...server, database: db })
    const dump = async () => JSON.stringify(await q(`SELECT * FROM ${db}.qcc_meta ORDER BY name`))
    const before = await dump()
    const dry = await openDry(db)
    expect(await dry.listPrices()).toEqual([])
    expect(await dry.listAccounts()).toEqual([])
    await dry.close()
    expect(await dump()).toBe(before)
    expect(before).not.toContain('secret_check')
    expect(await q(`SELECT * FROM ${db}.qcc_prices`)).toEqual([])

    // A real open stores the check value; a dry open with another key is then refused.
    const real = await createStore({
      kind: 'mysql',
      url: urlOf(db),
      secretKey: TEST_SECRET_KEY,
      passwordHash: TEST_SCRYPT,
    })
    await real.close()
    const err = await openDry(db, new Uint8Array(randomBytes(32))).catch((e) => e)
    expect(isStoreError(err, 'secret_key_mismatch')).toBe(true)
    const again = await openDry(db)
    expect((await again.listPrices()).length).toBeGreaterThan(0)
    await again.close()
  })
})
