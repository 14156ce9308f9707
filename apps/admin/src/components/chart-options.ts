import uPlot from 'uplot'
import type { Theme } from '../prefs'
import type { ChartOptions } from './chart'

/** Series colours readable on both backgrounds. */
export const PALETTE = [
  '#4f7cff',
  '#e5484d',
  '#30a46c',
  '#f5a524',
  '#8e4ec6',
  '#12a594',
  '#d6409f',
  '#978365',
]

export interface SeriesSpec {
  label: string
  color?: string
  /** Bars read better than lines for counts per bucket. */
  bars?: boolean
  /**
   * Sparse measurements (latency per node): always draw the points and join them across
   * buckets without traffic, where the API has no value to give.
   */
  sparse?: boolean
}

/**
 * Options for a time chart. uPlot draws on canvas, so colours come from the theme here rather
 * than from CSS; pass the theme in so a switch rebuilds the chart.
 */
export function timeChart(
  specs: readonly SeriesSpec[],
  theme: Theme,
  format: (v: number) => string = (v) => String(v),
): ChartOptions {
  const fg = theme === 'dark' ? '#c9ced6' : '#3b4351'
  const grid = theme === 'dark' ? '#2a2f3a' : '#e6e8ee'
  const axis: uPlot.Axis = {
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  }
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] })
  return {
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      axis,
      // Wide enough for "$0.0006" and "1,234 ms"; uPlot does not measure labels itself.
      { ...axis, size: 72, values: (_u, vals) => vals.map((v) => format(v)) },
    ],
    series: [
      {},
      ...specs.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length] ?? '#4f7cff'
        return {
          label: s.label,
          stroke: color,
          width: 2,
          fill: s.bars ? `${color}99` : `${color}1a`,
          // Points only where data is sparse (uPlot's default); never on bars.
          ...(s.bars ? { points: { show: false } } : {}),
          ...(s.sparse ? { points: { show: true, size: 6 } } : {}),
          spanGaps: s.sparse === true,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
          ...(s.bars ? { paths: bars } : {}),
        }
      }),
    ],
  }
}
