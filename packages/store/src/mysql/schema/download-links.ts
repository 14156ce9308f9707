import { index, mysqlTable, text } from 'drizzle-orm/mysql-core'
import { hashColumn, idColumn, timestamp } from './columns'

/**
 * One-time `settings.json` download links, shared by every replica. Keyed by the SHA-256 of the
 * link's token; the file (it may hold a proxy key) is sealed like upstream keys. A link works
 * once (`used_at` is set by the download that wins) and until `expires_at`.
 */
export const downloadLinks = mysqlTable(
  'qcc_download_links',
  {
    idHash: hashColumn('id_hash').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    payloadEnc: text('payload_enc').notNull(),
    createdAt: timestamp('created_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    usedAt: timestamp('used_at'),
  },
  (t) => [index('qcc_download_links_expires_idx').on(t.expiresAt)],
)
