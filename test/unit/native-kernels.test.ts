/**
 * The native kernels (src/main/engine/native/) beside the WebAssembly ones: the loader says whether and why they run;
 * GATELAB_NATIVE_KERNELS turns them off or picks a target; each native target agrees with the finite-difference-checked
 * WebAssembly build on shapes large enough for its full-width micro-kernel (6 × 2V tiles: 6 × 16 AVX2, 6 × 32 AVX-512)
 * plus ragged edges; and a kernel repeats its results bit for bit. With GATELAB_EXPECT_NATIVE_KERNELS=1 (CI, where the
 * install builds them) their absence is a failure, not a skip.
 */
import { describe, expect, it } from 'vitest'
import { Worker } from 'node:worker_threads'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { nativeSourceHash } from '../../src/main/engine/native/sources.mjs'
import { FusedKernel, defaultKernelBuild, fusedVariants, weightShapes, type FusedShape, type FusedSpec } from '../../src/main/engine/fused/kernel'
import { relativeError } from '../../src/main/engine/fused/reference'
import { kernelVariant } from '../../src/main/engine/fused/wasm'
import { NativeKernelInstance, nativeKernelStatus, nativeTargetsHere, type NativeTarget } from '../../src/main/engine/native'

const hidden = process.env.GATELAB_NATIVE_KERNELS === 'off'
const repo = join(__dirname, '..', '..')
const targets = hidden ? [] : nativeTargetsHere()

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

describe('native kernel loader', () => {
  it('says whether the native kernels run, and why', () => {
    const status = nativeKernelStatus()
    expect(status.reason.length).toBeGreaterThan(10)
    if (process.env.GATELAB_EXPECT_NATIVE_KERNELS === '1' && !hidden) {
      expect(status, status.reason).toMatchObject({ used: true })
    }
    if (status.used) {
      expect(status.targets).toContain(status.target)
      expect(defaultKernelBuild()).toBe(`native-${status.target}`)
    } else {
      console.warn(`native-kernels.test: native kernels not used here — ${status.reason}`)
      expect(defaultKernelBuild()).toBe(kernelVariant())
    }
  })

  it('GATELAB_NATIVE_KERNELS=off hides them; an unknown or unsupported target says so', () => {
    expect(nativeKernelStatus({ ...process.env, GATELAB_NATIVE_KERNELS: 'off' })).toEqual({ used: false, reason: expect.stringMatching(/GATELAB_NATIVE_KERNELS=off/) })
    expect(nativeKernelStatus({ ...process.env, GATELAB_NATIVE_KERNELS: 'avx9' }).reason).toMatch(/not one of off, auto/)
    const missing = nativeKernelStatus({ ...process.env, GATELAB_NATIVE_KERNELS: 'auto', GATELAB_NATIVE_KERNELS_PATH: '/nonexistent/gatelab_kernels.node' })
    // The named path is only the first place looked at; without any build the reason says how to build one.
    if (!missing.used) expect(missing.reason).toMatch(/npm run build:native/)
    const absent = process.arch === 'arm64' ? 'avx2' : 'neon'
    const other = nativeKernelStatus({ ...process.env, GATELAB_NATIVE_KERNELS: absent })
    expect(other.used).toBe(false)
    // Restore the process's own choice for the other tests (the loader caches per setting).
    nativeKernelStatus()
  })

  it('does not use a module built from other kernel sources than the checkout beside it, and says how to rebuild', (context) => {
    const status = nativeKernelStatus()
    if (!status.used || !status.path) {
      console.warn(`native-kernels.test: no native module to copy — ${status.reason}`)
      context.skip()
    }
    // A checkout in miniature: native/ with the module and its build record, and the sources it was built from.
    const root = mkdtempSync(join(tmpdir(), 'gatelab-native-'))
    try {
      const addon = join(root, 'src', 'main', 'engine', 'native', 'addon')
      cpSync(join(repo, 'src', 'main', 'engine', 'native', 'addon'), addon, { recursive: true, filter: (f) => !f.includes(`${sep}build`) })
      cpSync(join(repo, 'src', 'main', 'engine', 'fused', 'kernels'), join(root, 'src', 'main', 'engine', 'fused', 'kernels'), { recursive: true })
      mkdirSync(join(root, 'native'))
      const module = join(root, 'native', 'gatelab_kernels.node')
      copyFileSync(status.path!, module)
      const record = (sources: string | null): void =>
        writeFileSync(join(root, 'native', 'gatelab_kernels.build.json'), JSON.stringify({ ok: true, date: '2026-12-01T15:06:48.981Z', sources }))
      const env = { ...process.env, GATELAB_NATIVE_KERNELS: 'avx2', GATELAB_NATIVE_KERNELS_PATH: module }
      const target = status.target!
      // Built from these very sources: used.
      record(nativeSourceHash(addon))
      expect(nativeKernelStatus({ ...env, GATELAB_NATIVE_KERNELS: target })).toMatchObject({ used: true, path: module })
      // The kernels changed since (a pull without a rebuild): not used, and the reason says so and what to run.
      writeFileSync(join(root, 'src', 'main', 'engine', 'fused', 'kernels', 'rnn.c'), '// changed\n', { flag: 'a' })
      const stale = nativeKernelStatus({ ...env, GATELAB_NATIVE_KERNELS: 'auto' })
      expect(stale.used).toBe(false)
      expect(stale.reason).toBe(
        `${module} was built on 2026-12-01T15:06:48.981Z from other kernel sources than this checkout's (they changed since): the WebAssembly kernels run. Rebuild it with \`npm run build:native\``
      )
      // A record from before the hashes were kept: not judged. (The loader caches per setting and path: a path spelled
      // differently is looked at afresh.)
      record(null)
      expect(nativeKernelStatus({ ...env, GATELAB_NATIVE_KERNELS: 'auto', GATELAB_NATIVE_KERNELS_PATH: `${join(root, 'native')}${sep}.${sep}gatelab_kernels.node` }).used).toBe(true)
    } finally {
      rmSync(root, { recursive: true, force: true })
      nativeKernelStatus()
    }
  })
})

