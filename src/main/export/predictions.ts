/**
 * Predictions as data (issue 16, item 8): a run's best weights run on its whole test split, beside the truth and every
 * predicting baseline, in the data's original units — the table behind `gatelab export --format predictions`, the run
 * page's "Download predictions (CSV)" and its "Predictions over time" card (getPredictionTable).
 *
 * The data is rebuilt on the host from the run's recorded configuration, exactly as the trainer built it (built-in
 * tasks are generated from the seed; bundled series and CSV files are read again), and used only when its content hash
 * is the one the run recorded, so a changed file can never pass for the trained-on data. The baselines' predictions come
 * from the same code that computed the run's stored baseline scores (src/shared/baselines: seriesBaselines through
 * loadDataset for series, taskBaselinePredictions for built-in tasks), so the CSV's persistence column has the stored
 * persistence error. Values leave the model and the baselines in the run's scaled units and are scaled back with the
 * run's own fitted scaling (meta.scaling, shared/data/scaling.ts `unscale`).
 *
 * Classification (the order and copy tasks): target and prediction are class indices, `probability` is the softmax
 * probability of the predicted class, and the majority-class baseline predicts its class.
 *
 * TF.js and the engine load only on first use, so hosts that never show predictions never pay for them.
 */
import type { LayersModel } from '@tensorflow/tfjs'
import type { RunDetail } from '../../shared/api'
import { baselineSetOf, type BaselineId } from '../../shared/baselines/types'
import { taskBaselinePredictions } from '../../shared/baselines/tasks'
import { builtinTasks, type BuiltinTask } from '../../shared/config'
import { unscale } from '../../shared/data/scaling'
import { formatDate } from '../../shared/data/time'
import type { SequenceDataset } from '../../shared/data/types'
import { predictionUnit, type PredictionColumn, type PredictionTable } from '../../shared/predictions'

export type Loaded = { ok: true; data: SequenceDataset; model: LayersModel } | { ok: false; reason: string }

/**
 * A run's data and best model, rebuilt on this host (see the module comment), or why not. The caller disposes the
 * model. Also used by the reports' predictions (report/predictions.ts).
 */
export async function loadRunForPrediction(run: RunDetail, topology: Uint8Array, weights: Uint8Array): Promise<Loaded> {
  if (!run.dataset) return { ok: false, reason: 'the run recorded no dataset' }
  const [tf, { loadDataset }, { modelFromFiles }] = await Promise.all([import('@tensorflow/tfjs'), import('../engine/dataset'), import('../engine/artifacts')])
  // Production mode: no "install tfjs-node" banner in the middle of a CLI's output.
  tf.env().set('PROD', true)
  let data: SequenceDataset
  try {
    data = await loadDataset(run.config)
  } catch (error) {
    return { ok: false, reason: `its data could not be loaded again (${(error as Error).message})` }
  }
  if (data.meta.contentHash !== run.dataset.contentHash) {
    return { ok: false, reason: 'its data has changed since it trained (the content hash differs)' }
  }
  // Fused-engine models use GateLab's own layer classes, which must be registered before the model is rebuilt.
  if (new TextDecoder().decode(topology).includes('GateLabFused')) await import('../engine/fused/layers')
  const model = await modelFromFiles({ topology: new Uint8Array(topology), weights: new Uint8Array(weights) })
  return { ok: true, data, model }
}

/** Sequences per forward pass: bounds the host's memory on long test splits. */
const CHUNK = 1024

