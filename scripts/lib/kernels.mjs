// Compiles the fused recurrent kernels (src/main/engine/fused/kernels/*.c) to one WebAssembly SIMD module with clang
// and lld (Debian: `apt-get install -y clang lld`). Called by the electron-vite build (electron.vite.config.ts), which
// then ships the module as out/main/gatelab_fused.wasm, and by `npm run build:kernels` for tests run from the sources.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const kernelDir = join(root, 'src', 'main', 'engine', 'fused', 'kernels')
/** Where the compiled module lands inside the source tree; the fused loader looks here when run from the sources. */
export const kernelOutput = join(kernelDir, 'gatelab_fused.wasm')

// -O3 and SIMD128 are the point; bulk memory lets clang lower block copies to memory.copy (no libc here);
// --export=__heap_base tells the TypeScript loader where free memory starts.
const flags = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-ffreestanding', '-nostdlib', '-fno-math-errno',
  '-Wall', '-Werror', '-Wl,--no-entry', '-Wl,--export=__heap_base', '-Wl,--initial-memory=1048576',
  '-Wl,-z,stack-size=65536', '-Wl,--strip-all'
]

function findClang() {
  for (const name of ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14']) {
    const probe = spawnSync(name, ['--version'], { encoding: 'utf8' })
    if (probe.status === 0) return name
  }
  return undefined
}

/**
 * The compiled module is committed (prebuilt/), with the sha256 of what it was compiled from: the kernel sources and
 * the compiler flags. A build whose sources match uses it as is, so a fresh machine needs no clang; only a change to
 * the kernels needs clang, which recompiles and refreshes prebuilt/ (commit both files).
 */
export const prebuiltDir = join(kernelDir, 'prebuilt')
const prebuiltWasm = join(prebuiltDir, 'gatelab_fused.wasm')
const prebuiltHash = join(prebuiltDir, 'gatelab_fused.sha256')

export function kernelSourceHash() {
  const files = readdirSync(kernelDir).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort()
  const hash = createHash('sha256').update(JSON.stringify(flags))
  for (const f of files) hash.update(`\0${f}\0`).update(readFileSync(join(kernelDir, f)))
  return hash.digest('hex')
}

/** Returns the path of a module compiled from the current sources: the prebuilt one, or a fresh clang build. */
export function buildKernels({ force = false, log = console.log } = {}) {
  const sources = readdirSync(kernelDir).filter((f) => f.endsWith('.c')).map((f) => join(kernelDir, f))
  const want = kernelSourceHash()
  const have = existsSync(prebuiltHash) && existsSync(prebuiltWasm) ? readFileSync(prebuiltHash, 'utf8').trim() : ''
  if (!force && have === want) {
    copyFileSync(prebuiltWasm, kernelOutput)
    return kernelOutput
  }
  const clang = findClang()
  if (!clang) {
    throw new Error(
      'The fused LSTM/GRU kernel sources differ from the committed prebuilt module, and rebuilding it needs clang and ' +
        'wasm-ld (LLVM 14 or later) on PATH. On Debian or Ubuntu: `apt-get install -y clang lld`; then run `npm run build` again.'
    )
  }
  mkdirSync(prebuiltDir, { recursive: true })
  const result = spawnSync(clang, [...flags, '-o', kernelOutput, ...sources], { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`${clang} failed to compile the fused kernels:\n${result.stderr || result.stdout || result.error?.message}`)
  }
  copyFileSync(kernelOutput, prebuiltWasm)
  writeFileSync(prebuiltHash, want + '\n')
  log(`fused kernels: ${clang} → ${kernelOutput} (${statSync(kernelOutput).size} bytes); prebuilt/ refreshed — commit it`)
  return kernelOutput
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildKernels({ force: process.argv.includes('--force') })
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