const shapes: Array<{ shape: FusedShape; units: number }> = [
  { shape: { batch: 9, steps: 5, inputDim: 3 }, units: 20 }, // LSTM G = 80: full 4 × 16 and 4 × 32 tiles, ragged rows
  { shape: { batch: 32, steps: 3, inputDim: 1 }, units: 36 }, // dh = dZ·Uᵀ with N = 36: one full strip and a tail
  { shape: { batch: 4, steps: 2, inputDim: 10 }, units: 7 }, // everything ragged
  { shape: { batch: 5, steps: 4, inputDim: 2 }, units: 70 } // dU's B packed 8 strips at a time: LSTM G = 280 = 2 groups, a full strip and a ragged one
]

describe.each<NativeTarget | '(none)'>(targets.length ? targets : ['(none)'])('native %s kernels', (target) => {
  if (target === '(none)') {
    it('are not present here', () => {
      console.warn(`native-kernels.test: no native target to check — ${nativeKernelStatus().reason}`)
      expect(process.env.GATELAB_EXPECT_NATIVE_KERNELS === '1' && !hidden).toBe(false)
    })
    return
  }
  describe.each(fusedVariants)('%s', (variant) => {
    it('forward and every gradient agree with the WebAssembly build (1e-5), and repeat bit for bit', () => {
      const native = new FusedKernel(`native-${target}`)
      const wasm = new FusedKernel('simd128')
      for (const [i, { shape, units }] of shapes.entries()) {
        for (const returnSequences of [false, true]) {
          const spec: FusedSpec = { variant, units, hardSigmoid: false, returnSequences }
          const r = rng(31 + i)
          const s = weightShapes(variant, shape.inputDim, units)
          const fill = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, () => r() * k)
          const x = fill(shape.batch * shape.steps * shape.inputDim, 2)
          const w = { kernel: fill(s.kernel[0] * s.kernel[1], 0.6), recurrentKernel: fill(s.recurrentKernel[0] * s.recurrentKernel[1], 0.6), bias: fill(s.bias.reduce((a, b) => a * b, 1), 0.5) }
          const a = native.forward(spec, shape, x, w)
          const b = wasm.forward(spec, shape, x, w)
          expect(relativeError(a.y, Array.from(b.y)), `y (case ${i})`).toBeLessThan(1e-6)
          const dy = Float32Array.from(a.y, () => r())
          const ga = native.backward(spec, shape, a.ticket, () => ({ x, w }), dy)
          const gb = wasm.backward(spec, shape, b.ticket, () => ({ x, w }), dy)
          for (const key of ['dx', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
            expect(relativeError(ga[key], Array.from(gb[key])), `${key} (case ${i})`).toBeLessThan(1e-5)
          }
          // The same inputs again: the same bits (no threads, no uninitialised memory read).
          const again = native.forward(spec, shape, x, w)
          expect(Array.from(again.y)).toEqual(Array.from(a.y))
          const gAgain = native.backward(spec, shape, again.ticket, () => ({ x, w }), dy)
          expect(Array.from(gAgain.dRecurrentKernel)).toEqual(Array.from(ga.dRecurrentKernel))
        }
      }
    })
  })

  it('keeps its memory across a grow, like a WebAssembly instance', () => {
    const instance = new NativeKernelInstance(target)
    instance.reserve(1024)
    instance.f32[10] = 42
    instance.reserve(1 << 20)
    expect(instance.f32[10]).toBe(42)
    expect(instance.memoryBytes).toBeGreaterThanOrEqual(1 << 20)
  })

  it('loads again in a worker thread with the same targets, and computes there', async () => {
    const path = nativeKernelStatus({ ...process.env, GATELAB_NATIVE_KERNELS: 'auto' }).path!
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      const mod = { exports: {} }
      process.dlopen(mod, workerData.path)
      const buffer = new ArrayBuffer(4 * 48)
      const f = new Float32Array(buffer)
      for (let i = 0; i < 16; i++) { f[i] = i; f[16 + i] = i % 4 === 0 ? 1 : 0 }
      mod.exports.call(mod.exports.targets.indexOf(workerData.target), 0, buffer, 4, 4, 4, 0, 64, 128)
      // Anything but an ArrayBuffer (a typed array over one included) is refused by name, by both entry points.
      const refusal = (attempt) => { try { attempt(); return 'accepted' } catch (e) { return e.message } }
      const refused = [refusal(() => mod.exports.call(0, 0, f, 4, 4, 4, 0, 64, 128)), refusal(() => mod.exports.step(0, {}))]
      parentPort.postMessage({ targets: mod.exports.targets, c: Array.from(f.slice(32, 48)), refused })`
    const worker = new Worker(code, { eval: true, workerData: { path, target } })
    const reply = await new Promise<{ targets: string[]; c: number[]; refused: string[] }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    expect(reply.targets).toEqual(targets)
    // A [4×4]·[4×4] product whose second factor sums each row into column 0.
    expect(reply.c.filter((_, i) => i % 4 === 0)).toEqual([6, 22, 38, 54])
    expect(reply.refused).toEqual(['buffer must be an ArrayBuffer', 'buffer must be an ArrayBuffer'])
  })

  it('refuses arguments outside its memory instead of reading past it', () => {
    const instance = new NativeKernelInstance(target)
    expect(() => instance.exports.gemm_nn(4, 4, 4, 0, 64, 1 << 30)).toThrow(/within the buffer/)
    expect(() => instance.exports.gemm_nn(4, 4, 4, 0, 64)).toThrow(/wrong number of arguments/)
  })
})
