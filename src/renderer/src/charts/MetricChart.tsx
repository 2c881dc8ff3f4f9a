/**
 * One metric of one or more runs over epoch, step or wall time. Data comes from getSeries (at most ~2,000 points per
 * run, downsampled by the host); live points from run:metrics are appended as they arrive; zooming in fetches the
 * visible range at full budget and splices it into the overview. Smoothing is a debiased EMA drawn over the faint raw
 * curve. In group mode each group becomes a mean curve with a ±SD or 95 % t-interval band, members on demand.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Series } from '../../../shared/api'
import type { MetricPoint } from '../../../shared/protocol'
import { useApi } from '../api/context'
import { useLive, useLiveEvent } from '../live'
import { cellColors, chartFrame, chartPalette, chartTooltip, groupColors, useTheme } from '../theme'
import { formatDuration, formatMetric } from '../format'
import { sharedScale, smoothPoints } from '../lib/smoothing'
import { groupBy, groupCurve, type BandKind } from '../lib/groupStats'
import { spliceRange, spreadEpochs, type Points, type XAxis } from '../lib/series'
import { fromHistory, mergeLive, type LiveSeries } from '../lib/liveSeries'
import { Chart, type ZoomRange } from './Chart'
import type { EChartsCoreOption } from './echarts'
import type { RunStyle } from './runStyles'
import { chartAxisY, groupLegend, type GroupLegendEntry } from './figureStyle'
import { metricTitle, metricWords, type MetricContext } from '../../../shared/figures'

export interface ChartRun {
  id: string
  name: string
  cell: 'lstm' | 'gru' | 'rnn'
  status: string
  /** The group this run belongs to when grouping (e.g. "lstm", "units=32"). */
  group?: string
}

export interface MetricChartProps {
  runs: ChartRun[]
  styles: Map<string, RunStyle>
  metric: string
  x: XAxis
  smoothing: number
  logScale: boolean
  grouping?: { band: BandKind; showMembers: boolean; byCell: boolean } | null
  height?: number
  title?: string
  /** What the metric's unit is for these runs (loss, scaling): the title says "validation loss (MSE, scaled)". */
  context?: MetricContext
  /** Dashed horizontal reference lines (baselines), labelled; the y range grows to include them. */
  references?: ReadonlyArray<{ label: string; value: number; best: boolean }>
}

const POINTS = 2000
/** Live curves are redrawn at most this often (ms). */
const LIVE_REDRAW_MS = 500
/**
 * Curves with fewer points are drawn raw: an EMA over a handful of per-epoch values mostly shows its own lag (after 3
 * epochs a 0.6-smoothed curve still sits far above the last value), which misleads more than it helps.
 */
export const MIN_SMOOTH_POINTS = 20
const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])
const xLabels: Record<XAxis, string> = { epoch: 'epoch', step: 'step', wallMs: 'time' }

type SeriesMap = Map<string, Points>

function toMap(series: Series[]): SeriesMap {
  return new Map(series.map((s) => [s.runId, s.points.map((p) => [p[0], p[1]] as [number, number])]))
}

function toLive(series: Series[]): Map<string, LiveSeries> {
  return new Map(series.map((s) => [s.runId, fromHistory(s.points, s.lastStep)]))
}

