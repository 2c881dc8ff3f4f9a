/**
 * The whole training step in one call (issue 18 item 4): forward pass through the stacked (optionally bidirectional)
 * fused recurrent layers, the dense head, the loss, the backward pass, global-norm gradient clipping and the optimizer
 * update, on weights and optimizer state held in Float32Arrays — no TF.js tensor is made per step. The recurrent
 * layers run in the same kernels as the fused layers (native where built, else WebAssembly: FusedKernel), so only
 * the head, the loss, the clipping and the optimizer move out of TF.js into the plain loops below.
 *
 * It computes exactly what train.ts's TF.js path computes with engine "fused" (the tests hold it to 1e-5 in loss,
 * weights and optimizer state over several steps): tfjs' MSE / MAE / Huber (delta 1) / softmax cross-entropy means and
 * their gradients (tf.abs's gradient is -1 at 0, as tfjs has it), the same clip (every gradient × clip / max(norm,
 * clip)), and tfjs' Adam (β1 0.9, β2 0.999, ε the backend's epsilon, bias correction by running float32 powers of β),
 * RMSprop (decay 0.9, no momentum, not centered) and SGD with or without momentum.
 *
 * Not offered (the trainer keeps the TF.js fused path and records why, `wholeStepSupport`): engine "layers", and input
 * dropout (its masks are drawn by tf.dropout; the whole step could not repeat the same draws). GATELAB_FUSED_STEP=off
 * turns it off for cross-checks.
 *
 * The weights start as the model's (`fromModel`: same initial weights as the fused layers) and go back into it with
 * `syncToModel` (every epoch end, before evaluation, telemetry, best-weight snapshots and the saved artifacts).
 */
import * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../../shared/config'
import type { SequenceDataset, Split } from '../../../shared/data/types'
import { FusedKernel, weightShapes, type FusedSpec, type FusedVariant, type KernelBuild } from '../fused/kernel'
import { resolveGruForm } from '../model'

export type StepConfig = Pick<
  RunConfig,
  | 'cell' | 'units' | 'layers' | 'bidirectional' | 'dropout' | 'recurrentActivation' | 'gruForm' | 'engine'
  | 'loss' | 'optimizer' | 'lr' | 'momentum' | 'clip'
>

export type StepShape = Pick<SequenceDataset, 'kind' | 'seqLen' | 'inputSize' | 'outputSize' | 'perStep'>

/** Whether the whole-step path runs this configuration, and why (recorded with the run). */
export function wholeStepSupport(config: Pick<StepConfig, 'engine' | 'dropout'>, env: NodeJS.ProcessEnv = process.env): { ok: boolean; reason: string } {
  if (config.engine !== 'fused') return { ok: false, reason: `engine "${config.engine}" trains through TF.js (the whole-step path is for engine "fused")` }
  const off = (env.GATELAB_FUSED_STEP ?? '').toLowerCase()
  if (off === 'off' || off === '0' || off === 'false') return { ok: false, reason: 'GATELAB_FUSED_STEP=off: the fused layers with TF.js head, loss and optimizer' }
  if (config.dropout > 0) return { ok: false, reason: `dropout ${config.dropout}: its masks are drawn by TF.js, so the step keeps the fused layers with TF.js head, loss and optimizer` }
  return { ok: true, reason: 'forward, head, loss, backward, clipping and optimizer in one call per step (engine/step)' }
}

/** One batch as flat arrays: x [n, T, in]; y float targets [n, out] / [n, T, out], or class indices [n] / [n·T]. */
export interface ArrayBatch {
  n: number
  x: Float32Array
  y: Float32Array | Int32Array
}

