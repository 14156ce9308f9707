import { index, mysqlTable } from 'drizzle-orm/mysql-core'
import { hashColumn, idColumn, timestamp } from './columns'

/** Login sessions, keyed by the SHA-256 of the session id (the id itself is never stored). */
export const sessions = mysqlTable(
  'qcc_sessions',
  {
    idHash: hashColumn('id_hash').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [
    index('qcc_sessions_account_idx').on(t.accountId),
    index('qcc_sessions_expires_idx').on(t.expiresAt),
  ],
)
