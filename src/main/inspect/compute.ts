/**
 * The inspector's computation, pure: a run's float64 network (model.ts) and its data as it trained in, an
 * `inspectRun` request in, the result out. It runs in a worker thread (worker.ts) so the host's event loop stays free;
 * tests call it directly.
 */
import {
  accumulateTrace,
  accumulatorsFor,
  attribute,
  memoryRetention,
  networkBackward,
  networkForward,
  rowNorms,
  saturationThresholds,
  gateRange,
  explainedOutput,
  sequenceLoss,
  type GateAccumulator,
  type NetworkPass
} from '../../shared/cells'
import type { SequenceDataset, Split } from '../../shared/data/types'
import { createRng } from '../../shared/random'
import type {
  GateStatistics,
  InspectedSequence,
  InspectOk,
  InspectRequest,
  InspectSplit,
  InspectStatistics,
  LayerDirectionGradients,
  LayerDirectionMemory,
  LayerDirectionTraces,
  Matrix,
  TraceName
} from '../../shared/inspect'
import { kernelOutputs, kernelStatistics } from './kernelStats'
import type { InspectModel } from './model'

/** Input the user can fix (an index out of range, values with the wrong number of features): a bad request. */
export class InspectInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InspectInputError'
  }
}

const splitNames: Record<InspectSplit, string> = { train: 'training', val: 'validation', test: 'test' }

/** [T, H] in processing order → [H, T] on the input's time axis. */
function unitsBySteps(values: Float64Array, T: number, H: number, reversed: boolean): Matrix {
  const out = new Array<number>(H * T)
  for (let s = 0; s < T; s++) {
    const t = reversed ? T - 1 - s : s
    for (let k = 0; k < H; k++) out[k * T + t] = values[s * H + k]!
  }
  return { shape: [H, T], values: out }
}

/** [T] processing order → input time axis. */
function alongTime(values: Float64Array, reversed: boolean): number[] {
  const out = Array.from(values)
  return reversed ? out.reverse() : out
}

/** [T, D] → [D, T]. */
function featuresBySteps(values: ArrayLike<number>, T: number, D: number): Matrix {
  const out = new Array<number>(D * T)
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) out[d * T + t] = values[t * D + d]!
  return { shape: [D, T], values: out }
}

interface Scaling {
  input: (d: number, v: number) => number
  inputInverse: (d: number, v: number) => number
  target: (j: number, v: number) => number
  targetInverse: (j: number, v: number) => number
}

/** The run's recorded scaling (CSV and bundled series; entries follow [...features, ...targets]). */
function scalingOf(data: SequenceDataset): Scaling {
  const s = data.meta.scaling
  const k = data.meta.features?.length ?? data.inputSize
  if (!s || s.kind === 'none') return { input: (_, v) => v, inputInverse: (_, v) => v, target: (_, v) => v, targetInverse: (_, v) => v }
  const at = (i: number): [number, number] => [s.scale[i] ?? 1, s.offset[i] ?? 0]
  return {
    input: (d, v) => v * at(d)[0] + at(d)[1],
    inputInverse: (d, v) => (v - at(d)[1]) / at(d)[0],
    target: (j, v) => (data.kind === 'classification' ? v : v * at(k + j)[0] + at(k + j)[1]),
    targetInverse: (j, v) => (data.kind === 'classification' ? v : (v - at(k + j)[1]) / at(k + j)[0])
  }
}

/** Per-step targets in model units for sequence i of a split: [outputs] or [T · outputs]; class indices for classification. */
function splitTarget(data: SequenceDataset, split: Split, i: number): Float64Array {
  const width = (data.perStep ? data.seqLen : 1) * (data.kind === 'classification' ? 1 : data.outputSize)
  return Float64Array.from(split.y.subarray(i * width, (i + 1) * width))
}

function splitInput(data: SequenceDataset, split: Split, i: number): Float64Array {
  const size = data.seqLen * data.inputSize
  return Float64Array.from(split.x.subarray(i * size, (i + 1) * size))
}