export function gatherArrays(data: Pick<SequenceDataset, 'kind' | 'seqLen' | 'inputSize'>, split: Split, indices: ArrayLike<number>): ArrayBatch {
  const n = indices.length
  const xWidth = data.seqLen * data.inputSize
  const yWidth = split.y.length / split.n
  const x = new Float32Array(n * xWidth)
  const y = data.kind === 'classification' ? new Int32Array(n * yWidth) : new Float32Array(n * yWidth)
  for (let k = 0; k < n; k++) {
    const i = indices[k]!
    x.set(split.x.subarray(i * xWidth, (i + 1) * xWidth), k * xWidth)
    y.set(split.y.subarray(i * yWidth, (i + 1) * yWidth), k * yWidth)
  }
  return { n, x, y }
}

/** x [B, T, F] with its steps in reverse order (what tf.reverse(x, 1) gives). */
function reverseSteps(x: Float32Array, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * F, (b * T + t + 1) * F), (b * T + (T - 1 - t)) * F)
  }
  return out
}

interface Direction {
  kernel: FusedKernel
  /** Index of this direction's kernel in the parameter list (recurrent kernel and bias follow). */
  param: number
  backwards: boolean
  /** The input of the last forward pass (reversed for the backward direction), for a recompute if ever needed. */
  x?: Float32Array
  ticket?: number
}

interface Layer {
  spec: FusedSpec
  inputDim: number
  dirs: Direction[]
  /** The input of the last forward pass, as the layer received it. */
  input?: Float32Array
}

export class WholeStep {
  /** Every trainable weight in the model's order (tfjs-layers' getWeights / trainableWeights). */
  readonly params: Float32Array[]
  readonly shapes: number[][]
  readonly grads: Float32Array[]
  /** Optimizer state per parameter: Adam m and v; RMSprop mean square and moments; momentum accumulation. */
  readonly state: Float32Array[][]
  /** Which kernels the recurrent layers run. */
  readonly build: KernelBuild
  private readonly layers: Layer[]
  private readonly head: number
  private lr: number
  private readonly epsilon: number
  private accBeta1 = Math.fround(0.9)
  private accBeta2 = Math.fround(0.999)
  /** Sequences in the batch of the last forward pass. */
  private batch = 0
  /** Optimizer steps applied. */
  iterations = 0

  constructor(
    private readonly config: StepConfig,
    private readonly shape: StepShape,
    initial: Float32Array[],
    options: { build?: KernelBuild; epsilon?: number } = {}
  ) {
    const variant: FusedVariant = config.cell === 'lstm' ? 'lstm' : config.cell === 'rnn' ? 'rnn' : resolveGruForm(config) === 'reset-after' ? 'gru-after' : 'gru-before'
    const hard = variant !== 'rnn' && config.recurrentActivation === 'hardSigmoid'
    const dirCount = config.bidirectional ? 2 : 1
    this.build = options.build ?? new FusedKernel().build
    this.shapes = []
    this.layers = []
    let inputDim = shape.inputSize
    for (let l = 0; l < config.layers; l++) {
      const spec: FusedSpec = { variant, units: config.units, hardSigmoid: hard, returnSequences: l < config.layers - 1 || shape.perStep }
      const s = weightShapes(variant, inputDim, config.units)
      const dirs: Direction[] = []
      for (let d = 0; d < dirCount; d++) {
        dirs.push({ kernel: new FusedKernel(this.build), param: this.shapes.length, backwards: d === 1 })
        this.shapes.push(s.kernel, s.recurrentKernel, s.bias)
      }
      this.layers.push({ spec, inputDim, dirs })
      inputDim = config.units * dirCount
    }
    this.head = this.shapes.length
    this.shapes.push([inputDim, shape.outputSize], [shape.outputSize])
    if (initial.length !== this.shapes.length) throw new Error(`whole step: ${initial.length} initial weights given, the model has ${this.shapes.length}`)
    this.params = initial.map((w, i) => {
      const size = this.shapes[i]!.reduce((a, b) => a * b, 1)
      if (w.length !== size) throw new Error(`whole step: weight ${i} has ${w.length} values, expected ${size} ([${this.shapes[i]!.join(', ')}])`)
      return Float32Array.from(w)
    })
    this.grads = this.params.map((p) => new Float32Array(p.length))
    const slots = config.optimizer === 'adam' || config.optimizer === 'rmsprop' ? 2 : config.momentum > 0 ? 1 : 0
    this.state = this.params.map((p) => Array.from({ length: slots }, () => new Float32Array(p.length)))
    this.lr = config.lr
    this.epsilon = options.epsilon ?? tf.backend().epsilon()
  }

