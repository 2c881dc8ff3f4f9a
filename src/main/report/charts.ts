/**
 * The report's figures, rendered on the host with ECharts' server-side renderer: SVG strings with vector paths and
 * text (no raster, no script, no external reference), which the HTML report inlines and the figure export writes
 * as .svg (and rasterizes to PNG, png.ts).
 */
import * as echarts from 'echarts'
import type { Curve, GroupBand, PredictionSet, ReportModel } from './model'

export interface Figure {
  /** File-name-safe id, unique within a report, e.g. "curve-valLoss". */
  id: string
  title: string
  caption: string
  svg: string
  width: number
  height: number
}

/**
 * Fonts every platform has one of; resvg (PNG) and Chromium (PDF) pick the first installed, so the text is real text
 * in the SVG and looks the same in all three outputs.
 */
// Single quotes: ECharts writes this into a double-quoted style attribute.
export const FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

const WIDTH = 800
const PLOT_HEIGHT = 340

type Option = Record<string, unknown>

/** A figure id that is also a safe file name on every platform. */
export function figureId(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^\w.-]+/g, '_')}`
}

/** Renders one ECharts option to an SVG string; the chart instance lives only for this call. */
export function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    // A white background, so a PNG or a pasted SVG reads on dark slides too.
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY }, ...option })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** Legend rows needed for these labels at this width (ECharts wraps a plain legend; the chart grows to fit it). */
function legendRows(labels: readonly string[], width: number): number {
  let rows = 1
  let used = 0
  for (const label of labels) {
    const w = label.length * 7.5 + 50
    if (used + w > width - 40 && used > 0) {
      rows++
      used = 0
    }
    used += w
  }
  return rows
}

function legendLayout(labels: readonly string[]): { height: number; legend: Option; gridBottom: number } {
  const rows = legendRows(labels, WIDTH)
  const legendHeight = rows * 22
  return {
    height: PLOT_HEIGHT + legendHeight + 20,
    legend: { type: 'plain', bottom: 4, left: 'center', width: WIDTH - 40, itemWidth: 22, itemGap: 16, textStyle: { fontSize: 11 } },
    gridBottom: legendHeight + 52
  }
}

/** Log scale when every value is positive and they span more than a factor of 20 (losses falling over decades). */
function wantsLog(values: Iterable<number | null>): boolean {
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v === null) continue
    if (v <= 0) return false
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  return Number.isFinite(min) && max / min > 20
}

function axisName(x: 'epoch' | 'step'): string {
  return x === 'epoch' ? 'epoch' : 'optimizer step'
}

export function curveFigure(curve: Curve): Figure {
  const labels = curve.series.map((s) => s.label)
  const layout = legendLayout(labels)
  const log = wantsLog(curve.series.flatMap((s) => s.points.map((p) => p[1])))
  const svg = renderSvg(
    {
      title: { text: curve.metric, left: 'center', top: 6, textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 30, top: 44, bottom: layout.gridBottom },
      legend: { ...layout.legend, data: labels },
      xAxis: { type: 'value', name: axisName(curve.x), nameLocation: 'middle', nameGap: 26, minInterval: 1, min: 'dataMin', max: 'dataMax' },
      yAxis: { type: log ? 'log' : 'value', name: curve.metric + (log ? ' (log scale)' : ''), nameLocation: 'end', scale: !log },
      series: curve.series.map((s) => ({
        type: 'line',
        name: s.label,
        color: s.color,
        // Points only where there are few (per-epoch curves); lines alone where they are dense.
        showSymbol: s.points.length <= 60,
        symbolSize: 4,
        lineStyle: { width: 1.5 },
        // Past one point per pixel, LTTB keeps the shape with fewer path commands; the CSV/JSON keep every point.
        sampling: 'lttb',
        connectNulls: false,
        data: s.points.map(([x, y]) => [x, y ?? '-'])
      }))
    },
    WIDTH,
    layout.height
  )
  const runs = curve.series.length
  return {
    id: figureId('curve', curve.metric),
    title: curve.metric,
    caption: `${curve.metric} against ${axisName(curve.x)}, ${runs} run${runs === 1 ? '' : 's'}, every recorded point${log ? '; logarithmic y axis' : ''}.`,
    svg,
    width: WIDTH,
    height: layout.height
  }
}

/** Mean curve per group with its 95% t-interval band (stacked: an invisible lower line, then the band's height). */
export function bandFigure(metric: string, bands: readonly GroupBand[]): Figure {
  const labels = bands.map((b) => b.label)
  const layout = legendLayout(labels)
  const series: Option[] = []
  for (const b of bands) {
    const { x, mean, ci95Lower, ci95Upper } = b.band
    series.push({
      type: 'line',
      name: b.label,
      color: b.color,
      showSymbol: x.length <= 60,
      symbolSize: 4,
      lineStyle: { width: 2 },
      data: x.map((xi, i) => [xi, mean[i] ?? '-'])
    })
    const stack = `band-${b.label}`
    series.push({
      type: 'line',
      name: b.label,
      stack,
      silent: true,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      data: x.map((xi, i) => [xi, ci95Lower[i] ?? '-'])
    })
    series.push({
      type: 'line',
      name: b.label,
      stack,
      silent: true,
      symbol: 'none',
      color: b.color,
      lineStyle: { opacity: 0 },
      areaStyle: { color: b.color, opacity: 0.18 },
      data: x.map((xi, i) => {
        const lo = ci95Lower[i]
        const hi = ci95Upper[i]
        return [xi, lo !== null && lo !== undefined && hi !== null && hi !== undefined ? hi - lo : '-']
      })
    })
  }
  const svg = renderSvg(
    {
      title: { text: `${metric}: mean and 95% interval per cell`, left: 'center', top: 6, textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 30, top: 44, bottom: layout.gridBottom },
      legend: { ...layout.legend, data: labels },
      xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1, min: 'dataMin', max: 'dataMax' },
      // A stacked band needs a linear axis: the band's height is added to its lower edge.
      yAxis: { type: 'value', name: metric, scale: true },
      series
    },
    WIDTH,
    layout.height
  )
  return {
    id: figureId('groups', metric),
    title: `${metric} by cell`,
    caption: `Mean ${metric} per epoch across each cell's runs; the shaded band is the 95% t-interval of the mean (none where a group has fewer than 2 runs).`,
    svg,
    width: WIDTH,
    height: layout.height
  }
}