/** Prediction in original units: values (regression) or class probabilities (classification), per output row. */
function predictionOf(data: SequenceDataset, y: Float64Array, scaling: Scaling, outputs: number): number[] {
  if (data.kind === 'classification') {
    const out: number[] = []
    for (let r = 0; r < y.length / outputs; r++) {
      const row = Array.from(y.subarray(r * outputs, (r + 1) * outputs))
      const max = Math.max(...row)
      const e = row.map((v) => Math.exp(v - max))
      const sum = e.reduce((a, b) => a + b, 0)
      out.push(...e.map((v) => v / sum))
    }
    return out
  }
  return Array.from(y, (v, j) => scaling.target(j % outputs, v))
}

/** The training split's mean per feature (model units): the integrated-gradients baseline (0 for z-scored data). */
export function trainingMean(data: SequenceDataset): Float64Array {
  const D = data.inputSize
  const mean = new Float64Array(D)
  const x = data.train.x
  const rows = x.length / D
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) mean[d] = mean[d]! + x[r * D + d]!
  if (rows > 0) for (let d = 0; d < D; d++) mean[d] = mean[d]! / rows
  return mean
}

/** The fused kernels' WebAssembly module is missing (a source checkout without `npm run build`). */
function isKernelMissing(error: unknown): boolean {
  return /gatelab_fused|WebAssembly/i.test((error as Error).message)
}

interface Chosen {
  source: InspectedSequence['source']
  x: Float64Array
  steps: number
  target: Float64Array | null
}

function chooseSequences(request: InspectRequest, model: InspectModel, data: SequenceDataset, scaling: Scaling): Chosen[] {
  const seq = request.sequence
  const T = data.seqLen
  const D = data.inputSize
  if (seq.kind === 'index') {
    const split = data[seq.split]
    if (seq.index >= split.n) {
      throw new InspectInputError(
        split.n === 0
          ? `The ${splitNames[seq.split]} split of this run is empty: choose another split`
          : `Index ${seq.index} is out of range: the ${splitNames[seq.split]} split has ${split.n} sequences (0–${split.n - 1})`
      )
    }
    return [{ source: { split: seq.split, index: seq.index }, x: splitInput(data, split, seq.index), steps: T, target: splitTarget(data, split, seq.index) }]
  }
  if (seq.kind === 'values') {
    const names = data.meta.features?.length === D ? ` (${data.meta.features.join(', ')})` : ''
    seq.values.forEach((row, t) => {
      if (row.length !== D) {
        throw new InspectInputError(`Step ${t + 1} of the values has ${row.length} feature${row.length === 1 ? '' : 's'}; this run's model takes ${D} per step${names}`)
      }
    })
    const steps = seq.values.length
    const x = new Float64Array(steps * D)
    seq.values.forEach((row, t) => row.forEach((v, d) => (x[t * D + d] = scaling.inputInverse(d, v))))
    let target: Float64Array | null = null
    if (seq.target) {
      const rows = data.perStep ? steps : 1
      const width = data.kind === 'classification' ? 1 : data.outputSize
      if (seq.target.length !== rows * width) {
        throw new InspectInputError(`The target has ${seq.target.length} values; this run needs ${rows * width} (${data.perStep ? 'one row per step' : 'one per sequence'}, ${width} each)`)
      }
      if (data.kind === 'classification' && seq.target.some((c) => !Number.isInteger(c) || c < 0 || c >= data.outputSize)) {
        throw new InspectInputError(`A class target must be an integer from 0 to ${data.outputSize - 1}`)
      }
      target = Float64Array.from(seq.target, (v, j) => scaling.targetInverse(j % width, v))
    }
    return [{ source: { split: 'edited' }, x, steps, target }]
  }
  // best / worst: rank every test sequence by its loss
  const split = data.test
  if (split.n === 0) throw new InspectInputError('The test split of this run is empty: there is nothing to rank')
  const all = Array.from({ length: split.n }, (_, i) => i)
  let outputs: Float64Array[]
  try {
    // The fused kernels' forward pass (float32) ranks thousands of sequences in a fraction of the float64 time.
    outputs = kernelOutputs(model.net, split.x, T, all)
  } catch (error) {
    if (!isKernelMissing(error)) throw error
    outputs = all.map((i) => networkForward(model.net, splitInput(data, split, i), T).y)
  }
  const losses: Array<[number, number]> = all.map((i) => [i, sequenceLoss(model.net, outputs[i]!, splitTarget(data, split, i)).loss])
  const order = (a: [number, number], b: [number, number]): number => (seq.kind === 'best' ? a[1] - b[1] : b[1] - a[1]) || a[0] - b[0]
  losses.sort(order)
  // Re-rank the leaders in float64, so the order matches the losses the result reports.
  const leaders: Array<[number, number]> = losses
    .slice(0, Math.min(split.n, 2 * seq.k + 8))
    .map(([i]) => [i, sequenceLoss(model.net, networkForward(model.net, splitInput(data, split, i), T).y, splitTarget(data, split, i)).loss])
  leaders.sort(order)
  return leaders.slice(0, Math.min(seq.k, split.n)).map(([i]) => ({ source: { split: 'test', index: i }, x: splitInput(data, split, i), steps: T, target: splitTarget(data, split, i) }))
}

