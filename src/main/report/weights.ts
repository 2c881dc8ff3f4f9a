/**
 * Weights exports. A run's best weights are stored as tfjs model artifacts (model.json: topology + weights manifest;
 * weights.bin: the values in manifest order). They are exported as they are — `tf.loadLayersModel` reads them — and
 * as a plain JSON layout ("gatelab-weights", docs/REPORTS.md) that states every layer's gate order, tensor shapes
 * and activations, so the model can be rebuilt in PyTorch or Keras without TensorFlow.js.
 *
 * The same code reads both engines' models: tfjs-layers (LSTM, GRU, SimpleRNN) and the fused engine
 * (GateLabFusedLSTM, …), which keeps tfjs-layers' weight names, shapes and gate orders.
 */
import type { RunDetail } from '../../shared/api'
import { ReportError } from './errors'

export const TOPOLOGY_FILE = 'model.json'
export const WEIGHTS_FILE = 'weights.bin'
export const PLAIN_FILE = 'weights.json'

interface WeightSpec {
  name: string
  shape: number[]
  dtype: string
}

interface ModelJson {
  format?: string
  generatedBy?: string
  modelTopology: unknown
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>
}

/** A tensor as nested arrays in row-major order, with its shape stated. */
export interface PlainTensor {
  shape: number[]
  values: unknown[]
}

export interface PlainRecurrentWeights {
  direction: 'forward' | 'backward'
  /** [inputSize, k·units]: x_t · kernel, gate blocks side by side in `gateOrder`. */
  kernel: PlainTensor
  /** [units, k·units]: h_{t−1} · recurrentKernel, same gate blocks. */
  recurrentKernel: PlainTensor
  /** [k·units], or [2, 3·units] for a reset-after GRU (row 0 input bias, row 1 recurrent bias). */
  bias: PlainTensor | null
}

export interface PlainRecurrentLayer {
  name: string
  type: 'lstm' | 'gru' | 'rnn'
  units: number
  inputSize: number
  /** The layer returns every step's h (true) or only the last (false). */
  returnSequences: boolean
  /** Bidirectional layers run a forward and a backward copy and concatenate their outputs [forward, backward]. */
  bidirectional: boolean
  /** Activation of the candidate and of the cell output (tanh). */
  activation: string
  /** Gate activation: "sigmoid", or "hard_sigmoid" = clip(0.2·x + 0.5, 0, 1) as tfjs computes it; null for a plain RNN. */
  recurrentActivation: string | null
  /** LSTM ["i","f","c","o"] (input, forget, candidate, output); GRU ["z","r","h"] (update, reset, candidate); RNN ["h"]. */
  gateOrder: string[]
  /** GRU only: which candidate form the weights belong to (CELLS.md). */
  gruForm?: 'reset-before' | 'reset-after'
  weights: PlainRecurrentWeights[]
}

export interface PlainDenseLayer {
  name: string
  type: 'dense'
  units: number
  inputSize: number
  activation: string
  /** [inputSize, units]: y = x · kernel + bias. */
  kernel: PlainTensor
  bias: PlainTensor | null
}

export interface PlainWeights {
  format: 'gatelab-weights'
  version: 1
  run: { id: string; name: string; cell: string; cellForm: string | null; paramCount: number | null; config: unknown }
  /** Input of the network: [batch, seqLen, inputSize]. */
  input: { seqLen: number | null; inputSize: number }
  conventions: string[]
  layers: Array<PlainRecurrentLayer | PlainDenseLayer>
}

const conventions = [
  'Tensors are nested arrays in row-major order; "shape" gives their dimensions.',
  'Recurrent layers follow the Keras/tfjs layout: kernel [inputSize, k*units], recurrentKernel [units, k*units], gate blocks of width units side by side in gateOrder.',
  'LSTM gate order i, f, c, o is the same as PyTorch i, f, g, o: weight_ih = kernel transposed, weight_hh = recurrentKernel transposed, bias_ih = bias, bias_hh = 0.',
  'GRU gate order z, r, h differs from PyTorch r, z, n: swap the first two blocks. PyTorch computes only reset-after; a reset-before GRU is rebuilt exactly by Keras GRU(reset_after=False).',
  'Layers apply in order; the last is a dense head applied to the last step (or to every step when the recurrent layer before it returns sequences).'
]

