import { InsertionRing } from '../bounded-recent'
import type { UsageStore } from '../interface'
import type { UsageEvent } from '../types/usage'
import { accumulateRollups, addCounters, rollupKeyString, splitRange } from '../usage/rollup'
import {
  buildKeySpend,
  buildSeries,
  buildSummary,
  inSegments,
  seriesRange,
  spendSegments,
  summaryRange,
} from '../usage/query'
import type { IdempotentUsageSink } from '../usage/writer'
import type { Mem } from './state'
import { memoryUsageLogs } from './usage-logs'

/**
 * Raw usage rows the memory store keeps (the newest); rollups, and so every summary and series,
 * stay exact beyond it. Memory mode is for trying qcc out: it must not grow without bound.
 */
export const MEMORY_RAW_USAGE_CAP = 50_000
/** Batch ids remembered for idempotent retries; retries come within seconds of the first try. */
const MEMORY_BATCH_IDS_CAP = 10_000

/** The memory sink: applies a batch at once; idempotent by batch id and request id. */
export function memoryUsageSink(
  m: Mem,
  isFailing: () => boolean = () => false,
  rawCap = MEMORY_RAW_USAGE_CAP,
): IdempotentUsageSink {
  const { state } = m
  // Eviction order of raw rows and batch ids (see InsertionRing for why not Map iteration).
  const rowOrder = new InsertionRing<string>(Math.max(1, rawCap))
  for (const id of state.usage.keys()) {
    const old = rowOrder.add(id)
    if (old !== undefined) state.usage.delete(old)
  }
  const batchOrder = new InsertionRing<string>(MEMORY_BATCH_IDS_CAP)
  for (const id of state.batches) {
    const old = batchOrder.add(id)
    if (old !== undefined) state.batches.delete(old)
  }
  const applyBatch: IdempotentUsageSink['applyBatch'] = async (batch) => {
    if (isFailing()) throw new Error('memory usage sink is failing (test switch)')
    if (state.batches.has(batch.id)) return false
    state.batches.add(batch.id)
    const oldBatch = batchOrder.add(batch.id)
    if (oldBatch !== undefined) state.batches.delete(oldBatch)
    const fresh: UsageEvent[] = []
    for (const e of batch.events) {
      if (state.usage.has(e.requestId)) continue
      // The writer's own normalized copy: nothing else holds it, so it is kept as it is.
      state.usage.set(e.requestId, e)
      const oldRow = rowOrder.add(e.requestId)
      if (oldRow !== undefined) state.usage.delete(oldRow)
      fresh.push(e)
    }
    accumulateRollups(state.rollups, fresh)
    for (const d of batch.overflow) {
      const id = rollupKeyString(d)
      const row = state.rollups.get(id)
      if (row) addCounters(row.counters, d.counters)
      else state.rollups.set(id, { ...d, counters: { ...d.counters } })
    }
    for (const e of fresh) {
      const k = state.keys.get(e.keyId)
      if (k && (!k.lastUsedAt || k.lastUsedAt < e.at)) k.lastUsedAt = e.at
    }
    return true
  }
  return {
    applyBatch,
    async writeBatch(batch) {
      await applyBatch(batch)
    },
  }
}

/** Usage queries of the memory adapter. */
export function memoryUsageQueries(m: Mem): UsageStore {
  const { state } = m
  const rollupRows = () => [...state.rollups.values()]
  const names = (id: string) => state.nodes.get(id)?.name ?? state.keys.get(id)?.name ?? null

  return {
    async usageSummary(f) {
      const [from, to] = summaryRange(f)
      const segments = splitRange(from, to)
      const rows = rollupRows().filter(
        (r) =>
          (f.accountId === undefined || r.accountId === f.accountId) &&
          (f.keyId === undefined || r.keyId === f.keyId) &&
          (f.nodeId === undefined || r.nodeId === f.nodeId) &&
          inSegments(segments, r),
      )
      return buildSummary(rows, f.groupBy, names)
    },
    ...memoryUsageLogs(m),
    async usageSeries(f) {
      const { first, end } = seriesRange(f)
      const rows = rollupRows().filter(
        (r) =>
          r.bucket === f.bucket &&
          r.start >= first &&
          r.start < end &&
          (f.accountId === undefined || r.accountId === f.accountId) &&
          (f.nodeId === undefined || r.nodeId === f.nodeId),
      )
      return buildSeries(f, rows)
    },
    async spendByKey(f) {
      const segments = spendSegments(f)
      const rows = rollupRows()
        .filter((r) => inSegments(segments, r))
        .map((r) => ({ ...r, costNanoUsd: r.counters.costNanoUsd }))
      return buildKeySpend(rows, f.byMinute)
    },
  }
}
