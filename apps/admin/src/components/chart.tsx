import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { t } from '../i18n'
import { pointCount, type Aligned } from '../models/series-data'

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>

/**
 * The one uPlot wrapper: created on mount, `setData` when the data changes, `setSize` when the
 * box resizes, rebuilt only when the options object changes (callers memoize it), destroyed on
 * unmount so canvases and listeners do not leak.
 */
export function Chart(props: {
  options: ChartOptions
  data: Aligned
  height?: number
  label: string
}) {
  const { options, data, height = 200, label } = props
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const latest = useRef(data)
  latest.current = data

  useEffect(() => {
    const el = box.current
    if (!el) return
    const p = new uPlot(
      { ...options, width: Math.max(el.clientWidth, 200), height },
      latest.current as uPlot.AlignedData,
      el,
    )
    plot.current = p
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(el.clientWidth, 200), height }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      p.destroy()
      plot.current = null
    }
    // height is applied by setSize below; a new options object means a rebuild.
  }, [options])

  useEffect(() => {
    const el = box.current
    if (el) plot.current?.setSize({ width: Math.max(el.clientWidth, 200), height })
  }, [height])

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData)
  }, [data])

  const points = pointCount(data)
  return (
    <div class="chart-wrap">
      <div class="chart" ref={box} role="img" aria-label={label} data-points={points} />
      {points === 0 && <p class="chart-empty">{t('No data in this window yet.')}</p>}
    </div>
  )
}
