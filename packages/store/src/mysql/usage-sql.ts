import { type SQL, sql } from 'drizzle-orm'
import { MODEL_ID_MAX } from '@qcc/core'
import mysql from 'mysql2/promise'
import type { UsageBucket, UsageEvent } from '../types/usage'
import { COUNTER_FIELDS, type Counters, type RollupDelta } from '../usage/rollup'

/** Integer nano-USD as an exact DECIMAL literal. */
export function nanoToDecimal(nano: number): string {
  const sign = nano < 0 ? '-' : ''
  const abs = Math.abs(Math.round(nano))
  return `${sign}${Math.floor(abs / 1e9)}.${String(abs % 1e9).padStart(9, '0')}`
}

/** An exact DECIMAL string (from SUM) to integer nano-USD. */
export function decimalToNano(value: unknown): number {
  if (value === null || value === undefined) return 0
  const s = String(value)
  const neg = s.startsWith('-')
  const [int = '0', frac = ''] = s.replace('-', '').split('.')
  const nano = Number(int) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9))
  return neg ? -nano : nano
}

/** Rollup column of each counter. */
const COLUMN: Record<keyof Counters, string> = {
  requests: 'requests',
  errors: 'errors',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cacheCreationInputTokens: 'cache_creation_input_tokens',
  cacheCreation5mTokens: 'cache_creation_5m_tokens',
  cacheCreation1hTokens: 'cache_creation_1h_tokens',
  cacheReadInputTokens: 'cache_read_input_tokens',
  costNanoUsd: 'cost_usd',
  bytes: 'bytes',
  durationMsSum: 'duration_ms_sum',
  ttfbMsSum: 'ttfb_ms_sum',
}

/** Event expression summed into each counter. */
const FROM_EVENT: Record<keyof Counters, string> = {
  requests: 'COUNT(*)',
  errors: 'SUM(status < 200 OR status >= 300)',
  inputTokens: 'SUM(input_tokens)',
  outputTokens: 'SUM(output_tokens)',
  cacheCreationInputTokens: 'SUM(cache_creation_input_tokens)',
  cacheCreation5mTokens: 'SUM(cache_creation_5m_tokens)',
  cacheCreation1hTokens: 'SUM(cache_creation_1h_tokens)',
  cacheReadInputTokens: 'SUM(cache_read_input_tokens)',
  costNanoUsd: 'SUM(cost_usd)',
  bytes: 'SUM(bytes)',
  durationMsSum: 'SUM(duration_ms)',
  ttfbMsSum: 'SUM(COALESCE(ttfb_ms, 0))',
}

const BUCKET_FORMAT: Record<UsageBucket, string> = {
  minute: '%Y-%m-%d %H:%i:00',
  hour: '%Y-%m-%d %H:00:00',
  day: '%Y-%m-%d 00:00:00',
}

const COLUMNS = COUNTER_FIELDS.map((f) => COLUMN[f])
const ADD_ON_DUPLICATE = COLUMNS.map(
  (c) => `qcc_usage_rollups.${c} = qcc_usage_rollups.${c} + VALUES(${c})`,
).join(', ')

/**
 * Adds the rows inserted by one batch into the rollup of one granularity, in the database
 * (INSERT ... SELECT ... ON DUPLICATE KEY UPDATE), so only rows that batch really inserted count.
 */
export function rollupFromBatch(bucket: UsageBucket, batchId: string): SQL {
  const start = `DATE_FORMAT(at, '${BUCKET_FORMAT[bucket]}')`
  const dims = `${start}, account_id, COALESCE(node_id, ''), model, key_id`
  // The batch id is bound: imported batches (docs/contract.md §14.1) are not UUIDs.
  const head = sql.raw(
    `INSERT INTO qcc_usage_rollups (bucket, bucket_start, account_id, node_id, model, key_id, ${COLUMNS.join(', ')}) ` +
      `SELECT '${bucket}', ${dims}, ${COUNTER_FIELDS.map((f) => FROM_EVENT[f]).join(', ')} ` +
      `FROM qcc_usage_events WHERE batch_id = `,
  )
  const tail = sql.raw(` GROUP BY ${dims} ON DUPLICATE KEY UPDATE ${ADD_ON_DUPLICATE}`)
  return sql`${head}${batchId}${tail}`
}