  /** A step driver holding a copy of the model's current weights (the fused layers' initial weights). */
  static fromModel(config: StepConfig, shape: StepShape, model: tf.LayersModel, options: { build?: KernelBuild } = {}): WholeStep {
    const initial = model.getWeights().map((w) => w.dataSync() as Float32Array)
    return new WholeStep(config, shape, initial, options)
  }

  /** Writes the current weights into the model (which then evaluates, snapshots and saves them as before). */
  syncToModel(model: tf.LayersModel): void {
    tf.tidy(() => model.setWeights(this.params.map((p, i) => tf.tensor(p, this.shapes[i]!, 'float32'))))
  }

  setLearningRate(lr: number): void {
    this.lr = lr
  }

  /**
   * One training step on a batch: returns [loss, ...quality] in the order of train.ts's epochMetricNames (then the
   * global gradient norm before clipping, when clipping is on). A non-finite loss leaves the weights untouched.
   */
  train(batch: ArrayBatch): number[] {
    const { out, rows, hidden, features } = this.forward(batch)
    const O = this.shape.outputSize
    const dOut = new Float32Array(rows * O)
    const values = this.loss(out, batch.y, rows, dOut)
    this.backward(hidden, features, rows, dOut)
    let scale = 1
    if (this.config.clip !== null) {
      let sum = 0
      for (const g of this.grads) for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!
      const norm = Math.fround(Math.sqrt(sum))
      scale = Math.fround(this.config.clip / Math.max(norm, this.config.clip))
      values.push(norm)
    }
    if (Number.isFinite(values[0]!)) this.update(scale)
    return values
  }

