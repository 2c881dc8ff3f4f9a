/**
 * The report model: everything a report shows, computed from the runs' records and full-resolution metrics, with no
 * HTML in it. html.ts renders it; tests read it directly. Pure: the same runs and environment give the same model.
 */
import os from 'node:os'
import type { RunDetail } from '../../shared/api'
import type { MetricPoint } from '../../shared/protocol'
import { betterDirection, compareRuns, groupLabel, type RunComparison } from '../../shared/comparison'
import { curveBand, groupBy, type CurveBand } from '../../shared/stats'
import { isTelemetryMetric, TELEMETRY_COST_METRIC } from '../../shared/telemetry'
import { isClassificationTask } from '../../shared/config'
import { appliedConfig } from '../../shared/runSettings'
import { cellColor, metricContext, metricTitle, runStyles, type Dash, type MetricContext } from '../../shared/figures'
import packageJson from '../../../package.json'
import { baselineSetOf } from '../../shared/baselines/types'
import type { RunData } from './source'

export interface ReportEnvironment {
  generatedAt: Date
  gatelabVersion: string
  /** The machine the report was made on (each run's own backend and versions are in its record). */
  machine: { platform: string; arch: string; cpuModel: string; cpus: number; memoryMb: number; node: string }
}

export function currentEnvironment(now: Date = new Date()): ReportEnvironment {
  const cpus = os.cpus()
  return {
    generatedAt: now,
    gatelabVersion: packageJson.version,
    machine: {
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpus: cpus.length,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.versions.node
    }
  }
}


export interface MetricStats {
  count: number
  last: number
  lastEpoch: number
  min: number
  minEpoch: number
  max: number
  maxEpoch: number
  /** Points whose value is NaN or ±Infinity (a diverged run): counted, never averaged in. */
  nonFinite: number
}

export interface CurveSeries {
  runId: string
  label: string
  color: string
  /** The run's line style, as the lab draws it (src/shared/figures/style.ts). */
  dash?: Dash
  /** [x, y] at full resolution; non-finite y kept as null (a gap, not a line to infinity). */
  points: Array<[number, number | null]>
}

export interface Curve {
  metric: string
  /** The metric in words with its unit: "validation loss (MSE, scaled)". */
  title?: string
  /** Per-epoch metrics are drawn against the epoch, per-step ones (batchLoss, gradNorm) against the optimizer step. */
  x: 'epoch' | 'step'
  series: CurveSeries[]
}

export interface ConfigRow {
  key: string
  values: string[]
  differs: boolean
}

export interface DatasetInfo {
  name: string
  description: string
  contentHash: string
  train: number
  val: number
  test: number
  meta: Record<string, unknown>
  runIds: string[]
}

export interface GroupBand {
  label: string
  color: string
  band: CurveBand
}

/** The group means and bands of one metric. */
export interface BandSet {
  metric: string
  title: string
  bands: GroupBand[]
}

export type GroupSection =
  | {
      shown: true
      by: string[]
      comparisons: RunComparison[]
      bandMetric: string
      bands: GroupBand[]
      caveats: string[]
      /** Mean ± band of every per-epoch learning metric (the watched one first). */
      bandSets?: BandSet[]
    }
  | { shown: false; reason: string }

export interface PredictionSet {
  runId: string
  label: string
  color: string
  split: string
  truth: number[]
  predicted: number[]
  /** The target's name and unit (series runs): the values are in its original units. */
  target?: { name: string; unit?: string | null }
}

/** Runs without predictions, and why. */
export type PredictionSection = { shown: true; sets: PredictionSet[]; missing: string[] } | { shown: false; reason: string }

/** A run's predictions (saved or computed), or why there are none. */
export type PredictionInput = { split: string; truth: number[]; predicted: number[] } | { reason: string }

export interface ReportModel {
  title: string
  generatedAt: string
  gatelabVersion: string
  machine: ReportEnvironment['machine']
  runs: Array<{ run: RunDetail; label: string; color: string; dash?: Dash }>
  /** What the metrics' units are for these runs (loss, scaling), for titles in words. */
  metricContext?: MetricContext
  datasets: DatasetInfo[]
  /** Runs whose dataset was never recorded (e.g. failed before training started). */
  runsWithoutDataset: string[]
  config: ConfigRow[]
  metrics: string[]
  curves: Curve[]
  /** metric → run id → statistics over that run's full-resolution points. */
  summary: Record<string, Record<string, MetricStats | null>>
  testMetrics: string[]
  groups: GroupSection
  predictions: PredictionSection
}

