import {
  bigint,
  boolean,
  decimal,
  index,
  int,
  json,
  mysqlTable,
  varchar,
} from 'drizzle-orm/mysql-core'
import type { PricedBy } from '@qcc/core'
import { idColumn, timestamp } from './columns'

/**
 * One row per request, unique by request id (INSERT IGNORE makes retried batches harmless).
 * `batch_id` marks the batch that inserted the row, so rollups are derived from rows actually
 * inserted by that batch.
 */
export const usageEvents = mysqlTable(
  'qcc_usage_events',
  {
    requestId: varchar('request_id', { length: 128 }).primaryKey(),
    batchId: idColumn('batch_id').notNull(),
    accountId: idColumn('account_id').notNull(),
    keyId: idColumn('key_id').notNull(),
    nodeId: idColumn('node_id'),
    /** Up to 256 characters, as `/v1/messages` takes them (docs/contract.md §15). */
    model: varchar('model', { length: 256 }).notNull(),
    /** The model id sent upstream when the node's model_map rewrote it (docs/contract.md §13), else NULL. */
    upstreamModel: varchar('upstream_model', { length: 256 }),
    status: int('status').notNull(),
    attempts: int('attempts').notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    cacheCreationInputTokens: bigint('cache_creation_input_tokens', { mode: 'number' }).notNull(),
    cacheCreation5mTokens: bigint('cache_creation_5m_tokens', { mode: 'number' }).notNull(),
    cacheCreation1hTokens: bigint('cache_creation_1h_tokens', { mode: 'number' }).notNull(),
    cacheReadInputTokens: bigint('cache_read_input_tokens', { mode: 'number' }).notNull(),
    costUsd: decimal('cost_usd', { precision: 20, scale: 9 }).notNull(),
    /** How the cost was priced: table, family, default or none (docs/contract.md §15); NULL before. */
    pricedBy: varchar('priced_by', { length: 8 }).$type<PricedBy>(),
    ttfbMs: int('ttfb_ms'),
    durationMs: int('duration_ms').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sessionId: varchar('session_id', { length: 128 }),
    partial: boolean('partial').notNull(),
    /** Why qcc refused the request before any upstream contact (docs/contract.md §10), else NULL. */
    refusal: varchar('refusal', { length: 200 }),
    /** The limit that refused the request, `<scope>.<limit>` (docs/contract.md §12), else NULL. */
    refused: varchar('refused', { length: 48 }),
    /**
     * The request's attempts (docs/contract.md §12.1), read without a join; NULL on rows written
     * before the trace existed. MariaDB keeps JSON as LONGTEXT (mysql2 then reads a string), so
     * the reader parses it (src/mysql/usage-logs.ts).
     */
    attemptTrace: json('attempt_trace').$type<unknown>(),
    /** The client address (docs/contract.md §6.3); 45 characters hold any IPv6 text form. */
    clientIp: varchar('client_ip', { length: 45 }),
    userAgent: varchar('user_agent', { length: 256 }),
    /** The request asked for a stream; NULL on rows written before it was recorded. */
    stream: boolean('stream'),
    at: timestamp('at').notNull(),
  },
  (t) => [
    index('qcc_usage_events_batch_idx').on(t.batchId),
    index('qcc_usage_events_at_idx').on(t.at),
    index('qcc_usage_events_account_at_idx').on(t.accountId, t.at),
    index('qcc_usage_events_node_at_idx').on(t.nodeId, t.at),
    // The request log's key and session filters (docs/contract.md §12).
    index('qcc_usage_events_key_at_idx').on(t.keyId, t.at),
    index('qcc_usage_events_session_at_idx').on(t.sessionId, t.at),
    // The pricing page's "seen without a price" list reads only the few rows not priced by the
    // table (docs/contract.md §15): a range of this index, not a scan of all usage.
    index('qcc_usage_events_priced_by_idx').on(t.pricedBy, t.model, t.at),
  ],
)

export type UsageEventDbRow = typeof usageEvents.$inferSelect
