/**
 * The report's "Inside the cell" section (`gatelab report --inside`, the export's "Inside the cell" checkbox; issue
 * 14 §8, docs/REPORTS.md). Per run, from the inspector (src/main/inspect, the float64 CELLS.md math on the run's
 * stored best weights and its data rebuilt as it trained):
 *
 *   - gate and state heatmaps for one chosen sequence (test index 0 by default, or the worst-predicted test
 *     sequence), one figure per layer and direction, with the inputs on the same time axis (insideHeatmap.ts);
 *   - gradient flow through time: ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for the LSTM) of that sequence, every run overlaid, log scale;
 *   - Karpathy's saturation scatter over a sample of the test split: one dot per unit, one panel per gate;
 *   - the gate telemetry recorded while training (gate/…, grad/… metrics), compactly: one small-multiples figure.
 *
 * Every figure is vector SVG: ECharts' server-side renderer for the plots, merged paths for the heatmaps.
 */
import { inspectRequestSchema, type InspectOk, type InspectSequence, type LayerDirectionTraces, type TraceName } from '../../shared/inspect'
import type { MetricPoint } from '../../shared/protocol'
import { isTelemetryMetric, parseTelemetryMetric } from '../../shared/telemetry'
import { figureId, renderSvg, type Figure } from './charts'
import { escapeHtml } from './html'
import { heatmapFigure, type HeatmapPanel } from './insideHeatmap'
import type { ReportSource, RunData } from './source'

/** Which sequence the heatmaps and the gradient-flow plot show: a test index, or the worst-predicted test sequence. */
export type InsideSequence = number | 'worst'

/** Test sequences the saturation scatter's statistics cover (all of them when the split is smaller). */
export const INSIDE_STATS_SAMPLE = 200

export interface InsideRun {
  runId: string
  label: string
  color: string
  result: InspectOk | null
  /** Why a run has no inspection (no weights, data changed…). */
  reason?: string
  telemetry: MetricPoint[]
}

export interface InsideSection {
  sequence: InsideSequence
  runs: InsideRun[]
}

const traceWords: Record<TraceName, string> = {
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  c: 'cell state',
  h: 'hidden state',
  z: 'update gate',
  r: 'reset gate',
  n: 'candidate'
}
const gateKinds: Record<TraceName, HeatmapPanel['kind']> = { i: 'gate', f: 'gate', g: 'state', o: 'gate', c: 'state', h: 'state', z: 'gate', r: 'gate', n: 'state' }

function sequenceRequest(sequence: InsideSequence): InspectSequence {
  return sequence === 'worst' ? { kind: 'worst', k: 1 } : { kind: 'index', split: 'test', index: sequence }
}

/**
 * Runs the inspector for every run of a report. `inspect` is the inspectRun handler (worker thread) or inspectRunHere.
 * A run that cannot be inspected keeps its reason; bad input (an index beyond the test split) fails the export.
 */
export async function gatherInside(
  source: ReportSource,
  data: readonly RunData[],
  colors: ReadonlyMap<string, string>,
  labels: ReadonlyMap<string, string>,
  sequence: InsideSequence,
  inspect: (source: ReportSource, request: ReturnType<typeof inspectRequestSchema.parse>) => Promise<InspectOk | { ok: false; reason: string }>
): Promise<InsideSection> {
  const runs: InsideRun[] = []
  for (const { run, points } of data) {
    const base = { runId: run.id, label: labels.get(run.id) ?? run.id, color: colors.get(run.id) ?? '#5470c6', telemetry: points.filter((p) => isTelemetryMetric(p.name)) }
    const request = inspectRequestSchema.parse({
      runId: run.id,
      sequence: sequenceRequest(sequence),
      attribution: false,
      memory: false,
      stats: { split: 'test', sample: INSIDE_STATS_SAMPLE }
    })
    const result = await inspect(source, request)
    runs.push(result.ok ? { ...base, result } : { ...base, result: null, reason: result.reason })
  }
  return { sequence, runs }
}

function whereFrom(result: InspectOk): string {
  const s = result.sequences[0]!
  return s.source.split === 'edited' ? 'an edited sequence' : `${s.source.split} sequence ${s.source.index}`
}

function fmt(v: number): string {
  const a = Math.abs(v)
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4)))
}

