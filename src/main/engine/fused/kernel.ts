/**
 * The fused kernels on plain Float32Arrays: one call into WebAssembly for the forward pass over the whole sequence
 * and one for the whole backward pass through time. No TF.js here (op.ts wraps this), so tests can drive it directly.
 */
import { KernelInstance, Layout, kernelVariant, type KernelMemory, type KernelVariant } from './wasm'
import { NativeKernelInstance, nativeKernelStatus, type NativeTarget } from '../native'

/** The cell forms the kernels compute (CELLS.md). */
export type FusedVariant = 'lstm' | 'gru-after' | 'gru-before' | 'rnn'
export const fusedVariants: readonly FusedVariant[] = ['lstm', 'gru-after', 'gru-before', 'rnn']

export interface FusedSpec {
  variant: FusedVariant
  units: number
  /** tfjs-layers' hardSigmoid for the gates instead of the logistic sigmoid. */
  hardSigmoid: boolean
  /** Output every step [B,T,H] rather than the last [B,H]. */
  returnSequences: boolean
}

export interface FusedShape {
  batch: number
  steps: number
  inputDim: number
}

/** Gate blocks per cell: LSTM i,f,c,o; GRU z,r,h; RNN one. */
export function gateCount(variant: FusedVariant): number {
  return variant === 'lstm' ? 4 : variant === 'rnn' ? 1 : 3
}

/** Weight shapes in the tfjs-layers layout; the reset-after GRU has two bias rows (input, recurrent) like Keras. */
export function weightShapes(variant: FusedVariant, inputDim: number, units: number): {
  kernel: [number, number]
  recurrentKernel: [number, number]
  bias: number[]
} {
  const G = gateCount(variant) * units
  return { kernel: [inputDim, G], recurrentKernel: [units, G], bias: variant === 'gru-after' ? [2, G] : [G] }
}

export interface FusedWeights {
  kernel: Float32Array
  recurrentKernel: Float32Array
  bias: Float32Array
}

export interface FusedGrads {
  dx: Float32Array
  dKernel: Float32Array
  dRecurrentKernel: Float32Array
  dBias: Float32Array
}

type Region =
  | 'x' | 'W' | 'U' | 'bias' | 'xt' | 'gates' | 'aux' | 'aux2' | 'hs' | 'y'
  | 'dy' | 'dx' | 'dW' | 'dU' | 'db' | 'UT' | 'WT' | 'dh' | 'dh2' | 'drh' | 'dxt'

function layout(start: number, spec: FusedSpec, shape: FusedShape): Layout<Region> {
  const { batch: B, steps: T, inputDim: D } = shape
  const H = spec.units
  const G = gateCount(spec.variant) * H
  const biasLen = spec.variant === 'gru-after' ? 2 * G : G
  const ySize = spec.returnSequences ? B * T * H : B * H
  // aux: LSTM cell states [T+1,B,H]; GRU-after U_n·h + b_hn [T,B,H]; GRU-before r ⊙ h [T,B,H].
  // aux2: LSTM tanh(c) [T,B,H]; GRU the recurrent product of one step [B,G].
  const aux = spec.variant === 'lstm' ? (T + 1) * B * H : spec.variant === 'rnn' ? 0 : T * B * H
  const aux2 = spec.variant === 'lstm' ? T * B * H : spec.variant === 'rnn' ? 0 : B * G
  return new Layout<Region>(start)
    .add('x', B * T * D).add('W', D * G).add('U', H * G).add('bias', biasLen)
    .add('xt', T * B * D).add('gates', T * B * G).add('aux', aux).add('aux2', aux2).add('hs', (T + 1) * B * H)
    .add('y', ySize)
    // Backward regions come after the forward ones, so the activations survive until the backward pass reads them.
    .add('dy', ySize).add('dx', B * T * D).add('dW', D * G).add('dU', H * G).add('db', biasLen)
    .add('UT', G * H).add('WT', G * D).add('dh', B * H).add('dh2', B * H).add('drh', B * H).add('dxt', T * B * D)
}

/** Bytes of kernel memory a call of this spec and shape lays out (reserved; the run estimate checks it against 4 GiB). */
export function kernelLayoutBytes(spec: Pick<FusedSpec, 'variant' | 'units' | 'returnSequences'>, shape: FusedShape): number {
  return layout(0, { hardSigmoid: false, ...spec }, shape).byteEnd
}

/** Bytes one more batch row adds to a kernel's memory for this spec, steps and input width (the layout's per-row part). */
export function kernelRowBytes(spec: Pick<FusedSpec, 'variant' | 'units' | 'returnSequences'>, steps: number, inputDim: number): number {
  return kernelLayoutBytes(spec, { batch: 2, steps, inputDim }) - kernelLayoutBytes(spec, { batch: 1, steps, inputDim })
}