function readLayers(topology: unknown): Array<{ className: string; config: Record<string, unknown> }> {
  const t = topology as { config?: unknown; model_config?: unknown }
  const root = (t.model_config ?? t) as { config?: unknown }
  const config = root.config as { layers?: unknown } | unknown[] | undefined
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers
  if (!Array.isArray(layers)) throw new ReportError('invalid', 'The stored model.json has no layer list: it was not written by GateLab')
  return layers.map((l: { class_name?: string; className?: string; config?: Record<string, unknown> }) => ({
    className: l.class_name ?? l.className ?? '',
    config: l.config ?? {}
  }))
}

/** A config value under its Python (saved) or TypeScript name. */
function option<T>(config: Record<string, unknown>, snake: string, camel: string, fallback: T): T {
  return (config[snake] ?? config[camel] ?? fallback) as T
}

const cellTypes: Record<string, 'lstm' | 'gru' | 'rnn'> = {
  LSTM: 'lstm',
  GateLabFusedLSTM: 'lstm',
  GRU: 'gru',
  GateLabFusedGRU: 'gru',
  SimpleRNN: 'rnn',
  GateLabFusedSimpleRNN: 'rnn'
}
const gateOrders = { lstm: ['i', 'f', 'c', 'o'], gru: ['z', 'r', 'h'], rnn: ['h'] }

function nest(values: Float32Array | Int32Array, shape: readonly number[]): unknown[] {
  if (shape.length <= 1) return Array.from(values)
  const [first, ...rest] = shape as [number, ...number[]]
  const size = rest.reduce((a, b) => a * b, 1)
  return Array.from({ length: first }, (_, i) => nest(values.subarray(i * size, (i + 1) * size), rest))
}

/** Splits weights.bin by the manifest into named typed arrays (float32 and int32, little-endian as tfjs writes). */
export function decodeWeights(specs: readonly WeightSpec[], bin: Uint8Array): Map<string, { shape: number[]; values: Float32Array | Int32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array | Int32Array }>()
  // Copy into an exact, aligned buffer: the bytes may be a view into a larger one (a Node Buffer pool, SQLite, IPC),
  // and Buffer#slice would not copy.
  const buffer = new Uint8Array(bin).buffer
  let offset = 0
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1)
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
      throw new ReportError('invalid', `Weight ${spec.name} has dtype ${spec.dtype}; the plain JSON export handles float32 and int32 only`)
    }
    if (offset + count * 4 > buffer.byteLength) {
      throw new ReportError('invalid', `weights.bin is shorter than its manifest says (${buffer.byteLength} bytes; ${spec.name} needs ${offset + count * 4})`)
    }
    const values = spec.dtype === 'float32' ? new Float32Array(buffer, offset, count) : new Int32Array(buffer, offset, count)
    out.set(spec.name, { shape: [...spec.shape], values })
    offset += count * 4
  }
  if (offset !== buffer.byteLength) throw new ReportError('invalid', `weights.bin has ${buffer.byteLength} bytes but its manifest describes ${offset}`)
  return out
}

export function parseModelJson(bytes: Uint8Array): ModelJson {
  let json: ModelJson
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as ModelJson
  } catch (error) {
    throw new ReportError('invalid', `The stored ${TOPOLOGY_FILE} is not valid JSON: ${(error as Error).message}`)
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest) || json.weightsManifest.length === 0) {
    throw new ReportError('invalid', `The stored ${TOPOLOGY_FILE} has no model topology or weights manifest`)
  }
  return json
}

