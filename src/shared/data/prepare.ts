/**
 * From collected columns to a SequenceDataset: order by time, treat missing values, split in time order, fit the
 * scaling on the training period, cut windows. `planSeries` does every check without building tensors' worth of
 * arrays (inspection uses it as a dry run); `buildDataset` then materialises the windows.
 */
import { dataError } from './errors'
import { option } from '../wording'
import { fitScaling, applyScaling, type Scaling, type ScalingKind } from './scaling'
import { listLines, type CollectedSeries } from './scan'
import { defaultSplit, fitLookback, makeWindows, splitRows, type Parts, type SplitFractions, type WindowSpec } from './window'
import type { Split, TableMeta } from './types'
import { spacingOf } from './time'
import { seriesBaselines, type SeriesBaselines } from '../baselines/series'

export type MissingPolicy = 'error' | 'drop' | 'ffill' | 'interpolate'

export interface PlanOptions extends WindowSpec {
  file: string
  missing: MissingPolicy
  split?: SplitFractions
  /** The lookback was not chosen: fit it to the rows (fitLookback, with `lookback` as the cap). */
  fitLookback?: boolean
}

export interface Plan {
  series: CollectedSeries
  parts: Parts
  spec: WindowSpec
  /** The rows were not in time order and were sorted. */
  sorted: boolean
  duplicateTimes: number
  dropped: number
  filled: number
}

/** Above this many float32 values (1 GiB) the windows would not fit comfortably in a trainer process. */
export const maxWindowFloats = 2 ** 28

export function planSeries(input: CollectedSeries, options: PlanOptions): Plan {
  const { file } = options
  let series = input
  let sorted = false
  let duplicateTimes = 0
  let dropped = 0
  if (series.time) {
    const time = series.time
    const column = series.selection.time
    const empty: number[] = []
    for (let i = 0; i < series.length; i++) if (Number.isNaN(time[i]!)) empty.push(i)
    if (empty.length > 0) {
      if (options.missing !== 'drop') {
        const lines = empty.slice(0, 5).map((i) => series.lines[i]!)
        throw dataError('missing-values', { file, line: lines[0], column }, `${empty.length} row${empty.length === 1 ? ' has' : 's have'} no time (line${empty.length === 1 ? '' : 's'} ${listLines(lines, empty.length)})`, `Fill in the times, or choose ${option('missing', 'drop')} to skip those rows.`)
      }
      const drop = new Uint8Array(series.length)
      for (const i of empty) drop[i] = 1
      series = keepRows(series, drop)
      dropped += empty.length
    }
    const t = series.time!
    let ascending = true
    for (let i = 1; i < series.length; i++) {
      if (t[i]! < t[i - 1]!) ascending = false
    }
    if (!ascending) {
      // A stable sort keeps rows with equal times in file order.
      const order = Array.from({ length: series.length }, (_, i) => i).sort((a, b) => t[a]! - t[b]! || a - b)
      series = permute(series, order)
      sorted = true
    }
    const st = series.time!
    for (let i = 1; i < series.length; i++) if (st[i] === st[i - 1]) duplicateTimes++
  }
  const treated = treatMissing(series, options.missing, file)
  series = treated.series
  dropped += treated.dropped
  const fractions = options.split ?? defaultSplit
  const lookback = options.fitLookback ? fitLookback(series.length, options.horizon, options.lookback, fractions) : options.lookback
  const spec: WindowSpec = { lookback, horizon: options.horizon, stride: options.stride }
  const parts = splitRows(series.length, spec, fractions, file)
  const floats = (parts.train.windows + parts.val.windows + parts.test.windows) * (spec.lookback * series.selection.features.length + spec.horizon)
  if (floats > maxWindowFloats) {
    throw dataError('too-large', { file }, `These settings cut ${parts.train.windows + parts.val.windows + parts.test.windows} windows, ${(floats * 4 / 2 ** 30).toFixed(1)} GiB of float32 — more than a trainer holds comfortably`, `Raise ${option('stride')} (windows overlap less) or lower ${option('lookback')}.`)
  }
  return { series, parts, spec, sorted, duplicateTimes, dropped, filled: treated.filled }
}