/** Bookkeeping metrics go last: they explain a run, they are not what it learned. */
export const diagnostics = ['lr', 'epochMs', 'numTensors']
const stepMetrics = new Set(['batchLoss', 'gradNorm'])

/** Metrics in reading order: validation first, then training, then per-step, then diagnostics; alphabetical within. */
export function orderMetrics(names: Iterable<string>): string[] {
  const rank = (m: string): number =>
    diagnostics.includes(m) ? 4 : stepMetrics.has(m) ? 3 : m.startsWith('val') ? 0 : m === 'loss' ? 1 : 2
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

export { betterDirection }

/**
 * How a run is named in legends and titles: its name (the colour and line style say its cell), or its id and cell when
 * it has no name of its own.
 */
export function runLabel(run: Pick<RunDetail, 'id' | 'name' | 'cell'>): string {
  return run.name && run.name !== run.id ? run.name : `${run.id} (${run.cell.toUpperCase()})`
}

/** Run labels for legends: the name, with the id added where two runs share a name. */
function runLabels(runs: ReadonlyArray<Pick<RunDetail, 'id' | 'name' | 'cell'>>): string[] {
  const labels = runs.map(runLabel)
  const count = new Map<string, number>()
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1)
  return labels.map((l, i) => ((count.get(l) ?? 0) > 1 ? `${l} (${runs[i]!.id})` : l))
}

/** Statistics of one metric over one run's points (any order), at full resolution. */
export function metricStats(points: readonly MetricPoint[]): MetricStats | null {
  if (points.length === 0) return null
  const sorted = [...points].sort((a, b) => a.step - b.step || a.epoch - b.epoch)
  const last = sorted[sorted.length - 1] as MetricPoint
  let min: MetricPoint | null = null
  let max: MetricPoint | null = null
  let nonFinite = 0
  for (const p of sorted) {
    if (!Number.isFinite(p.value)) {
      nonFinite++
      continue
    }
    if (min === null || p.value < min.value) min = p
    if (max === null || p.value > max.value) max = p
  }
  return {
    count: points.length,
    last: last.value,
    lastEpoch: last.epoch,
    min: min?.value ?? NaN,
    minEpoch: min?.epoch ?? NaN,
    max: max?.value ?? NaN,
    maxEpoch: max?.epoch ?? NaN,
    nonFinite
  }
}

function byMetric(points: readonly MetricPoint[]): Map<string, MetricPoint[]> {
  const map = new Map<string, MetricPoint[]>()
  for (const p of points) {
    let list = map.get(p.name)
    if (!list) map.set(p.name, (list = []))
    list.push(p)
  }
  return map
}

function perEpoch(metric: string, runs: readonly RunDetail[], points: ReadonlyMap<string, Map<string, MetricPoint[]>>): boolean {
  return xAxisFor(metric, runs.map((r) => points.get(r.id)?.get(metric))) === 'epoch'
}

/** A metric is per-epoch when no run logged it more than once in an epoch. */
function xAxisFor(metric: string, perRun: Array<MetricPoint[] | undefined>): 'epoch' | 'step' {
  if (stepMetrics.has(metric)) return 'step'
  for (const points of perRun) {
    if (!points) continue
    const epochs = new Set(points.map((p) => p.epoch))
    if (epochs.size < points.length) return 'step'
  }
  return 'epoch'
}

/** Flattens a config into dotted keys ("earlyStopping.patience"), so nested options diff line by line. */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0 && prefix) out[prefix] = '{}'
    for (const [k, v] of entries) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out)
  } else if (prefix) {
    out[prefix] = value === undefined ? '—' : JSON.stringify(value)
  }
  return out
}

export function configRows(configs: readonly unknown[]): ConfigRow[] {
  const flat = configs.map((c) => flattenConfig(c))
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))]
  return keys.map((key) => {
    const values = flat.map((f) => f[key] ?? '—')
    return { key, values, differs: new Set(values).size > 1 }
  })
}