export function predictionsFigure(set: PredictionSet): Figure {
  const all = [...set.truth, ...set.predicted].filter((v) => Number.isFinite(v))
  const lo = Math.min(...all)
  const hi = Math.max(...all)
  const height = 420
  const svg = renderSvg(
    {
      title: { text: `Predicted vs true (${set.split}): ${set.label}`, left: 'center', top: 6, textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 30, top: 44, bottom: 50 },
      xAxis: { type: 'value', name: 'true', nameLocation: 'middle', nameGap: 26, min: lo, max: hi },
      yAxis: { type: 'value', name: 'predicted', min: lo, max: hi },
      series: [
        { type: 'scatter', color: set.color, symbolSize: 4, data: set.truth.map((t, i) => [t, set.predicted[i]]) },
        { type: 'line', color: '#999', symbol: 'none', lineStyle: { type: 'dashed', width: 1 }, data: [[lo, lo], [hi, hi]] }
      ]
    },
    WIDTH,
    height
  )
  return {
    id: figureId('predictions', set.runId),
    title: `Predictions: ${set.label}`,
    caption: `${set.truth.length} predictions on the ${set.split} split against the true values; the dashed line is a perfect prediction.`,
    svg,
    width: WIDTH,
    height
  }
}

/** Every figure of a report, in the order the report shows them; the figure export writes the same list. */
export function reportFigures(model: Pick<ReportModel, 'curves' | 'groups' | 'predictions'>): Figure[] {
  const figures = model.curves.filter((c) => c.series.length > 0).map(curveFigure)
  if (model.groups.shown && model.groups.bands.some((b) => b.band.x.length > 0)) figures.push(bandFigure(model.groups.bandMetric, model.groups.bands))
  if (model.predictions.shown) figures.push(...model.predictions.sets.map(predictionsFigure))
  return figures
}
