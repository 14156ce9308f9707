import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SCRYPT, TEST_SECRET_KEY } from '../../test/support/harness'
import { MYSQL_TEST_SERVER, requireServer } from '../../test/support/mysql-harness'
import { createStore } from '../create-store'
import { isStoreError } from '../errors'
import { connectionOptions } from './connection'
import { parseMysqlDsn } from './dsn'
import { migrateDatabase, QCC_TABLES } from './migrate'

const SERVER = MYSQL_TEST_SERVER
const reachable = await requireServer(SERVER, process.env.CI)
const server = parseMysqlDsn(SERVER)
const created: string[] = []
const admin =
  reachable === true ? await mysql.createConnection(connectionOptions(server, '')) : null

function freshName(): string {
  const name = `qcc_test_${randomBytes(6).toString('hex')}`
  created.push(name)
  return name
}
const dsnFor = (database: string) => ({ ...server, database })
const withDb = (database: string) => {
  const u = new URL(SERVER)
  u.pathname = `/${database}`
  return u.toString()
}
/** The admin connection (present whenever these tests run). */
function q(sql: string, params?: unknown[]) {
  if (!admin) throw new Error('no MySQL server')
  return admin.query(sql, params)
}

afterAll(async () => {
  for (const db of created) await admin?.query(`DROP DATABASE IF EXISTS ${db}`)
  await admin?.end()
})

// Every committed migration is applied once, however often and concurrently migrate runs.
const MIGRATIONS = (
  JSON.parse(
    readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8'),
  ) as { entries: unknown[] }
).entries.length

describe.skipIf(reachable !== true)(
  `mysql migrations (${reachable === true ? SERVER : `skipped: ${reachable}`})`,
  () => {
    it('creates the database, applies migrations and is idempotent', async () => {
      const db = freshName()
      await migrateDatabase(dsnFor(db))
      await migrateDatabase(dsnFor(db))
      const [tables] = await q(`SHOW TABLES FROM ${db}`)
      expect((tables as unknown[]).length).toBe(QCC_TABLES.length + 1)
      const [applied] = await q(`SELECT COUNT(*) AS n FROM ${db}.qcc_migrations`)
      expect(Number((applied as { n: number }[])[0]?.n)).toBe(MIGRATIONS)
      const [coll] = await q(
        `SELECT DISTINCT table_collation AS c FROM information_schema.tables WHERE table_schema = ?`,
        [db],
      )
      expect((coll as { c: string }[]).map((r) => r.c)).toEqual(['utf8mb4_bin'])
    })

    it('lets simultaneous starts take turns on the lock', async () => {
      const db = freshName()
      await Promise.all([1, 2, 3].map(() => migrateDatabase(dsnFor(db))))
      const [applied] = await q(`SELECT COUNT(*) AS n FROM ${db}.qcc_migrations`)
      expect(Number((applied as { n: number }[])[0]?.n)).toBe(MIGRATIONS)
    })

    it('gives up on a held lock after the timeout', async () => {
      const db = freshName()
      const holder = await mysql.createConnection(connectionOptions(server, ''))
      await holder.query("SELECT GET_LOCK('qcc_migrate', 10)")
      try {
        const err = await migrateDatabase(dsnFor(db), { lockTimeoutSec: 1 }).catch((e) => e)
        expect(isStoreError(err, 'unavailable')).toBe(true)
        expect(err.message).toMatch(/migration lock/)
      } finally {
        await holder.end()
      }
    })

    it('refuses a database holding another schema under our table names', async () => {
      const db = freshName()
      await q(`CREATE DATABASE ${db}`)
      await q(`CREATE TABLE ${db}.qcc_accounts (id INT PRIMARY KEY, email TEXT)`)
      const err = await migrateDatabase(dsnFor(db)).catch((e) => e)
      expect(isStoreError(err, 'schema_conflict')).toBe(true)
      expect(err.message).toMatch(/another schema.*qcc_accounts/)

      const db2 = freshName()
      await migrateDatabase(dsnFor(db2))
      await q(`UPDATE ${db2}.qcc_meta SET value = 'someone-else' WHERE name = 'owner'`)
      const err2 = await migrateDatabase(dsnFor(db2)).catch((e) => e)
      expect(isStoreError(err2, 'schema_conflict')).toBe(true)
    })

    it('says to run migrations when asked not to migrate an empty database', async () => {
      const db = freshName()
      await q(`CREATE DATABASE ${db}`)
      const err = await createStore({
        kind: 'mysql',
        url: withDb(db),
        secretKey: TEST_SECRET_KEY,
        migrate: false,
      }).catch((e) => e)
      expect(isStoreError(err, 'invalid')).toBe(true)
      expect(err.message).toMatch(/qcc migrate/)
    })

    it('opens through the Go DSN form and reports an unreachable server quickly', async () => {
      const db = freshName()
      const auth = server.password ? `${server.user}:${server.password}` : server.user
      const store = await createStore({
        kind: 'mysql',
        url: `${auth}@tcp(${server.host}:${server.port})/${db}?parseTime=true&loc=Local`,
        secretKey: TEST_SECRET_KEY,
        passwordHash: TEST_SCRYPT,
      })
      await store.ping()
      await store.close()
      const t0 = Date.now()
      const err = await createStore({
        kind: 'mysql',
        url: 'mysql://root@127.0.0.1:1/qcc',
        secretKey: TEST_SECRET_KEY,
      }).catch((e) => e)
      expect(isStoreError(err, 'unavailable')).toBe(true)
      expect(Date.now() - t0).toBeLessThan(6000)
    })
  },
)
