import { index, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/** Admin actions. `detail` is JSON text (never secrets). */
export const auditLog = mysqlTable(
  'qcc_audit_log',
  {
    id: idColumn('id').primaryKey(),
    at: timestamp('at').notNull(),
    actorId: idColumn('actor_id'),
    accountId: idColumn('account_id'),
    action: varchar('action', { length: 64 }).notNull(),
    targetType: varchar('target_type', { length: 64 }),
    targetId: varchar('target_id', { length: 128 }),
    ip: varchar('ip', { length: 64 }),
    detail: text('detail'),
  },
  (t) => [
    index('qcc_audit_log_at_idx').on(t.at),
    index('qcc_audit_log_account_at_idx').on(t.accountId, t.at),
  ],
)
