/**
 * A qcc_plus database opened for reading (docs/contract.md §14.1): MySQL in either DSN form, or a
 * SQLite file opened read-only. Rows come in batches so a million metrics rows never sit in
 * memory at once; the SQL the importer sends is written to run on both engines.
 */
import { parseMysqlDsn, type MysqlDsn } from '@qcc/store'

/** One source row, column name to value as the driver gives it (see `source-values.ts`). */
export type SourceRow = Record<string, unknown>

/** What the importer reads from. */
export interface QccPlusSource {
  /** `mysql` or `sqlite`, for the report. */
  readonly kind: 'mysql' | 'sqlite'
  /** The tables the source has (an old qcc_plus lacks some). */
  tables(): Promise<Set<string>>
  /** Rows of a table. */
  count(table: string): Promise<number>
  /** The rows of a query, `size` at a time, streamed. */
  batches(sql: string, params: readonly unknown[], size: number): AsyncIterable<SourceRow[]>
  close(): Promise<void>
}

/** Where `--from` points. */
export type SourceLocation = { kind: 'sqlite'; path: string } | { kind: 'mysql'; dsn: MysqlDsn }

/** A `--from` value that is neither a MySQL DSN nor `sqlite:<path>`. */
export class SourceDsnError extends Error {
  readonly code = 'bad_source_dsn'
  readonly retryable = false
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SourceDsnError'
  }
}

/**
 * Parses `--from`: `sqlite:<path>` (also `sqlite://<path>`), `mysql://user:pass@host:port/db`
 * or Go's `user:pass@tcp(host:port)/db?params`. The message never repeats the DSN (it holds a
 * password).
 */
export function parseSourceLocation(from: string): SourceLocation {
  if (from.startsWith('sqlite:')) {
    const path = from.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (!path)
      throw new SourceDsnError('--from sqlite: needs a file path (sqlite:/path/qccplus.db)')
    return { kind: 'sqlite', path }
  }
  try {
    const dsn = parseMysqlDsn(from)
    if (!dsn.database) throw new SourceDsnError('--from names no database')
    return { kind: 'mysql', dsn }
  } catch (err) {
    if (err instanceof SourceDsnError) throw err
    const why = err instanceof Error ? err.message.replace(/^PROXY_MYSQL_DSN/, '--from') : ''
    throw new SourceDsnError(why || '--from is not a valid DSN', { cause: err })
  }
}

/** Groups rows into arrays of `size` (the last one shorter), as both engines' readers yield them. */
export async function* inBatches(
  rows: Iterable<unknown> | AsyncIterable<unknown>,
  size: number,
): AsyncIterable<SourceRow[]> {
  let batch: SourceRow[] = []
  for await (const row of rows) {
    batch.push(row as SourceRow)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** Opens the source read-only. */
export async function openQccPlusSource(location: SourceLocation): Promise<QccPlusSource> {
  if (location.kind === 'sqlite') {
    const { openSqliteSource } = await import('./sqlite-source')
    return openSqliteSource(location.path)
  }
  const { openMysqlSource } = await import('./mysql-source')
  return openMysqlSource(location.dsn)
}
