import { char, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core'
import { timestamp } from './columns'

/**
 * Which qcc row each imported source row became (docs/contract.md §14.1, migration 0007), so a
 * second `qcc import` updates or skips instead of duplicating. Ids are text: a source's ids are
 * its own (qcc_plus uses integers), targets are qcc ids.
 */
export const importSources = mysqlTable(
  'qcc_import_sources',
  {
    source: varchar('source', { length: 32 }).notNull(),
    sourceTable: varchar('source_table', { length: 64 }).notNull(),
    sourceId: varchar('source_id', { length: 191 }).notNull(),
    targetId: varchar('target_id', { length: 191 }).notNull(),
    /** HMAC-SHA256 hex of the source row's canonical JSON. */
    fingerprint: char('fingerprint', { length: 64 }).notNull(),
    importedAt: timestamp('imported_at').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'qcc_import_sources_pk',
      columns: [t.source, t.sourceTable, t.sourceId],
    }),
  ],
)
