/**
 * Node metrics as usage rollups (docs/contract.md §14.1): model `unknown`, no cost, for every
 * (account, node, hour) without `usage_logs` rows; per hour the finest level present (raw, else
 * hourly), per day without finer rows the daily row, per month without finer rows the monthly
 * one; never two levels for one period. Each period is written at qcc's minute, hour and day
 * levels (at its first minute, hour and day). Read a few accounts' nodes at a time, so memory
 * holds one chunk's periods; remembered per node and month.
 */
import { READ_BATCH, remembered, type ImportContext, type MappedNode } from './context'
import type { UsageCoverage } from './history'
import { RollupBatch } from './metrics-batch'
import { num, text, time } from './source-values'

/** A qcc_plus metrics level. */
export type Level = 'raw' | 'hourly' | 'daily' | 'monthly'
const TABLES: Record<Level, string> = {
  raw: 'node_metrics_raw',
  hourly: 'node_metrics_hourly',
  daily: 'node_metrics_daily',
  monthly: 'node_metrics_monthly',
}
const COUNTER_COLUMNS =
  'requests_total, requests_failed, input_tokens_total, output_tokens_total, bytes_total, response_time_sum_ms, first_byte_time_sum_ms'
/** Nodes per chunk read. */
const NODES_PER_CHUNK = 200
const HOUR = 3_600_000
const DAY = 86_400_000

/** One metrics period taken from one level. */
export interface Period {
  level: Level
  /** Start of the period (an hour for raw and hourly). */
  start: number
  rows: number
  requests: number
  errors: number
  inputTokens: number
  outputTokens: number
  bytes: number
  durationMsSum: number
  ttfbMsSum: number
}

const floorTo = (t: number, size: number) => t - (t % size)
const monthStart = (t: number) => {
  const d = new Date(t)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}
/** Where a period of each level starts for a row's time. */
const START: Record<Level, (t: number) => number> = {
  raw: (t) => floorTo(t, HOUR),
  hourly: (t) => floorTo(t, HOUR),
  daily: (t) => floorTo(t, DAY),
  monthly: monthStart,
}

/** Imports the four metrics tables of the imported nodes. */
export async function importNodeMetrics(
  ctx: ImportContext,
  coverage: UsageCoverage,
): Promise<void> {
  const present = (Object.keys(TABLES) as Level[]).filter((l) => ctx.sourceTables.has(TABLES[l]))
  const seen: Record<Level, number> = { raw: 0, hourly: 0, daily: 0, monthly: 0 }
  for (const l of present) ctx.report.table(TABLES[l]).read += await ctx.source.count(TABLES[l])
  const known = await remembered(ctx, 'node_metrics')
  const batch = new RollupBatch(ctx)
  const nodes = [...ctx.nodes.entries()]
  for (let i = 0; i < nodes.length; i += NODES_PER_CHUNK) {
    const chunk = nodes.slice(i, i + NODES_PER_CHUNK)
    const periods = new Map<string, Map<number, Period>>()
    for (const level of present) {
      seen[level] += await readLevel(ctx, level, chunk, periods, coverage)
    }
    for (const [nodeId, byStart] of periods) {
      const node = ctx.nodes.get(nodeId) as MappedNode
      const keyId = ctx.accounts.get(node.accountSourceId)?.keyId
      // Units of a node: its months, each remembered once.
      const months = new Map<number, Period[]>()
      for (const p of byStart.values()) {
        const m = monthStart(p.start)
        const list = months.get(m)
        if (list) list.push(p)
        else months.set(m, [p])
      }
      for (const [month, list] of months) {
        const unit = `${nodeId}|${new Date(month).toISOString().slice(0, 7)}`
        const rows = list.reduce((n, p) => n + p.rows, 0)
        if (!keyId) {
          for (const p of list) ctx.report.table(TABLES[p.level]).skipped += p.rows
          batch.noKey(nodeId, node.name, rows)
          continue
        }
        const fingerprint = ctx.fingerprint(list.map((p) => [p.level, p.start, p.requests, p.rows]))
        const rec = known.get(unit)
        if (rec) {
          if (rec.fingerprint !== fingerprint) {
            ctx.report.note(
              'node_metrics',
              unit,
              node.name,
              'changed since its first import; history is imported once (counters would double)',
            )
          }
          continue
        }
        for (const p of list) ctx.report.table(TABLES[p.level]).created += p.rows
        await batch.add(unit, fingerprint, list, {
          accountId: ctx.accounts.get(node.accountSourceId)?.targetId as string,
          nodeId: node.targetId,
          keyId,
        })
      }
    }
    ctx.progress.update('node_metrics', Math.min(i + NODES_PER_CHUNK, nodes.length), nodes.length)
  }
  await batch.flush()
  batch.reportNoKey()
  // Rows of nodes that were skipped or are not in the source were never read above.
  for (const l of present) {
    const t = ctx.report.table(TABLES[l])
    const unread = t.read - seen[l]
    if (unread > 0) ctx.report.skip(TABLES[l], '-', null, 'of nodes not imported', unread)
  }
}

