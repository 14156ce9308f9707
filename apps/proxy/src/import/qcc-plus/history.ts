/**
 * `--with-history` (docs/contract.md §14.1): `health_check_history` as health checks and
 * `usage_logs` as usage events. Both are remembered per unit (a node's or an account's month),
 * not per row: a second run reads the unit, finds its fingerprint and writes nothing. Row ids
 * are derived from the source (`qccplus-hc-<id>`, `qccplus-usage-<id>`), so a unit written again
 * after a crash inserts nothing twice.
 */
import { createHash } from 'node:crypto'
import type {
  HealthCheckSource,
  ImportedHealthCheck,
  ImportSourceRecord,
  UsageEvent,
} from '@qcc/store'
import { flushRemembered, READ_BATCH, remembered, SOURCE, type ImportContext } from './context'
import { importedError } from './nodes'
import { bool, num, text, time } from './source-values'

/** Rows written per store call. */
const WRITE_BATCH = 2000
const HEALTH_SOURCES = new Set<HealthCheckSource>([
  'scheduled',
  'recovery',
  'proxy_fail',
  'warmup',
  'sweep',
])

/** `YYYY-MM` of a UTC time. */
export const monthOf = (d: Date) => d.toISOString().slice(0, 7)

/** Rows grouped into units, remembered when written. */
class UnitWriter<T> {
  private rows: T[] = []
  private units: ImportSourceRecord[] = []
  private readonly pending: ImportSourceRecord[] = []
  constructor(
    private readonly ctx: ImportContext,
    private readonly table: string,
    private readonly write: (rows: T[], units: ImportSourceRecord[]) => Promise<number>,
  ) {}

  /** Queues a unit's rows; answers how many were (or will be) written. */
  async add(unit: string, targetId: string, fingerprint: string, rows: T[]): Promise<void> {
    this.rows.push(...rows)
    this.units.push({
      source: SOURCE,
      table: this.table,
      sourceId: unit,
      targetId,
      fingerprint,
      importedAt: this.ctx.now(),
    })
    if (this.rows.length >= WRITE_BATCH) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.units.length === 0) return
    const created = await this.write(this.rows, this.units)
    this.ctx.report.table(this.table).created += created
    this.pending.push(...this.units)
    this.rows = []
    this.units = []
    await flushRemembered(this.ctx, this.pending)
  }
}

/** Streams a table ordered by unit, calling `onUnit` with each complete unit's rows. */
async function eachUnit(
  ctx: ImportContext,
  table: string,
  sql: string,
  unitOf: (row: Record<string, unknown>) => string | null,
  onUnit: (unit: string, rows: Record<string, unknown>[]) => Promise<void>,
): Promise<void> {
  if (!ctx.sourceTables.has(table)) return
  const total = await ctx.source.count(table)
  ctx.report.table(table).read += total
  let current: string | null = null
  let rows: Record<string, unknown>[] = []
  let done = 0
  for await (const batch of ctx.source.batches(sql, [], READ_BATCH)) {
    for (const row of batch) {
      const unit = unitOf(row) ?? '(no date)'
      if (unit !== current && rows.length > 0) {
        await onUnit(current as string, rows)
        rows = []
      }
      current = unit
      rows.push(row)
    }
    done += batch.length
    ctx.progress.update(table, done, total)
  }
  if (current !== null && rows.length > 0) await onUnit(current, rows)
}

/** A unit's fingerprint: its row ids and contents. */
function unitFingerprint(ctx: ImportContext, rows: Record<string, unknown>[]): string {
  const h = createHash('sha256')
  for (const r of rows) h.update(JSON.stringify(Object.values(r))).update('\n')
  return ctx.fingerprint(h.digest('hex'))
}

/** Rows of nodes or accounts not imported, reported once per node or account. */
class SkippedGroups {
  private readonly groups = new Map<string, { name: string | null; reason: string; rows: number }>()
  add(id: string, name: string | null, reason: string, rows: number): void {
    const g = this.groups.get(id)
    if (g) g.rows += rows
    else this.groups.set(id, { name, reason, rows })
  }
  report(ctx: ImportContext, table: string): void {
    for (const [id, g] of this.groups) ctx.report.skip(table, id, g.name, g.reason, g.rows)
  }
}

function nodeSkipReason(
  ctx: ImportContext,
  nodeId: string,
): { name: string | null; reason: string } {
  const name = ctx.skippedNodes.get(nodeId)
  return name !== undefined
    ? { name, reason: 'node skipped' }
    : { name: null, reason: 'node is not in the source' }
}

