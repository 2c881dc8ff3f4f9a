/**
 * Finding the kernel module: a clear error naming every place looked and how to build it; a corrupt file is named;
 * GATELAB_FUSED_WASM comes first; and the built app has the module where the bundles look (out/main).
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileKernelModule, wasmCandidates, wasmFileName } from '../../src/main/engine/fused/wasm'

describe('fused kernel module loading', () => {
  it('says where it looked and how to build when the module is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-wasm-'))
    const candidates = [join(dir, 'a', wasmFileName), join(dir, 'b', wasmFileName)]
    expect(() => compileKernelModule(candidates)).toThrow(/was not found\. Looked in:\n {2}.*a\/gatelab_fused\.wasm\n {2}.*b\/gatelab_fused\.wasm\n.*npm run build.*apt-get install -y clang lld/s)
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

  it('the build ships the module beside the main bundles, where a trainer bundle finds it', () => {
    // `npm test` builds first; the trainer bundle lives in out/main/chunks and looks in its parent directory.
    const built = join(__dirname, '..', '..', 'out', 'main', wasmFileName)
    expect(existsSync(built), `${built} missing: run npm run build`).toBe(true)
    expect(() => compileKernelModule([built])).not.toThrow()
  })
})