function keepRows(series: CollectedSeries, drop: Uint8Array): CollectedSeries {
  let n = 0
  for (let i = 0; i < series.length; i++) if (!drop[i]) n++
  const pick = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n)
    for (let i = 0, j = 0; i < a.length; i++) if (!drop[i]) out[j++] = a[i]!
    return out
  }
  return { ...series, values: series.values.map(pick), lines: pick(series.lines), ...(series.time ? { time: pick(series.time) } : {}), length: n }
}

function permute(series: CollectedSeries, order: number[]): CollectedSeries {
  const apply = (a: Float64Array): Float64Array => Float64Array.from(order, (i) => a[i]!)
  return { ...series, values: series.values.map(apply), lines: apply(series.lines), ...(series.time ? { time: apply(series.time) } : {}) }
}

/**
 * error: report how many and where. drop: skip rows with any missing selected cell. ffill: repeat the last value.
 * interpolate: a straight line between the neighbouring values (in time when there is a time column, else by row).
 * Rows before a column's first value (and, for interpolate, after its last) have nothing to fill from and are dropped.
 */
export function treatMissing(series: CollectedSeries, policy: MissingPolicy, file: string): { series: CollectedSeries; dropped: number; filled: number } {
  let total = 0
  const firstLines: { line: number; column: string }[] = []
  series.values.forEach((col, c) => {
    for (let i = 0; i < series.length; i++) {
      if (Number.isNaN(col[i]!)) {
        total++
        if (firstLines.length < 5) firstLines.push({ line: series.lines[i]!, column: series.names[c]! })
      }
    }
  })
  if (total === 0) return { series, dropped: 0, filled: 0 }
  if (policy === 'error') {
    firstLines.sort((a, b) => a.line - b.line)
    const first = firstLines[0]!
    const where = firstLines.map((f) => `line ${f.line} (${f.column})`).join(', ')
    throw dataError('missing-values', { file, line: first.line, column: first.column }, `${total} missing value${total === 1 ? '' : 's'} in the columns used: ${where}${total > firstLines.length ? ', …' : ''}`, `Fill them in, or choose ${option('missing', ['drop', 'ffill', 'interpolate'])}.`)
  }
  const drop = new Uint8Array(series.length)
  let filled = 0
  const values = series.values.map((col) => Float64Array.from(col))
  for (const col of values) {
    const n = col.length
    let first = 0
    while (first < n && Number.isNaN(col[first]!)) drop[first++] = 1
    if (policy === 'drop') {
      for (let i = first; i < n; i++) if (Number.isNaN(col[i]!)) drop[i] = 1
      continue
    }
    let last = n - 1
    if (policy === 'interpolate') while (last >= first && Number.isNaN(col[last]!)) drop[last--] = 1
    for (let i = first; i <= last; i++) {
      if (!Number.isNaN(col[i]!)) continue
      if (policy === 'ffill') {
        col[i] = col[i - 1]!
        filled++
        continue
      }
      let j = i
      while (Number.isNaN(col[j]!)) j++
      const x0 = series.time ? series.time[i - 1]! : i - 1
      const x1 = series.time ? series.time[j]! : j
      for (let k = i; k < j; k++) {
        const xk = series.time ? series.time[k]! : k
        const w = x1 > x0 ? (xk - x0) / (x1 - x0) : (k - i + 1) / (j - i + 1)
        col[k] = col[i - 1]! + w * (col[j]! - col[i - 1]!)
        filled++
      }
      i = j
    }
  }
  const kept = keepRows({ ...series, values }, drop)
  if (kept.length === 0) {
    throw dataError('missing-values', { file }, `Every row misses a value in the columns used (${series.names.join(', ')})`, 'Choose other columns, or fill in the file.')
  }
  return { series: kept, dropped: series.length - kept.length, filled }
}

export interface BuiltWindows {
  train: Split
  val: Split
  test: Split
  scaling: Scaling
  /** Test-period MSE, in scaled units, of predicting the last input value and of predicting the training mean. */
  baselines: Record<string, number>
  /** Every baseline on the validation and test windows (src/shared/baselines/series.ts), and their predictions. */
  baselineSet: SeriesBaselines['set']
  baselinePredictions: SeriesBaselines['predictions']
  /** With a time column: the time of each test window's first target row. */
  testTimes?: Float64Array
  table: PlanSummary
}