function checkShapes(spec: FusedSpec, shape: FusedShape, w: FusedWeights): void {
  const s = weightShapes(spec.variant, shape.inputDim, spec.units)
  const want = { kernel: s.kernel[0] * s.kernel[1], recurrentKernel: s.recurrentKernel[0] * s.recurrentKernel[1], bias: s.bias.reduce((a, b) => a * b, 1) }
  for (const key of ['kernel', 'recurrentKernel', 'bias'] as const) {
    if (w[key].length !== want[key]) {
      throw new Error(`fused ${spec.variant}: ${key} has ${w[key].length} values, expected ${want[key]} (${JSON.stringify(s[key])})`)
    }
  }
  if (![shape.batch, shape.steps, shape.inputDim, spec.units].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`fused ${spec.variant}: batch, steps, input size and units must be positive integers (got ${JSON.stringify({ ...shape, units: spec.units })})`)
  }
}

/**
 * One layer's kernels: a WebAssembly instance whose memory holds the weights, the activations of the last forward
 * pass and the backward scratch. `forward` returns a ticket; `backward` with that ticket reuses the stored
 * activations, and with a stale ticket (another forward ran in between) recomputes them first, so it is always right.
 */
/** Which kernels a FusedKernel runs: a WebAssembly build, or a native target (`native-avx2`, ...). */
export type KernelBuild = KernelVariant | `native-${NativeTarget}`

/** The kernels fused layers run in this process by default: the native ones where usable, else the WebAssembly build the loader chose. */
export function defaultKernelBuild(): KernelBuild {
  const native = nativeKernelStatus()
  return native.used ? `native-${native.target!}` : kernelVariant()
}

function instantiate(build: KernelBuild | undefined): KernelMemory {
  const chosen = build ?? defaultKernelBuild()
  return chosen.startsWith('native-') ? new NativeKernelInstance(chosen.slice('native-'.length) as NativeTarget) : new KernelInstance(chosen as KernelVariant)
}

export class FusedKernel {
  private readonly wasm: KernelMemory
  /** The kernels this instance runs. */
  readonly build: KernelBuild
  private ticket = 0
  /** The ticket whose activations are in memory, or 0 when none (or the backward pass consumed them). */
  private live = 0
  private liveKey = ''

  /**
   * `build` picks the kernels (tests run each): a WebAssembly build or a native target; by default the native kernels
   * where usable (engine/native), else the WebAssembly build the loader chose (wasm.ts).
   */
  constructor(build?: KernelBuild) {
    this.build = build ?? defaultKernelBuild()
    this.wasm = instantiate(this.build)
  }

  get memoryBytes(): number {
    return this.wasm.memoryBytes
  }

  /**
   * One forward pass. `y` is a copy, unless `options.view`: then a view into the kernel's memory, valid until the next
   * forward or backward call of this kernel (the whole step copies it on at once, so each step makes no new array).
   */
  forward(spec: FusedSpec, shape: FusedShape, x: Float32Array, w: FusedWeights, options: { view?: boolean } = {}): { y: Float32Array; ticket: number } {
    checkShapes(spec, shape, w)
    if (x.length !== shape.batch * shape.steps * shape.inputDim) {
      throw new Error(`fused ${spec.variant}: input has ${x.length} values, expected ${shape.batch}×${shape.steps}×${shape.inputDim}`)
    }
    const L = layout(this.wasm.start, spec, shape)
    this.wasm.reserve(L.byteEnd - this.wasm.start)
    const mem = this.wasm.f32
    const o = L.offsets
    mem.set(x, o.x / 4)
    mem.set(w.kernel, o.W / 4)
    mem.set(w.recurrentKernel, o.U / 4)
    mem.set(w.bias, o.bias / 4)
    const k = this.wasm.exports
    const head = [shape.steps, shape.batch, shape.inputDim, spec.units, spec.hardSigmoid ? 1 : 0, spec.returnSequences ? 1 : 0]
    const inputs = [o.x, o.W, o.U, o.bias, o.xt, o.gates]
    switch (spec.variant) {
      case 'lstm': k.lstm_forward(...head, ...inputs, o.aux, o.aux2, o.hs, o.y); break
      case 'gru-after': k.gru_after_forward(...head, ...inputs, o.aux, o.hs, o.aux2, o.y); break
      case 'gru-before': k.gru_before_forward(...head, ...inputs, o.aux, o.hs, o.aux2, o.y); break
      case 'rnn': k.rnn_forward(...head, ...inputs, o.hs, o.y); break
    }
    this.ticket += 1
    this.live = this.ticket
    this.liveKey = key(spec, shape)
    const y = options.view ? mem.subarray(o.y / 4, o.y / 4 + L.sizes.y) : mem.slice(o.y / 4, o.y / 4 + L.sizes.y)
    return { y, ticket: this.ticket }
  }

