/**
 * Writing metrics periods as qcc usage rollups in time order. Periods are collected first (in
 * typed arrays: a million of them take ~50 MiB), then written level by level in the rollup
 * table's key order (bucket, start, account, node), so the upserts walk the table's B-tree
 * forward instead of jumping across a table larger than the database's buffer pool; node by
 * node that took minutes. Units (node months) are remembered after their rollups are written;
 * the batch ids come from the content, so a run that died in between writes nothing twice.
 */
import { createHash } from 'node:crypto'
import {
  zeroCounters,
  type ImportSourceRecord,
  type RollupDelta,
  type UsageBucket,
} from '@qcc/store'
import { flushRemembered, SOURCE, type ImportContext } from './context'
import type { Period } from './metrics'

/** Rollup rows per store call. */
const DELTAS_PER_BATCH = 10_000
const SIZE: Record<UsageBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }
/** The rollup key's bucket order ('day' < 'hour' < 'minute'). */
const BUCKET_ORDER: readonly UsageBucket[] = ['day', 'hour', 'minute']
const COUNTERS = [
  'requests',
  'errors',
  'inputTokens',
  'outputTokens',
  'bytes',
  'durationMsSum',
  'ttfbMsSum',
] as const

interface Dims {
  accountId: string
  nodeId: string
  keyId: string
}

/** Collects periods, then writes them as rollups in key order. */
export class RollupBatch {
  private size = 0
  private dims: Dims[] = []
  private readonly dimIndex = new Map<string, number>()
  private node = new Uint32Array(1024)
  private start = new Float64Array(1024)
  private counters = COUNTERS.map(() => new Float64Array(1024))
  private readonly units: ImportSourceRecord[] = []
  private readonly withoutKey = new Map<string, { name: string; rows: number }>()
  constructor(private readonly ctx: ImportContext) {}

  /** Queues one unit's periods (written by {@link flush}). */
  async add(unit: string, fingerprint: string, periods: Period[], dims: Dims): Promise<void> {
    let d = this.dimIndex.get(dims.nodeId)
    if (d === undefined) {
      d = this.dims.push(dims) - 1
      this.dimIndex.set(dims.nodeId, d)
    }
    for (const p of periods) {
      if (this.size === this.start.length) this.grow()
      const i = this.size++
      this.node[i] = d
      this.start[i] = p.start
      COUNTERS.forEach((f, k) => {
        ;(this.counters[k] as Float64Array)[i] =
          f === 'errors' ? Math.min(p.errors, p.requests) : p[f]
      })
    }
    this.units.push({
      source: SOURCE,
      table: 'node_metrics',
      sourceId: unit,
      targetId: dims.nodeId,
      fingerprint,
      importedAt: this.ctx.now(),
    })
  }

  private grow(): void {
    const n = this.start.length * 2
    const node = new Uint32Array(n)
    node.set(this.node)
    this.node = node
    const start = new Float64Array(n)
    start.set(this.start)
    this.start = start
    this.counters = this.counters.map((c) => {
      const next = new Float64Array(n)
      next.set(c)
      return next
    })
  }

  /** Writes every queued period at the day, hour and minute levels, then remembers the units. */
  async flush(): Promise<void> {
    if (this.units.length === 0) return
    const order = new Uint32Array(this.size)
    for (let i = 0; i < this.size; i++) order[i] = i
    // By start, then by account and node: the rollup key's order within a bucket.
    const dimRank = this.rankDims()
    order.sort(
      (a, b) =>
        (this.start[a] as number) - (this.start[b] as number) ||
        (dimRank[this.node[a] as number] as number) - (dimRank[this.node[b] as number] as number),
    )
    let slice: RollupDelta[] = []
    const write = async () => {
      if (slice.length === 0) return
      const digest = createHash('sha256')
      for (const r of slice)
        digest.update(
          `${r.bucket}|${r.start}|${r.nodeId}|${r.counters.requests}|${r.counters.bytes};`,
        )
      await this.ctx.writes.importUsageBatch({
        id: `qccplus-metrics-${digest.digest('hex').slice(0, 20)}`,
        events: [],
        rollups: slice,
      })
      slice = []
    }
    for (const bucket of BUCKET_ORDER) {
      // Periods sorted by start map to nondecreasing bucket starts: one open window at a time.
      let windowStart = -1
      let window = new Map<number, RollupDelta>()
      const close = async () => {
        const rows = [...window.entries()].sort(
          (a, b) => (dimRank[a[0]] as number) - (dimRank[b[0]] as number),
        )
        for (const [, delta] of rows) {
          slice.push(delta)
          if (slice.length >= DELTAS_PER_BATCH) await write()
        }
        window = new Map()
      }
      for (let j = 0; j < this.size; j++) {
        const i = order[j] as number
        const start = (this.start[i] as number) - ((this.start[i] as number) % SIZE[bucket])
        if (start !== windowStart) {
          await close()
          windowStart = start
        }
        const d = this.node[i] as number
        let delta = window.get(d)
        if (!delta) {
          const dims = this.dims[d] as Dims
          delta = {
            bucket,
            start,
            accountId: dims.accountId,
            nodeId: dims.nodeId,
            model: 'unknown',
            keyId: dims.keyId,
            counters: zeroCounters(),
          }
          window.set(d, delta)
        }
        const c = delta.counters
        COUNTERS.forEach((f, k) => {
          c[f] += (this.counters[k] as Float64Array)[i] as number
        })
      }
      await close()
    }
    await write()
    await flushRemembered(this.ctx, this.units)
    this.size = 0
  }

  /** Rank of each node's dims in (account, node) order. */
  private rankDims(): Uint32Array {
    const idx = this.dims.map((_, i) => i)
    const key = (i: number) => this.dims[i] as Dims
    idx.sort((a, b) => {
      const x = key(a)
      const y = key(b)
      if (x.accountId !== y.accountId) return x.accountId < y.accountId ? -1 : 1
      return x.nodeId < y.nodeId ? -1 : x.nodeId > y.nodeId ? 1 : 0
    })
    const rank = new Uint32Array(this.dims.length)
    idx.forEach((d, r) => (rank[d] = r))
    return rank
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
