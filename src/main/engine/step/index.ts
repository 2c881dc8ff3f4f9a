/**
 * The whole training step in one call (issue 18 item 4): forward pass through the stacked (optionally bidirectional)
 * fused recurrent layers, the dense head, the loss, the backward pass, global-norm gradient clipping and the optimizer
 * update, on weights and optimizer state held in one flat memory — no TF.js tensor is made per step. The recurrent
 * layers run in the same kernels as the fused layers (native where built, else WebAssembly: FusedKernel); the head,
 * the clipping norm and the optimizer run in the step's own compiled loops (fused/kernels/step.c through loops.ts:
 * native beside native kernels, else WebAssembly), each one call over every weight at once; only the loss (a few
 * values per row) is computed here.
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
import { stepLoops, type StepLoops } from './loops'

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

/**
 * The batch of `indices` from a split. Fills `into` when it has this batch's sizes (the trainer passes the previous
 * batch: one pair of arrays for a whole run instead of two new ones per step), else new arrays.
 */
export function gatherArrays(data: Pick<SequenceDataset, 'kind' | 'seqLen' | 'inputSize'>, split: Split, indices: ArrayLike<number>, into?: ArrayBatch): ArrayBatch {
  const n = indices.length
  const xWidth = data.seqLen * data.inputSize
  const yWidth = split.y.length / split.n
  const fits = into !== undefined && into.n === n && into.x.length === n * xWidth && into.y.length === n * yWidth && (into.y instanceof Int32Array) === (data.kind === 'classification')
  const x = fits ? into.x : new Float32Array(n * xWidth)
  const y = fits ? into.y : data.kind === 'classification' ? new Int32Array(n * yWidth) : new Float32Array(n * yWidth)
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
  readonly shapes: number[][]
  /** Which kernels the recurrent layers run. */
  readonly build: KernelBuild
  /** Where the step's own loops run (loops.ts): "native" or a WebAssembly build. */
  readonly loopsBuild: StepLoops['build']
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
  /** Per-phase milliseconds summed over steps, when profiling is on (bench/step.bench.ts). */
  profile: Record<string, number> | null = null
  private mark = 0
  private lap(phase: string): void {
    if (!this.profile) return
    const now = performance.now()
    this.profile[phase] = (this.profile[phase] ?? 0) + now - this.mark
    this.mark = now
  }

  /**
   * The step's memory (loops.ts), laid out once: every weight one after another (so the optimizer is one call over
   * all of them), then their gradients, then each optimizer slot, then the clipping sum, then the head's scratch
   * (its input, output, output gradient and input gradient), which grows only when a batch has more rows than any before.
   */
  private readonly mem: StepLoops
  /** Float offset of each weight inside a weight-sized region, and the total count. */
  private readonly at: number[]
  private readonly total: number
  /** Byte offsets of the regions. */
  private readonly P: number
  private readonly G: number
  private readonly S: number[]
  private readonly norm: number
  private readonly scratch: number
  private rowsReserved = 0
  private views?: { buffer: ArrayBufferLike; params: Float32Array[]; grads: Float32Array[]; state: Float32Array[][]; sum: Float64Array }

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
    this.at = []
    let total = 0
    initial.forEach((w, i) => {
      const size = this.shapes[i]!.reduce((a, b) => a * b, 1)
      if (w.length !== size) throw new Error(`whole step: weight ${i} has ${w.length} values, expected ${size} ([${this.shapes[i]!.join(', ')}])`)
      this.at.push(total)
      total += size
    })
    this.total = total
    const slots = config.optimizer === 'adam' || config.optimizer === 'rmsprop' ? 2 : config.momentum > 0 ? 1 : 0
    this.mem = stepLoops(this.build)
    this.loopsBuild = this.mem.build
    this.P = align64(this.mem.start)
    this.G = region(this.P, total)
    this.S = []
    let end = region(this.G, total)
    for (let k = 0; k < slots; k++) {
      this.S.push(end)
      end = region(end, total)
    }
    this.norm = end
    this.scratch = region(end, 2)
    this.reserveRows(0)
    // Memory starts zeroed (gradients, optimizer state); the weights are copied in once.
    const f32 = this.mem.f32
    initial.forEach((w, i) => f32.set(w, this.P / 4 + this.at[i]!))
    this.lr = config.lr
    this.epsilon = options.epsilon ?? tf.backend().epsilon()
  }

  /** The scratch regions for `rows` rows of the head: its input, output, output gradient and input gradient. */
  private scratchLayout(rows: number): { hidden: number; out: number; dOut: number; dh: number; end: number } {
    const features = this.shapes[this.head]![0]!
    const O = this.shape.outputSize
    const hidden = this.scratch
    const out = region(hidden, rows * features)
    const dOut = region(out, rows * O)
    const dh = region(dOut, rows * O)
    return { hidden, out, dOut, dh, end: region(dh, rows * features) }
  }

  private reserveRows(rows: number): void {
    if (rows <= this.rowsReserved && this.rowsReserved > 0) return
    this.rowsReserved = Math.max(rows, 1)
    this.mem.reserve(this.scratchLayout(this.rowsReserved).end - this.mem.start)
  }

  /** Views of the weights, gradients and optimizer state in the step's memory (re-made when the memory grows). */
  private view(): NonNullable<WholeStep['views']> {
    const f32 = this.mem.f32
    if (this.views?.buffer === f32.buffer) return this.views
    const slice = (base: number): Float32Array[] => this.shapes.map((_, i) => {
      const from = base / 4 + this.at[i]!
      return f32.subarray(from, from + this.shapes[i]!.reduce((a, b) => a * b, 1))
    })
    const grads = slice(this.G)
    const slotViews = this.S.map((s) => slice(s))
    const sum = new Float64Array(f32.buffer, this.norm, 1)
    this.views = { buffer: f32.buffer, params: slice(this.P), grads, state: grads.map((_, i) => slotViews.map((v) => v[i]!)), sum }
    return this.views
  }

  /** Every trainable weight in the model's order (tfjs-layers' getWeights / trainableWeights): views of the current values. */
  get params(): Float32Array[] {
    return this.view().params
  }

  /** The gradients of the last step (before clipping), as views. */
  get grads(): Float32Array[] {
    return this.view().grads
  }

  /** Optimizer state per parameter, as views: Adam m and v; RMSprop mean square and moments; momentum accumulation. */
  get state(): Float32Array[][] {
    return this.view().state
  }

  /** A step driver holding a copy of the model's current weights (the fused layers' initial weights). */
  static fromModel(config: StepConfig, shape: StepShape, model: tf.LayersModel, options: { build?: KernelBuild } = {}): WholeStep {
    const initial = model.getWeights().map((w) => w.dataSync() as Float32Array)
    return new WholeStep(config, shape, initial, options)
  }

  /** Writes the current weights into the model (which then evaluates, snapshots and saves them as before). */
  syncToModel(model: tf.LayersModel): void {
    // Copies (slice): a tensor may keep the array it is made from, and these are views of memory the next step changes.
    tf.tidy(() => model.setWeights(this.params.map((p, i) => tf.tensor(p.slice(), this.shapes[i]!, 'float32'))))
  }

  setLearningRate(lr: number): void {
    this.lr = lr
  }

  /**
   * One training step on a batch: returns [loss, ...quality] in the order of train.ts's epochMetricNames (then the
   * global gradient norm before clipping, when clipping is on). A non-finite loss leaves the weights untouched.
   */
  train(batch: ArrayBatch): number[] {
    if (this.profile) this.mark = performance.now()
    const rows = this.forward(batch)
    const L = this.scratchLayout(rows)
    const f32 = this.mem.f32
    const O = this.shape.outputSize
    const values = this.loss(f32.subarray(L.out / 4, L.out / 4 + rows * O), batch.y, rows, f32.subarray(L.dOut / 4, L.dOut / 4 + rows * O))
    this.lap('loss')
    this.backward(rows, L)
    let scale = 1
    if (this.config.clip !== null) {
      this.mem.sumSquares(this.total, this.G, this.norm)
      const sum = this.view().sum[0]!
      const norm = Math.fround(Math.sqrt(sum))
      scale = Math.fround(this.config.clip / Math.max(norm, this.config.clip))
      values.push(norm)
    }
    this.lap('clip')
    if (Number.isFinite(values[0]!)) this.update(scale)
    this.lap('optimizer')
    return values
  }

  /** Forward pass through the recurrent layers into the head's input region, then the head; returns the head's rows. */
  private forward(batch: ArrayBatch): number {
    const B = batch.n
    this.batch = B
    const T = this.shape.seqLen
    if (batch.x.length !== B * T * this.shape.inputSize) throw new Error(`whole step: input has ${batch.x.length} values, expected ${B}×${T}×${this.shape.inputSize}`)
    const features = this.shapes[this.head]![0]!
    const rows = this.shape.perStep ? B * T : B
    this.reserveRows(rows)
    let input = batch.x
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l]!
      layer.input = input
      const H = layer.spec.units
      const shape = { batch: B, steps: T, inputDim: layer.inputDim }
      // The last layer's output goes straight into the head's input region.
      const last = l === this.layers.length - 1
      const outs = layer.dirs.map((dir) => {
        const x = dir.backwards ? reverseSteps(input, B, T, layer.inputDim) : input
        // The last layer's y is copied into the head's input below, before this kernel runs again: a view will do. A
        // lower layer's y is the next layer's input, kept for its backward pass, so it stays a copy.
        const { y, ticket } = dir.kernel.forward(layer.spec, shape, x, this.weightsOf(dir), { view: last })
        dir.x = x
        dir.ticket = ticket
        return dir.backwards && layer.spec.returnSequences ? reverseSteps(y, B, T, H) : y
      })
      this.lap('recurrent forward')
      const f32 = this.mem.f32
      const hidden = this.scratchLayout(rows).hidden / 4
      if (outs.length === 1) {
        if (last) f32.set(outs[0]!, hidden)
        else input = outs[0]!
      } else {
        // tf.layers.bidirectional's concat: [forward, backward] along the features of every row.
        const stepRows = outs[0]!.length / H
        const target = last ? f32.subarray(hidden, hidden + stepRows * 2 * H) : new Float32Array(stepRows * 2 * H)
        for (let r = 0; r < stepRows; r++) {
          target.set(outs[0]!.subarray(r * H, (r + 1) * H), r * 2 * H)
          target.set(outs[1]!.subarray(r * H, (r + 1) * H), r * 2 * H + H)
        }
        if (!last) input = target
      }
      this.lap('copies')
    }
    const L = this.scratchLayout(rows)
    const K = this.P + this.at[this.head]! * 4
    const bias = this.P + this.at[this.head + 1]! * 4
    this.mem.headForward(rows, features, this.shape.outputSize, L.hidden, K, bias, L.out)
    this.lap('head')
    return rows
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

  /** Backward pass: the head (loops.ts), then the recurrent layers; fills the gradient region. */
  private backward(rows: number, L: ReturnType<WholeStep['scratchLayout']>): void {
    const features = this.shapes[this.head]![0]!
    const dK = this.G + this.at[this.head]! * 4
    const db = this.G + this.at[this.head + 1]! * 4
    this.mem.headBackward(rows, features, this.shape.outputSize, L.hidden, this.P + this.at[this.head]! * 4, L.dOut, dK, db, L.dh)
    this.lap('head')
    let dh: Float32Array = this.mem.f32.subarray(L.dh / 4, L.dh / 4 + rows * features)
    const grads = this.grads
    const B = this.batch
    const T = this.shape.seqLen
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!
      const H = layer.spec.units
      const shape = { batch: B, steps: T, inputDim: layer.inputDim }
      const dirCount = layer.dirs.length
      // The gradient into the layer below: one direction's dx as it is; two directions' summed.
      let dInput: Float32Array | undefined = l > 0 && dirCount === 2 ? new Float32Array(layer.input!.length) : undefined
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
        // The weight gradients land in the gradient region directly (no per-step copies of weight size).
        const into = { dKernel: grads[dir.param]!, dRecurrentKernel: grads[dir.param + 1]!, dBias: grads[dir.param + 2]! }
        // dx as a view into this direction's kernel: it is read (summed, reversed, or handed down as the lower layer's
        // output gradient, which that layer's own kernel copies in) before this kernel runs again.
        const g = dir.kernel.backward(layer.spec, shape, dir.ticket!, () => ({ x: dir.x!, w }), dy, into, { view: true })
        this.lap('recurrent backward')
        if (l > 0 && dirCount === 1) dInput = g.dx
        else if (dInput) {
          const dx = dir.backwards ? reverseSteps(g.dx, B, T, layer.inputDim) : g.dx
          for (let i = 0; i < dx.length; i++) dInput[i]! += dx[i]!
        }
        this.lap('copies')
      }
      if (dInput) dh = dInput
    }
  }

  /** The optimizer update of every weight at once (loops.ts), gradients scaled by `scale` (clipping), as tfjs computes it. */
  private update(scale: number): void {
    const f = Math.fround
    const lr = this.lr
    const opt = this.config.optimizer
    const n = this.total
    if (opt === 'adam') {
      // Constants rounded to float32 as tfjs has them (β1 is the float32 0.9); bias correction by running float32 powers.
      const b1 = f(0.9)
      const b2 = f(0.999)
      this.mem.adam(n, this.P, this.G, this.S[0]!, this.S[1]!, scale, b1, b2, f(1 - 0.9), f(1 - 0.999), f(1 - this.accBeta1), f(1 - this.accBeta2), f(this.epsilon), f(-lr))
      this.accBeta1 = f(this.accBeta1 * b1)
      this.accBeta2 = f(this.accBeta2 * b2)
    } else if (opt === 'rmsprop') {
      this.mem.rmsprop(n, this.P, this.G, this.S[0]!, this.S[1]!, scale, f(0.9), f(1 - 0.9), f(this.epsilon), f(lr))
    } else if (this.config.momentum > 0) {
      this.mem.momentum(n, this.P, this.G, this.S[0]!, scale, f(this.config.momentum), f(-lr))
    } else {
      this.mem.sgd(n, this.P, this.G, scale, f(-lr))
    }
    this.iterations++
  }

  private weightsOf(dir: Direction): { kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array } {
    const params = this.params
    return { kernel: params[dir.param]!, recurrentKernel: params[dir.param + 1]!, bias: params[dir.param + 2]! }
  }
}

/** The byte offset after a region of `floats` float32 values starting at byte `at`, kept on 64-byte boundaries. */
function region(at: number, floats: number): number {
  return at + align64(floats * 4)
}

function align64(n: number): number {
  return Math.ceil(n / 64) * 64
}
