import type { ImportStore } from '../interface'
import {
  bySourceId,
  checkUsageBatch,
  importedHealthCheckRow,
  importSourceKey,
  lastPerKey,
} from '../rows/imports'
import type { IdempotentUsageSink } from '../usage/writer'
import type { Mem } from './state'

/**
 * What `qcc import` writes, in the memory adapter: every input is checked before anything is
 * kept, so a bad row leaves nothing half-written (MySQL's transaction). No version bump.
 */
export function memoryImports(m: Mem, sink: IdempotentUsageSink): ImportStore {
  const { state } = m
  return {
    async listImportSources(source, table) {
      return [...state.imports.values()]
        .filter((r) => r.source === source && r.table === table)
        .sort(bySourceId)
        .map((r) => ({ ...r, importedAt: new Date(r.importedAt.getTime()) }))
    },
    async putImportSources(records) {
      m.live()
      for (const r of lastPerKey(records)) {
        state.imports.set(importSourceKey(r.source, r.table, r.sourceId), r)
      }
    },
    async importHealthChecks(records) {
      m.live()
      const rows = records.map(importedHealthCheckRow)
      const ids = new Set(state.health.map((h) => h.id))
      let inserted = 0
      for (const row of rows) {
        if (ids.has(row.id)) continue
        ids.add(row.id)
        state.health.push(row)
        inserted++
      }
      return inserted
    },
    async importUsageBatch(batch) {
      m.live()
      const b = checkUsageBatch(batch)
      return sink.applyBatch({ id: b.id, events: [...b.events], overflow: [...b.rollups] })
    },
  }
}
