import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { createStore } from '../../src/create-store'
import type { Store } from '../../src/interface'
import { connectionOptions } from '../../src/mysql/connection'
import { parseMysqlDsn } from '../../src/mysql/dsn'
import { TEST_SCRYPT, TEST_SECRET_KEY } from './harness'
import { MYSQL_TEST_SERVER, requireServer } from './mysql-harness'
import { migrateBefore } from './partial-migrations'

/**
 * Data written by an older version, for migration tests: databases migrated only up to a tag,
 * raw SQL to fill them as that version did, and stores opened on them (which run the rest).
 */
export interface OldDataHarness {
  /** True when a MySQL server answers (in CI always; `requireServer` throws otherwise). */
  reachable: boolean
  /** A fresh database with the migrations before `tag` applied; `applied` counts them. */
  databaseBefore(tag: string): Promise<{ db: string; applied: number }>
  /** Runs SQL on the server (name tables as `${db}.qcc_...`). */
  q(sql: string, params?: unknown[]): Promise<void>
  /** A store on `db`: it applies the migrations still missing. */
  openStore(db: string): Promise<Store>
  /** Closes the stores, drops the databases. */
  close(): Promise<void>
}

export async function oldDataHarness(): Promise<OldDataHarness> {
  const reachable = (await requireServer(MYSQL_TEST_SERVER, process.env.CI)) === true
  const server = parseMysqlDsn(MYSQL_TEST_SERVER)
  const admin = reachable ? await mysql.createConnection(connectionOptions(server, '')) : null
  const created: string[] = []
  const stores: Store[] = []
  const q = async (sql: string, params: unknown[] = []) => {
    if (!admin) throw new Error('no MySQL server')
    await admin.query(sql, params)
  }
  return {
    reachable,
    q,
    async databaseBefore(tag) {
      const db = `qcc_test_${randomBytes(6).toString('hex')}`
      created.push(db)
      return { db, applied: await migrateBefore({ ...server, database: db }, tag) }
    },
    async openStore(db) {
      const url = new URL(MYSQL_TEST_SERVER)
      url.pathname = `/${db}`
      const store = await createStore({
        kind: 'mysql',
        url: url.toString(),
        secretKey: TEST_SECRET_KEY,
        passwordHash: TEST_SCRYPT,
      })
      stores.push(store)
      return store
    },
    async close() {
      await Promise.all(stores.map((s) => s.close().catch(() => undefined)))
      for (const db of created) await admin?.query(`DROP DATABASE IF EXISTS ${db}`)
      await admin?.end()
    },
  }
}
