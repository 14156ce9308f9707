import { StoreError } from './errors'
import type { MigrationStatus } from './types/imports'
import { parseMysqlDsn } from './mysql/dsn'

/**
 * Applies pending migrations to the database of `url` (what `qcc migrate` runs); idempotent,
 * safe to run while replicas start (GET_LOCK).
 * @throws StoreError `schema_conflict`, `unavailable`, `invalid`
 */
export async function migrateMysql(url: string, options: { lockTimeoutSec?: number } = {}) {
  const dsn = parseMysqlDsn(url)
  if (!dsn.database) throw new StoreError('invalid', 'PROXY_MYSQL_DSN names no database')
  const { migrateDatabase } = await import('./mysql/migrate')
  await migrateDatabase(dsn, options)
}

/**
 * How far the database of `url` is migrated, read only (a missing database is not created):
 * lets `qcc import --dry-run` tell a destination without qcc's tables (docs/contract.md §14.1).
 * @throws StoreError `unavailable`, `invalid`
 */
export async function pendingMigrations(url: string): Promise<MigrationStatus> {
  const dsn = parseMysqlDsn(url)
  if (!dsn.database) throw new StoreError('invalid', 'PROXY_MYSQL_DSN names no database')
  const { migrationStatus } = await import('./mysql/migrate')
  return migrationStatus(dsn)
}
