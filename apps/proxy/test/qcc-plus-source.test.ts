import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MYSQL_SERVER } from './mysql-db'
import {
  QCC_PLUS_FIXTURE,
  createMysqlSource,
  createSqliteSource,
  tableChecksums,
} from './qcc-plus-source'

// The fixture the import tests stand on: both source kinds must hold the same rows, and those
// rows must be the ones expected.json was derived from.
type MysqlSource = Awaited<ReturnType<typeof createMysqlSource>>
type SqliteSource = Awaited<ReturnType<typeof createSqliteSource>>

const TABLES = Object.keys(QCC_PLUS_FIXTURE.report).sort()

describe('qcc_plus source fixtures', () => {
  let my: MysqlSource
  let lite: SqliteSource
  let dir: string
  let conn: mysql.Connection

  beforeAll(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'qccplus-src-'))
    my = await createMysqlSource(MYSQL_SERVER)
    lite = await createSqliteSource(dir)
    conn = await mysql.createConnection(my.dsn)
  })
  afterAll(async () => {
    await conn?.end()
    await my?.close()
    await lite?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const mysqlCount = async (table: string) => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``)
    return Number(rows[0]?.n)
  }
  const sqliteRead = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(lite.path, { readonly: true })
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }

  it('has the same tables in both schemas and one report line per table', async () => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [my.database],
    )
    const mysqlTables = rows.map((r) => String(r.name)).sort()
    const sqliteTables = sqliteRead((db) =>
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all()
        .map((r) => (r as { name: string }).name)
        .sort(),
    )
    expect(mysqlTables).toEqual(TABLES)
    expect(sqliteTables).toEqual(TABLES)
  })

  it('holds the same number of rows per table in MySQL and SQLite, as expected.json reads them', async () => {
    for (const table of TABLES) {
      const expected = QCC_PLUS_FIXTURE.report[table as keyof typeof QCC_PLUS_FIXTURE.report].read
      const inSqlite = sqliteRead(
        (db) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n,
      )
      expect({ table, mysql: await mysqlCount(table) }).toEqual({ table, mysql: expected })
      expect({ table, sqlite: inSqlite }).toEqual({ table, sqlite: expected })
    }
  })

  it('keeps the same values in both stores (secrets, millisecond check times, decimals)', async () => {
    const [nodes] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT id, api_key, weight, failed, disabled FROM nodes ORDER BY id',
    )
    const liteNodes = sqliteRead((db) =>
      db.prepare('SELECT id, api_key, weight, failed, disabled FROM nodes ORDER BY id').all(),
    )
    expect(liteNodes).toEqual(nodes.map((n) => ({ ...n })))
    const byId = new Map(QCC_PLUS_FIXTURE.nodes.map((n) => [n.sourceId, n]))
    for (const n of nodes) {
      expect(n.api_key).toBe(byId.get(String(n.id))?.apiKey)
      expect(n.weight).toBe(byId.get(String(n.id))?.sourceWeight)
    }
    const [checks] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT DATE_FORMAT(check_time, '%Y-%m-%dT%H:%i:%s.%fZ') AS t FROM health_check_history ORDER BY id",
    )
    expect(checks.map((c) => String(c.t).replace(/(\.\d{3})\d{3}Z$/, '$1Z'))).toEqual(
      QCC_PLUS_FIXTURE.healthChecks.map((h) => h.checkTime),
    )
    const [usage] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT cost_usd FROM usage_logs ORDER BY id',
    )
    expect(usage.map((u) => String(u.cost_usd))).toEqual(
      QCC_PLUS_FIXTURE.usage.map((u) => u.costUsd),
    )
    const [[tunnel]] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT api_token FROM tunnel_config',
    )
    expect(tunnel?.api_token).toBe(QCC_PLUS_FIXTURE.tunnel.encToken)
    expect(Buffer.from(String(tunnel?.api_token).slice(4), 'base64').toString()).toBe(
      QCC_PLUS_FIXTURE.tunnel.token,
    )
  })

  it('lists every secret of rows.sql in expected.json', () => {
    const rows = readFileSync(join(import.meta.dirname, 'fixtures/qcc-plus/rows.sql'), 'utf8')
    const quoted = [...rows.matchAll(/'((?:sk-|shr-)[^']*)'/g)].map((m) => m[1])
    expect(quoted.length).toBeGreaterThan(10)
    for (const s of quoted) expect(QCC_PLUS_FIXTURE.secrets).toContain(s)
    for (const a of QCC_PLUS_FIXTURE.accounts.filter((a) => a.password !== '')) {
      expect(rows).toContain(`'${a.password}'`)
      expect(QCC_PLUS_FIXTURE.secrets).toContain(a.password)
    }
  })

  it('keeps the subscription -> channel cascade in SQLite', async () => {
    await lite.exec('DELETE FROM notification_channels WHERE id = ?', ['ch-personal'])
    const left = sqliteRead(
      (db) =>
        db
          .prepare('SELECT COUNT(*) AS n FROM notification_subscriptions WHERE channel_id = ?')
          .get('ch-personal') as { n: number },
    )
    expect(left.n).toBe(0)
  })

  it('changes the checksums after an UPDATE, and only for the table updated', async () => {
    const before = await tableChecksums(MYSQL_SERVER, my.database)
    expect(Object.keys(before)).toEqual(TABLES)
    expect(before.accounts).toMatch(/^checksum \d+, 5 rows$/)
    expect(await tableChecksums(MYSQL_SERVER, my.database)).toEqual(before)

    await my.exec('UPDATE nodes SET base_url = ? WHERE id = ?', ['http://127.0.0.1:2/', 'node-r1'])
    const after = await tableChecksums(MYSQL_SERVER, my.database)
    expect(after.nodes).not.toBe(before.nodes)
    expect({ ...after, nodes: '' }).toEqual({ ...before, nodes: '' })
  })
})