function datasetsOf(runs: readonly RunDetail[]): { datasets: DatasetInfo[]; without: string[] } {
  const byHash = new Map<string, DatasetInfo>()
  const without: string[] = []
  for (const run of runs) {
    const d = run.dataset
    if (!d) {
      without.push(run.id)
      continue
    }
    const key = `${d.contentHash}\u0000${d.name}`
    const known = byHash.get(key)
    if (known) known.runIds.push(run.id)
    else byHash.set(key, { ...d, runIds: [run.id] })
  }
  return { datasets: [...byHash.values()], without }
}

/** Config keys that legitimately differ between the runs of a cell comparison (identity, seeds, cell-only options). */
const notConfounders = new Set(['name', 'notes', 'tags', 'seed', 'cell', 'gruForm', 'unitForgetBias'])

function groupSection(runs: readonly RunDetail[], points: ReadonlyMap<string, Map<string, MetricPoint[]>>, metrics: readonly string[], context: MetricContext): GroupSection {
  const groups = groupBy(runs, ['cell'], (run, key) => (run as unknown as Record<string, unknown>)[key])
  if (runs.length < 2) return { shown: false, reason: 'A grouped comparison needs runs of at least two cells; this report has one run.' }
  if (groups.length < 2) {
    return { shown: false, reason: `All ${runs.length} runs use the same cell (${runs[0]?.cell}), so there are no groups to compare.` }
  }
  const caveats: string[] = []
  const confounders = configRows(runs.map((r) => r.config)).filter((row) => row.differs && !notConfounders.has(row.key.split('.')[0] as string))
  if (confounders.length > 0) {
    caveats.push(
      `The runs also differ in ${confounders.map((r) => r.key).join(', ')}: the groups compare those settings too, not the cell alone.`
    )
  }
  const datasets = new Set(runs.map((r) => r.dataset?.contentHash ?? 'none'))
  if (datasets.size > 1) caveats.push('The runs did not all train on the same data (different dataset hashes).')
  const forms = new Set(runs.filter((r) => r.cell === 'gru').map((r) => r.cellForm ?? 'unknown'))
  // CELLS.md: reset-before (tfjs-layers) and reset-after (Keras 2+, PyTorch, the fused engine) are different cells.
  if (forms.size === 1) caveats.push(`The GRU runs computed the ${[...forms][0]} form (CELLS.md); other libraries may default to another.`)
  if (forms.size > 1) caveats.push(`The GRU runs mix cell forms (${[...forms].join('; ')}): they are different cells (CELLS.md).`)

  // The same comparison `gatelab compare` and the compare view show (src/shared/comparison.ts): the watched metric's
  // best and last values per run, grouped by cell, every pair tested.
  const watched = runs.find((r) => r.best)?.best?.metric ?? 'valLoss'
  const comparisons = (['best', 'last'] as const)
    .map((stat) => compareRuns(runs, { groupBy: ['cell'], metric: watched, stat }))
    .filter((c) => c.groups.some((g) => g.n > 0))

  // Grouped curves: the mean and 95% band per epoch across each group's runs, for the watched metric (first) and every
  // other per-epoch learning metric; the groups take their cell's colour.
  const bandsOf = (metric: string): GroupBand[] =>
    groups.map((g) => {
      const series = g.items.map((r) => {
        const pts = (points.get(r.id)?.get(metric) ?? []).filter((p) => Number.isFinite(p.value))
        return { x: pts.map((p) => p.epoch), y: pts.map((p) => p.value) }
      })
      return { label: groupLabel(g.key), color: cellColor(g.items[0]!.cell), band: curveBand(series) }
    })
  const bandMetric = watched
  const bands = bandsOf(bandMetric)
  const banded = [bandMetric, ...metrics.filter((m) => m !== bandMetric && !diagnostics.includes(m) && !stepMetrics.has(m) && perEpoch(m, runs, points))]
  const bandSets = banded.map((metric) => ({ metric, title: metricTitle(metric, context), bands: metric === bandMetric ? bands : bandsOf(metric) }))
  return { shown: true, by: ['cell'], comparisons, bandMetric, bands, caveats, bandSets }
}

/**
 * The predictions artifact (`predictions.json`, kind "predictions"), when a run saved one:
 * {"split": "test", "truth": number[], "predicted": number[]} — the first output of the first sequences of a split.
 */
export const PREDICTIONS_FILE = 'predictions.json'

