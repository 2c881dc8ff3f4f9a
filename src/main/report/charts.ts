/**
 * The report's figures, rendered on the host with ECharts' server-side renderer: SVG strings with vector paths and
 * text (no raster, no script, no external reference), which the HTML report inlines and the figure export writes as
 * .svg, .pdf and .png (and as pgfplots code with its CSV data, figures/tex.ts). Every figure is first a Plot (the data
 * and axes, in the one figure style of src/shared/figures), then drawn: the same Plot feeds the SVG and the LaTeX.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type * as Echarts from 'echarts'
import { echartsMinorAxis, echartsValueAxis, extentOf, FIGURE_FONT, linearAxis, logAxis, unitTitle, wantsLog, type AxisSpec, type Dash } from '../../shared/figures'
import type { Curve, GroupBand, PredictionSet, ReportModel } from './model'

/** What a figure shows, as data: drawn to SVG here and written as pgfplots + CSV by figures/tex.ts. */
export interface PlotSeries {
  label: string
  color: string
  dash: Dash
  /** Line width in px. */
  width: number
  kind: 'line' | 'scatter'
  /** [x, y]; a null y is a gap. */
  points: Array<[number, number | null]>
  /** A shaded band [x, lower, upper] drawn under the line (group means' 95% intervals). */
  band?: Array<[number, number, number]>
  /** False for helper lines that need no legend entry (the perfect-prediction diagonal). */
  legend: boolean
}

export interface Plot {
  xLabel: string
  yLabel: string
  x: AxisSpec
  y: AxisSpec
  series: PlotSeries[]
}

export interface Figure {
  /** File-name-safe id, unique within a report, e.g. "curve-valLoss". */
  id: string
  title: string
  caption: string
  svg: string
  width: number
  height: number
  /** The data behind the figure (absent for figures drawn another way). */
  plot?: Plot
}

export const FONT_FAMILY = FIGURE_FONT

export const FIGURE_WIDTH = 640
const PLOT_HEIGHT = 300
const FONT = 12
const TICK_FONT = 11
const LEGEND_FONT = 11
const INK = '#1c1d1f'
const MUTED = '#50535a'
const AXIS = '#9a9ca3'
const GRID = '#e6e6e1'

type Option = Record<string, unknown>

