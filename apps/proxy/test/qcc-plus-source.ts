/**
 * qcc_plus source databases for the `qcc import qcc-plus` tests (docs/contract.md §14): the
 * fixture schema and rows of test/fixtures/qcc-plus loaded into a fresh MySQL database or a
 * SQLite file, as qcc_plus itself would have left them.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import type expectedFixture from './fixtures/qcc-plus/expected.json'

const FIXTURE_DIR = join(import.meta.dirname, 'fixtures', 'qcc-plus')

export interface QccPlusSource {
  /** What `--from` takes. */
  dsn: string
  /** Runs one statement against the source (tests change rows between imports). */
  exec(sql: string, params?: unknown[]): Promise<void>
  close(): Promise<void>
}

/** The facts the fixture rows imply (expected.json); typed loosely, the tests know its shape. */
export const QCC_PLUS_FIXTURE: typeof expectedFixture = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8'),
)

/** The statements of a fixture file; the files end every statement with `;` at a line end. */
function fixtureStatements(file: string): string[] {
  return readFileSync(join(FIXTURE_DIR, file), 'utf8')
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/^--.*$/gm, '').trim() !== '')
}

/** `mysql://user:pass@host:port` without a trailing slash or database. */
function serverBase(serverUrl: string): URL {
  const url = new URL(serverUrl)
  url.pathname = ''
  url.search = ''
  return url
}

/** A qcc_plus MySQL database `qccplus_src_<hex>` holding the fixture rows. */
export async function createMysqlSource(
  serverUrl: string,
): Promise<QccPlusSource & { goDsn: string; database: string }> {
  const server = serverBase(serverUrl)
  const database = `qccplus_src_${randomBytes(4).toString('hex')}`
  const conn = await mysql.createConnection({ uri: server.toString(), multipleStatements: false })
  try {
    await conn.query(`CREATE DATABASE \`${database}\``)
    await conn.query(`USE \`${database}\``)
    for (const stmt of [
      ...fixtureStatements('schema.mysql.sql'),
      ...fixtureStatements('rows.sql'),
    ]) {
      await conn.query(stmt)
    }
  } catch (err) {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined)
    await conn.end()
    throw err
  }
  const user = decodeURIComponent(server.username)
  const password = decodeURIComponent(server.password)
  const hostPort = `${server.hostname}:${server.port || '3306'}`
  const base = server.toString().replace(/\/$/, '')
  return {
    dsn: `${base}/${database}`,
    // Go's go-sql-driver form, the way qcc_plus's PROXY_MYSQL_DSN is written.
    goDsn: `${user}:${password}@tcp(${hostPort})/${database}?parseTime=true`,
    database,
    exec: async (sql, params = []) => {
      await conn.query(sql, params)
    },
    close: async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``)
      await conn.end()
    },
  }
}

/** A qcc_plus SQLite file `<dir>/qccplus.db` holding the fixture rows. */
export async function createSqliteSource(dir: string): Promise<QccPlusSource & { path: string }> {
  const path = join(dir, 'qccplus.db')
  const db = new Database(path)
  // As qcc_plus opens it: the subscription -> channel cascade depends on this.
  db.pragma('foreign_keys = ON')
  for (const stmt of [
    ...fixtureStatements('schema.sqlite.sql'),
    ...fixtureStatements('rows.sql'),
  ]) {
    db.exec(stmt)
  }
  return {
    dsn: `sqlite:${path}`,
    path,
    exec: async (sql, params = []) => {
      db.prepare(sql).run(...params)
    },
    close: async () => {
      db.close()
    },
  }
}

/**
 * Every table of `database` -> `checksum <CHECKSUM TABLE>, <n> rows`, sorted by table name: a
 * cheap way to show that an import (a dry run above all) left the database as it was.
 */
export async function tableChecksums(
  serverUrl: string,
  database: string,
): Promise<Record<string, string>> {
  const conn = await mysql.createConnection({
    uri: serverBase(serverUrl).toString(),
    multipleStatements: false,
  })
  try {
    const [tables] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    )
    // Sorted here, not by the server's collation (which puts `nodes` before `node_metrics_*`).
    const names = (tables as { name: string }[]).map((t) => t.name).sort()
    const out: Record<string, string> = {}
    for (const name of names) {
      const ident = `\`${database}\`.\`${name}\``
      const [[sum]] = await conn.query<mysql.RowDataPacket[]>(`CHECKSUM TABLE ${ident}`)
      const [[count]] = await conn.query<mysql.RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM ${ident}`,
      )
      out[name] = `checksum ${String(sum?.Checksum)}, ${String(count?.n)} rows`
    }
    return out
  } finally {
    await conn.end()
  }
}