/** A UTC `DATETIME(3)` literal, as drizzle writes the column. */
function datetimeLiteral(ms: number): string {
  return `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`
}

/** A counter as an SQL integer literal (a non-integer would be a bug upstream: it is truncated). */
const intLiteral = (n: number) => String(Math.trunc(n))

/**
 * Adds rollup deltas (events whose raw rows were dropped at the cap, or an import's rollups).
 * The VALUES list is one escaped SQL string, not 18 drizzle parameters a row: building those
 * took most of the CPU of a million-row import (docs/contract.md §14.1), and the values are
 * ids, a model name (escaped), integers and a decimal this module formats itself.
 */
export function upsertDeltas(deltas: RollupDelta[]): SQL {
  const rows = deltas.map((d) => {
    const counters = COUNTER_FIELDS.map((f) =>
      f === 'costNanoUsd' ? nanoToDecimal(d.counters[f]) : intLiteral(d.counters[f]),
    ).join(', ')
    return `(${mysql.escape(d.bucket)}, ${datetimeLiteral(d.start)}, ${mysql.escape(d.accountId)}, ${mysql.escape(d.nodeId)}, ${mysql.escape(d.model)}, ${mysql.escape(d.keyId)}, ${counters})`
  })
  return sql.raw(
    `INSERT INTO qcc_usage_rollups (bucket, bucket_start, account_id, node_id, model, key_id, ${COLUMNS.join(', ')}) ` +
      `VALUES ${rows.join(', ')} ON DUPLICATE KEY UPDATE ${ADD_ON_DUPLICATE}`,
  )
}

/** Moves `last_used_at` of the keys used in a batch forward. */
export function touchKeys(batchId: string): SQL {
  return sql`UPDATE qcc_proxy_keys k JOIN (SELECT key_id, MAX(at) AS m FROM qcc_usage_events WHERE batch_id = ${batchId} GROUP BY key_id) u ON u.key_id = k.id SET k.last_used_at = GREATEST(COALESCE(k.last_used_at, u.m), u.m)`
}

/** SUM expressions over rollup rows, one per counter, for drizzle selects. */
export function rollupSums(): Record<keyof Counters, SQL<string>> {
  return Object.fromEntries(
    COUNTER_FIELDS.map((f) => [f, sql<string>`SUM(${sql.raw(`qcc_usage_rollups.${COLUMN[f]}`)})`]),
  ) as Record<keyof Counters, SQL<string>>
}

/** Parses a row of {@link rollupSums}. */
export function parseSums(row: Record<keyof Counters, unknown>): Counters {
  const out = {} as Counters
  for (const f of COUNTER_FIELDS) {
    out[f] = f === 'costNanoUsd' ? decimalToNano(row[f]) : Number(row[f] ?? 0)
  }
  return out
}

/** An event as a `qcc_usage_events` row. */
export function eventRow(e: UsageEvent, batchId: string) {
  return {
    ...e,
    requestId: e.requestId.slice(0, 128),
    model: e.model.slice(0, MODEL_ID_MAX),
    upstreamModel: e.upstreamModel?.slice(0, MODEL_ID_MAX) ?? null,
    pricedBy: e.pricedBy ?? null,
    sessionId: e.sessionId?.slice(0, 128) ?? null,
    costUsd: nanoToDecimal(Math.round(e.costUsd * 1e9)),
    refusal: e.refusal ?? null,
    refused: e.refused ?? null,
    // A JSON column (drizzle stringifies it); the event's bounds were checked by the writer.
    attemptTrace: e.trace ?? null,
    clientIp: e.clientIp ?? null,
    userAgent: e.userAgent ?? null,
    stream: e.stream ?? null,
    batchId,
  }
}
