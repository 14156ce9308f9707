import { index, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'
import { hashColumn, idColumn, timestamp } from './columns'

/**
 * Proxy API keys: only a hash and a display prefix (at most 8 characters) are stored, with the
 * key's limits and its first use.
 */
export const proxyKeys = mysqlTable(
  'qcc_proxy_keys',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    name: varchar('name', { length: 128 }),
    prefix: varchar('prefix', { length: 8 }).notNull(),
    keyHash: hashColumn('key_hash').notNull(),
    createdAt: timestamp('created_at').notNull(),
    revokedAt: timestamp('revoked_at'),
    lastUsedAt: timestamp('last_used_at'),
    /** The key's limits as JSON (docs/contract.md §10); NULL for none. */
    limits: text('limits'),
    /** The key's first request; set once (`UPDATE ... WHERE first_used_at IS NULL`). */
    firstUsedAt: timestamp('first_used_at'),
  },
  (t) => [
    uniqueIndex('qcc_proxy_keys_hash_uq').on(t.keyHash),
    index('qcc_proxy_keys_account_idx').on(t.accountId),
  ],
)

export type ProxyKeyDbRow = typeof proxyKeys.$inferSelect
