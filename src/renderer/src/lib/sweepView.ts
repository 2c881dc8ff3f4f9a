/**
 * Pure logic of the Sweeps page and the statistics panel: the live preview of a sweep spec (the shared expandSweep,
 * exactly as the host runs it), what a sweep varied and each run's value for it, the metric a run is judged by, the
 * data behind the parallel-coordinates and scatter charts, progress segments, and number formatting by interval width.
 */
import type { RunSummary } from '../../../shared/api'
import { betterDirection, type MetricStat } from '../../../shared/comparison'
import { cells, runConfigSchema } from '../../../shared/config'
import type { RunStatus } from '../../../shared/protocol'
import { formatNumber, type Interval, type KeyValue } from '../../../shared/stats'
import { expandSweep } from '../../../shared/sweep'

export type Cell = (typeof cells)[number]

// ---------------------------------------------------------------------------------------------------------------
// The spec editor

/** The editor's starting point: LSTM against GRU on the adding task, three seeds, matched parameter budgets. */
export const exampleSpec = {
  name: 'LSTM vs GRU on adding',
  base: { task: 'adding', seqLen: 20, samples: 640, valSamples: 200, testSamples: 200, units: 16, epochs: 5, batch: 32 },
  grid: { cell: ['lstm', 'gru'] },
  seeds: [1, 2, 3],
  matchParams: 'lstm'
}

export const exampleSpecText = JSON.stringify(exampleSpec, null, 2)

export type SpecPreview =
  | {
      ok: true
      name: string
      runs: number
      /** Runs per cell, in the order LSTM, GRU, RNN (cells with none left out). */
      perCell: Array<{ cell: Cell; runs: number }>
      /** The keys the sweep varies (grid and random), and whether it repeats over seeds. */
      varied: string[]
      seeds: number
      /** The cell whose parameter budget the others get (their units are chosen by the host, which knows the data shapes). */
      matchParams: Cell | null
      spec: Record<string, unknown>
    }
  | { ok: false; message: string }

/**
 * Parses the editor's text and expands it with the shared expandSweep. matchParams needs each dataset's input and
 * output sizes, which only the host can compute (it may read a CSV file); a stand-in shape gives the same run count
 * and the same validation, and the matched unit counts are not shown here.
 */