export function MetricChart({ runs, styles, metric, x, smoothing, logScale, grouping, height = 260, title, context, references }: MetricChartProps): React.JSX.Element {
  const api = useApi()
  const hub = useLive()
  const theme = useTheme()
  const ids = useMemo(() => runs.map((r) => r.id), [runs])
  const idsKey = ids.join(',')
  const [live, setLive] = useState<Map<string, LiveSeries>>(new Map())
  const overview = useMemo<SeriesMap>(() => new Map([...live].map(([id, s]) => [id, s.points])), [live])
  const [downsampled, setDownsampled] = useState(false)
  const detailKey = `${idsKey}|${metric}|${x}`
  // The zoom detail belongs to one set of runs, metric and x axis; it is ignored once they change.
  const [zoomed, setDetail] = useState<{ key: string; range: [number, number]; map: SeriesMap } | null>(null)
  const detail = zoomed && zoomed.key === detailKey ? zoomed : null
  const [error, setError] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const [reload, setReload] = useState(0)

  // Live points are kept at full resolution; once they outgrow the budget, the whole (downsampled) series is read again.
  const liveCount = useRef(0)
  useEffect(() => {
    if (ids.length === 0) return
    let cancelled = false
    liveCount.current = 0
    api.getSeries({ runIds: ids, metric, x, points: POINTS }).then(
      (r) => {
        if (cancelled) return
        // The history as read, brought up to date with the points that came in meanwhile (each once, by step).
        setLive(new Map([...toLive(r.series)].map(([id, s]) => [id, mergeLive(s, hub.recentPoints(id), metric, x)])))
        setDownsampled(r.series.some((s) => s.downsampled))
        setError(null)
        setLoaded(true)
      },
      (e: Error) => {
        if (!cancelled) setError(e.message)
      }
    )
    return () => {
      cancelled = true
    }
    // idsKey stands for ids: a new array with the same runs must not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, hub, idsKey, metric, x, reload])


  // Live points are buffered and drawn at most LIVE_REDRAW_MS apart: a chart redraw costs milliseconds per thousand
  // points, and a page of charts redrawn per message (several a second per run) kept a busy machine's page from answering.
  const buffer = useRef<MetricPoint[][]>([])
  const bufferIds = useRef<string[]>([])
  const frame = useRef<ReturnType<typeof setTimeout> | null>(null)
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => {
    if (frame.current !== null) clearTimeout(frame.current)
    clearTimeout(reloadTimer.current)
  }, [])
  useLiveEvent((event) => {
    if (event.type === 'run:metrics' && ids.includes(event.runId) && event.points.some((p) => p.name === metric)) {
      buffer.current.push(event.points)
      bufferIds.current.push(event.runId)
      if (frame.current === null) {
        frame.current = setTimeout(() => {
          frame.current = null
          const batches = buffer.current
          const batchIds = bufferIds.current
          buffer.current = []
          bufferIds.current = []
          for (const pts of batches) liveCount.current += pts.filter((p) => p.name === metric).length
          if (liveCount.current > POINTS * Math.max(1, ids.length)) setReload((n) => n + 1)
          setLive((prev) => {
            const next = new Map(prev)
            batches.forEach((pts, i) => {
              const id = batchIds[i]!
              const s = mergeLive(next.get(id) ?? fromHistory([], null), pts, metric, x)
              next.set(id, s)
            })
            return next
          })
        }, LIVE_REDRAW_MS)
      }
    } else if (event.type === 'events:open' && runs.some((r) => !terminal.has(r.status))) {
      // The event stream (re)connected: what was published while it was down is only in the store, so read again.
      setReload((n) => n + 1)
    } else if (event.type === 'run:update' && ids.includes(event.run.id) && terminal.has(event.run.status)) {
      // A finished run: fetch its stored series once, so the chart shows exactly what the store holds.
      clearTimeout(reloadTimer.current)
      reloadTimer.current = setTimeout(() => setReload((n) => n + 1), 400)
    }
  })

  const onZoom = useCallback(
    (range: ZoomRange) => {
      if (!range) {
        setDetail(null)
        return
      }
      // Nothing finer exists when the host did not drop points.
      if (!downsampled) return
      api.getSeries({ runIds: ids, metric, x, points: POINTS, range }).then(
        (r) => setDetail({ key: detailKey, range, map: toMap(r.series) }),
        (e: Error) => setError(e.message)
      )
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, detailKey, downsampled]
  )

  const data = useMemo(() => {
    const out = new Map<string, Points>()
    for (const id of ids) {
      let pts = overview.get(id) ?? []
      const d = detail?.map.get(id)
      if (detail && d) pts = spliceRange(pts, d, detail.range[0], detail.range[1])
      if (x === 'epoch') pts = spreadEpochs(pts)
      // A log axis cannot show zero or negative values; leave them out rather than break the chart.
      if (logScale) pts = pts.filter((p) => p[1] > 0)
      out.set(id, pts)
    }
    return out
  }, [ids, overview, detail, logScale, x])

  // By value: the page builds a new array on every render.
  const referenceKey = JSON.stringify(references ?? [])
  const option = useMemo<EChartsCoreOption>(() => {
    const pal = chartPalette[theme]
    const series: object[] = []
    // One smoothing scale for every curve in this chart: the slider means the same for every run.
    const scale = sharedScale(overview.values())
    const line = (id: string, name: string, points: Points, color: string, dash: RunStyle['dash'], width: number, opacity: number, silent: boolean): object => ({
      type: 'line',
      id,
      name,
      data: points,
      showSymbol: points.length <= 12,
      symbolSize: 4,
      silent,
      animation: false,
      emphasis: { disabled: true },
      lineStyle: { color, width, opacity, type: dash },
      itemStyle: { color, opacity }
    })
    if (grouping) {
      const groups = groupBy(runs, (r) => r.group ?? r.cell)
      groups.forEach((g, gi) => {
        const color = grouping.byCell ? cellColors[theme][g.items[0]!.cell] : groupColors[gi % groupColors.length]!
        const members = g.items.map((r) => {
          const pts = data.get(r.id) ?? []
          return pts.length >= MIN_SMOOTH_POINTS ? smoothPoints(pts, smoothing, scale) : pts
        })
        const curve = groupCurve(members, grouping.band)
        const stack = `band:${g.key}`
        series.push({
          type: 'line', id: `lower:${g.key}`, data: curve.x.map((xv, i) => [xv, curve.lower[i]]), stack, silent: true, showSymbol: false, symbol: 'none',
          lineStyle: { opacity: 0 }, emphasis: { disabled: true }, animation: false
        })
        series.push({
          type: 'line', id: `band:${g.key}`, data: curve.x.map((xv, i) => [xv, curve.upper[i]! - curve.lower[i]!]), stack, silent: true,
          showSymbol: false, symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: theme === 'dark' ? 0.22 : 0.16 }, emphasis: { disabled: true }, animation: false
        })
        if (grouping.showMembers) {
          g.items.forEach((r, i) => series.push({ ...line(`member:${r.id}`, r.name, members[i]!, color, styles.get(r.id)?.dash ?? 'solid', 1, 0.45, true), showSymbol: false, symbol: 'none' }))
        }
        const n = Math.max(0, ...curve.n)
        series.push(line(`mean:${g.key}`, `${g.key} · mean of ${n}`, curve.x.map((xv, i) => [xv, curve.mean[i]!]), color, 'solid', 2.4, 1, false))
      })
    } else {
      for (const r of runs) {
        const st = styles.get(r.id) ?? { color: cellColors[theme][r.cell], dash: 'solid' as const }
        const pts = data.get(r.id) ?? []
        if (smoothing > 0 && pts.length >= MIN_SMOOTH_POINTS) {
          series.push(line(`raw:${r.id}`, r.name, pts, st.color, st.dash, 1, theme === 'dark' ? 0.3 : 0.22, true))
          series.push(line(`run:${r.id}`, r.name, smoothPoints(pts, smoothing, scale), st.color, st.dash, 1.8, 1, false))
        } else {
          series.push(line(`run:${r.id}`, r.name, pts, st.color, st.dash, 1.8, 1, false))
        }
      }
    }
    const refs = (JSON.parse(referenceKey) as NonNullable<MetricChartProps['references']>).filter((r) => !logScale || r.value > 0)
    if (refs.length > 0) series.push(referenceSeries(refs, pal.muted))
    const xFormatter = (v: number): string => (x === 'wallMs' ? formatDuration(v) : String(Math.round(v * 100) / 100))
    return {
      ...chartFrame(pal),
      grid: { left: 58, right: 18, top: 14, bottom: 58 },
      tooltip: {
        ...chartTooltip(pal),
        trigger: 'axis',
        axisPointer: { type: 'line', lineStyle: { color: pal.axis } },
        formatter: (params: Array<{ seriesId: string; seriesName: string; value: [number, number]; color: string }>) => {
          const shown = params.filter((p) => p.seriesId.startsWith('run:') || p.seriesId.startsWith('mean:'))
          if (shown.length === 0) return ''
          const head = `<div style="color:${pal.muted};margin-bottom:2px">${xLabels[x]} ${xFormatter(shown[0]!.value[0])}</div>`
          const rows = shown
            .map((p) => `<div><span style="display:inline-block;width:10px;height:2px;background:${p.color};vertical-align:middle;margin-right:6px"></span>${escapeHtml(p.seriesName)} <b style="float:right;margin-left:14px">${formatMetric(p.value[1])}</b></div>`)
            .join('')
          return head + rows
        }
      },
      xAxis: {
        type: 'value',
        name: xLabels[x],
        nameLocation: 'end',
        nameGap: 6,
        nameTextStyle: { color: pal.muted, fontSize: 11, align: 'right', verticalAlign: 'top', padding: [14, 0, 0, 0] },
        scale: true,
        // At the bottom even when a band or a loss goes below zero (not across the middle of the chart).
        axisLine: { onZero: false, lineStyle: { color: pal.axis } },
        axisTick: { lineStyle: { color: pal.axis } },
        axisLabel: { color: pal.muted, fontSize: 11, formatter: xFormatter, hideOverlap: true },
        splitLine: { show: false },
        minInterval: x === 'wallMs' ? 0 : 1
      },
      // Log: fitted to the drawn data, labels at 1-2-5 × 10ⁿ (or finer), minor ticks between them (src/shared/figures).
      yAxis: ((axes) => [withReferences(axes[0], refs, logScale), ...axes.slice(1)])(chartAxisY(logScale, series, pal)),
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' },
        {
          type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 14, bottom: 8, showDetail: false, borderColor: pal.axis,
          backgroundColor: 'transparent', fillerColor: theme === 'dark' ? 'rgba(122,167,240,0.16)' : 'rgba(36,86,166,0.10)',
          dataBackground: { lineStyle: { color: pal.axis }, areaStyle: { color: pal.split } },
          handleStyle: { color: pal.bg, borderColor: pal.muted }, moveHandleSize: 0
        }
      ],
      series
    }
  }, [runs, styles, data, overview, smoothing, logScale, grouping, x, theme, referenceKey])

  const drawn = runs.filter((r) => (data.get(r.id)?.length ?? 0) > 0)
  const legend: GroupLegendEntry[] = grouping ? groupLegend(runs, grouping, theme) : []
  const empty = loaded && drawn.length === 0
  return (
    <figure className="metric-chart" data-testid={`chart-${metric}`}>
      <figcaption>
        <span className="metric-name" title={metric}>{title ?? metricTitle(metric, context)}</span>
        {metricWords(metric) !== metric && <span className="muted mono metric-code">{metric}</span>}
        {detail && <span className="badge subtle" title="Full-resolution points for the zoomed range">zoomed · full resolution</span>}
        {smoothing > 0 && loaded && drawn.length > 0 && drawn.every((r) => (data.get(r.id)?.length ?? 0) < MIN_SMOOTH_POINTS) && (
          <span className="badge subtle" title={`Curves with fewer than ${MIN_SMOOTH_POINTS} points are drawn unsmoothed`}>raw · few points</span>
        )}
        {!detail && downsampled && <span className="badge subtle" title={`At most ${POINTS} points per run are drawn; zoom in for more`}>downsampled</span>}
      </figcaption>
      <div className="chart-wrap">
        <Chart
          option={option}
          onZoom={onZoom}
          height={height}
          aria-label={`${metric} over ${xLabels[x]} for ${runs.map((r) => r.name).join(', ')}`}
          data={{ runs: drawn.map((r) => r.id).join(' '), metric }}
        />
        {!loaded && !error && <div className="chart-overlay muted">Loading…</div>}
        {empty && <div className="chart-overlay muted">No {metric} points yet{runs.some((r) => !terminal.has(r.status)) ? ' — they appear as the run trains' : ''}.</div>}
        {error && <div className="chart-overlay error" role="alert">{error}</div>}
      </div>
      {legend.length > 0 && (
        <div className="group-legend" data-testid="group-legend">
          {legend.map((g) => (
            <span key={g.key} className="group-legend-item">
              <span className="group-swatch" style={{ background: g.color }} />
              {g.label} <span className="muted">mean of {g.n} ± {grouping?.band === 'sd' ? 'SD' : '95% CI'}</span>
            </span>
          ))}
        </div>
      )}
    </figure>
  )
}

