/**
 * Gate telemetry while training (issue 14 §5, docs/INSPECT.md "Gate telemetry"): at the end of every epoch, the
 * model's current weights run on a fixed probe batch of validation sequences through the float64 cell math the
 * inspector uses (src/shared/cells), and per layer, direction and gate the mean activation and the left/right
 * saturation fractions, and the gradient-flow ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖, become ordinary metrics (names in
 * src/shared/telemetry.ts). `telemetryMs` records what it cost, so the bench (bench/telemetry.bench.ts) can hold it to
 * its budget of 5% of an epoch.
 *
 * The probe batch: probeSize(units) validation sequences drawn once per run from the seed (deriveSeed(seed,
 * 'telemetry')), the same at every epoch, so the curves show the weights changing, not the data.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../shared/config'
import type { SequenceDataset } from '../../shared/data/types'
import { createRng, deriveSeed } from '../../shared/random'
import { accumulateTrace, accumulatorsFor, networkBackwardBatch, networkForwardBatch, sequenceLoss, type CellParams, type CellVariant, type Network, type NetworkLayer } from '../../shared/cells'
import { gateMetric, gradMetric, layerKey, telemetryGates, type GateStat } from '../../shared/telemetry'
import { resolveGruForm } from './model'

/**
 * Validation sequences in the probe batch (all of them when the split is smaller): 8 up to 64 units, then fewer as
 * the layer widens (4 at 128 units, 2 at 256, 1 from 512), because the float64 math here grows with H² per step like
 * the fused WebAssembly kernels but runs many times slower as H grows. Measured: bench/telemetry.bench.ts.
 */
export function probeSize(units: number): number {
  return Math.max(1, Math.min(8, Math.floor(512 / units)))
}

/** The probe batch's indices into the validation split: fixed by the seed, ascending. */
export function probeIndices(n: number, seed: number, size: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i)
  if (n <= size) return all
  return createRng(deriveSeed(seed, 'telemetry')).shuffle(all).slice(0, size).sort((a, b) => a - b)
}

export interface Probe {
  indices: number[]
  steps: number
  /** Per sequence: x [T, D] and its target (values, or class indices for classification). */
  x: Float64Array[]
  y: Float64Array[]
}

export function makeProbe(data: SequenceDataset, seed: number, size: number): Probe {
  const { val } = data
  const indices = probeIndices(val.n, seed, size)
  const xWidth = data.seqLen * data.inputSize
  const yWidth = val.y.length / val.n
  return {
    indices,
    steps: data.seqLen,
    x: indices.map((i) => Float64Array.from(val.x.subarray(i * xWidth, (i + 1) * xWidth))),
    y: indices.map((i) => Float64Array.from(val.y.subarray(i * yWidth, (i + 1) * yWidth)))
  }
}

type NetworkConfig = Pick<RunConfig, 'cell' | 'units' | 'layers' | 'bidirectional' | 'recurrentActivation' | 'gruForm' | 'engine'>

export function cellVariant(config: Pick<RunConfig, 'cell' | 'gruForm' | 'engine'>): CellVariant {
  if (config.cell === 'lstm' || config.cell === 'rnn') return config.cell
  return resolveGruForm(config) === 'reset-after' ? 'gru-after' : 'gru-before'
}

/**
 * The float64 network of a model built by engine/model.ts (either engine), from its current weights. Both engines keep
 * tfjs-layers' weight names, shapes and gate orders (src/main/report/weights.ts): per recurrent layer kernel,
 * recurrent_kernel, bias (a bidirectional layer: forward, then backward), then the dense head's kernel and bias.
 */
export function networkFromModel(model: tf.LayersModel, config: NetworkConfig, data: Pick<SequenceDataset, 'kind' | 'inputSize' | 'perStep'>): Network {
  const variant = cellVariant(config)
  const f64 = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync())
  const layers: NetworkLayer[] = []
  let inputDim = data.inputSize
  const recurrent = model.layers.slice(0, config.layers)
  for (const layer of recurrent) {
    const weights = layer.getWeights()
    // The names the model gave its weights (tfjs-layers appends _1, _2 to `name` when an earlier model in this
    // process used the same one; a trainer trains several runs in turn: src/main/runner/queue.ts).
    const names = layer.weights.map((w) => w.originalName)
    const directions: CellParams[] = []
    for (let k = 0; k + 2 < weights.length; k += 3) {
      if (!/kernel$/.test(names[k]!) || !/recurrent_kernel$/.test(names[k + 1]!) || !/bias$/.test(names[k + 2]!)) {
        throw new Error(`Gate telemetry: unexpected weights in layer ${layer.name}: ${names.join(', ')}`)
      }
      directions.push({ kernel: f64(weights[k]!), recurrentKernel: f64(weights[k + 1]!), bias: f64(weights[k + 2]!) })
    }
    if (directions.length !== (config.bidirectional ? 2 : 1)) throw new Error(`Gate telemetry: layer ${layer.name} has ${directions.length} directions`)
    layers.push({
      spec: { variant, units: config.units, inputDim, hardSigmoid: variant !== 'rnn' && config.recurrentActivation === 'hardSigmoid' },
      bidirectional: config.bidirectional,
      returnSequences: layers.length < config.layers - 1 || data.perStep,
      directions
    })
    inputDim = directions.length * config.units
  }
  const dense = model.layers[config.layers]!.getWeights()
  const kernel = dense[0]!
  return {
    inputDim: data.inputSize,
    layers,
    head: { inputDim: kernel.shape[0]!, units: kernel.shape[1]!, kernel: f64(kernel), bias: f64(dense[1]!) },
    perStep: data.perStep,
    kind: data.kind === 'classification' ? 'classification' : 'regression'
  }
}

