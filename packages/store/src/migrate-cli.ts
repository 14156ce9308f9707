import { StoreError } from './errors'
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