/**
 * Reads one level for a chunk of nodes into `periods` (node id -> start -> period), leaving out
 * rows whose period a finer level (read before) or `usage_logs` covers. Answers rows read.
 */
async function readLevel(
  ctx: ImportContext,
  level: Level,
  chunk: [string, MappedNode][],
  periods: Map<string, Map<number, Period>>,
  coverage: UsageCoverage,
): Promise<number> {
  const table = TABLES[level]
  const timeColumn = level === 'raw' ? 'ts' : 'bucket_start'
  const byAccount = new Map<string, string[]>()
  for (const [id, n] of chunk) {
    const list = byAccount.get(n.accountSourceId)
    if (list) list.push(id)
    else byAccount.set(n.accountSourceId, [id])
  }
  const where: string[] = []
  const params: string[] = []
  for (const [accountId, ids] of byAccount) {
    where.push(`(account_id = ? AND node_id IN (${ids.map(() => '?').join(', ')}))`)
    params.push(accountId, ...ids)
  }
  const sql = `SELECT account_id, node_id, ${timeColumn} AS t, ${COUNTER_COLUMNS} FROM ${table} WHERE ${where.join(' OR ')}`
  // Periods of this level, kept apart until the level is read: finer levels are already in.
  const own = new Map<string, Period>()
  let read = 0
  let covered = 0
  for await (const rows of ctx.source.batches(sql, params, READ_BATCH)) {
    for (const r of rows) {
      read++
      const at = time(r.t)
      const nodeId = text(r.node_id) ?? ''
      const accountId = text(r.account_id) ?? ''
      if (!at) {
        covered++
        continue
      }
      const start = START[level](at.getTime())
      if (isCovered(level, start, periods.get(nodeId), coverage, accountId, nodeId)) {
        covered++
        continue
      }
      const key = `${nodeId}|${start}`
      let p = own.get(key)
      if (!p) own.set(key, (p = emptyPeriod(level, start)))
      p.rows++
      p.requests += num(r.requests_total)
      p.errors += num(r.requests_failed)
      p.inputTokens += num(r.input_tokens_total)
      p.outputTokens += num(r.output_tokens_total)
      p.bytes += num(r.bytes_total)
      p.durationMsSum += num(r.response_time_sum_ms)
      p.ttfbMsSum += num(r.first_byte_time_sum_ms)
    }
  }
  for (const [key, p] of own) {
    const nodeId = key.slice(0, key.lastIndexOf('|'))
    let byStart = periods.get(nodeId)
    if (!byStart) periods.set(nodeId, (byStart = new Map()))
    byStart.set(p.start, p)
  }
  ctx.report.table(table).covered += covered
  return read
}

function emptyPeriod(level: Level, start: number): Period {
  return {
    level,
    start,
    rows: 0,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    bytes: 0,
    durationMsSum: 0,
    ttfbMsSum: 0,
  }
}

/** A finer period already taken, or usage_logs, covers this row's period. */
function isCovered(
  level: Level,
  start: number,
  finer: Map<number, Period> | undefined,
  coverage: UsageCoverage,
  accountId: string,
  nodeId: string,
): boolean {
  const iso = isoOf(start)
  if (level === 'raw' || level === 'hourly') {
    if (level === 'hourly' && finer?.has(start)) return true
    return coverage.has(accountId, nodeId, 'hour', iso.slice(0, 13))
  }
  const end = level === 'daily' ? start + DAY : monthStartAfter(start)
  if (finer) for (const s of finer.keys()) if (s >= start && s < end) return true
  return coverage.has(
    accountId,
    nodeId,
    level === 'daily' ? 'day' : 'month',
    iso.slice(0, level === 'daily' ? 10 : 7),
  )
}

const isoCache = new Map<number, string>()
/** ISO text of a period start; periods repeat across a node's rows, so it is cached (bounded). */
function isoOf(start: number): string {
  let iso = isoCache.get(start)
  if (iso === undefined) {
    if (isoCache.size > 100_000) isoCache.clear()
    iso = new Date(start).toISOString()
    isoCache.set(start, iso)
  }
  return iso
}

function monthStartAfter(start: number): number {
  const d = new Date(start)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}