/**
 * The telemetry metrics of a network on a probe batch: gate means and saturation fractions over every (sequence, step,
 * unit) of the batch, and per layer direction the ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the batch's mean loss (MSE for
 * regression, softmax cross-entropy for classification: the cells' sequenceLoss), h_1 and h_T in processing order.
 */
export function telemetryMetrics(net: Network, probe: Probe): Record<string, number> {
  const T = probe.steps
  const accumulators = net.layers.map((layer) => layer.directions.map(() => accumulatorsFor(layer.spec.variant, layer.spec.units, { histogram: false })))
  // Σ over sequences of ‖∂L_i/∂h‖² at the first and the last processed step, per layer and direction.
  const first = net.layers.map((layer) => layer.directions.map(() => 0))
  const last = net.layers.map((layer) => layer.directions.map(() => 0))
  // The whole probe batch at once: each sequence's numbers are bit-identical to networkForward / networkBackward on it
  // alone (test/unit/telemetry-metrics.test.ts); the batch only shares each pass over the weights between sequences.
  const passes = networkForwardBatch(net, probe.x, T)
  const gradients = networkBackwardBatch(
    net,
    passes,
    passes.map((pass, i) => sequenceLoss(net, pass.y, probe.y[i]!).dy)
  )
  passes.forEach((pass, i) => {
    pass.layers.forEach((lp, l) => lp.traces.forEach((trace, d) => accumulateTrace(accumulators[l]![d]!, trace)))
    gradients[i]!.layers.forEach((dirs, l) =>
      dirs.forEach((g, d) => {
        const H = net.layers[l]!.spec.units
        let a = 0
        let b = 0
        for (let k = 0; k < H; k++) {
          a += g.dh[k]! ** 2
          b += g.dh[(T - 1) * H + k]! ** 2
        }
        first[l]![d]! += a
        last[l]![d]! += b
      })
    )
  })
  const out: Record<string, number> = {}
  net.layers.forEach((layer, l) =>
    layer.directions.forEach((_, d) => {
      const key = layerKey(l, d === 0 ? 'forward' : 'backward')
      const wanted = new Set(telemetryGates[layer.spec.variant === 'lstm' || layer.spec.variant === 'rnn' ? layer.spec.variant : 'gru'])
      for (const acc of accumulators[l]![d]!) {
        if (!wanted.has(acc.gate)) continue
        const r = acc.result()
        const average = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length
        const stats: Record<GateStat, number> = { mean: average(r.mean), satLeft: average(r.leftSaturated), satRight: average(r.rightSaturated) }
        for (const [stat, value] of Object.entries(stats)) out[gateMetric(key, acc.gate, stat as GateStat)] = value
      }
      const ratio = Math.sqrt(first[l]![d]!) / Math.sqrt(last[l]![d]!)
      // 0/0 (no gradient reaches the layer at all) has no ratio: the point is left out rather than recorded as NaN.
      if (Number.isFinite(ratio)) out[gradMetric(key)] = ratio
    })
  )
  return out
}

export interface Telemetry {
  probe: Probe
  /** This epoch's telemetry metrics for the model's current weights, plus `telemetryMs` (its own wall time). */
  measure(model: tf.LayersModel): Record<string, number>
}

/** The run's telemetry, or null when its config turns it off (`telemetry: false`) or it has no validation data. */
export function createTelemetry(config: RunConfig, data: SequenceDataset): Telemetry | null {
  if (!config.telemetry || data.val.n === 0) return null
  const probe = makeProbe(data, config.seed, probeSize(config.units))
  return {
    probe,
    measure(model) {
      const started = performance.now()
      const metrics = telemetryMetrics(networkFromModel(model, config, data), probe)
      metrics.telemetryMs = Math.round((performance.now() - started) * 10) / 10
      return metrics
    }
  }
}