export function previewSpec(text: string): SpecPreview {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${(e as Error).message}` }
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, message: 'A sweep spec is a JSON object, e.g. {"base": {…}, "grid": {"cell": ["lstm", "gru"]}, "seeds": [1, 2, 3]}' }
  const spec = input as Record<string, unknown>
  const result = expandSweep(spec, () => ({ inputSize: 1, outputSize: 1 }))
  if (!result.ok) return { ok: false, message: result.message }
  const perCell = cells.map((cell) => ({ cell, runs: result.runs.filter((r) => r.config.cell === cell).length })).filter((c) => c.runs > 0)
  const matchParams = typeof spec.matchParams === 'string' && (cells as readonly string[]).includes(spec.matchParams) ? (spec.matchParams as Cell) : null
  return {
    ok: true,
    name: result.name,
    runs: result.runs.length,
    perCell,
    varied: sweptKeys(spec),
    seeds: Array.isArray(spec.seeds) ? spec.seeds.length : 0,
    matchParams,
    spec
  }
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/**
 * The settings a sweep varies, in the spec's order (grid, then random), seeds excluded. With matchParams the units
 * differ between cells too, so they count as varied.
 */
export function sweptKeys(spec: unknown): string[] {
  const s = record(spec)
  const keys = [...Object.keys(record(s.grid)), ...Object.keys(record(s.random))].filter((k) => k !== 'seed')
  if (typeof s.matchParams === 'string' && !keys.includes('units')) keys.push('units')
  return [...new Set(keys)]
}

// ---------------------------------------------------------------------------------------------------------------
// Runs of a sweep

const hpKeys = new Set(['units', 'layers', 'lr', 'batch', 'epochs', 'optimizer', 'seqLen'])

function scalar(value: unknown): KeyValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

/**
 * A run's value of a swept key without loading its full config: the host records what the sweep gave each run in its
 * group key (grid, random and matched values); otherwise the run's key hyperparameters, its cell, or the spec's base.
 */
export function runSetting(run: Pick<RunSummary, 'groupKey' | 'hp' | 'cell' | 'seed' | 'task'>, key: string, spec?: unknown): KeyValue {
  if (run.groupKey) {
    try {
      const varied = record(JSON.parse(run.groupKey))
      if (key in varied) return scalar(varied[key])
    } catch {
      // Not JSON: fall through to the other sources.
    }
  }
  if (key === 'cell') return run.cell
  if (key === 'seed') return run.seed
  if (key === 'task') return run.task
  if (hpKeys.has(key)) return scalar(run.hp[key as keyof RunSummary['hp']])
  const base = record(record(spec).base)
  if (key in base) return scalar(base[key])
  return null
}

/** The number a run is judged by: its best value of the metric (min for losses, max for accuracy) or its last. */
export function runMetric(run: Pick<RunSummary, 'summary'>, metric: string, stat: MetricStat): number | null {
  const s = run.summary[metric]
  if (!s) return null
  const v = stat === 'last' ? s.last : betterDirection(metric) === 'lower' ? s.min : s.max
  return v !== null && Number.isFinite(v) ? v : null
}

/** Metric names the runs recorded (from their summaries) joined with those listMetrics returned. */
export function unionMetrics(runs: ReadonlyArray<Pick<RunSummary, 'summary'>>, listed: readonly string[]): string[] {
  const out = new Set(listed)
  for (const r of runs) for (const m of Object.keys(r.summary)) out.add(m)
  return [...out]
}

export const terminalStatuses: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'failed', 'cancelled', 'interrupted'])

/** Runs that "cancel remaining" stops: queued first (so they never start), then running. */
export function cancellable(runs: ReadonlyArray<Pick<RunSummary, 'id' | 'status'>>): string[] {
  return [...runs.filter((r) => r.status === 'queued'), ...runs.filter((r) => r.status === 'preparing' || r.status === 'running')].map((r) => r.id)
}

export interface ProgressSegment {
  status: RunStatus
  count: number
  /** Share of the total, 0..1. */
  fraction: number
}

const statusOrder: RunStatus[] = ['completed', 'running', 'preparing', 'queued', 'failed', 'cancelled', 'interrupted']

/** The stacked progress bar of a sweep: one segment per status present, finished work first. */
export function progressSegments(counts: Partial<Record<RunStatus, number>>, total: number): ProgressSegment[] {
  if (total <= 0) return []
  return statusOrder.filter((s) => (counts[s] ?? 0) > 0).map((status) => ({ status, count: counts[status]!, fraction: counts[status]! / total }))
}

export function countStatuses(runs: ReadonlyArray<Pick<RunSummary, 'status'>>): Partial<Record<RunStatus, number>> {
  const out: Partial<Record<RunStatus, number>> = {}
  for (const r of runs) out[r.status] = (out[r.status] ?? 0) + 1
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Chart data

export type AxisKind = 'value' | 'log' | 'category'

/** Learning-rate-like settings spread over orders of magnitude: drawn on a log axis. */
export function isLogLike(key: string, spec?: unknown): boolean {
  const random = record(record(spec).random)
  if (record(random[key]).logUniform !== undefined) return true
  return /(^|[a-z])(lr|Lr)$|^lr|learningRate|weightDecay|minDelta|^clip$/.test(key)
}

/** How a setting's axis is drawn: numbers on a value axis (log for lr-like keys when every value is positive), the rest as categories. */
export function axisKind(key: string, values: readonly KeyValue[], spec?: unknown): AxisKind {
  const present = values.filter((v) => v !== null)
  if (present.length === 0 || !present.every((v) => typeof v === 'number')) return 'category'
  if (isLogLike(key, spec) && present.every((v) => (v as number) > 0)) return 'log'
  return 'value'
}

/** Category labels in a stable, natural order (numbers numerically, cells in the order LSTM, GRU, RNN). */
export function categories(values: readonly KeyValue[]): string[] {
  const labels = [...new Set(values.map((v) => (v === null ? '—' : String(v))))]
  const cellRank = (s: string): number => (cells as readonly string[]).indexOf(s)
  return labels.sort((a, b) => {
    const ca = cellRank(a)
    const cb = cellRank(b)
    if (ca >= 0 && cb >= 0) return ca - cb
    return a.localeCompare(b, 'en', { numeric: true })
  })
}

export interface PlotAxis {
  key: string
  kind: AxisKind
  /** For category axes, the labels in order. */
  categories?: string[]
  /** For number axes: every value is a whole number (units, layers, batch), so ticks should be too. */
  integer?: boolean
}

export interface PlotRow {
  runId: string
  name: string
  cell: Cell
  /** One value per setting axis (numbers, or category labels), then the metric. */
  values: Array<number | string>
  metric: number
}

export interface SweepPlot {
  axes: PlotAxis[]
  rows: PlotRow[]
  /** Runs without a finite value of the metric (still queued or running, failed, diverged). */
  missing: number
}

/**
 * The data of the parallel-coordinates and scatter charts: one row per run that has the metric, one axis per swept
 * setting. Settings every run shares add nothing and are left out (a lone 'cell' grid stays: it is the comparison).
 */
export function sweepPlot(
  runs: ReadonlyArray<Pick<RunSummary, 'id' | 'name' | 'groupKey' | 'hp' | 'cell' | 'seed' | 'task' | 'summary'>>,
  keys: readonly string[],
  metric: string,
  stat: MetricStat,
  spec?: unknown,
  nameOf: (run: Pick<RunSummary, 'id' | 'name' | 'cell' | 'task'>) => string = (r) => r.name || r.id
): SweepPlot {
  const settings = runs.map((r) => keys.map((k) => runSetting(r, k, spec)))
  const axes: PlotAxis[] = []
  const used: number[] = []
  keys.forEach((key, i) => {
    const values = settings.map((s) => s[i]!)
    const distinct = new Set(values.map((v) => JSON.stringify(v)))
    if (distinct.size < 2 && key !== 'cell') return
    const kind = axisKind(key, values, spec)
    axes.push(kind === 'category' ? { key, kind, categories: categories(values) } : { key, kind, integer: values.every((v) => v === null || Number.isInteger(v)) })
    used.push(i)
  })
  const rows: PlotRow[] = []
  let missing = 0
  runs.forEach((r, ri) => {
    const m = runMetric(r, metric, stat)
    if (m === null) {
      missing++
      return
    }
    const values = used.map((i, ai) => {
      const v = settings[ri]![i]!
      return axes[ai]!.kind === 'category' ? (v === null ? '—' : String(v)) : (v as number)
    })
    rows.push({ runId: r.id, name: nameOf(r), cell: r.cell, values, metric: m })
  })
  return { axes, rows, missing }
}

export interface MeanPoint {
  x: number | string
  y: number
  n: number
}

/** Mean of the metric per setting value and cell: the trend line drawn through a scatter plot's points. */
export function meansBy(rows: readonly PlotRow[], axisIndex: number): Map<Cell, MeanPoint[]> {
  const acc = new Map<Cell, Map<string, { x: number | string; sum: number; n: number }>>()
  for (const r of rows) {
    const x = r.values[axisIndex]!
    const byX = acc.get(r.cell) ?? new Map<string, { x: number | string; sum: number; n: number }>()
    const k = JSON.stringify(x)
    const e = byX.get(k) ?? { x, sum: 0, n: 0 }
    e.sum += r.metric
    e.n++
    byX.set(k, e)
    acc.set(r.cell, byX)
  }
  const out = new Map<Cell, MeanPoint[]>()
  for (const [cell, byX] of acc) {
    const pts = [...byX.values()].map((e) => ({ x: e.x, y: e.sum / e.n, n: e.n }))
    pts.sort((a, b) => (typeof a.x === 'number' && typeof b.x === 'number' ? a.x - b.x : String(a.x).localeCompare(String(b.x), 'en', { numeric: true })))
    out.set(cell, pts)
  }
  return out
}

/** Axis ticks: plain decimals down to 0.001, then the shortest exponent form ("1e-4", "2.5e-5"). */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  const a = Math.abs(v)
  if (a === 0 || (a >= 1e-3 && a < 1e6)) return String(Number(v.toPrecision(4)))
  return Number(v.toPrecision(3)).toExponential()
}

// ---------------------------------------------------------------------------------------------------------------
// The statistics panel

/** Keys a comparison can group by: every run setting (name, notes and tags excepted) and the run fields that vary. */
export function groupByOptions(suggested: readonly string[] = []): string[] {
  const first = ['cell', 'units', 'layers', 'lr', 'batch', 'optimizer', 'seqLen', 'dropout', 'task', 'bidirectional', 'epochs']
  const config = Object.keys(runConfigSchema.shape).filter((k) => !['name', 'notes', 'tags', 'seed'].includes(k))
  const fields = ['backend', 'cellForm', 'seed']
  const ordered = [...suggested, ...first, ...config.sort((a, b) => a.localeCompare(b)), ...fields]
  return [...new Set(ordered)]
}

/** Decimals that show two significant digits of an interval's half-width (three of the value when there is none). */
export function decimalsFor(halfWidth: number | null, value: number | null): number {
  const useHalf = halfWidth !== null && Number.isFinite(halfWidth) && halfWidth > 0
  const ref = useHalf ? halfWidth : Math.abs(value ?? 0)
  if (!(ref > 0) || !Number.isFinite(ref)) return 3
  const d = (useHalf ? 1 : 2) - Math.floor(Math.log10(ref))
  return Math.min(12, Math.max(0, d))
}

/** A value and its interval with matching decimals: { value: "0.0123", ci: "[0.0101, 0.0145]" }. */
export function formatWithCi(value: number | null, ci: Interval | null): { value: string; ci: string } {
  if (value === null || !Number.isFinite(value)) return { value: '—', ci: ci ? formatInterval(ci, decimalsFor((ci[1] - ci[0]) / 2, null)) : '—' }
  const d = decimalsFor(ci ? (ci[1] - ci[0]) / 2 : null, value)
  return { value: formatNumber(value, d), ci: ci ? formatInterval(ci, d) : '—' }
}

export function formatInterval(ci: Interval, decimals: number): string {
  return `[${formatNumber(ci[0], decimals)}, ${formatNumber(ci[1], decimals)}]`
}

/** Warnings of a comparison, each once: the comparison's own, then each pair's (named by its pair when there are several). */
export function collectWarnings(comparison: { warnings: string[]; pairs: ReadonlyArray<{ a: string; b: string; warnings: string[] }> }): string[] {
  const out: string[] = [...comparison.warnings]
  const several = comparison.pairs.length > 1
  for (const p of comparison.pairs) for (const w of p.warnings) out.push(several ? `${p.a} vs ${p.b}: ${w}` : w)
  return [...new Set(out)]
}