/** A figure id that is also a safe file name on every platform. */
export function figureId(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^\w.-]+/g, '_')}`
}

/**
 * ECharts, loaded on the first figure rather than when this module is imported. Every CLI command imports the report
 * code through the main bundle's shared chunk, and ECharts costs about 10 MB of heap once loaded (its 3.7 MB source
 * kept as a string, and its code): `gatelab inspect-csv` on a 16 MB file ran out of a 32 MB heap about half the time
 * with it loaded (test/integration/csv-memory.test.ts).
 */
let echartsModule: typeof Echarts | undefined
function echarts(): typeof Echarts {
  echartsModule ??= createRequire(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url))('echarts') as typeof Echarts
  return echartsModule
}

/** Renders one ECharts option to an SVG string; the chart instance lives only for this call. */
export function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    // A white background, so a PNG or a pasted SVG reads on dark slides too.
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY, color: INK }, ...option })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** Width of a text at a font size, estimated generously (Helvetica's widest common glyphs average ~0.6 em). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6
}

const LEGEND_ICON = 25
const LEGEND_GAP = 14
/** Longest legend text; longer names are shortened with an ellipsis (the report's tables carry them in full). */
export const LEGEND_MAX_CHARS = 44

export function legendText(label: string): string {
  if (label.length <= LEGEND_MAX_CHARS) return label
  // Keep both ends: names of a series usually differ at the end ("…, seed 3").
  const tail = Math.floor((LEGEND_MAX_CHARS - 1) / 2)
  return `${label.slice(0, LEGEND_MAX_CHARS - 1 - tail)}…${label.slice(label.length - tail)}`
}

function legendWidth(label: string): number {
  return LEGEND_ICON + 5 + textWidth(legendText(label), LEGEND_FONT)
}

/**
 * Legend entries packed into rows by their estimated width. ECharts' own wrapping measures text narrower than some
 * fonts draw it (entries then overlap), so every entry is placed here, as a legend of its own.
 */
function legendRows(labels: readonly string[], width: number): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let used = 0
  for (const label of labels) {
    const w = legendWidth(label) + LEGEND_GAP
    if (used + w > width && row.length > 0) {
      rows.push(row)
      row = []
      used = 0
    }
    row.push(label)
    used += w
  }
  if (row.length > 0) rows.push(row)
  return rows
}

const LEGEND_ROW = 20

/** Draws a Plot: y-axis title along the left edge, x-axis title under the ticks, the legend under that. */
export function plotSvg(plot: Plot, options: { width?: number; height?: number } = {}): { svg: string; width: number; height: number } {
  const width = options.width ?? FIGURE_WIDTH
  const labels = plot.series.filter((s) => s.legend).map((s) => s.label)
  const legendLines = legendRows(labels, width - 40)
  const rows = legendLines.length
  const plotHeight = options.height ?? PLOT_HEIGHT
  const top = 14
  const xTitle = 20
  const bottom = 22 + xTitle + (rows > 0 ? rows * LEGEND_ROW + 8 : 4)
  const height = top + plotHeight + bottom
  const yTickWidth = Math.max(...plot.y.ticks.map((t) => textWidth(plot.y.format(t), TICK_FONT)), 10)
  const left = Math.ceil(yTickWidth + 8 + 10 + FONT + 8)
  const right = 18
  const look = { text: MUTED, line: AXIS, grid: GRID, fontSize: TICK_FONT }
  const series: Option[] = []
  for (const s of plot.series) {
    if (s.band && s.band.length > 0) {
      const band = s.band
      series.push({
        type: 'custom',
        name: `${s.label} (band)`,
        color: s.color,
        silent: true,
        z: 1,
        data: [0],
        renderItem: (_params: unknown, api: { coord: (p: [number, number]) => number[] }) => ({
          type: 'polygon',
          shape: { points: [...band.map(([x, lo]) => api.coord([x, lo])), ...[...band].reverse().map(([x, , hi]) => api.coord([x, hi]))] },
          style: { fill: s.color, opacity: 0.16 }
        })
      })
    }
    if (s.kind === 'scatter') {
      series.push({ type: 'scatter', name: s.label, color: s.color, symbolSize: 4, z: 3, itemStyle: { opacity: 0.75 }, data: s.points.filter((p) => p[1] !== null) })
    } else {
      series.push({
        type: 'line',
        name: s.label,
        color: s.color,
        z: 3,
        // Points only where there are few (per-epoch curves); lines alone where they are dense.
        showSymbol: s.points.length <= 40,
        symbol: 'circle',
        symbolSize: 3.5,
        lineStyle: { width: s.width, type: s.dash, color: s.color },
        // Past one point per pixel, LTTB keeps the shape with fewer path commands; the CSV keeps every point.
        sampling: 'lttb',
        connectNulls: false,
        data: s.points.map(([x, y]) => [x, y ?? '-'])
      })
    }
  }
  const svg = renderSvg(
    {
      grid: { left, right, top, bottom, containLabel: false },
      legend: legendLines.flatMap((line, i) => {
        const total = line.reduce((sum, name) => sum + legendWidth(name), 0) + LEGEND_GAP * (line.length - 1)
        let x = (width - total) / 2
        return line.map((name) => {
          const left = x
          x += legendWidth(name) + LEGEND_GAP
          return {
            type: 'plain',
            bottom: 6 + (rows - 1 - i) * LEGEND_ROW,
            left,
            padding: 0,
            itemWidth: LEGEND_ICON,
            itemHeight: 10,
            textStyle: { fontSize: LEGEND_FONT, color: INK },
            formatter: legendText,
            selectedMode: false,
            data: [{ name, icon: plot.series.find((s) => s.label === name)?.kind === 'scatter' ? 'circle' : undefined }]
          }
        })
      }),
      xAxis: echartsValueAxis(plot.x, look, {
        name: plot.xLabel,
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: { fontSize: FONT, color: INK },
        splitLine: { show: false }
      }),
      yAxis: [
        echartsValueAxis(plot.y, look, {
          name: plot.yLabel,
          nameLocation: 'middle',
          nameRotate: 90,
          nameGap: Math.ceil(yTickWidth + 12),
          nameTextStyle: { fontSize: FONT, color: INK }
        }),
        ...echartsMinorAxis(plot.y, look, 'left')
      ],
      series
    },
    width,
    height
  )
  return { svg, width, height }
}

function figureOf(id: string, title: string, caption: string, plot: Plot): Figure {
  const { svg, width, height } = plotSvg(plot)
  return { id, title, caption, svg, width, height, plot }
}

function xTitle(x: 'epoch' | 'step'): string {
  return x === 'epoch' ? 'epoch' : 'optimizer step'
}

function yAxisFor(values: Array<number | null>): AxisSpec {
  const log = wantsLog(values)
  const extent = extentOf(values, log) ?? [0, 1]
  return log ? logAxis(extent[0], extent[1]) : linearAxis(extent[0], extent[1])
}

function xAxisFor(xs: number[]): AxisSpec {
  const extent = extentOf(xs) ?? [0, 1]
  // The data's own ends (first to last epoch or step), labelled at whole nice steps inside.
  return linearAxis(extent[0], extent[1], { integer: true, target: 6, exact: true })
}

export function curveFigure(curve: Curve): Figure {
  const title = curve.title ?? curve.metric
  const plot: Plot = {
    xLabel: xTitle(curve.x),
    yLabel: title,
    x: xAxisFor(curve.series.flatMap((s) => s.points.map((p) => p[0]))),
    y: yAxisFor(curve.series.flatMap((s) => s.points.map((p) => p[1]))),
    series: curve.series.map((s) => ({ label: s.label, color: s.color, dash: s.dash ?? 'solid', width: 1.6, kind: 'line', points: s.points, legend: true }))
  }
  const runs = curve.series.length
  return figureOf(
    figureId('curve', curve.metric),
    title,
    `${title[0]!.toUpperCase()}${title.slice(1)} against ${xTitle(curve.x)}, ${runs} run${runs === 1 ? '' : 's'}, every recorded point${plot.y.log ? '; logarithmic y axis' : ''}.`,
    plot
  )
}

/** Mean curve per group with its 95% t-interval band. */
export function bandFigure(metric: string, bands: readonly GroupBand[], title: string = metric): Figure {
  const values = bands.flatMap((b) => [...b.band.mean, ...b.band.ci95Lower, ...b.band.ci95Upper])
  const plot: Plot = {
    xLabel: 'epoch',
    yLabel: title,
    x: xAxisFor(bands.flatMap((b) => b.band.x)),
    y: yAxisFor(values),
    series: bands.map((b) => {
      const { x, mean, ci95Lower, ci95Upper } = b.band
      const band: Array<[number, number, number]> = []
      x.forEach((xi, i) => {
        const lo = ci95Lower[i]
        const hi = ci95Upper[i]
        if (lo !== null && lo !== undefined && hi !== null && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)) band.push([xi, lo, hi])
      })
      const n = Math.max(0, ...b.band.n)
      return {
        label: `${b.label}: mean of ${n} ± 95% CI`,
        color: b.color,
        dash: 'solid' as const,
        width: 2,
        kind: 'line' as const,
        points: x.map((xi, i): [number, number | null] => [xi, mean[i] ?? null]),
        band,
        legend: true
      }
    })
  }
  return figureOf(
    figureId('groups', metric),
    `${title} by cell`,
    `Mean ${title} per epoch across each cell's runs; the shaded band is the 95% t-interval of the mean (none where a group has fewer than 2 runs).`,
    plot
  )
}