  /** Forward pass; returns the head's output [rows, out] and its input [rows, features]. */
  private forward(batch: ArrayBatch): { out: Float32Array; rows: number; hidden: Float32Array; features: number } {
    const B = batch.n
    this.batch = B
    const T = this.shape.seqLen
    if (batch.x.length !== B * T * this.shape.inputSize) throw new Error(`whole step: input has ${batch.x.length} values, expected ${B}×${T}×${this.shape.inputSize}`)
    let input = batch.x
    for (const layer of this.layers) {
      layer.input = input
      const H = layer.spec.units
      const shape = { batch: B, steps: T, inputDim: layer.inputDim }
      const outs = layer.dirs.map((dir) => {
        const x = dir.backwards ? reverseSteps(input, B, T, layer.inputDim) : input
        const { y, ticket } = dir.kernel.forward(layer.spec, shape, x, this.weightsOf(dir))
        dir.x = x
        dir.ticket = ticket
        return dir.backwards && layer.spec.returnSequences ? reverseSteps(y, B, T, H) : y
      })
      if (outs.length === 1) input = outs[0]!
      else {
        // tf.layers.bidirectional's concat: [forward, backward] along the features of every row.
        const rows = outs[0]!.length / H
        input = new Float32Array(rows * 2 * H)
        for (let r = 0; r < rows; r++) {
          input.set(outs[0]!.subarray(r * H, (r + 1) * H), r * 2 * H)
          input.set(outs[1]!.subarray(r * H, (r + 1) * H), r * 2 * H + H)
        }
      }
    }
    const features = this.shapes[this.head]![0]!
    const rows = input.length / features
    const O = this.shape.outputSize
    const K = this.params[this.head]!
    const bias = this.params[this.head + 1]!
    const out = new Float32Array(rows * O)
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        let s = 0
        for (let k = 0; k < features; k++) s += input[r * features + k]! * K[k * O + o]!
        out[r * O + o] = s + bias[o]!
      }
    }
    return { out, rows, hidden: input, features }
  }

  /** The loss and quality metrics of the head's output; writes d loss / d output into dOut. */
  private loss(out: Float32Array, y: Float32Array | Int32Array, rows: number, dOut: Float32Array): number[] {
    const O = this.shape.outputSize
    if (this.shape.kind === 'classification') {
      // tf.losses.softmaxCrossEntropy on one-hot labels: mean over rows of logSumExp(logits) - logit[label].
      let loss = 0
      let correct = 0
      for (let r = 0; r < rows; r++) {
        const label = y[r]!
        let max = -Infinity
        let arg = 0
        for (let o = 0; o < O; o++) {
          const v = out[r * O + o]!
          if (v > max) {
            max = v
            arg = o
          }
        }
        let sum = 0
        for (let o = 0; o < O; o++) sum += Math.exp(out[r * O + o]! - max)
        const lse = max + Math.log(sum)
        loss += lse - out[r * O + label]!
        if (arg === label) correct++
        for (let o = 0; o < O; o++) dOut[r * O + o] = (Math.exp(out[r * O + o]! - lse) - (o === label ? 1 : 0)) / rows
      }
      return [loss / rows, correct / rows]
    }
    const n = out.length
    let abs = 0
    let sq = 0
    let huber = 0
    const kind = this.config.loss
    for (let i = 0; i < n; i++) {
      const e = Math.fround(out[i]! - y[i]!)
      const a = Math.abs(e)
      abs += a
      sq += e * e
      const q = Math.min(a, 1)
      huber += 0.5 * q * q + (a - q)
      // tfjs' gradients: square → 2e; abs → sign with -1 at 0 (tf.step(x, -1)); Huber → e inside delta, else sign.
      const sign = e > 0 ? 1 : -1
      dOut[i] = (kind === 'mse' ? 2 * e : kind === 'mae' ? sign : a <= 1 ? a * sign : sign) / n
    }
    const mae = abs / n
    const mse = sq / n
    if (kind === 'mse') return [mse, mae]
    if (kind === 'mae') return [mae, mae, mse]
    return [huber / n, mae, mse]
  }

  /** Backward pass: fills this.grads from d loss / d output. */
  private backward(hidden: Float32Array, features: number, rows: number, dOut: Float32Array): void {
    const O = this.shape.outputSize
    const K = this.params[this.head]!
    const dK = this.grads[this.head]!
    const db = this.grads[this.head + 1]!
    dK.fill(0)
    db.fill(0)
    let dh: Float32Array = new Float32Array(rows * features)
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        const g = dOut[r * O + o]!
        db[o]! += g
        for (let k = 0; k < features; k++) {
          dK[k * O + o]! += hidden[r * features + k]! * g
          dh[r * features + k]! += g * K[k * O + o]!
        }
      }
    }
    const B = this.batch
    const T = this.shape.seqLen
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!
      const H = layer.spec.units
      const shape = { batch: B, steps: T, inputDim: layer.inputDim }
      const dirCount = layer.dirs.length
      const dInput = l > 0 ? new Float32Array(layer.input!.length) : undefined
      for (let d = 0; d < dirCount; d++) {
        const dir = layer.dirs[d]!
        let dy: Float32Array = dh
        if (dirCount === 2) {
          const stepRows = dh.length / (2 * H)
          dy = new Float32Array(stepRows * H)
          for (let r = 0; r < stepRows; r++) dy.set(dh.subarray(r * 2 * H + d * H, r * 2 * H + d * H + H), r * H)
        }
        if (dir.backwards && layer.spec.returnSequences) dy = reverseSteps(dy, B, T, H)
        const w = this.weightsOf(dir)
        const g = dir.kernel.backward(layer.spec, shape, dir.ticket!, () => ({ x: dir.x!, w }), dy)
        this.grads[dir.param]!.set(g.dKernel)
        this.grads[dir.param + 1]!.set(g.dRecurrentKernel)
        this.grads[dir.param + 2]!.set(g.dBias)
        if (dInput) {
          const dx = dir.backwards ? reverseSteps(g.dx, B, T, layer.inputDim) : g.dx
          for (let i = 0; i < dx.length; i++) dInput[i]! += dx[i]!
        }
      }
      if (dInput) dh = dInput
    }
  }

  /** The optimizer update of every parameter, gradients scaled by `scale` (clipping), as tfjs computes it. */
  private update(scale: number): void {
    const lr = this.lr
    const opt = this.config.optimizer
    if (opt === 'adam') {
      // Every operation rounded to float32 as tfjs computes it, constants included (β1 is the float32 0.9).
      const f = Math.fround
      const b1 = f(0.9)
      const b2 = f(0.999)
      const d1 = f(1 - 0.9)
      const d2 = f(1 - 0.999)
      const c1 = f(1 - this.accBeta1)
      const c2 = f(1 - this.accBeta2)
      const eps = f(this.epsilon)
      const nlr = f(-lr)
      this.params.forEach((p, k) => {
        const g = this.grads[k]!
        const [m, v] = this.state[k] as [Float32Array, Float32Array]
        for (let i = 0; i < p.length; i++) {
          const gi = f(g[i]! * scale)
          const mi = (m[i] = f(f(m[i]! * b1) + f(gi * d1)))
          const vi = (v[i] = f(f(v[i]! * b2) + f(f(gi * gi) * d2)))
          p[i] = f(f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * nlr) + p[i]!)
        }
      })
      this.accBeta1 = f(this.accBeta1 * b1)
      this.accBeta2 = f(this.accBeta2 * b2)
    } else if (opt === 'rmsprop') {
      const f = Math.fround
      const rho = f(0.9)
      const d = f(1 - 0.9)
      const eps = f(this.epsilon)
      const flr = f(lr)
      this.params.forEach((p, k) => {
        const g = this.grads[k]!
        const [ms, mom] = this.state[k] as [Float32Array, Float32Array]
        for (let i = 0; i < p.length; i++) {
          const gi = f(g[i]! * scale)
          const s = (ms[i] = f(f(ms[i]! * rho) + f(f(gi * gi) * d)))
          // tfjs' RMSprop with momentum 0: moments = 0·moments + lr·g / sqrt(ms + ε); value -= moments.
          const step = (mom[i] = f(f(mom[i]! * 0) + f(f(gi * flr) / f(Math.sqrt(f(s + eps))))))
          p[i] = f(p[i]! - step)
        }
      })
    } else if (this.config.momentum > 0) {
      const f = Math.fround
      const mu = f(this.config.momentum)
      const nlr = f(-lr)
      this.params.forEach((p, k) => {
        const g = this.grads[k]!
        const [acc] = this.state[k] as [Float32Array]
        for (let i = 0; i < p.length; i++) {
          const a = (acc[i] = f(f(mu * acc[i]!) + f(g[i]! * scale)))
          p[i] = f(f(nlr * a) + p[i]!)
        }
      })
    } else {
      const f = Math.fround
      const nlr = f(-lr)
      this.params.forEach((p, k) => {
        const g = this.grads[k]!
        for (let i = 0; i < p.length; i++) p[i] = f(f(nlr * f(g[i]! * scale)) + p[i]!)
      })
    }
    this.iterations++
  }

  private weightsOf(dir: Direction): { kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array } {
    return { kernel: this.params[dir.param]!, recurrentKernel: this.params[dir.param + 1]!, bias: this.params[dir.param + 2]! }
  }
}
