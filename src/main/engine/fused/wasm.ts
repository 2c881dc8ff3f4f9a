/**
 * Finds, compiles and instantiates the fused-kernel WebAssembly module (kernels/rnn.c, built by `npm run build`).
 *
 * Two builds of the same kernels ship side by side: gatelab_fused_relaxed.wasm uses relaxed SIMD, whose multiply-add
 * is one fused instruction on CPUs with FMA (the matrix products run ~25% faster), and gatelab_fused.wasm needs only
 * SIMD128. The relaxed one is used wherever the runtime accepts it: Electron and Node ≥ 22 do by default; Node 20's V8
 * has it behind --experimental-wasm-relaxed-simd, which the loader turns on before compiling (the flag is read when a
 * module is validated). GATELAB_FUSED_KERNELS=simd128 forces the baseline build; runs record which one ran.
 *
 * The module is compiled once per process; each fused layer gets its own instance, i.e. its own linear memory, so the
 * activations one layer's forward pass leaves for its backward pass are never overwritten by another layer and the
 * memory of each instance stays at the high-water mark of its shapes (no growth across batches or epochs).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'

export const wasmFileName = 'gatelab_fused.wasm'
export const relaxedWasmFileName = 'gatelab_fused_relaxed.wasm'

/** Which build of the kernels runs: relaxed SIMD (fused multiply-add) or baseline SIMD128. */
export type KernelVariant = 'relaxed-simd' | 'simd128'

type KernelFn = (...args: number[]) => void

