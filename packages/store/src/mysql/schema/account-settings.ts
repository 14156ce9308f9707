import { int, mysqlTable, varchar } from 'drizzle-orm/mysql-core'
import type { StickyPolicy } from '@qcc/core'
import { idColumn, timestamp } from './columns'

/** Per-account overrides of env settings; NULL means "use the env value". One row per account. */
export const accountSettings = mysqlTable('qcc_account_settings', {
  accountId: idColumn('account_id').primaryKey(),
  retries: int('retries'),
  failLimit: int('fail_limit'),
  healthIntervalSec: int('health_interval_sec'),
  stickyTtlSec: int('sticky_ttl_sec'),
  // docs/contract.md §13; NULL: cache_first / never break on TTFB.
  stickyPolicy: varchar('sticky_policy', { length: 16 }).$type<StickyPolicy>(),
  stickyBreakTtfbMs: int('sticky_break_ttfb_ms'),
  updatedAt: timestamp('updated_at').notNull(),
})

export type AccountSettingsRow = typeof accountSettings.$inferSelect