function wanted(request: InspectRequest, model: InspectModel): Set<number> {
  const all = model.layers.map((l) => l.index)
  if (!request.layers) return new Set(all)
  for (const l of request.layers) {
    if (l >= all.length) throw new InspectInputError(`Layer ${l} does not exist: this run has ${all.length} recurrent layer${all.length === 1 ? '' : 's'} (0–${all.length - 1})`)
  }
  return new Set(request.layers)
}

function inspectOne(request: InspectRequest, model: InspectModel, data: SequenceDataset, scaling: Scaling, chosen: Chosen, layers: Set<number>, baseline: Float64Array): InspectedSequence {
  const { net } = model
  const T = chosen.steps
  const D = data.inputSize
  const pass: NetworkPass = networkForward(net, chosen.x, T)
  const outputs = net.head.units
  const loss = chosen.target ? sequenceLoss(net, pass.y, chosen.target) : null
  const explained = explainedOutput(net, pass.y)
  const original = Float64Array.from(chosen.x, (v, j) => scaling.input(j % D, v))
  const result: InspectedSequence = {
    source: chosen.source,
    steps: T,
    inputs: featuresBySteps(chosen.x, T, D),
    inputsOriginal: featuresBySteps(original, T, D),
    target: chosen.target ? Array.from(chosen.target, (v, j) => scaling.target(j % (data.kind === 'classification' ? 1 : outputs), v)) : null,
    prediction: predictionOf(data, pass.y, scaling, outputs),
    loss: loss ? loss.loss : null,
    gradientOf: loss ? 'loss' : 'output'
  }
  const each = <R>(fn: (l: number, dir: number, direction: 'forward' | 'backward') => R | null): R[] => {
    const out: R[] = []
    net.layers.forEach((layer, l) => {
      if (!layers.has(l)) return
      layer.directions.forEach((_, dir) => {
        const r = fn(l, dir, dir === 0 ? 'forward' : 'backward')
        if (r !== null) out.push(r)
      })
    })
    return out
  }
  if (request.traces) {
    result.traces = each<LayerDirectionTraces>((l, dir, direction) => {
      const trace = pass.layers[l]!.traces[dir]!
      const H = trace.spec.units
      const values: LayerDirectionTraces['values'] = {}
      for (const [name, v] of Object.entries(trace.values)) values[name as TraceName] = unitsBySteps(v, T, H, dir === 1)
      return { layer: l, direction, values }
    })
  }
  if (request.gradients) {
    const grads = networkBackward(net, pass, loss ? loss.dy : explained.dy)
    result.gradients = each<LayerDirectionGradients>((l, dir, direction) => {
      const g = grads.layers[l]![dir]!
      const H = net.layers[l]!.spec.units
      const out: LayerDirectionGradients = { layer: l, direction, dh: unitsBySteps(g.dh, T, H, dir === 1), dhNorm: alongTime(rowNorms(g.dh, T, H), dir === 1) }
      if (g.dc) {
        out.dc = unitsBySteps(g.dc, T, H, dir === 1)
        out.dcNorm = alongTime(rowNorms(g.dc, T, H), dir === 1)
      }
      return out
    })
  }
  if (request.attribution) {
    const a = attribute(net, chosen.x, T, baseline, request.igSteps)
    result.attribution = {
      output: data.kind === 'classification' ? `logit of the predicted class (${explained.index % outputs}) at the last step` : 'output 0 at the last step',
      gradientTimesInput: featuresBySteps(a.gradientTimesInput, T, D),
      integratedGradients: featuresBySteps(a.integratedGradients, T, D),
      igSteps: a.steps,
      baseline: Array.from(a.baseline),
      prediction: a.output,
      baselinePrediction: a.baselineOutput,
      integratedSum: a.integratedSum
    }
  }
  if (request.memory && model.form !== 'rnn') {
    result.memory = each<LayerDirectionMemory>((l, dir, direction) => {
      const trace = pass.layers[l]!.traces[dir]!
      const r = memoryRetention(trace)
      return r ? { layer: l, direction, gate: trace.spec.variant === 'lstm' ? 'f' : 'z', retention: unitsBySteps(r, T, trace.spec.units, dir === 1) } : null
    })
  }
  return result
}