/** What the data source knows about its target beyond the file: its unit and a stated season (bundled series). */
export interface TargetFacts {
  unit?: string
  season?: number
}

/**
 * Fits the scaling on the training rows of the columns [...features, target] (so meta.scaling lists the features,
 * then the target) and cuts the windows.
 */
export function buildWindows(plan: Plan, scalingKind: ScalingKind, facts: TargetFacts = {}): BuiltWindows {
  const { series, parts, spec } = plan
  const { target, features } = series.selection
  const columnOf = (name: string): Float64Array => series.values[series.names.indexOf(name)]!
  const columns = [...features.map(columnOf), columnOf(target)]
  const scaling = fitScaling(scalingKind, columns, parts.train.start, parts.train.end)
  const scaled = applyScaling(scaling, columns)
  const inputs = features.map((_, i) => i)
  const t = features.length
  const train = makeWindows(scaled, inputs, t, parts.train, spec)
  const val = makeWindows(scaled, inputs, t, parts.val, spec)
  const test = makeWindows(scaled, inputs, t, parts.test, spec)
  const ys = scaled[t]!
  let persistence = 0
  let mean = 0
  const trainMean = (() => {
    let s = 0
    for (let i = parts.train.start; i < parts.train.end; i++) s += ys[i]!
    return s / Math.max(1, parts.train.end - parts.train.start)
  })()
  for (let w = 0; w < test.n; w++) {
    const s = parts.test.start + w * spec.stride
    const lastSeen = ys[s + spec.lookback - 1]!
    for (let h = 0; h < spec.horizon; h++) {
      const y = test.y[w * spec.horizon + h]!
      persistence += (y - lastSeen) ** 2
      mean += (y - trainMean) ** 2
    }
  }
  const count = Math.max(1, test.n * spec.horizon)
  const reference = seriesBaselines({
    ys,
    parts,
    spec,
    train,
    val,
    test,
    features,
    target: { name: target, ...(facts.unit ? { unit: facts.unit } : {}), scale: scaling.scale[t]!, scaling: scaling.kind },
    ...(facts.season !== undefined ? { season: facts.season } : {})
  })
  const time = series.time
  return {
    train,
    val,
    test,
    scaling,
    baselines: { testMsePersistence: persistence / count, testMseTrainMean: mean / count },
    baselineSet: reference.set,
    baselinePredictions: reference.predictions,
    ...(time ? { testTimes: Float64Array.from({ length: test.n }, (_, w) => time[parts.test.start + w * spec.stride + spec.lookback]!) } : {}),
    table: describePlan(plan)
  }
}

export type PlanSummary = Omit<TableMeta, 'file' | 'rows' | 'dialect'>

/** What a plan does, in the words meta.table and the inspection use: rows, periods with their file lines, windows. */
export function describePlan(plan: Plan): PlanSummary {
  const line = (i: number): number => plan.series.lines[i]!
  const period = (p: Parts['train']) => ({ rows: p.end - p.start, windows: p.windows, firstLine: line(p.start), lastLine: line(p.end - 1) })
  const { time } = plan.series.selection
  return {
    usedRows: plan.series.length,
    window: plan.spec,
    split: { train: period(plan.parts.train), val: period(plan.parts.val), test: period(plan.parts.test) },
    missing: { dropped: plan.dropped, filled: plan.filled },
    ...(time !== undefined ? { time: { column: time, sorted: plan.sorted, duplicates: plan.duplicateTimes, ...timeFacts(plan.series) } } : {})
  }
}

/** The time column's form, range and spacing (irregular spacing is reported by inspect-csv and the preview). */
function timeFacts(series: CollectedSeries): Partial<NonNullable<TableMeta['time']>> {
  const t = series.time
  if (!t || series.length === 0) return {}
  const spacing = spacingOf(t)
  return {
    ...(series.timeFormat ? { format: series.timeFormat } : {}),
    first: t[0]!,
    last: t[series.length - 1]!,
    ...(spacing ? { step: spacing.step, gaps: spacing.gaps, largestGap: spacing.largest } : {})
  }
}