/** The plain JSON layout of a run's model (see the module comment and docs/REPORTS.md). */
export function plainWeights(run: RunDetail, topologyBytes: Uint8Array, weightsBytes: Uint8Array): PlainWeights {
  const json = parseModelJson(topologyBytes)
  const specs = json.weightsManifest.flatMap((m) => m.weights)
  const tensors = decodeWeights(specs, weightsBytes)
  const tensor = (name: string): PlainTensor | null => {
    const t = tensors.get(name)
    return t ? { shape: t.shape, values: nest(t.values, t.shape) } : null
  }
  const required = (name: string): PlainTensor => {
    const t = tensor(name)
    if (!t) throw new ReportError('invalid', `The weights manifest has no ${name}`)
    return t
  }
  // Weight names are "<layer>/<param>" or, inside a Bidirectional wrapper, "<wrapper>/<forward_|backward_><layer>/<param>".
  const names = specs.map((s) => s.name)
  const prefixOf = (layerName: string): string[] => [...new Set(names.filter((n) => n.startsWith(layerName + '/')).map((n) => n.slice(0, n.lastIndexOf('/'))))]

  let seqLen: number | null = null
  let inputSize = -1
  const layers: PlainWeights['layers'] = []
  for (const { className, config } of readLayers(json.modelTopology)) {
    const inputShape = option<Array<number | null> | null>(config, 'batch_input_shape', 'batchInputShape', null)
    const wrapped = className === 'Bidirectional' ? (config.layer as { class_name?: string; className?: string; config?: Record<string, unknown> }) : null
    const inner = wrapped ? { className: wrapped.class_name ?? wrapped.className ?? '', config: wrapped.config ?? {} } : { className, config }
    // The first layer declares the input shape [batch, seqLen, inputSize] (on the wrapper, for a bidirectional one).
    if (inputShape && inputSize < 0) {
      seqLen = inputShape[1] ?? null
      inputSize = inputShape[2] ?? -1
    }
    const layerName = String(wrapped ? config.name : inner.config.name)
    const type = cellTypes[inner.className]
    if (type) {
      const units = Number(inner.config.units)
      const prefixes = prefixOf(layerName)
      const directions: PlainRecurrentWeights[] = prefixes.map((prefix) => ({
        direction: /\/backward_/.test(prefix) ? 'backward' : 'forward',
        kernel: required(`${prefix}/kernel`),
        recurrentKernel: required(`${prefix}/recurrent_kernel`),
        bias: tensor(`${prefix}/bias`)
      }))
      if (directions.length === 0) throw new ReportError('invalid', `No weights for layer ${layerName} in the manifest`)
      const activation = option<string>(inner.config, 'recurrent_activation', 'recurrentActivation', 'sigmoid')
      const layer: PlainRecurrentLayer = {
        name: layerName,
        type,
        units,
        inputSize: directions[0]!.kernel.shape[0]!,
        returnSequences: Boolean(option(inner.config, 'return_sequences', 'returnSequences', false)),
        bidirectional: wrapped !== null,
        activation: String(inner.config.activation ?? 'tanh'),
        recurrentActivation: type === 'rnn' ? null : activation === 'hardSigmoid' ? 'hard_sigmoid' : activation,
        gateOrder: gateOrders[type],
        ...(type === 'gru' ? { gruForm: option(inner.config, 'reset_after', 'resetAfter', false) ? ('reset-after' as const) : ('reset-before' as const) } : {}),
        weights: directions
      }
      layers.push(layer)
    } else if (className === 'Dense') {
      const prefix = prefixOf(layerName)[0]
      if (!prefix) throw new ReportError('invalid', `No weights for layer ${layerName} in the manifest`)
      const kernel = required(`${prefix}/kernel`)
      layers.push({
        name: layerName,
        type: 'dense',
        units: Number(config.units),
        inputSize: kernel.shape[0]!,
        activation: String(config.activation ?? 'linear'),
        kernel,
        bias: tensor(`${prefix}/bias`)
      })
    } else if (prefixOf(layerName).length > 0) {
      // A layer with weights this layout does not describe must not be dropped silently.
      throw new ReportError('invalid', `Layer ${layerName} (${className}) has weights that the plain JSON layout does not describe; use the tfjs files`)
    }
  }
  return {
    format: 'gatelab-weights',
    version: 1,
    run: { id: run.id, name: run.name, cell: run.cell, cellForm: run.cellForm, paramCount: run.paramCount, config: run.config },
    input: { seqLen, inputSize },
    conventions,
    layers
  }
}

/** model.json with its weights path renamed, for downloads where the two files cannot share a folder. */
export function renameWeightsPath(topologyBytes: Uint8Array, weightsName: string): Uint8Array {
  const json = parseModelJson(topologyBytes)
  for (const group of json.weightsManifest) group.paths = [weightsName]
  return new TextEncoder().encode(JSON.stringify(json))
}
