import { boolean, index, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/** Which event types a channel receives; one row per channel and event type. */
export const notificationSubscriptions = mysqlTable(
  'qcc_notification_subscriptions',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    channelId: idColumn('channel_id').notNull(),
    eventType: varchar('event_type', { length: 64 }).notNull(),
    enabled: boolean('enabled').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('qcc_notification_subscriptions_uq').on(t.channelId, t.eventType),
    index('qcc_notification_subscriptions_account_idx').on(t.accountId),
  ],
)