async function predictAll(model: LayersModel, data: SequenceDataset): Promise<Float32Array> {
  const { predict } = await import('../engine/artifacts')
  const width = data.seqLen * data.inputSize
  const parts: Float32Array[] = []
  for (let start = 0; start < data.test.n; start += CHUNK) {
    const n = Math.min(CHUNK, data.test.n - start)
    parts.push(predict(model, data, data.test.x.subarray(start * width, (start + n) * width), n))
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

const isBuiltin = (task: string): task is BuiltinTask => (builtinTasks as readonly string[]).includes(task)

/** The table of one loaded run (pure given the model's output; exported for tests). */
export function buildPredictionTable(run: Pick<RunDetail, 'id' | 'config'>, data: SequenceDataset, output: Float32Array): PredictionTable {
  const set = baselineSetOf(data.meta as unknown as Record<string, unknown>)
  const labelOf = (id: BaselineId): string => set?.entries.find((e) => e.id === id)?.label ?? id
  const test = data.test
  const builtin = isBuiltin(run.config.task)
  const baselinePredictions: Partial<Record<BaselineId, Float64Array>> = builtin
    ? taskBaselinePredictions({ task: run.config.task as BuiltinTask, seqLen: data.seqLen, outputSize: data.outputSize, train: data.train }, test)
    : (data.baselinePredictions?.test ?? {})
  const baselineIds = (Object.keys(baselinePredictions) as BaselineId[]).filter((id) => baselinePredictions[id] !== undefined)

  if (data.kind === 'classification') {
    const steps = data.perStep ? data.seqLen : 1
    const classes = data.outputSize
    const rows = test.n * steps
    const predicted = new Array<number>(rows)
    const probability = new Array<number>(rows)
    for (let r = 0; r < rows; r++) {
      let best = 0
      for (let c = 1; c < classes; c++) if (output[r * classes + c]! > output[r * classes + best]!) best = c
      predicted[r] = best
      probability[r] = output[r * classes + best]!
    }
    const columns: PredictionColumn[] = [
      { id: 'target', label: 'target class', values: Array.from(test.y.subarray(0, rows)) },
      { id: 'prediction', label: 'predicted class', values: predicted },
      { id: 'probability', label: 'probability', values: probability },
      ...baselineIds.map((id) => ({ id, label: labelOf(id), values: Array.from(baselinePredictions[id]!.subarray(0, rows)) }))
    ]
    return {
      runId: run.id,
      split: 'test',
      kind: 'classification',
      target: { name: 'class', unit: null, original: false },
      time: { name: 'sequence', kind: 'index', values: Array.from({ length: rows }, (_, r) => Math.floor(r / steps)) },
      ...(data.perStep ? { step: { name: 'step', values: Array.from({ length: rows }, (_, r) => (r % steps) + 1) } } : {}),
      columns
    }
  }

  if (data.perStep) throw new Error('predictions of per-step regression tasks are not supported')
  const horizon = data.outputSize
  const rows = test.n * horizon
  // Series: [...features, target] scaling, the target's entry after the features. Built-in tasks are not scaled.
  const scaling = data.meta.scaling
  const t = data.meta.features?.length ?? 0
  const original = !builtin && scaling !== undefined && scaling.scale[t] !== undefined
  const back = (v: number): number => (original ? unscale(scaling!, t, v) : v)
  const column = (id: PredictionColumn['id'], label: string, values: ArrayLike<number>): PredictionColumn => ({
    id,
    label,
    values: Array.from({ length: rows }, (_, r) => back(values[r]!))
  })
  const targetName = builtin ? 'target' : (data.meta.targets?.[0] ?? set?.target?.name ?? 'target')
  const timeMeta = data.meta.table?.time
  const times = data.testTimes
  const calendar = timeMeta?.format !== undefined && timeMeta.format !== 'number'
  const time: PredictionTable['time'] =
    times && timeMeta
      ? { name: timeMeta.column, kind: calendar ? 'date' : 'number', values: Array.from({ length: rows }, (_, r) => times[Math.floor(r / horizon)]!) }
      : { name: builtin ? 'sequence' : 'index', kind: 'index', values: Array.from({ length: rows }, (_, r) => Math.floor(r / horizon)) }
  return {
    runId: run.id,
    split: 'test',
    kind: 'regression',
    target: { name: targetName, unit: original ? (set?.target?.unit ?? null) : null, original },
    time,
    ...(horizon > 1 ? { step: { name: 'steps_ahead', values: Array.from({ length: rows }, (_, r) => (r % horizon) + 1) } } : {}),
    columns: [
      column('target', targetName, test.y),
      column('prediction', 'prediction', output),
      ...baselineIds.map((id) => column(id, labelOf(id), baselinePredictions[id]!))
    ]
  }
}

/** A run's prediction table, computed from its stored weights, or why there is none. */
export async function computePredictionTable(run: RunDetail, topology: Uint8Array, weights: Uint8Array): Promise<{ ok: true; table: PredictionTable } | { ok: false; reason: string }> {
  const loaded = await loadRunForPrediction(run, topology, weights)
  if (!loaded.ok) return loaded
  try {
    const output = await predictAll(loaded.model, loaded.data)
    return { ok: true, table: buildPredictionTable(run, loaded.data, output) }
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  } finally {
    loaded.model.dispose()
  }
}

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)

/** Eight significant digits: about what a float32 (the model and the scaled data) holds, without float noise. */
const number = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(8))) : '')

/**
 * The CSV: a header naming each column and its unit ("co2 [ppm]", "prediction [ppm]", "persistence [ppm]"), then one
 * line per row. Dates as ISO 8601 ("1967-01-01", with the time of day only when there is one).
 */
export function predictionCsv(table: PredictionTable): string {
  const unit = predictionUnit(table)
  const withUnit = (label: string, id: PredictionColumn['id']): string => (unit && id !== 'probability' ? `${label} [${unit}]` : label)
  const header = [table.time.name, ...(table.step ? [table.step.name] : []), ...table.columns.map((c) => withUnit(c.label, c.id))]
  const lines = [header.map(field).join(',')]
  const rows = table.time.values.length
  for (let r = 0; r < rows; r++) {
    const t = table.time.values[r]!
    const cells = [table.time.kind === 'date' ? formatDate(t) : number(t), ...(table.step ? [String(table.step.values[r])] : [])]
    for (const c of table.columns) cells.push(number(c.values[r]!))
    lines.push(cells.join(','))
  }
  return lines.join('\n') + '\n'
}
