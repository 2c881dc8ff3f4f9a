/**
 * The fused kernels as a native Node-API module (src/main/engine/native/addon/, built at install by
 * scripts/native-kernels.mjs), behind the same interface as the WebAssembly instances (fused/wasm.ts): the same
 * functions taking the same integer arguments and byte offsets, into memory JavaScript owns (an ArrayBuffer here, the
 * instance's linear memory there). FusedKernel uses the native kernels wherever the module loads and
 * GATELAB_NATIVE_KERNELS is not "off"; otherwise the WebAssembly ones. `nativeKernelStatus()` says which and why, in
 * words for the System page, `--json` outputs and the run's recorded versions.
 *
 * GATELAB_NATIVE_KERNELS: unset or "auto" — the widest target this CPU runs; "off" — WebAssembly only; "avx512",
 * "avx2", "sse", "neon" — that target (not used, with the reason, when this CPU or build lacks it).
 * GATELAB_NATIVE_KERNELS_PATH: a gatelab_kernels.node to load instead of the usual places.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FusedKernelReport } from '../../../shared/protocol'
import type { KernelFunctions, KernelMemory } from '../fused/wasm'
import { nativeSourceHash } from './sources.mjs'

export const nativeFileName = 'gatelab_kernels.node'
export const nativeBuildStatusFile = 'gatelab_kernels.build.json'
export type NativeTarget = 'avx512' | 'avx2' | 'sse' | 'neon'
export const nativeTargets: readonly NativeTarget[] = ['avx512', 'avx2', 'sse', 'neon']

export interface NativeKernelStatus {
  /** Whether fused layers in this process run the native kernels. */
  used: boolean
  /** The target they run (or would run): the vector ISA, e.g. "avx2". */
  target?: NativeTarget
  /** Every target the module has that this CPU runs, widest first. */
  targets?: NativeTarget[]
  path?: string
  /** Why they are or are not used, in words a researcher can act on. */
  reason: string
}

interface Addon {
  targets: NativeTarget[]
  abi: number
  call(target: number, fn: number, buffer: ArrayBuffer, ...args: number[]): void
  /** The whole step's own loops (fused/kernels/step.c; engine/step/loops.ts); missing in modules built before them. */
  step?(fn: number, buffer: ArrayBuffer, ...args: number[]): void
}

function moduleDir(): string {
  if (typeof __dirname === 'string') return __dirname
  return dirname(fileURLToPath(import.meta.url))
}

/**
 * Where the module may be, in order: GATELAB_NATIVE_KERNELS_PATH; the packaged app's resources (electron-builder
 * ships native/ as extraResources); native/ at the project root (the install script copies the build there), found
 * from the bundle (out/main/) or the sources; node-gyp's own output directory.
 */
export function nativeCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = moduleDir()
  const resources = (process as { resourcesPath?: string }).resourcesPath
  const roots = [join(dir, '..', '..'), join(dir, '..', '..', '..', '..'), join(dir, '..', '..', '..'), process.cwd()]
  const candidates = [
    ...(resources ? [join(resources, 'native', nativeFileName)] : []),
    ...roots.map((r) => join(r, 'native', nativeFileName)),
    ...roots.map((r) => join(r, 'src', 'main', 'engine', 'native', 'addon', 'build', 'Release', nativeFileName))
  ]
  const unique = [...new Set(candidates)]
  return env.GATELAB_NATIVE_KERNELS_PATH ? [env.GATELAB_NATIVE_KERNELS_PATH, ...unique] : unique
}

