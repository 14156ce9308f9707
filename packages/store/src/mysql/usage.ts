import { and, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { UsageStore } from '../interface'
import type { UsageSeriesFilter, UsageSummaryFilter } from '../types/usage'
import { BUCKETS, splitRange, type RangeSegment } from '../usage/rollup'
import {
  buildKeySpend,
  buildSeries,
  buildSummary,
  groupColumn,
  seriesRange,
  spendSegments,
  summaryRange,
} from '../usage/query'
import type { IdempotentUsageSink } from '../usage/writer'
import type { My } from './db'
import { nodes, proxyKeys, usageBatches, usageEvents, usageRollups } from './schema'
import { insertRowsSql } from './raw-insert'
import { mysqlUsageLogs } from './usage-logs'
import {
  decimalToNano,
  eventRow,
  parseSums,
  rollupFromBatch,
  rollupSums,
  touchKeys,
  upsertDeltas,
} from './usage-sql'

/** Events per INSERT (about 30 placeholders each) and rollup deltas per upsert (18 each). */
const EVENTS_PER_INSERT = 500
const DELTAS_PER_UPSERT = 1000

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The MySQL sink: one transaction per batch. The batch id goes in first (INSERT IGNORE): when
 * it is already there the batch was committed before (an ambiguous failure) and nothing more is
 * done. Raw rows go in with INSERT IGNORE (request ids seen before, from any writer, are
 * skipped); rollups are derived from the rows this batch inserted. Large batches (an import)
 * are written in slices inside the one transaction.
 */
export function mysqlUsageSink(m: Pick<My, 'db' | 'ctx'>): IdempotentUsageSink {
  const applyBatch: IdempotentUsageSink['applyBatch'] = (batch) =>
    m.db.transaction(async (tx) => {
      const [token] = await tx
        .insert(usageBatches)
        .ignore()
        .values({ id: batch.id, createdAt: m.ctx.now() })
      if (token.affectedRows === 0) return false
      if (batch.events.length > 0) {
        for (const part of slices(batch.events, EVENTS_PER_INSERT)) {
          await tx.execute(
            insertRowsSql(
              usageEvents,
              part.map((e) => eventRow(e, batch.id)),
              { ignore: true },
            ),
          )
        }
        for (const bucket of BUCKETS) await tx.execute(rollupFromBatch(bucket, batch.id))
        await tx.execute(touchKeys(batch.id))
      }
      for (const part of slices(batch.overflow, DELTAS_PER_UPSERT)) {
        await tx.execute(upsertDeltas(part))
      }
      return true
    })
  return {
    applyBatch,
    async writeBatch(batch) {
      await applyBatch(batch)
    },
  }
}

const finite = (n: number) => Number.isFinite(n)

/** Rollup rows whose start falls in one of the segments of their own granularity. */
function inRollupSegments(segments: readonly RangeSegment[]): SQL | undefined {
  const r = usageRollups
  return or(
    ...segments.map((s) =>
      and(
        eq(r.bucket, s.bucket),
        finite(s.from) ? gte(r.bucketStart, new Date(s.from)) : undefined,
        finite(s.to) ? lt(r.bucketStart, new Date(s.to)) : undefined,
      ),
    ),
  )
}

/**
 * The rollup rows a summary reads, or undefined for an empty range. Exported for the test that
 * EXPLAINs it (src/mysql/usage.test.ts: one account's summary uses its index, not a scan).
 */
export function summaryRollupWhere(f: UsageSummaryFilter): SQL | undefined | null {
  const [from, to] = summaryRange(f)
  const segments = splitRange(from, to)
  if (segments.length === 0) return null
  return and(
    inRollupSegments(segments),
    f.accountId === undefined ? undefined : eq(usageRollups.accountId, f.accountId),
    f.keyId === undefined ? undefined : eq(usageRollups.keyId, f.keyId),
    f.nodeId === undefined ? undefined : eq(usageRollups.nodeId, f.nodeId),
  )
}

/** The rollup rows a series reads (see {@link summaryRollupWhere}). */
export function seriesRollupWhere(f: UsageSeriesFilter): SQL | undefined {
  const { first, end } = seriesRange(f)
  const r = usageRollups
  return and(
    eq(r.bucket, f.bucket),
    gte(r.bucketStart, new Date(first)),
    lt(r.bucketStart, new Date(end)),
    f.accountId === undefined ? undefined : eq(r.accountId, f.accountId),
    f.nodeId === undefined ? undefined : eq(r.nodeId, f.nodeId),
  )
}

/** Usage queries of the MySQL adapter (summaries and series from the rollups). */
export function mysqlUsageQueries(m: My): UsageStore {
  const { db } = m
  const r = usageRollups

  const names = async (groupBy: string | undefined, ids: string[]) => {
    const map = new Map<string, string | null>()
    const wanted = ids.filter((id) => id !== '')
    if (wanted.length === 0 || (groupBy !== 'node' && groupBy !== 'key')) return map
    const t = groupBy === 'node' ? nodes : proxyKeys
    const rows = await db.select({ id: t.id, name: t.name }).from(t).where(inArray(t.id, wanted))
    for (const row of rows) map.set(row.id, row.name)
    return map
  }

  return {
    async usageSummary(f) {
      const where = summaryRollupWhere(f)
      if (where === null) return buildSummary([], f.groupBy, () => null)
      const col = f.groupBy ? r[groupColumn(f.groupBy)] : undefined
      const rows = col
        ? await db
            .select({ g: col, ...rollupSums() })
            .from(r)
            .where(where)
            .groupBy(col)
        : (await db.select(rollupSums()).from(r).where(where)).map((x) => ({ ...x, g: '' }))
      const lookup = await names(
        f.groupBy,
        rows.map((x) => x.g),
      )
      const parsed = rows.map(({ g, ...sums }) => ({
        model: g,
        nodeId: g,
        keyId: g,
        counters: parseSums(sums),
      }))
      return buildSummary(parsed, f.groupBy, (id) => lookup.get(id) ?? null)
    },
    ...mysqlUsageLogs(m),
    async usageSeries(f) {
      const rows = await db
        .select({ start: r.bucketStart, ...rollupSums() })
        .from(r)
        .where(seriesRollupWhere(f))
        .groupBy(r.bucketStart)
      return buildSeries(
        f,
        rows.map(({ start, ...sums }) => ({ start: start.getTime(), counters: parseSums(sums) })),
      )
    },
    async spendByKey(f) {
      const segments = spendSegments(f)
      const start = f.byMinute ? r.bucketStart : sql<Date | null>`NULL`
      const rows = await db
        .select({
          keyId: r.keyId,
          accountId: r.accountId,
          start,
          cost: sql<string>`SUM(${r.costUsd})`,
        })
        .from(r)
        .where(inRollupSegments(segments))
        .groupBy(...(f.byMinute ? [r.keyId, r.accountId, r.bucketStart] : [r.keyId, r.accountId]))
      return buildKeySpend(
        rows.map((x) => ({
          keyId: x.keyId,
          accountId: x.accountId,
          start: x.start instanceof Date ? x.start.getTime() : 0,
          costNanoUsd: decimalToNano(x.cost),
        })),
        f.byMinute,
      )
    },
  }
}