/** Imports `health_check_history`, a node's month at a time. */
export async function importHealthHistory(ctx: ImportContext): Promise<void> {
  const table = 'health_check_history'
  const known = await remembered(ctx, table)
  const skipped = new SkippedGroups()
  const writer = new UnitWriter<ImportedHealthCheck>(ctx, table, (rows) =>
    ctx.writes.importHealthChecks(rows),
  )
  await eachUnit(
    ctx,
    table,
    'SELECT id, node_id, check_time, success, response_time_ms, error_message, check_method, check_source FROM health_check_history ORDER BY node_id, check_time, id',
    (r) => {
      const at = time(r.check_time)
      return at ? `${text(r.node_id)}|${monthOf(at)}` : null
    },
    async (unit, rows) => {
      const nodeId = text(rows[0]?.node_id) ?? ''
      const node = ctx.nodes.get(nodeId)
      const account = node ? ctx.accounts.get(node.accountSourceId) : undefined
      if (!node || !account) {
        const why = nodeSkipReason(ctx, nodeId)
        skipped.add(nodeId, why.name, why.reason, rows.length)
        return
      }
      const fingerprint = unitFingerprint(ctx, rows)
      if (known.get(unit)?.fingerprint === fingerprint) return
      const checks: ImportedHealthCheck[] = []
      for (const r of rows) {
        const at = time(r.check_time)
        if (!at) {
          skipped.add(nodeId, node.name, 'no check_time', 1)
          continue
        }
        const ok = bool(r.success)
        const source = (text(r.check_source) ?? '') as HealthCheckSource
        const latency = num(r.response_time_ms, -1)
        checks.push({
          id: `qccplus-hc-${text(r.id)}`,
          accountId: account.targetId,
          nodeId: node.targetId,
          at,
          ok,
          latencyMs: latency >= 0 ? Math.round(latency) : null,
          status: null,
          error: ok ? null : importedError(text(r.error_message), [node.apiKey]),
          method: (text(r.check_method) || 'api').slice(0, 20),
          source: HEALTH_SOURCES.has(source) ? source : 'scheduled',
        })
      }
      await writer.add(unit, node.targetId, fingerprint, checks)
    },
  )
  await writer.flush()
  skipped.report(ctx, table)
}

/** Hours, days and months that have `usage_logs` rows, per source account and node. */
export interface UsageCoverage {
  has(accountId: string, nodeId: string, level: 'hour' | 'day' | 'month', start: string): boolean
}

/** Imports `usage_logs` (an account's month at a time); answers which periods they cover. */
export async function importUsageLogs(ctx: ImportContext): Promise<UsageCoverage> {
  const table = 'usage_logs'
  const known = await remembered(ctx, table)
  const skipped = new SkippedGroups()
  const covered = new Set<string>()
  const writer = new UnitWriter<UsageEvent>(ctx, table, async (events, units) => {
    const id = `qccplus-usage-${createHash('sha256')
      .update(units.map((u) => `${u.sourceId}:${u.fingerprint}`).join(','))
      .digest('hex')
      .slice(0, 22)}`
    await ctx.writes.importUsageBatch({ id, events, rollups: [] })
    return events.length
  })
  await eachUnit(
    ctx,
    table,
    'SELECT id, account_id, node_id, model_id, input_tokens, output_tokens, cost_usd, request_id, success, created_at FROM usage_logs ORDER BY account_id, created_at, id',
    (r) => {
      const at = time(r.created_at)
      return at ? `${text(r.account_id)}|${monthOf(at)}` : null
    },
    async (unit, rows) => {
      const accountId = text(rows[0]?.account_id) ?? ''
      for (const r of rows) {
        const at = time(r.created_at)
        if (!at) continue
        const iso = at.toISOString()
        const node = text(r.node_id) ?? ''
        covered.add(`${accountId}|${node}|hour|${iso.slice(0, 13)}`)
        covered.add(`${accountId}|${node}|day|${iso.slice(0, 10)}`)
        covered.add(`${accountId}|${node}|month|${iso.slice(0, 7)}`)
      }
      const account = ctx.accounts.get(accountId)
      if (!account) {
        const name = ctx.skippedAccounts.get(accountId)
        skipped.add(
          accountId,
          name ?? null,
          name !== undefined ? 'account skipped' : 'account is not in the source',
          rows.length,
        )
        return
      }
      if (!account.keyId) {
        skipped.add(
          accountId,
          account.name,
          'account has no proxy key to count it under',
          rows.length,
        )
        return
      }
      const fingerprint = unitFingerprint(ctx, rows)
      if (known.get(unit)?.fingerprint === fingerprint) return
      const events: UsageEvent[] = []
      for (const r of rows) {
        const at = time(r.created_at)
        if (!at) {
          skipped.add(accountId, account.name, 'no created_at', 1)
          continue
        }
        const ok = bool(r.success)
        events.push({
          requestId: (text(r.request_id) || `qccplus-usage-${text(r.id)}`).slice(0, 128),
          accountId: account.targetId,
          keyId: account.keyId,
          nodeId: ctx.nodes.get(text(r.node_id) ?? '')?.targetId ?? null,
          model: (text(r.model_id) || 'unknown').slice(0, 128),
          status: ok ? 200 : 502,
          attempts: 1,
          costUsd: Math.max(0, num(r.cost_usd)),
          inputTokens: Math.max(0, Math.trunc(num(r.input_tokens))),
          outputTokens: Math.max(0, Math.trunc(num(r.output_tokens))),
          cacheCreationInputTokens: 0,
          cacheCreation5mTokens: 0,
          cacheCreation1hTokens: 0,
          cacheReadInputTokens: 0,
          ttfbMs: null,
          durationMs: 0,
          bytes: 0,
          sessionId: null,
          partial: false,
          at,
        })
      }
      await writer.add(unit, account.targetId, fingerprint, events)
    },
  )
  await writer.flush()
  skipped.report(ctx, table)
  return {
    has: (accountId, nodeId, level, start) =>
      covered.has(`${accountId}|${nodeId}|${level}|${start}`),
  }
}