/** What the install script recorded about the last native build (native/gatelab_kernels.build.json), if anything. */
function buildRecord(candidates: string[]): { ok: boolean; error?: string; date?: string; sources?: string | null } | undefined {
  for (const c of candidates) {
    const file = join(dirname(c), nativeBuildStatusFile)
    if (!existsSync(file)) continue
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { ok: boolean; error?: string; date?: string; sources?: string | null }
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Why a module at `path` must not be used because it was built from other kernel sources than the checkout it sits in
 * (native/ beside src/: a `git pull` that changed the kernels without `npm run build:native`), or undefined: its build
 * record has the sources' hash (scripts/native-kernels.mjs) and the checkout's sources hash otherwise. A packaged app
 * (no sources beside it), a module without a record, or a record from before hashes were kept: not judged.
 */
function staleReason(path: string): string | undefined {
  const record = buildRecord([path])
  if (!record?.sources) return undefined
  const sources = nativeSourceHash(join(dirname(path), '..', 'src', 'main', 'engine', 'native', 'addon'))
  if (sources === null || sources === record.sources) return undefined
  return `${path} was built${record.date ? ` on ${record.date}` : ''} from other kernel sources than this checkout's (they changed since): the WebAssembly kernels run. Rebuild it with \`npm run build:native\``
}

const opened = new Map<string, Addon>()

/** dlopen()s a module once per path and process. */
function openAddon(path: string): Addon {
  let addon = opened.get(path)
  if (!addon) {
    const mod = { exports: {} as Addon }
    process.dlopen(mod, path)
    addon = mod.exports
    opened.set(path, addon)
  }
  return addon
}

let cached: { key: string; status: NativeKernelStatus; addon?: Addon; index: number } | undefined

/** Loads the module (once per process and setting) and decides whether and which target to use. */
function load(env: NodeJS.ProcessEnv = process.env): { status: NativeKernelStatus; addon?: Addon; index: number } {
  const setting = (env.GATELAB_NATIVE_KERNELS ?? 'auto').trim().toLowerCase() || 'auto'
  const key = `${setting}\0${env.GATELAB_NATIVE_KERNELS_PATH ?? ''}`
  if (cached?.key === key) return cached
  const result = ((): { status: NativeKernelStatus; addon?: Addon; index: number } => {
    if (setting === 'off') return { status: { used: false, reason: 'turned off by GATELAB_NATIVE_KERNELS=off: the WebAssembly kernels run' }, index: -1 }
    if (setting !== 'auto' && !nativeTargets.includes(setting as NativeTarget)) {
      return { status: { used: false, reason: `GATELAB_NATIVE_KERNELS=${setting} is not one of off, auto, ${nativeTargets.join(', ')}: the WebAssembly kernels run` }, index: -1 }
    }
    const candidates = nativeCandidates(env)
    const path = candidates.find((p) => existsSync(p))
    if (!path) {
      const record = buildRecord(candidates)
      const why = record && !record.ok
        ? `the native build failed at install (${(record.error ?? 'no details').split('\n')[0]})`
        : 'the native module was not built'
      return {
        status: {
          used: false,
          reason: `${why}: the WebAssembly kernels run. Build it with \`npm run build:native\` (needs a C compiler, make and python3: node-gyp)`
        },
        index: -1
      }
    }
    const stale = staleReason(path)
    if (stale) return { status: { used: false, path, reason: stale }, index: -1 }
    let addon: Addon
    try {
      addon = openAddon(path)
    } catch (error) {
      return { status: { used: false, path, reason: `${path} does not load here (${(error as Error).message.split('\n')[0]}): the WebAssembly kernels run; rebuild it with \`npm run build:native\`` }, index: -1 }
    }
    const targets = [...addon.targets]
    if (targets.length === 0) return { status: { used: false, path, targets, reason: 'the native module has no target this CPU runs: the WebAssembly kernels run' }, index: -1 }
    const want = setting === 'auto' ? targets[0]! : (setting as NativeTarget)
    const index = targets.indexOf(want)
    if (index < 0) {
      return { status: { used: false, path, targets, reason: `GATELAB_NATIVE_KERNELS=${setting}, but this CPU and build run only ${targets.join(', ')}: the WebAssembly kernels run` }, index: -1 }
    }
    const how = setting === 'auto' ? `the widest of ${targets.join(', ')} this CPU runs` : `chosen by GATELAB_NATIVE_KERNELS=${setting}`
    return { status: { used: true, target: want, targets, path, reason: `native ${want} kernels (${how})` }, addon, index }
  })()
  cached = { key, ...result }
  return result
}

/** Whether the native kernels run in this process, which target, and why (or why not). */
export function nativeKernelStatus(env: NodeJS.ProcessEnv = process.env): NativeKernelStatus {
  return load(env).status
}

const functionIds: Record<keyof KernelFunctions, number> = {
  gemm_nn: 0,
  lstm_forward: 1,
  lstm_backward: 2,
  gru_after_forward: 3,
  gru_after_backward: 4,
  gru_before_forward: 5,
  gru_before_backward: 6,
  rnn_forward: 7,
  rnn_backward: 8
}

/**
 * One native kernel memory: an ArrayBuffer that JavaScript lays regions out in (the same layouts as a WebAssembly
 * instance, kernel.ts), grown — by copying into a larger one — only when shapes grow. `target` picks a target this
 * CPU runs (tests run each); by default the one nativeKernelStatus chose. Throws when the native kernels are not
 * usable (callers check nativeKernelStatus first).
 */
export class NativeKernelInstance implements KernelMemory {
  readonly exports: KernelFunctions
  readonly target: NativeTarget
  private buffer = new ArrayBuffer(1 << 16)
  private view = new Float32Array(this.buffer)

  constructor(target?: NativeTarget) {
    const { status, addon } = load()
    // A named target can be asked for even when the default is WebAssembly (GATELAB_NATIVE_KERNELS=off), if it loads.
    const module = addon ?? (target ? load({ ...process.env, GATELAB_NATIVE_KERNELS: target }).addon : undefined)
    if (!module) throw new Error(`The native fused kernels are not available: ${status.reason}`)
    this.target = target ?? status.target!
    const index = module.targets.indexOf(this.target)
    if (index < 0) throw new Error(`The native ${this.target} kernels do not run here (this CPU and build run ${module.targets.join(', ')})`)
    const call = (fn: number) => (...args: number[]): void => module.call(index, fn, this.buffer, ...args)
    this.exports = Object.fromEntries(Object.entries(functionIds).map(([name, id]) => [name, call(id)])) as unknown as KernelFunctions
  }

  get start(): number {
    return 0
  }

  reserve(bytes: number): void {
    if (bytes <= this.buffer.byteLength) return
    // Grow by whole 64 KiB pages like WebAssembly memory, keeping what is there (activations survive a grow).
    const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536)
    new Uint8Array(next).set(new Uint8Array(this.buffer))
    this.buffer = next
    this.view = new Float32Array(next)
  }

  get f32(): Float32Array {
    return this.view
  }

  get memoryBytes(): number {
    return this.buffer.byteLength
  }
}

/** The native module's step loops (engine/step/loops.ts) when the module loads for `target` and has them, else undefined. */
export function nativeStepLoops(target: NativeTarget): ((fn: number, buffer: ArrayBuffer, ...args: number[]) => void) | undefined {
  const addon = load().addon ?? load({ ...process.env, GATELAB_NATIVE_KERNELS: target }).addon
  return addon?.step ? addon.step.bind(addon) : undefined
}

/** The targets of the native module this CPU runs (empty when it does not load), for tests that run each. */
export function nativeTargetsHere(): NativeTarget[] {
  const { status } = load({ ...process.env, GATELAB_NATIVE_KERNELS: 'auto' })
  return status.targets ?? []
}

/** The fused-kernel report a trainer's probe answers with (System page): what runs, and why. */
export function fusedKernelReport(defaultBuild: string): FusedKernelReport {
  const status = nativeKernelStatus()
  return { kernels: defaultBuild, nativeUsed: status.used, nativeTargets: status.targets ?? [], reason: status.reason }
}
