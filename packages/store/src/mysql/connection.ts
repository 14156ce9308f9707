import mysql from 'mysql2/promise'
import { StoreError } from '../errors'
import { dbErrorCode } from './db'
import type { MysqlDsn } from './dsn'

/** mysql2 options for a DSN (UTC, bounded connect time, keepalive). */
export function connectionOptions(dsn: MysqlDsn, database = dsn.database): mysql.ConnectionOptions {
  return {
    host: dsn.host,
    port: dsn.port,
    user: dsn.user,
    password: dsn.password,
    database: database || undefined,
    socketPath: dsn.socketPath,
    ssl: dsn.tls,
    timezone: 'Z',
    dateStrings: ['DATETIME', 'DATE', 'TIMESTAMP'],
    supportBigNumbers: true,
    connectTimeout: 5000,
    enableKeepAlive: true,
    charset: 'utf8mb4_bin',
  }
}

/** A pool for queries. */
export function createPool(dsn: MysqlDsn, connectionLimit = 10): mysql.Pool {
  return mysql.createPool({
    ...connectionOptions(dsn),
    connectionLimit,
    maxIdle: connectionLimit,
    idleTimeout: 60_000,
    queueLimit: 1000,
    // No caller stack captured per query (mysql2's `trace`): it cost a few percent of CPU at
    // fleet size, and drizzle's wrapping error keeps the caller's (async) stack anyway.
    trace: false,
  })
}

/** Says where the database is, never with the password. */
export function describeDsn(dsn: MysqlDsn): string {
  return dsn.socketPath
    ? `unix:${dsn.socketPath}/${dsn.database}`
    : `${dsn.host}:${dsn.port}/${dsn.database}`
}

/**
 * One connection (for migrations and the lock), creating the database when it does not exist
 * and the user may create it.
 * @throws StoreError `unavailable` when the server cannot be reached
 */
export async function connectOnce(dsn: MysqlDsn): Promise<mysql.Connection> {
  if (!dsn.database) throw new StoreError('invalid', 'PROXY_MYSQL_DSN names no database')
  try {
    return await mysql.createConnection(connectionOptions(dsn))
  } catch (error) {
    if (dbErrorCode(error) !== 'ER_BAD_DB_ERROR') throw unreachable(dsn, error)
  }
  try {
    const root = await mysql.createConnection(connectionOptions(dsn, ''))
    try {
      await root.query(
        `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(dsn.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      )
    } finally {
      await root.end()
    }
    return await mysql.createConnection(connectionOptions(dsn))
  } catch (error) {
    throw unreachable(dsn, error)
  }
}

function unreachable(dsn: MysqlDsn, cause: unknown): StoreError {
  const code = dbErrorCode(cause) ?? (cause instanceof Error ? cause.message : 'error')
  return new StoreError('unavailable', `cannot open MySQL at ${describeDsn(dsn)}: ${code}`, {
    cause,
  })
}
