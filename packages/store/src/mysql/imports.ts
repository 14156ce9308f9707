import { and, asc, eq, sql } from 'drizzle-orm'
import type { ImportStore } from '../interface'
import { checkUsageBatch, chunks, importedHealthCheckRow, lastPerKey } from '../rows/imports'
import type { IdempotentUsageSink } from '../usage/writer'
import type { My } from './db'
import { healthChecks, importSources } from './schema'

/**
 * What `qcc import` writes, in the MySQL adapter (docs/contract.md §14.1): each call is one
 * transaction, its rows inserted in chunks (a statement stays under MySQL's placeholder limit).
 * History and source ids are not config: no version bump.
 */
export function mysqlImports(m: My, sink: IdempotentUsageSink): ImportStore {
  const { db } = m
  const t = importSources
  return {
    async listImportSources(source, table) {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.source, String(source)), eq(t.sourceTable, String(table))))
        .orderBy(asc(t.sourceId))
      return rows.map((r) => ({
        source: r.source,
        table: r.sourceTable,
        sourceId: r.sourceId,
        targetId: r.targetId,
        fingerprint: r.fingerprint,
        importedAt: r.importedAt,
      }))
    },
    async putImportSources(records) {
      m.live()
      const rows = lastPerKey(records).map(({ table, ...r }) => ({ ...r, sourceTable: table }))
      if (rows.length === 0) return
      await db.transaction(async (tx) => {
        for (const part of chunks(rows)) {
          await tx
            .insert(t)
            .values(part)
            .onDuplicateKeyUpdate({
              set: {
                targetId: sql`VALUES(${t.targetId})`,
                fingerprint: sql`VALUES(${t.fingerprint})`,
                importedAt: sql`VALUES(${t.importedAt})`,
              },
            })
        }
      })
    },
    async importHealthChecks(records) {
      m.live()
      const rows = records.map(importedHealthCheckRow)
      if (rows.length === 0) return 0
      return db.transaction(async (tx) => {
        let inserted = 0
        for (const part of chunks(rows)) {
          const [res] = await tx.insert(healthChecks).ignore().values(part)
          inserted += res.affectedRows
        }
        return inserted
      })
    },
    async importUsageBatch(batch) {
      m.live()
      const b = checkUsageBatch(batch)
      return sink.applyBatch({ id: b.id, events: [...b.events], overflow: [...b.rollups] })
    },
  }
}
