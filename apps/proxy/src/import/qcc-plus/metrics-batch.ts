/** Writing metrics periods as qcc usage rollups, several units per import batch. */
import { createHash } from 'node:crypto'
import type { ImportSourceRecord, RollupDelta } from '@qcc/store'
import { flushRemembered, SOURCE, type ImportContext } from './context'
import type { Period } from './metrics'

/** Rollup rows per store call. */
const DELTAS_PER_BATCH = 10_000
const HOUR = 3_600_000
const DAY = 86_400_000
const floorTo = (t: number, size: number) => t - (t % size)

/** Rollup deltas of several units, written as one import batch. */
export class RollupBatch {
  private deltas = new Map<string, RollupDelta>()
  private units: ImportSourceRecord[] = []
  private readonly pending: ImportSourceRecord[] = []
  private readonly withoutKey = new Map<string, { name: string; rows: number }>()
  constructor(private readonly ctx: ImportContext) {}

  async add(
    unit: string,
    fingerprint: string,
    periods: Period[],
    dims: { accountId: string; nodeId: string; keyId: string },
  ) {
    for (const p of periods) {
      const starts = { minute: p.start, hour: floorTo(p.start, HOUR), day: floorTo(p.start, DAY) }
      for (const bucket of ['minute', 'hour', 'day'] as const) {
        const start = starts[bucket]
        const key = `${bucket}|${start}|${dims.nodeId}`
        let d = this.deltas.get(key)
        if (!d) {
          d = {
            bucket,
            start,
            accountId: dims.accountId,
            nodeId: dims.nodeId,
            model: 'unknown',
            keyId: dims.keyId,
            counters: zero(),
          }
          this.deltas.set(key, d)
        }
        const c = d.counters
        c.requests += p.requests
        c.errors += Math.min(p.errors, p.requests)
        c.inputTokens += p.inputTokens
        c.outputTokens += p.outputTokens
        c.bytes += p.bytes
        c.durationMsSum += p.durationMsSum
        c.ttfbMsSum += p.ttfbMsSum
      }
    }
    this.units.push({
      source: SOURCE,
      table: 'node_metrics',
      sourceId: unit,
      targetId: dims.nodeId,
      fingerprint,
      importedAt: this.ctx.now(),
    })
    if (this.deltas.size >= DELTAS_PER_BATCH) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.units.length === 0) return
    const digest = createHash('sha256')
      .update(this.units.map((u) => `${u.sourceId}:${u.fingerprint}`).join(','))
      .digest('hex')
    await this.ctx.writes.importUsageBatch({
      id: `qccplus-metrics-${digest.slice(0, 20)}`,
      events: [],
      // In the rollup table's key order: each upsert slice then walks its B-tree forward.
      rollups: [...this.deltas.values()].sort(byRollupKey),
    })
    this.pending.push(...this.units)
    this.deltas = new Map()
    this.units = []
    await flushRemembered(this.ctx, this.pending)
  }

  noKey(nodeId: string, name: string, rows: number): void {
    const g = this.withoutKey.get(nodeId)
    if (g) g.rows += rows
    else this.withoutKey.set(nodeId, { name, rows })
  }

  reportNoKey(): void {
    for (const [id, g] of this.withoutKey) {
      this.ctx.report.skipped.push({
        table: 'node_metrics',
        id,
        name: g.name,
        reason: `${g.rows} rows, account has no proxy key to count them under`,
      })
    }
  }
}

function zero(): RollupDelta['counters'] {
  return {
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    costNanoUsd: 0,
    bytes: 0,
    durationMsSum: 0,
    ttfbMsSum: 0,
  }
}

/** Order of the rollup table's primary key (bucket, start, account, node; model and key are fixed). */
function byRollupKey(a: RollupDelta, b: RollupDelta): number {
  if (a.bucket !== b.bucket) return a.bucket < b.bucket ? -1 : 1
  if (a.start !== b.start) return a.start - b.start
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? -1 : 1
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0
}
