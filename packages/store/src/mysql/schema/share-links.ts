import { index, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'
import { hashColumn, idColumn, timestamp } from './columns'

/** Public monitor share links; only the token's hash is stored. Revoked links are kept. */
export const shareLinks = mysqlTable(
  'qcc_share_links',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    tokenHash: hashColumn('token_hash').notNull(),
    prefix: varchar('prefix', { length: 8 }).notNull(),
    createdBy: idColumn('created_by'),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at'),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [
    uniqueIndex('qcc_share_links_token_uq').on(t.tokenHash),
    index('qcc_share_links_account_idx').on(t.accountId),
  ],
)