export function predictionsFigure(set: PredictionSet): Figure {
  const extent = extentOf([...set.truth, ...set.predicted]) ?? [0, 1]
  const axis = linearAxis(extent[0], extent[1])
  const plot: Plot = {
    xLabel: `${unitTitle(`true ${set.target?.name ?? 'value'}`, set.target)}, ${set.split} split`,
    yLabel: unitTitle(`predicted ${set.target?.name ?? 'value'}`, set.target),
    x: axis,
    y: axis,
    series: [
      { label: set.label, color: set.color, dash: 'solid', width: 1, kind: 'scatter', points: set.truth.map((t, i): [number, number | null] => [t, set.predicted[i] ?? null]), legend: true },
      { label: 'perfect prediction', color: '#999999', dash: [6, 4], width: 1, kind: 'line', points: [[axis.min, axis.min], [axis.max, axis.max]], legend: true }
    ]
  }
  const figure = figureOf(figureId('predictions', set.runId), `Predictions: ${set.label}`, '', plot)
  figure.caption = `${set.truth.length} predictions of ${set.label} on the ${set.split} split against the true values; the dashed line is a perfect prediction.`
  return figure
}

/** Every figure of a report, in the order the report shows them; the figure export writes the same list. */
export function reportFigures(model: Pick<ReportModel, 'curves' | 'groups' | 'predictions'>): Figure[] {
  // A flat curve (the learning rate without a schedule, a constant tensor count) says nothing a number does not: the
  // report's tables carry it.
  const flat = (c: Curve): boolean => new Set(c.series.flatMap((s) => s.points.map((p) => p[1]))).size <= 1
  const figures = model.curves.filter((c) => c.series.length > 0 && !flat(c)).map(curveFigure)
  if (model.groups.shown) {
    const sets = model.groups.bandSets ?? [{ metric: model.groups.bandMetric, title: model.groups.bandMetric, bands: model.groups.bands }]
    for (const set of sets) if (set.bands.some((b) => b.band.x.length > 0)) figures.push(bandFigure(set.metric, set.bands, set.title))
  }
  if (model.predictions.shown) figures.push(...model.predictions.sets.map(predictionsFigure))
  return figures
}
