import Database from 'better-sqlite3'
import type { QccPlusSource, SourceRow } from './source'

/** A qcc_plus SQLite file, opened read-only (the file must exist). */
export async function openSqliteSource(path: string): Promise<QccPlusSource> {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  return {
    kind: 'sqlite',
    async tables() {
      const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
      return new Set((rows as { name: string }[]).map((r) => r.name))
    },
    async count(table) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }
      return row.n
    },
    async *batches(sql, params, size) {
      // iterate() steps the statement lazily; yielding between batches keeps memory flat.
      let batch: SourceRow[] = []
      for (const row of db.prepare(sql).iterate(...params)) {
        batch.push(row as SourceRow)
        if (batch.length >= size) {
          yield batch
          batch = []
        }
      }
      if (batch.length > 0) yield batch
    },
    async close() {
      db.close()
    },
  }
}