export function parsePredictions(bytes: Uint8Array): { split: string; truth: number[]; predicted: number[] } | null {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { split?: unknown; truth?: unknown; predicted?: unknown }
    const nums = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number')
    if (!nums(json.truth) || !nums(json.predicted) || json.truth.length !== json.predicted.length) return null
    return { split: typeof json.split === 'string' ? json.split : 'test', truth: json.truth, predicted: json.predicted }
  } catch {
    return null
  }
}

export interface ModelOptions {
  title?: string
  /** Each run's predictions, or why it has none (see exports.ts: the saved artifact, else computed from the weights). */
  predictions?: ReadonlyMap<string, PredictionInput>
}

export function buildReportModel(data: readonly RunData[], env: ReportEnvironment, options: ModelOptions = {}): ReportModel {
  // The lab's own run styles: colour by cell (LSTM blue, GRU orange), a line style per run of the same cell.
  const styles = runStyles(data.map((d) => d.run))
  const labels = runLabels(data.map((d) => d.run))
  const runs = data.map((d, i) => ({ run: d.run, label: labels[i]!, color: styles.get(d.run.id)!.color, dash: styles.get(d.run.id)!.dash }))
  const context = metricContext(data.map((d) => d.run.config), isClassificationTask)
  const perRun = new Map(data.map((d) => [d.run.id, byMetric(d.points)]))
  // Gate telemetry (gate/…, grad/…) is drawn compactly by the "Inside the cell" section (--inside), not one chart each.
  const metrics = orderMetrics(data.flatMap((d) => d.points.map((p) => p.name)).filter((n) => !isTelemetryMetric(n) && n !== TELEMETRY_COST_METRIC))

  const curves: Curve[] = metrics.map((metric) => {
    const x = xAxisFor(metric, data.map((d) => perRun.get(d.run.id)?.get(metric)))
    return {
      metric,
      title: metricTitle(metric, context),
      x,
      series: runs
        .filter((r) => perRun.get(r.run.id)?.has(metric))
        .map((r) => ({
          runId: r.run.id,
          label: r.label,
          color: r.color,
          dash: r.dash,
          points: [...(perRun.get(r.run.id)?.get(metric) ?? [])]
            .sort((a, b) => a.step - b.step)
            .map((p): [number, number | null] => [x === 'epoch' ? p.epoch : p.step, Number.isFinite(p.value) ? p.value : null])
        }))
    }
  })

  const summary: ReportModel['summary'] = {}
  for (const metric of metrics) {
    summary[metric] = Object.fromEntries(runs.map((r) => [r.run.id, metricStats(perRun.get(r.run.id)?.get(metric) ?? [])]))
  }

  const { datasets, without } = datasetsOf(data.map((d) => d.run))
  const title =
    options.title ??
    (runs.length === 1 ? `GateLab report: ${runs[0]!.label}` : `GateLab report: ${runs.length} runs (${[...new Set(runs.map((r) => r.run.cell.toUpperCase()))].join(' vs ')})`)

  const sets: PredictionSet[] = []
  const missing: string[] = []
  for (const r of runs) {
    const p = options.predictions?.get(r.run.id)
    const target = baselineSetOf(r.run.dataset?.meta)?.target
    if (p && 'truth' in p) sets.push({ runId: r.run.id, label: r.label, color: r.color, ...p, ...(target && target.scaling !== undefined ? { target: { name: target.name, unit: target.unit ?? null } } : {}) })
    else missing.push(`${r.run.id}: ${p?.reason ?? 'no predictions were computed'}`)
  }
  const predictions: PredictionSection =
    sets.length > 0
      ? { shown: true, sets, missing }
      : { shown: false, reason: `No predictions against truth: ${missing.join('; ')}.` }

  return {
    title,
    generatedAt: env.generatedAt.toISOString(),
    gatelabVersion: env.gatelabVersion,
    machine: env.machine,
    runs,
    metricContext: context,
    datasets,
    runsWithoutDataset: without,
    config: configRows(data.map((d) => appliedConfig(d.run))), // the settings that applied (src/shared/runSettings.ts)
    metrics,
    curves,
    summary,
    testMetrics: [...new Set(data.flatMap((d) => Object.keys(d.run.test)))].sort(),
    groups: groupSection(data.map((d) => d.run), perRun, metrics, context),
    predictions
  }
}