/** Seed of the statistics sample: fixed, so the same request always covers the same sequences. */
export const STATS_SAMPLE_SEED = 14

export function splitStatistics(model: InspectModel, data: SequenceDataset, splitName: InspectSplit, sample: number | undefined, layers: Set<number>): InspectStatistics {
  const split = data[splitName]
  const T = data.seqLen
  let indices = Array.from({ length: split.n }, (_, i) => i)
  const sampled = sample !== undefined && sample < split.n
  if (sampled) indices = createRng(STATS_SAMPLE_SEED).shuffle(indices).slice(0, sample).sort((a, b) => a - b)
  let acc: Array<{ layer: number; dir: number; gates: GateAccumulator[] }> = []
  let computedWith: InspectStatistics['computedWith'] = 'float32-kernel'
  try {
    acc = kernelStatistics(model.net, split.x, T, indices, layers).accumulators
  } catch (error) {
    // The fused kernels' WebAssembly module is missing (a source checkout without `npm run build`): the float64 path.
    if (!isKernelMissing(error)) throw error
    computedWith = 'float64'
    acc = []
    model.net.layers.forEach((layer, l) => {
      if (layers.has(l)) layer.directions.forEach((_, dir) => acc.push({ layer: l, dir, gates: accumulatorsFor(layer.spec.variant, layer.spec.units) }))
    })
    for (const i of indices) {
      const pass = networkForward(model.net, splitInput(data, split, i), T)
      for (const a of acc) accumulateTrace(a.gates, pass.layers[a.layer]!.traces[a.dir]!)
    }
  }
  const gates: GateStatistics[] = []
  for (const a of acc) {
    for (const g of a.gates) {
      const r = g.result()
      gates.push({
        layer: a.layer,
        direction: a.dir === 0 ? 'forward' : 'backward',
        gate: g.gate as TraceName,
        range: gateRange(g.gate),
        thresholds: saturationThresholds(g.gate),
        mean: Array.from(r.mean),
        leftSaturated: Array.from(r.leftSaturated),
        rightSaturated: Array.from(r.rightSaturated),
        histogram: { shape: [g.units, g.bins], values: Array.from(r.histogram) }
      })
    }
  }
  return { split: splitName, total: split.n, sequences: indices.length, sampled, steps: T, computedWith, gates }
}

/** Everything the request asks for, except the fields the handler fills (runId, cellForm, elapsedMs). */
export function computeInspection(request: InspectRequest, model: InspectModel, data: SequenceDataset): Omit<InspectOk, 'runId' | 'cellForm' | 'elapsedMs'> {
  if (model.net.inputDim !== data.inputSize) {
    throw new Error(`the stored model takes ${model.net.inputDim} features per step but the rebuilt data has ${data.inputSize}`)
  }
  const scaling = scalingOf(data)
  const layers = wanted(request, model)
  const chosen = chooseSequences(request, model, data, scaling)
  const baseline = trainingMean(data)
  const sequences = chosen.map((c) => inspectOne(request, model, data, scaling, c, layers, baseline))
  return {
    ok: true,
    cell: model.cell,
    form: model.form,
    gateActivation: model.gateActivation,
    kind: data.kind,
    seqLen: data.seqLen,
    inputSize: data.inputSize,
    outputSize: data.outputSize,
    perStep: data.perStep,
    features: data.meta.features ?? Array.from({ length: data.inputSize }, (_, d) => `x${d}`),
    layers: model.layers,
    sequences,
    ...(request.stats ? { stats: splitStatistics(model, data, request.stats.split, request.stats.sample, layers) } : {})
  }
}
