// Compiles the fused recurrent kernels (src/main/engine/fused/kernels/*.c) to one WebAssembly SIMD module with clang
// and lld (Debian: `apt-get install -y clang lld`). Called by the electron-vite build (electron.vite.config.ts), which
// then ships the module as out/main/gatelab_fused.wasm, and by `npm run build:kernels` for tests run from the sources.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
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

/** Rebuilds when a kernel source or this script is newer than the module; returns the module's path. */
export function buildKernels({ force = false, log = console.log } = {}) {
  const sources = readdirSync(kernelDir).filter((f) => f.endsWith('.c')).map((f) => join(kernelDir, f))
  const inputs = [...sources, ...readdirSync(kernelDir).filter((f) => f.endsWith('.h')).map((f) => join(kernelDir, f)), fileURLToPath(import.meta.url)]
  if (!force && existsSync(kernelOutput)) {
    const built = statSync(kernelOutput).mtimeMs
    if (inputs.every((f) => statSync(f).mtimeMs <= built)) return kernelOutput
  }
  const clang = findClang()
  if (!clang) {
    throw new Error(
      'Building the fused LSTM/GRU kernels needs clang and wasm-ld (LLVM 14 or later) on PATH. ' +
        'On Debian or Ubuntu: `apt-get install -y clang lld`; then run `npm run build` again.'
    )
  }
  mkdirSync(dirname(kernelOutput), { recursive: true })
  const result = spawnSync(clang, [...flags, '-o', kernelOutput, ...sources], { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`${clang} failed to compile the fused kernels:\n${result.stderr || result.stdout || result.error?.message}`)
  }
  log(`fused kernels: ${clang} → ${kernelOutput} (${statSync(kernelOutput).size} bytes)`)
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