/** One silent series that carries the dashed baseline lines (markLine), labelled at the right end. */
function referenceSeries(refs: ReadonlyArray<{ label: string; value: number; best: boolean }>, color: string): object {
  return {
    type: 'line',
    id: 'baselines',
    name: 'baselines',
    data: [],
    silent: true,
    animation: false,
    markLine: {
      silent: true,
      symbol: 'none',
      animation: false,
      // Labels take turns along the line (end, middle, start), so baselines at nearly the same level stay readable.
      data: [...refs].sort((a, b) => a.value - b.value).map((r, i) => ({
        yAxis: r.value,
        name: r.label,
        lineStyle: { type: 'dashed', color, width: r.best ? 1.4 : 1, opacity: r.best ? 0.95 : 0.6 },
        label: { formatter: r.label, position: (['insideEndTop', 'insideMiddleTop', 'insideStartTop'] as const)[i % 3], color, fontSize: 10 }
      }))
    }
  }
}

/**
 * The y axis with room for the reference lines as well as the curves (linear axes; a log axis keeps the figure
 * style's fitted range and shows the lines that fall inside it). The odd end values get no label.
 */
function withReferences(axis: Record<string, unknown>, refs: ReadonlyArray<{ value: number }>, log: boolean): Record<string, unknown> {
  if (refs.length === 0 || log) return axis
  const lo = Math.min(...refs.map((r) => r.value))
  const hi = Math.max(...refs.map((r) => r.value))
  const pad = (v: { min: number; max: number }): number => (Math.max(v.max, hi) - Math.min(v.min, lo)) * 0.06
  return {
    ...axis,
    min: (v: { min: number; max: number }) => Math.min(v.min, lo) - pad(v),
    max: (v: { min: number; max: number }) => Math.max(v.max, hi) + pad(v),
    axisLabel: { ...(axis.axisLabel as object), showMinLabel: false, showMaxLabel: false }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
