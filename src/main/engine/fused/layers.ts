/**
 * Fused recurrent layers: tf.layers.Layer subclasses whose whole sequence runs in the WebAssembly kernels (op.ts), so a
 * model built with them still compiles, fits, evaluates, saves and loads like any tfjs-layers model, on every backend.
 *
 * Weights have the tfjs-layers names, shapes and gate orders (kernel [D, G], recurrent_kernel [H, G], bias), so
 * `getWeights()` / `setWeights()` exchange weights with tf.layers.lstm / gru / simpleRNN directly; the reset-after
 * GRU's bias is [2, 3H] (input bias, recurrent bias) as in Keras. Registered for serialization under the class names
 * below, which also lets tf.layers.bidirectional clone them (it rebuilds its two layers from their configs).
 *
 * Differences from tfjs-layers, on purpose: the defaults follow CELLS.md (sigmoid gates, forget bias 1, GRU
 * reset-after); input dropout uses one mask per sequence and feature shared by all gates and steps (tfjs-layers draws
 * one per gate); recurrent dropout, masking, stateful use and initial states other than zero are not offered.
 */
import * as tf from '@tensorflow/tfjs'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables'
import { glorotUniform, orthogonal } from '../init'
import { FusedKernel, kernelRowBytes, weightShapes, type FusedSpec, type FusedVariant } from './kernel'
import { inferenceRows } from './chunk'
import { fusedRecurrent } from './op'

export interface FusedRecurrentArgs extends LayerArgs {
  units: number
  /** Output the whole sequence [batch, steps, units] instead of the last step [batch, units]. */
  returnSequences?: boolean
  /** Process the sequence from the end (used by tf.layers.bidirectional); outputs come in processing order. */
  goBackwards?: boolean
  /** Gate activation: 'sigmoid' (CELLS.md standard, default) or tfjs-layers' 'hardSigmoid'. Ignored by the RNN. */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid'
  /** Fraction of input features dropped during training, one mask per sequence shared by all steps. */
  dropout?: number
  /** Seeds the initializers; without it they draw from Math.random (which GateLab's trainer seeds per run). */
  seed?: number
}

export interface FusedLSTMArgs extends FusedRecurrentArgs {
  /** Forget-gate bias initialised to 1 (default true, as in Keras and CELLS.md). */
  unitForgetBias?: boolean
}

export interface FusedGRUArgs extends FusedRecurrentArgs {
  /** The candidate form: reset-after (default: Keras ≥ 2, PyTorch, cuDNN) or reset-before (tfjs-layers, Cho 2014). */
  resetAfter?: boolean
}

type Config = tf.serialization.ConfigDict

export { INFERENCE_CHUNK } from './chunk'

abstract class FusedRecurrent extends tf.layers.Layer {
  readonly units: number
  readonly returnSequences: boolean
  readonly goBackwards: boolean
  readonly recurrentActivation: 'sigmoid' | 'hardSigmoid'
  readonly dropout: number
  readonly seed: number | undefined
  private kernelVar?: LayerVariable
  private recurrentVar?: LayerVariable
  private biasVar?: LayerVariable
  private fused?: FusedKernel

