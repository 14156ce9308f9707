import mysql from 'mysql2'
import type { MysqlDsn } from '@qcc/store'
import { inBatches, type QccPlusSource } from './source'

/**
 * A qcc_plus MySQL database. Datetimes come as strings (qcc_plus wrote UTC, and the session is
 * set to UTC), so both engines hand the importer the same text; the session is read-only.
 */
export async function openMysqlSource(dsn: MysqlDsn): Promise<QccPlusSource> {
  const conn = mysql.createConnection({
    host: dsn.host,
    port: dsn.port,
    user: dsn.user,
    password: dsn.password,
    database: dsn.database,
    ...(dsn.socketPath ? { socketPath: dsn.socketPath } : {}),
    ...(dsn.tls ? { ssl: { rejectUnauthorized: dsn.tls.rejectUnauthorized } } : {}),
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
  })
  const db = conn.promise()
  await db.query("SET time_zone = '+00:00'")
  await db.query('SET SESSION TRANSACTION READ ONLY')
  return {
    kind: 'mysql',
    async tables() {
      const [rows] = await db.query(
        'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      )
      return new Set((rows as { name: string }[]).map((r) => r.name))
    },
    async count(table) {
      const [rows] = await db.query(`SELECT COUNT(*) AS n FROM \`${table}\``)
      return Number((rows as { n: number | string }[])[0]?.n ?? 0)
    },
    batches(sql, params, size) {
      // A streamed query: mysql2 pauses the socket while the consumer works.
      return inBatches(
        conn.query({ sql, values: [...params] }).stream({ highWaterMark: size }),
        size,
      )
    },
    async close() {
      await db.end()
    },
  }
}
