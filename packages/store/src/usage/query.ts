import { StoreError } from '../errors'
import type {
  UsageGroup,
  UsageGroupBy,
  UsagePoint,
  UsageSeriesFilter,
  UsageSummary,
  UsageSummaryFilter,
} from '../types/usage'
import {
  addCounters,
  BUCKET_MS,
  bucketStart,
  type Counters,
  type RollupDelta,
  toTotals,
  zeroCounters,
} from './rollup'

/** Most points one `usageSeries` call may return. */
export const MAX_SERIES_POINTS = 10_000

/** The rollup column a summary groups by. */
export function groupColumn(groupBy: UsageGroupBy): 'model' | 'nodeId' | 'keyId' {
  return groupBy === 'model' ? 'model' : groupBy === 'node' ? 'nodeId' : 'keyId'
}

/** Range of a summary filter in ms (infinite ends when absent). */
export function summaryRange(f: UsageSummaryFilter): [number, number] {
  return [f.from ? f.from.getTime() : -Infinity, f.to ? f.to.getTime() : Infinity]
}

/**
 * Builds a summary from rollup rows already filtered to the range and filter. `names` gives the
 * display name of a node or key id.
 */
export function buildSummary(
  rows: Iterable<Pick<RollupDelta, 'model' | 'nodeId' | 'keyId' | 'counters'>>,
  groupBy: UsageGroupBy | undefined,
  names: (id: string) => string | null,
): UsageSummary {
  const total = zeroCounters()
  const groups = new Map<string, Counters>()
  const col = groupBy ? groupColumn(groupBy) : undefined
  for (const r of rows) {
    addCounters(total, r.counters)
    if (!col) continue
    const g = groups.get(r[col]) ?? zeroCounters()
    groups.set(r[col], addCounters(g, r.counters))
  }
  const out: UsageGroup[] = [...groups].map(([key, c]) => ({
    key,
    name: groupBy === 'model' ? key : names(key),
    ...toTotals(c),
  }))
  out.sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key))
  return { total: toTotals(total), groups: out }
}

/** Validated bucket starts of a series: [first, end) stepping by the bucket size. */
export function seriesRange(f: UsageSeriesFilter): { first: number; end: number; step: number } {
  const step = BUCKET_MS[f.bucket]
  if (!step || !(f.from instanceof Date) || !(f.to instanceof Date)) {
    throw new StoreError('invalid', 'usageSeries needs from, to and bucket')
  }
  const first = bucketStart(f.from.getTime(), f.bucket)
  const end = f.to.getTime()
  if ((end - first) / step > MAX_SERIES_POINTS) {
    throw new StoreError('invalid', `usageSeries is limited to ${MAX_SERIES_POINTS} points`)
  }
  return { first, end, step }
}

/** Fills a series: one point per bucket, zeros where `rows` has nothing. */
export function buildSeries(
  f: UsageSeriesFilter,
  rows: Iterable<{ start: number; counters: Counters }>,
): UsagePoint[] {
  const { first, end, step } = seriesRange(f)
  const byStart = new Map<number, Counters>()
  for (const r of rows) {
    const c = byStart.get(r.start) ?? zeroCounters()
    byStart.set(r.start, addCounters(c, r.counters))
  }
  const out: UsagePoint[] = []
  for (let t = first; t < end; t += step) {
    out.push({ at: new Date(t), ...toTotals(byStart.get(t) ?? zeroCounters()) })
  }
  return out
}
