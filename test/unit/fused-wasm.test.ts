/**
 * Finding the kernel module: a clear error naming every place looked and how to build it; a corrupt file is named;
 * GATELAB_FUSED_WASM comes first; and the built app has the module where the bundles look (out/main).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { kernelModules, kernelSourceHash, prebuiltDir } from '../../scripts/lib/kernels.mjs'
import { compileKernelModule, loadKernels, relaxedWasmFileName, wasmCandidates, wasmFileName } from '../../src/main/engine/fused/wasm'

describe('fused kernel module loading', () => {
  it('says where it looked and how to build when the module is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-wasm-'))
    const candidates = [join(dir, 'a', wasmFileName), join(dir, 'b', wasmFileName)]
    expect(() => compileKernelModule(candidates)).toThrow(/was not found\. Looked in:\n {2}.*a\/gatelab_fused\.wasm\n {2}.*b\/gatelab_fused\.wasm\n.*npm run build.*apt-get install -y clang-19 lld-19/s)
  })

  it('names a file that is not a WebAssembly module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-wasm-'))
    const bad = join(dir, wasmFileName)
    writeFileSync(bad, 'not wasm')
    expect(() => compileKernelModule([bad])).toThrow(new RegExp(`${bad.replace(/[.]/g, '\\.')} is not a usable WebAssembly SIMD module.*npm run build:kernels`))
  })

  it('looks at GATELAB_FUSED_WASM first, then beside the bundle and in the sources', () => {
    const list = wasmCandidates({ GATELAB_FUSED_WASM: '/opt/k.wasm' })
    expect(list[0]).toBe('/opt/k.wasm')
    expect(list.some((p) => p.endsWith(join('src', 'main', 'engine', 'fused', 'kernels', wasmFileName)))).toBe(true)
    expect(wasmCandidates({})).not.toContain('/opt/k.wasm')
  })

  it('the build ships both modules beside the main bundles, where a trainer bundle finds them', () => {
    // `npm test` builds first; the trainer bundle lives in out/main/chunks and looks in its parent directory.
    loadKernels({}) // under Node 20 this turns on the relaxed-SIMD flag the second module needs
    for (const file of [wasmFileName, relaxedWasmFileName]) {
      const built = join(__dirname, '..', '..', 'out', 'main', file)
      expect(existsSync(built), `${built} missing: run npm run build`).toBe(true)
      expect(() => compileKernelModule([built])).not.toThrow()
    }
  })

  it('the prebuilt modules are committed and compiled from the current sources, so building needs no compiler', () => {
    const root = join(__dirname, '..', '..')
    const tracked = spawnSync('git', ['ls-files', relative(root, prebuiltDir)], { cwd: root, encoding: 'utf8' })
    if (tracked.status !== 0) {
      console.log(`skipped the git check: git ls-files failed here (${tracked.stderr.trim() || tracked.error?.message})`)
    } else {
      for (const m of kernelModules) expect(tracked.stdout, `${m.file} is not committed in prebuilt/`).toContain(m.file)
    }
    expect(readFileSync(join(prebuiltDir, 'gatelab_fused.sha256'), 'utf8').trim()).toBe(kernelSourceHash())
  })

  it('chooses the relaxed-SIMD build here (Node 20: after turning its flag on), the baseline when told to', () => {
    expect(loadKernels({})).toMatchObject({ variant: 'relaxed-simd' })
    expect(loadKernels({}).path.endsWith(relaxedWasmFileName)).toBe(true)
    expect(loadKernels({ GATELAB_FUSED_KERNELS: 'simd128' })).toMatchObject({ variant: 'simd128' })
    expect(loadKernels({ GATELAB_FUSED_KERNELS: 'simd128' }).path.endsWith(wasmFileName)).toBe(true)
    // A module named by GATELAB_FUSED_WASM is used as it is, never swapped for the relaxed build.
    const own = loadKernels({}).path.replace(relaxedWasmFileName, wasmFileName)
    expect(loadKernels({ GATELAB_FUSED_WASM: own })).toMatchObject({ variant: 'simd128', path: own })
  })
})
