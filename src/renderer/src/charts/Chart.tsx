/**
 * One component owns one ECharts instance: it creates it on mount, follows the container's size, applies new options
 * without losing the user's zoom, reports zoom ranges, and disposes the instance on unmount.
 */
import { useEffect, useRef } from 'react'
import { echarts, type EChartsCoreOption } from './echarts'

export type ZoomRange = [number, number] | null

interface ChartProps {
  option: EChartsCoreOption
  /** Called (debounced) with the visible x range after the user zooms, or null when the whole range is visible again. */
  onZoom?: (range: ZoomRange) => void
  /** Called when the user clicks a data item (a dot, a bar): its series and data index and value. */
  onItemClick?: (item: { seriesIndex: number; dataIndex: number; value: unknown }) => void
  height?: number
  className?: string
  'aria-label': string
  /** Extra attributes for tests and assistive tech (e.g. which runs are drawn). */
  data?: Record<string, string>
}

interface DataZoomState {
  start?: number
  end?: number
  startValue?: number
  endValue?: number
}

export function Chart({ option, onZoom, onItemClick, height = 260, className, data, ...rest }: ChartProps): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null)
  const zoomRef = useRef(onZoom)
  const clickRef = useRef(onItemClick)
  useEffect(() => {
    zoomRef.current = onZoom
    clickRef.current = onItemClick
  })

  useEffect(() => {
    const el = ref.current
    if (!el) return
    const chart = echarts.init(el, null, { renderer: 'canvas' })
    chartRef.current = chart
    // The instance on its element, so end-to-end tests (and a developer's console) read exactly what is drawn.
    Object.assign(el, { echartsInstance: chart })
    const observer = new ResizeObserver(() => chart.resize())
    observer.observe(el)
    let timer: ReturnType<typeof setTimeout> | undefined
    chart.on('click', (p) => {
      const e = p as { seriesIndex?: number; dataIndex?: number; value?: unknown }
      if (e.seriesIndex !== undefined && e.dataIndex !== undefined) clickRef.current?.({ seriesIndex: e.seriesIndex, dataIndex: e.dataIndex, value: e.value })
    })
    chart.on('datazoom', () => {
      clearTimeout(timer)
      // Wait until the wheel or drag settles: one fetch per gesture, not one per frame.
      timer = setTimeout(() => {
        const zoom = (chart.getOption() as { dataZoom?: DataZoomState[] }).dataZoom?.[0]
        if (!zoom) return
        const full = (zoom.start ?? 0) <= 0.01 && (zoom.end ?? 100) >= 99.99
        if (full || zoom.startValue === undefined || zoom.endValue === undefined) zoomRef.current?.(null)
        else zoomRef.current?.([zoom.startValue, zoom.endValue])
      }, 250)
    })
    return () => {
      clearTimeout(timer)
      observer.disconnect()
      chart.dispose()
      chartRef.current = null
    }
  }, [])

  useEffect(() => {
    // replaceMerge: series come and go as runs and groups change; the zoom window and axes keep their state.
    chartRef.current?.setOption(option, { replaceMerge: ['series'] })
  }, [option])

  const dataAttrs: Record<string, string> = {}
  for (const [k, v] of Object.entries(data ?? {})) dataAttrs[`data-${k}`] = v
  return <div ref={ref} className={className ?? 'chart'} style={{ height }} role="img" aria-label={rest['aria-label']} {...dataAttrs} />
}