function directionWords(t: { layer: number; direction: 'forward' | 'backward' }, layers: number, bidirectional: boolean): string {
  const parts: string[] = []
  if (layers > 1) parts.push(`layer ${t.layer + 1}`)
  if (bidirectional) parts.push(t.direction)
  return parts.join(', ')
}

function heatmapsOf(run: InsideRun): Figure[] {
  const result = run.result!
  const seq = result.sequences[0]!
  const bidirectional = result.layers.some((l) => l.bidirectional)
  const inputs: HeatmapPanel = {
    label: `x ${seq.inputs.shape[0] === 1 ? 'input' : `inputs (${seq.inputs.shape[0]})`}`,
    matrix: seq.inputs,
    kind: 'input'
  }
  return (seq.traces ?? []).map((t: LayerDirectionTraces) => {
    const names = (Object.keys(t.values) as TraceName[]).filter((n) => t.values[n])
    const panels: HeatmapPanel[] = [inputs, ...names.map((n) => ({ label: `${n} ${traceWords[n]}`, matrix: t.values[n]!, kind: gateKinds[n] }))]
    const where = directionWords(t, result.layers.length, bidirectional)
    const pred = seq.prediction.slice(-result.outputSize).map(fmt).join(', ')
    const target = seq.target ? seq.target.slice(-result.outputSize).map(fmt).join(', ') : '—'
    return heatmapFigure({
      kind: 'inside-heatmap',
      name: `${run.runId}-l${t.layer}${t.direction === 'backward' ? 'bw' : ''}`,
      title: `${run.label}: ${result.cell === 'rnn' ? 'hidden state' : 'gates and states'}${where ? ` (${where})` : ''}, ${whereFrom(result)}`,
      caption:
        `${result.cell === 'rnn' ? 'The hidden state' : 'Every gate and state'} of ${result.cellForm ?? result.form}${where ? ` (${where})` : ''} at every step of ${whereFrom(result)} ` +
        `(prediction ${pred}, target ${target}${seq.loss !== null ? `, loss ${fmt(seq.loss)}` : ''}); the inputs on top as the model sees them (scaled). ` +
        (result.cell === 'rnn'
          ? 'h on a scale symmetric about 0 (a vanilla RNN has no gates).'
          : 'Gates on a 0–1 scale (a forget gate near 1 keeps the cell; near 0 erases it); candidate, cell and hidden state on a scale symmetric about 0.'),
      panels
    })
  })
}

function logTicks(values: number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0)
  const lo = Math.min(...finite)
  const hi = Math.max(...finite)
  return { min: 10 ** Math.floor(Math.log10(lo)), max: 10 ** Math.ceil(Math.log10(hi)) }
}

/** ‖∂L/∂h_t‖ (solid) and ‖∂L/∂c_t‖ (dashed, LSTM) of every run's chosen sequence, overlaid, log scale. */
function gradientFigure(runs: readonly InsideRun[]): Figure | null {
  const series: Array<Record<string, unknown>> = []
  const all: number[] = []
  let T = 0
  for (const run of runs) {
    const result = run.result
    if (!result) continue
    const seq = result.sequences[0]!
    T = Math.max(T, seq.steps)
    const bidirectional = result.layers.some((l) => l.bidirectional)
    for (const g of seq.gradients ?? []) {
      const where = directionWords(g, result.layers.length, bidirectional)
      const name = `${run.label}${where ? ` · ${where}` : ''}`
      const width = g.layer === 0 && g.direction === 'forward' ? 2 : 1.2
      const add = (values: number[], what: string, type: 'solid' | 'dashed' | 'dotted'): void => {
        all.push(...values)
        series.push({
          type: 'line',
          name: `${name} ${what}`,
          color: run.color,
          showSymbol: false,
          lineStyle: { width, type },
          data: values.map((v, t) => [t + 1, v > 0 && Number.isFinite(v) ? v : '-'])
        })
      }
      add(g.dhNorm, '‖∂L/∂h_t‖', g.direction === 'forward' ? 'solid' : 'dotted')
      if (g.dcNorm) add(g.dcNorm, '‖∂L/∂c_t‖', 'dashed')
    }
  }
  if (series.length === 0 || all.every((v) => !(v > 0))) return null
  const labels = series.map((s) => s.name as string)
  const rows = Math.ceil(labels.length / 2)
  const height = 360 + rows * 20
  const { min, max } = logTicks(all)
  const svg = renderSvg(
    {
      title: { text: 'Gradient flow through time (log scale)', left: 'center', top: 6, textStyle: { fontSize: 14 } },
      grid: { left: 80, right: 30, top: 44, bottom: 60 + rows * 20 },
      legend: { bottom: 4, left: 'center', width: 760, itemWidth: 26, itemGap: 14, textStyle: { fontSize: 11 }, data: labels },
      xAxis: { type: 'value', name: 'time step t', nameLocation: 'middle', nameGap: 26, min: 1, max: T, minInterval: 1 },
      yAxis: { type: 'log', name: 'gradient norm', min, max, axisLabel: { formatter: (v: number) => v.toExponential(0) } },
      series
    },
    800,
    height
  )
  return {
    id: figureId('inside', 'gradient-flow'),
    title: 'Gradient flow through time',
    caption:
      'For each run\'s chosen sequence and its loss L: ‖∂L/∂h_t‖₂ at every step t (solid; dotted for a backward direction), and ‖∂L/∂c_t‖₂ for the LSTM\'s cell path (dashed), on a log scale. ' +
      'Read from t = T back to t = 1: a fast fall means vanishing gradients (the early steps barely influence learning); an LSTM\'s cell path and a GRU\'s update path keep it flatter.',
    svg,
    width: 800,
    height
  }
}

