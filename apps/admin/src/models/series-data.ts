import type { SeriesPoint } from '../api/types'

/** uPlot's data layout: x values first, then one array per series (null = a gap). */
export type Aligned = [number[], ...(number | null)[][]]

/** Seconds since the epoch, the x unit uPlot expects for time axes. */
export const toSec = (iso: string) => Math.floor(Date.parse(iso) / 1000)

/** One chart's worth of columns from one series: x plus each picked field. */
export function columns(
  points: readonly SeriesPoint[],
  pick: readonly ((p: SeriesPoint) => number | null)[],
): Aligned {
  const sorted = [...points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  return [sorted.map((p) => toSec(p.at)), ...pick.map((f) => sorted.map(f))]
}

/**
 * Several series (one per node) on one shared x axis: the union of their buckets, with null
 * where a node had no traffic, so uPlot draws a gap rather than a false zero.
 */
export function align(
  perSeries: readonly (readonly SeriesPoint[])[],
  pick: (p: SeriesPoint) => number | null,
): Aligned {
  const xs = [...new Set(perSeries.flatMap((s) => s.map((p) => toSec(p.at))))].sort((a, b) => a - b)
  const cols = perSeries.map((s) => {
    const byX = new Map(s.map((p) => [toSec(p.at), pick(p)]))
    return xs.map((x) => byX.get(x) ?? null)
  })
  return [xs, ...cols]
}

/**
 * Points that show something (y neither null nor zero), for the empty state and tests: the API
 * fills quiet buckets with zeros, which draw a flat line but say nothing happened.
 */
export function pointCount(data: Aligned): number {
  let n = 0
  for (const col of data.slice(1) as (number | null)[][]) for (const v of col) if (v) n++
  return n
}
