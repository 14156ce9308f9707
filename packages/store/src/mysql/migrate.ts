import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/mysql2'
import { migrate } from 'drizzle-orm/mysql2/migrator'
import mysql from 'mysql2/promise'
import { StoreError } from '../errors'
import type { MigrationStatus } from '../types/imports'
import { connectionOptions, connectOnce, describeDsn } from './connection'
import { dbErrorCode } from './db'
import type { MysqlDsn } from './dsn'

/** Name of drizzle's migration bookkeeping table. */
export const MIGRATIONS_TABLE = 'qcc_migrations'

/** Every table of the schema (for the ownership check, the test dump and truncation). */
export const QCC_TABLES = [
  'qcc_meta',
  'qcc_accounts',
  'qcc_account_settings',
  'qcc_proxy_keys',
  'qcc_nodes',
  'qcc_node_states',
  'qcc_sessions',
  'qcc_usage_events',
  'qcc_usage_rollups',
  'qcc_usage_batches',
  'qcc_health_checks',
  'qcc_prices',
  'qcc_share_links',
  'qcc_notification_channels',
  'qcc_notification_subscriptions',
  'qcc_audit_log',
  'qcc_tunnel_config',
  'qcc_download_links',
  'qcc_import_sources',
] as const

const LOCK_NAME = 'qcc_migrate'

/**
 * The committed migrations: `packages/store/drizzle`, found from src (tests) or from dist
 * (built package, which ships the folder).
 */
export function defaultMigrationsFolder(): string {
  for (const rel of ['../../drizzle', '../drizzle']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(`${dir}/meta/_journal.json`)) return dir
  }
  throw new StoreError('invalid', 'drizzle migrations folder not found next to @qcc/store')
}

async function rows<T>(conn: mysql.Connection, q: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await conn.query(q, params)
  return result as T[]
}

/**
 * Refuses a database that holds tables under qcc's names that qcc did not create: our tables
 * without our migrations table, or a `qcc_meta` whose owner is someone else.
 */
async function checkOwnership(conn: mysql.Connection, dsn: MysqlDsn): Promise<void> {
  const names = [...QCC_TABLES, MIGRATIONS_TABLE]
  const found = await rows<{ name: string }>(
    conn,
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)',
    [names],
  )
  const present = new Set(found.map((r) => r.name))
  if (present.size === 0) return
  const conflict = (why: string) =>
    new StoreError(
      'schema_conflict',
      `database ${describeDsn(dsn)} holds another schema under qcc's table names (${why}); ` +
        'point PROXY_MYSQL_DSN at an empty database or at one created by qcc',
    )
  if (!present.has(MIGRATIONS_TABLE)) {
    throw conflict(`found ${[...present].join(', ')} but no ${MIGRATIONS_TABLE}`)
  }
  if (present.has('qcc_meta')) {
    const owner = await rows<{ value: string | null }>(
      conn,
      "SELECT value FROM qcc_meta WHERE name = 'owner'",
    ).catch(() => {
      throw conflict('qcc_meta has another shape')
    })
    if (owner[0] && owner[0].value !== 'qcc')
      throw conflict(`qcc_meta owner is "${owner[0].value}"`)
  }
}

/**
 * Applies pending migrations over one connection, under `GET_LOCK` so replicas starting at the
 * same time take turns; idempotent. Used at boot and by `qcc migrate`.
 * @throws StoreError `schema_conflict`, `unavailable` (server unreachable or lock not obtained
 *   within `lockTimeoutSec`, default 60)
 */
export async function migrateDatabase(
  dsn: MysqlDsn,
  options: { migrationsFolder?: string; lockTimeoutSec?: number } = {},
): Promise<void> {
  const conn = await connectOnce(dsn)
  try {
    const [lock] = await rows<{ got: number | null }>(conn, 'SELECT GET_LOCK(?, ?) AS got', [
      LOCK_NAME,
      options.lockTimeoutSec ?? 60,
    ])
    if (lock?.got !== 1) {
      throw new StoreError('unavailable', 'timed out waiting for the migration lock (qcc_migrate)')
    }
    try {
      await checkOwnership(conn, dsn)
      const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder()
      await migrate(drizzle(conn), { migrationsFolder, migrationsTable: MIGRATIONS_TABLE })
      await conn.query(
        "INSERT IGNORE INTO qcc_meta (name, value, num) VALUES ('owner', 'qcc', 0), ('change_version', NULL, 0)",
      )
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined)
    }
  } finally {
    await conn.end().catch(() => conn.destroy())
  }
}

/** Creation times (`when`) of the committed migrations, from drizzle's journal. */
function journalTimes(migrationsFolder: string): number[] {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: { when: number }[]
  }
  return journal.entries.map((e) => e.when)
}

/**
 * How far the database is migrated, read without writing anything (not even creating the
 * database, as {@link connectOnce} would). Pending counts as drizzle's migrator decides: the
 * committed migrations newer than the last one recorded.
 * @throws StoreError `unavailable` when the server cannot be reached
 */
export async function migrationStatus(
  dsn: MysqlDsn,
  migrationsFolder = defaultMigrationsFolder(),
): Promise<MigrationStatus> {
  const times = journalTimes(migrationsFolder)
  const none = { applied: 0, pending: times.length, hasTables: false }
  let conn: mysql.Connection
  try {
    conn = await mysql.createConnection(connectionOptions(dsn))
  } catch (error) {
    if (dbErrorCode(error) === 'ER_BAD_DB_ERROR') return none
    const code = dbErrorCode(error) ?? (error instanceof Error ? error.message : 'error')
    throw new StoreError('unavailable', `cannot open MySQL at ${describeDsn(dsn)}: ${code}`, {
      cause: error,
    })
  }
  try {
    const found = await rows<{ name: string }>(
      conn,
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)',
      [[...QCC_TABLES, MIGRATIONS_TABLE]],
    )
    if (found.length === 0) return none
    if (!found.some((r) => r.name === MIGRATIONS_TABLE)) return { ...none, hasTables: true }
    const [row] = await rows<{ n: number | string; last: number | string | null }>(
      conn,
      `SELECT COUNT(*) AS n, MAX(created_at) AS last FROM ${MIGRATIONS_TABLE}`,
    )
    const last = Number(row?.last ?? 0)
    return {
      applied: Number(row?.n ?? 0),
      pending: times.filter((when) => when > last).length,
      hasTables: true,
    }
  } catch (error) {
    throw new StoreError('unavailable', `cannot read the schema of ${describeDsn(dsn)}`, {
      cause: error,
    })
  } finally {
    await conn.end().catch(() => conn.destroy())
  }
}