/** Karpathy's saturation scatter: per gate, one dot per unit at (fraction left-saturated, fraction right-saturated). */
function saturationFigure(run: InsideRun): Figure | null {
  const stats = run.result?.stats
  if (!stats || stats.gates.length === 0) return null
  const gates = [...new Set(stats.gates.map((g) => g.gate))]
  const perRow = Math.min(4, gates.length)
  const cell = 190
  const width = 800
  const rowsN = Math.ceil(gates.length / perRow)
  const height = 70 + rowsN * (cell + 40)
  const layerKeys = [...new Set(stats.gates.map((g) => `${g.layer}/${g.direction}`))]
  const shapes = ['circle', 'triangle', 'rect', 'diamond']
  const grids: Array<Record<string, unknown>> = []
  const xAxes: Array<Record<string, unknown>> = []
  const yAxes: Array<Record<string, unknown>> = []
  const series: Array<Record<string, unknown>> = []
  const titles: Array<Record<string, unknown>> = [{ text: `${run.label}: gate saturation (${stats.sequences} of ${stats.total} test sequences)`, left: 'center', top: 6, textStyle: { fontSize: 14 } }]
  const gap = (width - 40 - perRow * cell) / Math.max(1, perRow)
  gates.forEach((gate, i) => {
    const col = i % perRow
    const row = Math.floor(i / perRow)
    const left = 50 + col * (cell + gap)
    const top = 56 + row * (cell + 40)
    grids.push({ left, top, width: cell - 20, height: cell - 20 })
    const g0 = stats.gates.find((g) => g.gate === gate)!
    const [lo, hi] = g0.thresholds
    xAxes.push({ gridIndex: i, type: 'value', min: 0, max: 1, name: `< ${lo}`, nameLocation: 'middle', nameGap: 20, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9 }, splitNumber: 2 })
    yAxes.push({ gridIndex: i, type: 'value', min: 0, max: 1, name: `> ${hi}`, nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9 }, splitNumber: 2 })
    titles.push({ text: `${gate}  ${traceWords[gate]}`, left: left + (cell - 20) / 2, top: top - 18, textAlign: 'center', textStyle: { fontSize: 12 } })
    for (const g of stats.gates.filter((s) => s.gate === gate)) {
      const k = layerKeys.indexOf(`${g.layer}/${g.direction}`)
      series.push({
        type: 'scatter',
        xAxisIndex: i,
        yAxisIndex: i,
        symbol: shapes[k % shapes.length],
        symbolSize: 5,
        color: run.color,
        itemStyle: { opacity: 0.75 },
        data: g.leftSaturated.map((l, u) => [Number(l.toFixed(4)), Number(g.rightSaturated[u]!.toFixed(4))])
      })
      series.push({ type: 'line', xAxisIndex: i, yAxisIndex: i, silent: true, symbol: 'none', lineStyle: { color: '#c9c8c0', width: 0.8, type: 'dashed' }, data: [[0, 1], [1, 0]] })
    }
  })
  const svg = renderSvg({ title: titles, grid: grids, xAxis: xAxes, yAxis: yAxes, series }, width, height)
  const layersNote = layerKeys.length > 1 ? ` Layers and directions by marker: ${layerKeys.map((k, i) => `${shapes[i % shapes.length]} ${k.replace('/', ' ')}`).join(', ')} (layer from 0).` : ''
  return {
    id: figureId('inside-saturation', run.runId),
    title: `Gate saturation: ${run.label}`,
    caption:
      `One dot per unit: the fraction of (sequence, step) pairs in which the gate is left-saturated (x) and right-saturated (y), over ${stats.sequences === stats.total ? 'all' : `a seeded sample of ${stats.sequences} of the`} ${stats.total} test sequences (Karpathy, Johnson & Fei-Fei 2015). ` +
      `Sigmoid gates saturate below 0.1 / above 0.9; the tanh candidates below −0.9 / above 0.9. Dots near the top are always open (a forget gate there is an integrator that keeps its content); near the dashed diagonal, always saturated one way or the other.${layersNote}`,
    svg,
    width,
    height
  }
}

