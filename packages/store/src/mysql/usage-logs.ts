import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNotNull,
  lt,
  max,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import type { UsageStore } from '../interface'
import { clampLimit, pageOffset } from '../rows/fields'
import type { UsageLogEntry, UsageLogFilter } from '../types/usage'
import { statusRange } from '../usage/log-filter'
import { parseStoredTrace } from '../usage/trace'
import type { My } from './db'
import { nodes, proxyKeys, usageEvents } from './schema'
import type { UsageEventDbRow } from './schema/usage-events'
import { decimalToNano } from './usage-sql'

const e = usageEvents
const { batchId: _batchId, ...EVENT_COLUMNS } = getTableColumns(usageEvents)

/** The WHERE of a `usageLogs` filter: every given filter must hold (AND). */
function logConditions(f: UsageLogFilter): SQL | undefined {
  const status = f.status === undefined ? undefined : statusRange(f.status)
  return and(
    f.accountId === undefined ? undefined : eq(e.accountId, f.accountId),
    f.nodeId === undefined ? undefined : eq(e.nodeId, f.nodeId),
    f.model === undefined ? undefined : eq(e.model, f.model),
    f.keyId === undefined ? undefined : eq(e.keyId, f.keyId),
    f.sessionId === undefined ? undefined : eq(e.sessionId, f.sessionId),
    f.requestId === undefined ? undefined : eq(e.requestId, f.requestId),
    status === undefined
      ? undefined
      : status.outside
        ? or(lt(e.status, status.from), gte(e.status, status.to))
        : and(gte(e.status, status.from), lt(e.status, status.to)),
    // Rows written before `refused` existed carry only the refusal message.
    f.refused === true ? or(isNotNull(e.refused), isNotNull(e.refusal)) : undefined,
    f.from ? gte(e.at, f.from) : undefined,
    f.to ? lt(e.at, f.to) : undefined,
  )
}

type LogRow = Omit<UsageEventDbRow, 'batchId'> & { keyName: string | null; nodeName: string | null }

/** A joined row as a log entry: the cost back from its exact DECIMAL, the trace parsed. */
function logEntry({ costUsd, attemptTrace, ...row }: LogRow): UsageLogEntry {
  return { ...row, costUsd: decimalToNano(costUsd) / 1e9, trace: parseStoredTrace(attemptTrace) }
}

/**
 * The request log of the MySQL adapter (docs/contract.md §12): events with the current names of
 * their key and node (LEFT JOINs: null once deleted), filtered and paged, or one by request id.
 */
export function mysqlUsageLogs(
  m: Pick<My, 'db'>,
): Pick<UsageStore, 'usageLogs' | 'usageLog' | 'unpricedModels'> {
  const { db } = m
  const select = (where: SQL | undefined) =>
    db
      .select({ ...EVENT_COLUMNS, keyName: proxyKeys.name, nodeName: nodes.name })
      .from(e)
      .leftJoin(proxyKeys, eq(proxyKeys.id, e.keyId))
      .leftJoin(nodes, eq(nodes.id, e.nodeId))
      .where(where)

  return {
    async usageLogs(f) {
      const rows = await select(logConditions(f))
        .orderBy(desc(e.at), desc(e.requestId))
        .limit(clampLimit(f.limit, 100, 1000))
        .offset(pageOffset(f.offset))
      return rows.map(logEntry)
    },
    async usageLog(requestId, accountId) {
      const [row] = await select(
        and(
          eq(e.requestId, requestId),
          accountId === undefined ? undefined : eq(e.accountId, accountId),
        ),
      ).limit(1)
      return row ? logEntry(row) : null
    },
    async unpricedModels(limit) {
      // A range of qcc_usage_events_priced_by_idx: only the rows not priced by the table.
      const rows = await db
        .select({ model: e.model, requests: sql<string>`COUNT(*)`, lastSeenAt: max(e.at) })
        .from(e)
        .where(inArray(e.pricedBy, ['family', 'default', 'none']))
        .groupBy(e.model)
        .orderBy(desc(sql`COUNT(*)`), asc(e.model))
        .limit(clampLimit(limit, 100, 1000))
      return rows.map((r) => ({
        model: r.model,
        requests: Number(r.requests),
        lastSeenAt: r.lastSeenAt ?? new Date(0),
      }))
    },
  }
}
