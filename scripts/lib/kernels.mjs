// Compiles the fused recurrent kernels (src/main/engine/fused/kernels/*.c) to two WebAssembly modules with clang and
// lld: gatelab_fused.wasm (SIMD128, runs on every WebAssembly SIMD engine) and gatelab_fused_relaxed.wasm (the same
// code with relaxed SIMD, whose multiply-add becomes one fused instruction where the CPU has FMA). The loader
// (src/main/engine/fused/wasm.ts) picks the relaxed one where the runtime accepts it. Called by the electron-vite build
// (electron.vite.config.ts), which ships both beside the main bundles in out/main/, and by `npm run build:kernels` for
// tests run from the sources.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const kernelDir = join(root, 'src', 'main', 'engine', 'fused', 'kernels')

// -O3 and SIMD128 are the point; bulk memory lets clang lower block copies to memory.copy (no libc here);
// --export=__heap_base tells the TypeScript loader where free memory starts.
const flags = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-ffreestanding', '-nostdlib', '-fno-math-errno',
  '-Wall', '-Werror', '-Wl,--no-entry', '-Wl,--export=__heap_base', '-Wl,--initial-memory=1048576',
  '-Wl,-z,stack-size=65536', '-Wl,--strip-all'
]

/** The modules built from the same sources: file name and extra flags. */
export const kernelModules = [
  { file: 'gatelab_fused.wasm', extra: [] },
  { file: 'gatelab_fused_relaxed.wasm', extra: ['-mrelaxed-simd'] }
]

/** Relaxed-SIMD intrinsics (wasm_f32x4_relaxed_madd) are in clang's wasm_simd128.h from LLVM 16 on. */
const minClang = 16
const clangNames = ['clang-22', 'clang-21', 'clang-20', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang']

function findClang() {
  for (const name of clangNames) {
    const probe = spawnSync(name, ['--version'], { encoding: 'utf8' })
    const major = Number(/clang version (\d+)/.exec(probe.stdout ?? '')?.[1] ?? 0)
    if (probe.status === 0 && major >= minClang) return name
  }
  return undefined
}

/**
 * The compiled modules are committed (prebuilt/), with the sha256 of what they were compiled from: the kernel sources
 * and the compiler flags. A build whose sources match uses them as they are, so a fresh machine needs no clang; only a
 * change to the kernels needs clang, which recompiles and refreshes prebuilt/ (commit its files).
 */
export const prebuiltDir = join(kernelDir, 'prebuilt')
const prebuiltHash = join(prebuiltDir, 'gatelab_fused.sha256')

export function kernelSourceHash() {
  const files = readdirSync(kernelDir).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort()
  const hash = createHash('sha256').update(JSON.stringify({ flags, kernelModules }))
  for (const f of files) hash.update(`\0${f}\0`).update(readFileSync(join(kernelDir, f)))
  return hash.digest('hex')
}

/**
 * Makes sure kernels/ holds modules compiled from the current sources (the prebuilt ones, or a fresh clang build);
 * returns their paths by file name.
 */
export function buildKernels({ force = false, log = console.log } = {}) {
  const outputs = Object.fromEntries(kernelModules.map((m) => [m.file, join(kernelDir, m.file)]))
  const want = kernelSourceHash()
  const complete = existsSync(prebuiltHash) && kernelModules.every((m) => existsSync(join(prebuiltDir, m.file)))
  const have = complete ? readFileSync(prebuiltHash, 'utf8').trim() : ''
  if (!force && have === want) {
    for (const m of kernelModules) copyFileSync(join(prebuiltDir, m.file), outputs[m.file])
    return outputs
  }
  const clang = findClang()
  if (!clang) {
    throw new Error(
      `The fused LSTM/GRU kernel sources differ from the committed prebuilt modules, and rebuilding them needs clang and ` +
        `wasm-ld from LLVM ${minClang} or later on PATH (as clang-NN or clang). On Debian: \`apt-get install -y clang-19 lld-19\`; ` +
        'then run `npm run build` again.'
    )
  }
  const sources = readdirSync(kernelDir).filter((f) => f.endsWith('.c')).map((f) => join(kernelDir, f))
  mkdirSync(prebuiltDir, { recursive: true })
  for (const m of kernelModules) {
    const result = spawnSync(clang, [...flags, ...m.extra, '-o', outputs[m.file], ...sources], { encoding: 'utf8' })
    if (result.status !== 0) {
      throw new Error(`${clang} failed to compile the fused kernels (${m.file}):\n${result.stderr || result.stdout || result.error?.message}`)
    }
    copyFileSync(outputs[m.file], join(prebuiltDir, m.file))
    log(`fused kernels: ${clang} → ${outputs[m.file]} (${statSync(outputs[m.file]).size} bytes)`)
  }
  writeFileSync(prebuiltHash, want + '\n')
  log('fused kernels: prebuilt/ refreshed — commit it')
  return outputs
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildKernels({ force: process.argv.includes('--force') })
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