/** The gate telemetry recorded while training: per gate, the mean (solid) and saturation (dashed) per epoch, every run. */
function telemetryFigure(runs: readonly InsideRun[]): Figure | null {
  const withData = runs.filter((r) => r.telemetry.length > 0)
  if (withData.length === 0) return null
  // Panels: one per (layer key, gate) for gate metrics, plus one per layer key for the gradient ratio.
  const panels = new Map<string, { title: string; log: boolean }>()
  for (const r of withData) {
    for (const p of r.telemetry) {
      const m = parseTelemetryMetric(p.name)
      if (!m) continue
      const key = m.kind === 'gate' ? `${m.layer}/${m.gate}` : `${m.layer}/grad`
      if (!panels.has(key)) panels.set(key, { title: m.kind === 'gate' ? `${m.gate} ${traceWords[m.gate as TraceName] ?? ''} (${m.layer})` : `gradient ratio h₁/h_T (${m.layer})`, log: m.kind === 'grad' })
    }
  }
  // Per layer: the gradient ratio, then the gates in CELLS.md order (LSTM i f g o, GRU z r n).
  const order = ['grad', 'i', 'f', 'g', 'o', 'z', 'r', 'n']
  const keys = [...panels.keys()].sort((a, b) => {
    const [la, ga] = a.split('/') as [string, string]
    const [lb, gb] = b.split('/') as [string, string]
    return la.localeCompare(lb) || order.indexOf(ga) - order.indexOf(gb)
  })
  const perRow = 4
  const cellW = 185
  const cellH = 130
  const rowsN = Math.ceil(keys.length / perRow)
  const width = 800
  const legendRows = Math.ceil(withData.length / 2)
  const height = 50 + rowsN * (cellH + 46) + legendRows * 20 + 10
  const grids: Array<Record<string, unknown>> = []
  const xAxes: Array<Record<string, unknown>> = []
  const yAxes: Array<Record<string, unknown>> = []
  const series: Array<Record<string, unknown>> = []
  const titles: Array<Record<string, unknown>> = [{ text: 'Gate telemetry while training', left: 'center', top: 6, textStyle: { fontSize: 14 } }]
  keys.forEach((key, i) => {
    const col = i % perRow
    const row = Math.floor(i / perRow)
    const left = 48 + col * (cellW + 12)
    const top = 52 + row * (cellH + 46)
    const panel = panels.get(key)!
    grids.push({ left, top, width: cellW - 40, height: cellH })
    xAxes.push({ gridIndex: i, type: 'value', minInterval: 1, axisLabel: { fontSize: 9 }, min: 'dataMin', max: 'dataMax', splitNumber: 3 })
    yAxes.push(
      panel.log
        ? { gridIndex: i, type: 'log', axisLabel: { fontSize: 9, formatter: (v: number) => v.toExponential(0) } }
        : { gridIndex: i, type: 'value', min: key.endsWith('/g') || key.endsWith('/n') ? -1 : 0, max: 1, axisLabel: { fontSize: 9 }, splitNumber: 2 }
    )
    titles.push({ text: panel.title, left: left + (cellW - 40) / 2, top: top - 18, textAlign: 'center', textStyle: { fontSize: 11 } })
    const [layer, gate] = key.split('/') as [string, string]
    for (const r of withData) {
      const line = (metric: string, type: string, width: number): void => {
        const pts = r.telemetry.filter((p) => p.name === metric && Number.isFinite(p.value) && (!panel.log || p.value > 0)).sort((a, b) => a.epoch - b.epoch)
        if (pts.length === 0) return
        series.push({ type: 'line', name: r.label, xAxisIndex: i, yAxisIndex: i, color: r.color, showSymbol: pts.length <= 30, symbolSize: 3, lineStyle: { width, type }, data: pts.map((p) => [p.epoch, p.value]) })
      }
      if (gate === 'grad') line(`grad/${layer}/h1OverhT`, 'solid', 1.5)
      else {
        line(`gate/${layer}/${gate}/mean`, 'solid', 1.5)
        line(`gate/${layer}/${gate}/satLeft`, 'dotted', 1)
        line(`gate/${layer}/${gate}/satRight`, 'dashed', 1)
      }
    }
  })
  const svg = renderSvg(
    {
      title: titles,
      legend: { bottom: 4, left: 'center', width: 760, textStyle: { fontSize: 11 }, data: withData.map((r) => r.label) },
      grid: grids,
      xAxis: xAxes,
      yAxis: yAxes,
      series
    },
    width,
    height
  )
  return {
    id: figureId('inside', 'telemetry'),
    title: 'Gate telemetry while training',
    caption:
      'Recorded by the trainer at every epoch (x: epoch) on a fixed probe batch of validation sequences: per layer (l0 = first, bw = backward) and gate, the mean activation (solid), ' +
      'the fraction left-saturated (dotted) and right-saturated (dashed); and the gradient-flow ratio ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ (log scale; near 1 = the first step still gets gradient, tiny = vanishing). ' +
      'The same metrics, named gate/l0/f/mean, gate/l0/f/satRight, grad/l0/h1OverhT, …, are in the CSV and JSON exports and the lab\'s charts.',
    svg,
    width,
    height
  }
}

