/**
 * The whole step's own loops (src/main/engine/fused/kernels/step.c: the dense head forward and backward, the sum of
 * squares for clipping, Adam, RMSprop, SGD with and without momentum) and the memory they run in: the native module's
 * (engine/native, one build for every target) where the recurrent layers run native kernels and the module has them,
 * else a WebAssembly instance of the kernel module. Both builds give the same bits (step.c contracts and reassociates
 * nothing), so which one runs changes no result.
 *
 * Every pointer argument is a byte offset into `f32`'s buffer; counts are element counts; constants are float32.
 */
import { KernelInstance, kernelVariant, type KernelFunctions, type KernelMemory, type KernelVariant } from '../fused/wasm'
import { NativeKernelInstance, nativeStepLoops, type NativeTarget } from '../native'
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

/** The loops on a kernel memory (a WebAssembly instance's, or a native one's ArrayBuffer), one function per loop in `names`' order. */
class KernelStepLoops implements StepLoops {
  readonly headForward: Fn
  readonly headBackward: Fn
  readonly sumSquares: Fn
  readonly adam: Fn
  readonly rmsprop: Fn
  readonly momentum: Fn
  readonly sgd: Fn

  constructor(readonly build: StepLoops['build'], private readonly memory: KernelMemory, loops: Fn[]) {
    ;[this.headForward, this.headBackward, this.sumSquares, this.adam, this.rmsprop, this.momentum, this.sgd] = loops as [Fn, Fn, Fn, Fn, Fn, Fn, Fn]
  }

  get start(): number {
    return this.memory.start
  }

  reserve(bytes: number): void {
    this.memory.reserve(bytes)
  }

  get f32(): Float32Array {
    return this.memory.f32
  }
}

/** The loops in a WebAssembly instance of the kernel module (its own memory). */
function wasmStepLoops(variant: KernelVariant): StepLoops {
  const instance = new KernelInstance(variant)
  const exports = instance.exports as KernelFunctions & Partial<Record<(typeof names)[number], Fn>>
  const missing = names.filter((n) => typeof exports[n] !== 'function')
  if (missing.length > 0) {
    throw new Error(`The fused kernel module lacks the whole step's loops (${missing.join(', ')}): it was built from older sources; rebuild it with \`npm run build:kernels\``)
  }
  return new KernelStepLoops(variant, instance, names.map((n) => exports[n]!))
}

/**
 * The step loops beside recurrent layers running `build`: native when those are native kernels and the module has the
 * loops (a module built before them has not: then the WebAssembly ones run), on a native kernel memory (an ArrayBuffer
 * of its own); else the same WebAssembly build.
 */
export function stepLoops(build: KernelBuild): StepLoops {
  if (build.startsWith('native-')) {
    const target = build.slice('native-'.length) as NativeTarget
    const step = nativeStepLoops(target)
    if (!step) return wasmStepLoops(kernelVariant())
    const memory = new NativeKernelInstance(target)
    return new KernelStepLoops('native', memory, names.map((_, fn) => (...args: number[]): void => step(fn, memory.f32.buffer as ArrayBuffer, ...args)))
  }
  return wasmStepLoops(build as KernelVariant)
}
