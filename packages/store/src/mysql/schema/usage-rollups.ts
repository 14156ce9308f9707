import { bigint, decimal, index, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/**
 * Usage totals per bucket ('minute' | 'hour' | 'day', UTC) and account, node ('' for none),
 * model and key. Updated with INSERT ... ON DUPLICATE KEY UPDATE; summaries read whole days,
 * edge hours and edge minutes from here.
 */
export const usageRollups = mysqlTable(
  'qcc_usage_rollups',
  {
    bucket: varchar('bucket', { length: 6 }).notNull(),
    bucketStart: timestamp('bucket_start').notNull(),
    accountId: idColumn('account_id').notNull(),
    nodeId: idColumn('node_id').notNull().default(''),
    model: varchar('model', { length: 256 }).notNull(),
    keyId: idColumn('key_id').notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull(),
    errors: bigint('errors', { mode: 'number' }).notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    cacheCreationInputTokens: bigint('cache_creation_input_tokens', { mode: 'number' }).notNull(),
    cacheCreation5mTokens: bigint('cache_creation_5m_tokens', { mode: 'number' }).notNull(),
    cacheCreation1hTokens: bigint('cache_creation_1h_tokens', { mode: 'number' }).notNull(),
    cacheReadInputTokens: bigint('cache_read_input_tokens', { mode: 'number' }).notNull(),
    costUsd: decimal('cost_usd', { precision: 24, scale: 9 }).notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    durationMsSum: bigint('duration_ms_sum', { mode: 'number' }).notNull(),
    ttfbMsSum: bigint('ttfb_ms_sum', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'qcc_usage_rollups_pk',
      columns: [t.bucket, t.bucketStart, t.accountId, t.nodeId, t.model, t.keyId],
    }),
    // One account's summary and series (a tenant's console; `/key/status`, which names the key's
    // account too) read its own rows, not every account's rows of the range (the primary key
    // leads with time). One index only: each costs every new rollup row a B-tree insert more.
    index('qcc_usage_rollups_account_idx').on(t.accountId, t.bucket, t.bucketStart),
  ],
)
