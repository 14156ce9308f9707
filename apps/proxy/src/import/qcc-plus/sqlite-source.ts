import Database from 'better-sqlite3'
import { inBatches, type QccPlusSource } from './source'

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
    batches(sql, params, size) {
      // iterate() steps the statement lazily; yielding between batches keeps memory flat.
      return inBatches(db.prepare(sql).iterate(...params), size)
    },
    async close() {
      db.close()
    },
  }
}