/** Every figure of the section, in the order it shows them. */
export function insideFigures(section: InsideSection): Figure[] {
  const figures: Figure[] = []
  for (const run of section.runs) if (run.result) figures.push(...heatmapsOf(run))
  const grad = gradientFigure(section.runs)
  if (grad) figures.push(grad)
  for (const run of section.runs) {
    const sat = saturationFigure(run)
    if (sat) figures.push(sat)
  }
  const tele = telemetryFigure(section.runs)
  if (tele) figures.push(tele)
  return figures
}

/** The section's HTML; `figureHtml` is the report's own figure markup (html.ts). */
export function insideSectionHtml(section: InsideSection, figures: readonly Figure[], figureHtml: (f: Figure) => string): string {
  const e = escapeHtml
  const which = section.sequence === 'worst' ? 'the worst-predicted test sequence (highest loss)' : `test sequence ${section.sequence}`
  const missing = section.runs.filter((r) => !r.result).map((r) => `<p class="omitted">${e(r.runId)}: ${e(r.reason ?? 'not inspected')}</p>`)
  const noTelemetry = section.runs.filter((r) => r.telemetry.length === 0).map((r) => r.runId)
  const byId = (prefix: string): string => figures.filter((f) => f.id.startsWith(prefix)).map(figureHtml).join('\n')
  return `<section id="inside"><h2>Inside the cell</h2>
<p>What the trained cells do, computed by GateLab's inspector (the exact equations of each run's cell form, in float64, on its saved best weights and its data rebuilt as it trained; <code>gatelab inspect</code> gives the same numbers as JSON or CSV). The heatmaps and the gradient-flow plot show ${e(which)}.</p>
${missing.join('\n')}
<h3>Gates and states over time</h3>
${byId('inside-heatmap-') || '<p class="omitted">No run could be inspected.</p>'}
<h3>Gradient flow through time</h3>
${byId('inside-gradient-flow') || '<p class="omitted">No gradients to show.</p>'}
<h3>Gate saturation</h3>
${byId('inside-saturation-') || '<p class="omitted">No gate statistics (a vanilla RNN has no gates).</p>'}
<h3>Gate telemetry while training</h3>
${byId('inside-telemetry') || '<p class="omitted">No gate telemetry was recorded (runs trained before it existed, or with telemetry off).</p>'}
${noTelemetry.length > 0 && noTelemetry.length < section.runs.length ? `<p class="omitted">No telemetry recorded for ${noTelemetry.map(e).join(', ')}.</p>` : ''}
</section>`
}