// The Node 20 type definitions do not declare the WebAssembly global (it lives in the DOM library, which the main
// process does not include); these are the few members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmModule {
  readonly __wasmModule?: never
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule
  validate(bytes: Uint8Array): boolean
  Instance: new (module: WasmModule, imports: object) => { exports: object }
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** The kernels rnn.c exports (all pointers are byte offsets into the instance's memory), WebAssembly or native. */
export interface KernelFunctions {
  gemm_nn: KernelFn
  lstm_forward: KernelFn
  lstm_backward: KernelFn
  gru_after_forward: KernelFn
  gru_after_backward: KernelFn
  gru_before_forward: KernelFn
  gru_before_backward: KernelFn
  rnn_forward: KernelFn
  rnn_backward: KernelFn
}

/**
 * One memory the kernels run in, and its kernels: a WebAssembly instance (KernelInstance) or a native one
 * (engine/native, NativeKernelInstance). FusedKernel (kernel.ts) lays out its regions from `start`.
 */
export interface KernelMemory {
  readonly exports: KernelFunctions
  readonly start: number
  reserve(bytes: number): void
  readonly f32: Float32Array
  readonly memoryBytes: number
}

/** What the WebAssembly module exports: the kernels, its memory and where free memory starts. */
export interface KernelExports extends KernelFunctions {
  memory: WasmMemory
  __heap_base: { value: number }
}

/** The directory of this module: the bundle's directory once built (CommonJS), the source directory under Vitest. */
function moduleDir(): string {
  if (typeof __dirname === 'string') return __dirname
  return dirname(fileURLToPath(import.meta.url))
}

/**
 * Where the module may be, in order: GATELAB_FUSED_WASM; beside the built bundle (out/main/, where the electron-vite
 * build emits it, also inside the packaged app's asar, which Electron reads transparently); and the source tree
 * (src/main/engine/fused/kernels/, where scripts/lib/kernels.mjs compiles it) for tests run from the sources.
 */
export function wasmCandidates(env: NodeJS.ProcessEnv = process.env, fileName = wasmFileName): string[] {
  const dir = moduleDir()
  const candidates = [
    join(dir, fileName),
    join(dir, '..', fileName),
    join(dir, 'kernels', fileName),
    join(dir, '..', 'src', 'main', 'engine', 'fused', 'kernels', fileName),
    join(process.cwd(), 'src', 'main', 'engine', 'fused', 'kernels', fileName)
  ]
  return env.GATELAB_FUSED_WASM ? [env.GATELAB_FUSED_WASM, ...candidates] : candidates
}

export interface LoadedKernels {
  module: WasmModule
  variant: KernelVariant
  path: string
}

let loaded: LoadedKernels | undefined
const byVariant = new Map<KernelVariant, WasmModule>()

/**
 * The compiled module (once per process), or an error that says where it looked and how to build it. Without a
 * variant, the one loadKernels chooses; with one, that build (tests run both), or an error if this runtime lacks it.
 */
export function kernelModule(variant?: KernelVariant): WasmModule {
  loaded ??= loadKernels()
  if (variant === undefined || variant === loaded.variant) return loaded.module
  let module = byVariant.get(variant)
  if (!module) {
    if (variant === 'simd128') module = compileKernelModule(wasmCandidates({}))
    else {
      module = loadRelaxed()?.module
      if (!module) throw new Error(`The relaxed-SIMD kernels (${relaxedWasmFileName}) are missing or not accepted by this runtime`)
    }
    byVariant.set(variant, module)
  }
  return module
}

/** The build of the kernels this process runs by default (loads it if needed). */
export function kernelVariant(): KernelVariant {
  loaded ??= loadKernels()
  return loaded.variant
}

/**
 * Chooses and compiles the kernels: the relaxed-SIMD build when it is present, allowed (GATELAB_FUSED_KERNELS is not
 * "simd128", GATELAB_FUSED_WASM names no module of its own) and accepted by this runtime; otherwise the baseline.
 */
export function loadKernels(env: NodeJS.ProcessEnv = process.env): LoadedKernels {
  if (!env.GATELAB_FUSED_WASM && env.GATELAB_FUSED_KERNELS !== 'simd128') {
    const relaxed = loadRelaxed()
    if (relaxed) return { ...relaxed, variant: 'relaxed-simd' }
  }
  const candidates = wasmCandidates(env)
  return { module: compileKernelModule(candidates), variant: 'simd128', path: candidates.find((p) => existsSync(p))! }
}

/** The relaxed-SIMD build, compiled, when it is present and this runtime accepts it. */
function loadRelaxed(): { module: WasmModule; path: string } | undefined {
  const path = wasmCandidates({}, relaxedWasmFileName).find((p) => existsSync(p))
  if (!path) return undefined
  const bytes = readFileSync(path)
  return acceptsRelaxedSimd(bytes) ? { module: new WebAssemblyApi.Module(bytes), path } : undefined
}

/** Whether this runtime compiles `bytes` (a relaxed-SIMD module), turning on Node 20's flag for it when needed. */
function acceptsRelaxedSimd(bytes: Uint8Array): boolean {
  if (WebAssemblyApi.validate(bytes)) return true
  if (process.versions.electron) return false
  setFlagsFromString('--experimental-wasm-relaxed-simd')
  return WebAssemblyApi.validate(bytes)
}

/** Compiles the first of `candidates` that exists. */
export function compileKernelModule(candidates: string[]): WasmModule {
  const found = candidates.find((p) => existsSync(p))
  if (!found) {
    throw new Error(
      `The fused LSTM/GRU kernel module ${wasmFileName} was not found. Looked in:\n  ${candidates.join('\n  ')}\n` +
        'Build it with `npm run build` (or just the kernels: `npm run build:kernels`), which uses the committed prebuilt module; ' +
        'only after a change to the kernel sources does that need clang 16+ and lld (on Debian `apt-get install -y clang-19 lld-19`). Or use the engine "layers".'
    )
  }
  try {
    return new WebAssemblyApi.Module(readFileSync(found))
  } catch (error) {
    throw new Error(`${found} is not a usable WebAssembly SIMD module (${(error as Error).message}); rebuild it with \`npm run build:kernels\``)
  }
}

/**
 * One instance of the kernels with its own memory, and a bump layout of float32 regions inside it. `reserve` is
 * called with the total size a forward + backward pass needs before either runs, so memory grows only when shapes grow.
 */
export class KernelInstance implements KernelMemory {
  readonly exports: KernelExports
  private readonly base: number
  private view: Float32Array

  constructor(variant?: KernelVariant) {
    const instance = new WebAssemblyApi.Instance(kernelModule(variant), {})
    this.exports = instance.exports as unknown as KernelExports
    // Regions start 64-byte aligned after the C stack and data (__heap_base).
    this.base = align(Number(this.exports.__heap_base.value), 64)
    this.view = new Float32Array(this.exports.memory.buffer)
  }

  /** Byte offset where region layouts start. */
  get start(): number {
    return this.base
  }

  /** Makes sure `bytes` bytes from `start` exist; growing detaches old views, so `f32` is re-read afterwards. */
  reserve(bytes: number): void {
    const needed = this.base + bytes
    const have = this.exports.memory.buffer.byteLength
    if (needed > have) this.exports.memory.grow(Math.ceil((needed - have) / 65536))
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new Float32Array(this.exports.memory.buffer)
  }

  /** A float32 view of the whole memory (valid until the next `reserve` that grows it). */
  get f32(): Float32Array {
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new Float32Array(this.exports.memory.buffer)
    return this.view
  }

  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength
  }
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to
}

/** Lays out named float32 regions one after another (64-byte aligned), as byte offsets from `start`. */
export class Layout<K extends string> {
  readonly offsets = {} as Record<K, number>
  readonly sizes = {} as Record<K, number>
  private end: number

  constructor(start: number) {
    this.end = start
  }

  add(name: K, floats: number): this {
    this.offsets[name] = this.end
    this.sizes[name] = floats
    this.end = align(this.end + floats * 4, 64)
    return this
  }

  get byteEnd(): number {
    return this.end
  }
}