  constructor(args: FusedRecurrentArgs) {
    super(args)
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`${new.target.name}: units must be a positive integer, got ${args.units}`)
    const dropout = args.dropout ?? 0
    if (!(dropout >= 0 && dropout < 1)) throw new Error(`${new.target.name}: dropout must be in [0, 1), got ${dropout}`)
    const activation = args.recurrentActivation ?? 'sigmoid'
    if (activation !== 'sigmoid' && activation !== 'hardSigmoid') {
      throw new Error(`${new.target.name}: recurrentActivation must be 'sigmoid' or 'hardSigmoid', got ${String(activation)}`)
    }
    this.units = args.units
    this.returnSequences = args.returnSequences ?? false
    this.goBackwards = args.goBackwards ?? false
    this.recurrentActivation = activation
    this.dropout = dropout
    this.seed = args.seed
  }

  /** The kernel form this layer computes. */
  abstract get variant(): FusedVariant

  /** A non-zero initial bias, when the cell has one (the LSTM's unit forget bias); undefined keeps zeros. */
  protected initialBias(_shape: number[]): tf.Tensor | undefined {
    return undefined
  }

  get spec(): FusedSpec {
    return {
      variant: this.variant,
      units: this.units,
      hardSigmoid: this.variant !== 'rnn' && this.recurrentActivation === 'hardSigmoid',
      returnSequences: this.returnSequences
    }
  }

  /** Bytes of WebAssembly memory this layer's kernels hold (activations and scratch), 0 before the first call. */
  get kernelMemoryBytes(): number {
    return this.fused?.memoryBytes ?? 0
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    const inputDim = shape[shape.length - 1]
    if (shape.length !== 3 || inputDim == null) {
      throw new Error(`${this.getClassName()}: expected input [batch, steps, features] with a known feature size, got [${shape.join(', ')}]`)
    }
    const s = weightShapes(this.variant, inputDim, this.units)
    const seeded = (offset: number) => (this.seed === undefined ? {} : { seed: this.seed + offset })
    this.kernelVar = this.addWeight('kernel', s.kernel, 'float32', glorotUniform(seeded(0)))
    this.recurrentVar = this.addWeight('recurrent_kernel', s.recurrentKernel, 'float32', orthogonal(seeded(1)))
    this.biasVar = this.addWeight('bias', s.bias, 'float32', tf.initializers.zeros())
    const bias = this.initialBias(s.bias)
    if (bias) {
      this.biasVar.write(bias)
      bias.dispose()
    }
    this.built = true
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    return this.returnSequences ? [shape[0] ?? null, shape[1] ?? null, this.units] : [shape[0] ?? null, this.units]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0]! : inputs
      if (kwargs.initialState != null) throw new Error(`${this.getClassName()}: initial states other than zero are not supported`)
      if (this.dropout > 0 && kwargs.training === true) {
        const [batch, , features] = x.shape as [number, number, number]
        x = tf.dropout(x, this.dropout, [batch, 1, features])
      }
      if (this.goBackwards) x = tf.reverse(x, 1)
      if (!this.kernelVar || !this.recurrentVar || !this.biasVar) throw new Error(`${this.getClassName()} was called before it was built`)
      this.fused ??= new FusedKernel()
      const kernel = this.fused
      const weights = { kernel: this.kernelVar.read(), recurrentKernel: this.recurrentVar.read(), bias: this.biasVar.read() }
      const batch = x.shape[0]!
      // Outside training (validation, prediction) large batches run in chunks: the kernel keeps every step's
      // activations, so one 1,000-sequence evaluation would otherwise leave the layer's memory at 10–30× its training
      // size for the rest of the run. Chunks are bounded in rows and in kernel memory (chunk.ts). Gradients through
      // chunks stay exact (each chunk is its own op).
      const rows = inferenceRows(kernelRowBytes(this.spec, x.shape[1]!, x.shape[2]!))
      if (kwargs.training !== true && batch > rows) {
        const sizes = Array.from({ length: Math.ceil(batch / rows) }, (_, i) => Math.min(rows, batch - i * rows))
        return tf.concat(tf.split(x, sizes, 0).map((part) => fusedRecurrent(part, weights, this.spec, kernel)), 0)
      }
      return fusedRecurrent(x, weights, this.spec, kernel)
    })
  }

  override getConfig(): Config {
    const config: Config = {
      units: this.units,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      recurrentActivation: this.recurrentActivation,
      dropout: this.dropout
    }
    if (this.seed !== undefined) config.seed = this.seed
    return { ...super.getConfig(), ...config }
  }
}

/** LSTM (CELLS.md): gates i, f, c, o; forget bias 1 unless `unitForgetBias: false`. */
export class FusedLSTM extends FusedRecurrent {
  static className = 'GateLabFusedLSTM'
  readonly unitForgetBias: boolean

  constructor(args: FusedLSTMArgs) {
    super(args)
    this.unitForgetBias = args.unitForgetBias ?? true
  }

  get variant(): FusedVariant {
    return 'lstm'
  }

  protected override initialBias(shape: number[]): tf.Tensor | undefined {
    if (!this.unitForgetBias) return undefined
    const H = this.units
    return tf.tensor(Float32Array.from({ length: shape[0]! }, (_, j) => (j >= H && j < 2 * H ? 1 : 0)), shape)
  }

  override getConfig(): Config {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias }
  }
}

/** GRU (CELLS.md): gates z, r, h; reset-after by default, reset-before with `resetAfter: false`. */
export class FusedGRU extends FusedRecurrent {
  static className = 'GateLabFusedGRU'
  readonly resetAfter: boolean

  constructor(args: FusedGRUArgs) {
    super(args)
    this.resetAfter = args.resetAfter ?? true
  }

  get variant(): FusedVariant {
    return this.resetAfter ? 'gru-after' : 'gru-before'
  }

  override getConfig(): Config {
    return { ...super.getConfig(), resetAfter: this.resetAfter }
  }
}

/** The vanilla RNN: h = tanh(W x + U h + b). */
export class FusedSimpleRNN extends FusedRecurrent {
  static className = 'GateLabFusedSimpleRNN'

  get variant(): FusedVariant {
    return 'rnn'
  }
}

tf.serialization.registerClass(FusedLSTM)
tf.serialization.registerClass(FusedGRU)
tf.serialization.registerClass(FusedSimpleRNN)

export const fusedLSTM = (args: FusedLSTMArgs): FusedLSTM => new FusedLSTM(args)
export const fusedGRU = (args: FusedGRUArgs): FusedGRU => new FusedGRU(args)
export const fusedSimpleRNN = (args: FusedRecurrentArgs): FusedSimpleRNN => new FusedSimpleRNN(args)

/**
 * tf.layers.bidirectional around a fused layer (concatenating both directions by default). tfjs types the wrapped
 * layer as its own RNN class; the wrapper only uses what every layer has plus `returnSequences` and `goBackwards`.
 */
export function fusedBidirectional(layer: FusedRecurrent, args: { mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' } & LayerArgs = {}): tf.layers.Layer {
  return tf.layers.bidirectional({ mergeMode: 'concat', ...args, layer: layer as unknown as tf.RNN })
}

export type { FusedRecurrent }
