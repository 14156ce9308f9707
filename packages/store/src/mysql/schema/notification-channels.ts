import { boolean, index, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/** Notification channels; `config_enc` is the AES-256-GCM sealed JSON config. */
export const notificationChannels = mysqlTable(
  'qcc_notification_channels',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    kind: varchar('kind', { length: 32 }).notNull(),
    configEnc: text('config_enc').notNull(),
    enabled: boolean('enabled').notNull(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('qcc_notification_channels_account_idx').on(t.accountId)],
)
