/**
 * The whole step's own loops (src/main/engine/fused/kernels/step.c: the dense head forward and backward, the sum of
 * squares for clipping, Adam, RMSprop, SGD with and without momentum) and the memory they run in: the native module's
 * (engine/native, one build for every target) where the recurrent layers run native kernels and the module has them,
 * else a WebAssembly instance of the kernel module. Both builds give the same bits (step.c contracts and reassociates
 * nothing), so which one runs changes no result.
 *
 * Every pointer argument is a byte offset into `f32`'s buffer; counts are element counts; constants are float32.
 */
import { KernelInstance, kernelVariant, type KernelFunctions, type KernelVariant } from '../fused/wasm'
import { nativeStepLoops, type NativeTarget } from '../native'
import type { KernelBuild } from '../fused/kernel'

type Fn = (...args: number[]) => void

export interface StepLoops {
  /** Where the loops run: "native" or the WebAssembly build ("relaxed-simd", "simd128"). */
  readonly build: 'native' | KernelVariant
  /** Byte offset where regions may start. */
  readonly start: number
  /** Makes sure `bytes` bytes from `start` exist (keeping what is there); `f32` may be a new view afterwards. */
  reserve(bytes: number): void
  readonly f32: Float32Array
  headForward(rows: number, F: number, O: number, h: number, K: number, bias: number, out: number): void
  headBackward(rows: number, F: number, O: number, h: number, K: number, dOut: number, dK: number, db: number, dh: number): void
  /** Σ g² (in double) written as a float64 at byte offset `out` (8-byte aligned). */
  sumSquares(n: number, g: number, out: number): void
  adam(n: number, p: number, g: number, m: number, v: number, scale: number, b1: number, b2: number, d1: number, d2: number, c1: number, c2: number, eps: number, nlr: number): void
  rmsprop(n: number, p: number, g: number, ms: number, mom: number, scale: number, rho: number, d: number, eps: number, lr: number): void
  momentum(n: number, p: number, g: number, acc: number, scale: number, mu: number, nlr: number): void
  sgd(n: number, p: number, g: number, scale: number, nlr: number): void
}

const names = ['step_head_forward', 'step_head_backward', 'step_sum_squares', 'step_adam', 'step_rmsprop', 'step_momentum', 'step_sgd'] as const

function bind(call: (fn: number) => Fn): Omit<StepLoops, 'build' | 'start' | 'reserve' | 'f32'> {
  return {
    headForward: call(0),
    headBackward: call(1),
    sumSquares: call(2),
    adam: call(3),
    rmsprop: call(4),
    momentum: call(5),
    sgd: call(6)
  }
}

/** The loops in a WebAssembly instance of the kernel module (its own memory). */
class WasmStepLoops implements StepLoops {
  readonly build: KernelVariant
  private readonly instance: KernelInstance
  readonly headForward: Fn
  readonly headBackward: Fn
  readonly sumSquares: Fn
  readonly adam: Fn
  readonly rmsprop: Fn
  readonly momentum: Fn
  readonly sgd: Fn

  constructor(variant: KernelVariant) {
    this.build = variant
    this.instance = new KernelInstance(variant)
    const exports = this.instance.exports as KernelFunctions & Partial<Record<(typeof names)[number], Fn>>
    const missing = names.filter((n) => typeof exports[n] !== 'function')
    if (missing.length > 0) {
      throw new Error(`The fused kernel module lacks the whole step's loops (${missing.join(', ')}): it was built from older sources; rebuild it with \`npm run build:kernels\``)
    }
    this.headForward = exports.step_head_forward!
    this.headBackward = exports.step_head_backward!
    this.sumSquares = exports.step_sum_squares!
    this.adam = exports.step_adam!
    this.rmsprop = exports.step_rmsprop!
    this.momentum = exports.step_momentum!
    this.sgd = exports.step_sgd!
  }

  get start(): number {
    return this.instance.start
  }

  reserve(bytes: number): void {
    this.instance.reserve(bytes)
  }

  get f32(): Float32Array {
    return this.instance.f32
  }
}

/** The loops in the native module, on an ArrayBuffer of this object's own. */
class NativeStepLoops implements StepLoops {
  readonly build = 'native' as const
  readonly start = 0
  private buffer = new ArrayBuffer(1 << 16)
  private view = new Float32Array(this.buffer)
  readonly headForward: Fn
  readonly headBackward: Fn
  readonly sumSquares: Fn
  readonly adam: Fn
  readonly rmsprop: Fn
  readonly momentum: Fn
  readonly sgd: Fn

  constructor(step: (fn: number, buffer: ArrayBuffer, ...args: number[]) => void) {
    const loops = bind((fn) => (...args: number[]): void => step(fn, this.buffer, ...args))
    this.headForward = loops.headForward
    this.headBackward = loops.headBackward
    this.sumSquares = loops.sumSquares
    this.adam = loops.adam
    this.rmsprop = loops.rmsprop
    this.momentum = loops.momentum
    this.sgd = loops.sgd
  }

  reserve(bytes: number): void {
    if (bytes <= this.buffer.byteLength) return
    const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536)
    new Uint8Array(next).set(new Uint8Array(this.buffer))
    this.buffer = next
    this.view = new Float32Array(next)
  }

  get f32(): Float32Array {
    return this.view
  }
}

/**
 * The step loops beside recurrent layers running `build`: native when those are native kernels and the module has the
 * loops (a module built before them has not: then the WebAssembly ones run), else the same WebAssembly build.
 */
export function stepLoops(build: KernelBuild): StepLoops {
  if (build.startsWith('native-')) {
    const step = nativeStepLoops(build.slice('native-'.length) as NativeTarget)
    if (step) return new NativeStepLoops(step)
    return new WasmStepLoops(kernelVariant())
  }
  return new WasmStepLoops(build as KernelVariant)
}