  /**
   * The gate activations of the latest forward pass of this spec and shape, time-major [T, B, G] after activation
   * (LSTM i,f,g,o; GRU z,r,n; RNN the pre-tanh sums are not kept: use h). A view into the kernel's memory, valid until
   * the next forward or backward call. The gate inspector's split statistics read it (src/main/inspect/kernelStats.ts).
   */
  gateActivations(spec: FusedSpec, shape: FusedShape): Float32Array {
    if (this.live === 0 || this.liveKey !== key(spec, shape)) throw new Error(`fused ${spec.variant}: no forward pass of this shape is in memory`)
    const L = layout(this.wasm.start, spec, shape)
    return this.wasm.f32.subarray(L.offsets.gates / 4, L.offsets.gates / 4 + L.sizes.gates)
  }

  /**
   * Gradients for the forward pass `ticket`, given the gradient of its output (same shape as y). `inputs` gives that
   * pass's input and weights; it is called only when the activations must be recomputed. `into` (the whole step's
   * gradient region, engine/step) receives the weight gradients directly, and the returned arrays are those: no
   * fresh weight-sized array per call (1 MiB for the recurrent kernel at 256 LSTM units, which also made V8 collect
   * for the external memory every few steps). With `options.view`, `dx` is a view into the kernel's memory, valid
   * until the next call of this kernel, instead of a copy.
   */
  backward(
    spec: FusedSpec,
    shape: FusedShape,
    ticket: number,
    inputs: () => { x: Float32Array; w: FusedWeights },
    dy: Float32Array,
    into?: Pick<FusedGrads, 'dKernel' | 'dRecurrentKernel' | 'dBias'>,
    options: { view?: boolean } = {}
  ): FusedGrads {
    if (ticket !== this.live || key(spec, shape) !== this.liveKey) {
      const { x, w } = inputs()
      this.forward(spec, shape, x, w)
    }
    this.live = 0 // the backward pass overwrites the gate activations with gate gradients
    const L = layout(this.wasm.start, spec, shape)
    const mem = this.wasm.f32
    const o = L.offsets
    if (dy.length !== L.sizes.dy) throw new Error(`fused ${spec.variant}: output gradient has ${dy.length} values, expected ${L.sizes.dy}`)
    mem.set(dy, o.dy / 4)
    const k = this.wasm.exports
    const head = [shape.steps, shape.batch, shape.inputDim, spec.units, spec.hardSigmoid ? 1 : 0, spec.returnSequences ? 1 : 0]
    const outs = [o.dx, o.dW, o.dU, o.db, o.UT, o.WT, o.dh]
    switch (spec.variant) {
      case 'lstm': k.lstm_backward(...head, o.W, o.U, o.xt, o.gates, o.aux, o.aux2, o.hs, o.dy, ...outs, o.dh2, o.dxt); break
      case 'gru-after': k.gru_after_backward(...head, o.W, o.U, o.xt, o.gates, o.aux, o.hs, o.dy, ...outs, o.dh2, o.dxt); break
      case 'gru-before': k.gru_before_backward(...head, o.W, o.U, o.xt, o.gates, o.aux, o.hs, o.dy, ...outs, o.dh2, o.drh, o.dxt); break
      case 'rnn': k.rnn_backward(...head, o.W, o.U, o.xt, o.gates, o.hs, o.dy, ...outs, o.dxt); break
    }
    const read = (r: Region): Float32Array => mem.slice(o[r] / 4, o[r] / 4 + L.sizes[r])
    if (into) {
      const copy = (r: Region, target: Float32Array): Float32Array => {
        if (target.length !== L.sizes[r]) throw new Error(`fused ${spec.variant}: gradient target for ${r} has ${target.length} values, expected ${L.sizes[r]}`)
        target.set(mem.subarray(o[r] / 4, o[r] / 4 + L.sizes[r]))
        return target
      }
      const dx = options.view ? mem.subarray(o.dx / 4, o.dx / 4 + L.sizes.dx) : read('dx')
      return { dx, dKernel: copy('dW', into.dKernel), dRecurrentKernel: copy('dU', into.dRecurrentKernel), dBias: copy('db', into.dBias) }
    }
    return { dx: read('dx'), dKernel: read('dW'), dRecurrentKernel: read('dU'), dBias: read('db') }
  }
}

function key(spec: FusedSpec, shape: FusedShape): string {
  return `${spec.variant}/${spec.units}/${spec.hardSigmoid}/${spec.returnSequences}/${shape.batch}/${shape.steps}/${shape.inputDim}`
}

/** Multiply-adds ×2 of one training step (forward + backward) of the recurrent layer: for GFLOP/s figures. */
export function trainingFlops(variant: FusedVariant, shape: FusedShape, units: number): number {
  const G = gateCount(variant) * units
  const { batch: B, steps: T, inputDim: D } = shape
  // forward: x·W and h·U per step; backward: dZ·Uᵀ, hᵀ·dZ, xᵀ·dZ, dZ·Wᵀ.
  return 2 * B * T * G * (D + units) * 3
}
