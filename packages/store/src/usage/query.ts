import { StoreError } from '../errors'
import type {
  KeySpend,
  KeySpendFilter,
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
  type RangeSegment,
  type RollupDelta,
  splitRange,
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

/**
 * The rollup segments `spendByKey` reads: minute rollups from `from` (floored to its minute) with
 * `byMinute`, else as few rows as cover [from, now) exactly (all day rollups without `from`).
 * @throws StoreError `invalid` for a `from` that is no valid Date
 */
export function spendSegments(f: KeySpendFilter): RangeSegment[] {
  if (f.from !== undefined && !(f.from instanceof Date && Number.isFinite(f.from.getTime()))) {
    throw new StoreError('invalid', 'spendByKey needs from to be a valid Date')
  }
  const from = f.from ? bucketStart(f.from.getTime(), 'minute') : -Infinity
  return f.byMinute ? [{ bucket: 'minute', from, to: Infinity }] : splitRange(from, Infinity)
}

/** True when a rollup row's start falls in one of `segments` of its own granularity. */
export function inSegments(
  segments: readonly RangeSegment[],
  row: Pick<RollupDelta, 'bucket' | 'start'>,
): boolean {
  return segments.some((s) => s.bucket === row.bucket && row.start >= s.from && row.start < s.to)
}

/**
 * Spend per key (and per minute with `byMinute`) from rollup rows already filtered to the
 * segments: cost summed in nano-USD so totals are exact, keys without spend (and rows without a
 * key) left out, ordered by key id then minute.
 */
export function buildKeySpend(
  rows: Iterable<{ keyId: string; accountId: string; start: number; costNanoUsd: number }>,
  byMinute: boolean | undefined,
): KeySpend[] {
  const sums = new Map<
    string,
    { keyId: string; accountId: string; at: number | null; nano: number }
  >()
  for (const r of rows) {
    if (r.keyId === '') continue
    const at = byMinute ? r.start : null
    const id = `${r.keyId}\u0000${at ?? ''}`
    const sum = sums.get(id)
    if (sum) sum.nano += r.costNanoUsd
    else sums.set(id, { keyId: r.keyId, accountId: r.accountId, at, nano: r.costNanoUsd })
  }
  return [...sums.values()]
    .filter((s) => s.nano > 0)
    .sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : (a.at ?? 0) - (b.at ?? 0)))
    .map((s) => ({
      keyId: s.keyId,
      accountId: s.accountId,
      at: s.at === null ? null : new Date(s.at),
      costUsd: s.nano / 1e9,
    }))
}
