/**
 * The WebAssembly kernels on their own: forward against the double-precision reference of the CELLS.md equations,
 * and every gradient against central finite differences of that reference (the kernels' backward pass is derived by
 * hand, so this is what proves it). Sizes include units and batches that are not multiples of the SIMD width, and one
 * large enough for the blocked matrix product's full 4×8 tiles. Every build of the kernels is checked: relaxed SIMD
 * (fused multiply-add), baseline SIMD128, and each native target this CPU runs (engine/native: AVX-512, AVX2, SSE or
 * NEON), unless GATELAB_NATIVE_KERNELS=off hides the native module (CI runs the kernel tests both ways).
 */
import { describe, expect, it } from 'vitest'
import { FusedKernel, fusedVariants, weightShapes, type FusedShape, type FusedSpec, type FusedVariant } from '../../src/main/engine/fused/kernel'
import type { KernelBuild } from '../../src/main/engine/fused/kernel'
import { nativeKernelStatus, nativeTargetsHere } from '../../src/main/engine/native'
import { referenceForward, relativeError, type ReferenceWeights } from '../../src/main/engine/fused/reference'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

function randomCase(variant: FusedVariant, shape: FusedShape, units: number, seed: number, scale = 1) {
  const r = rng(seed)
  const s = weightShapes(variant, shape.inputDim, units)
  const fill = (n: number, k: number) => Float32Array.from({ length: n }, () => r() * k)
  return {
    x: fill(shape.batch * shape.steps * shape.inputDim, 2),
    w: {
      kernel: fill(s.kernel[0] * s.kernel[1], scale),
      recurrentKernel: fill(s.recurrentKernel[0] * s.recurrentKernel[1], scale),
      bias: fill(s.bias.reduce((a, b) => a * b, 1), 0.5)
    }
  }
}

const shapes: Array<{ shape: FusedShape; units: number }> = [
  { shape: { batch: 3, steps: 4, inputDim: 3 }, units: 5 },
  { shape: { batch: 5, steps: 3, inputDim: 1 }, units: 8 },
  { shape: { batch: 1, steps: 1, inputDim: 2 }, units: 3 },
  { shape: { batch: 8, steps: 3, inputDim: 9 }, units: 8 }
]

const native = process.env.GATELAB_NATIVE_KERNELS === 'off' ? [] : nativeTargetsHere()
if (native.length === 0) console.warn(`fused-kernel.test: no native kernels checked here — ${nativeKernelStatus().reason}`)
const builds: KernelBuild[] = ['relaxed-simd', 'simd128', ...native.map((t) => `native-${t}` as const)]

describe.each(builds)('%s build', (build) => {

describe.each(fusedVariants)('fused %s kernel', (variant) => {
  for (const hardSigmoid of [false, true]) {
    for (const returnSequences of [false, true]) {
      it(`forward matches the reference (hardSigmoid ${hardSigmoid}, returnSequences ${returnSequences})`, () => {
        const kernel = new FusedKernel(build)
        for (const [i, { shape, units }] of shapes.entries()) {
          const spec: FusedSpec = { variant, units, hardSigmoid, returnSequences }
          const { x, w } = randomCase(variant, shape, units, 17 + i)
          const { y } = kernel.forward(spec, shape, x, w)
          expect(relativeError(y, referenceForward(spec, shape, x, w))).toBeLessThan(1e-6)
        }
      })

      it(`gradients match finite differences (hardSigmoid ${hardSigmoid}, returnSequences ${returnSequences})`, () => {
        const kernel = new FusedKernel(build)
        for (const [i, { shape, units }] of shapes.entries()) {
          const spec: FusedSpec = { variant, units, hardSigmoid, returnSequences }
          const { x, w } = randomCase(variant, shape, units, 101 + i)
          const { y, ticket } = kernel.forward(spec, shape, x, w)
          const r = rng(7 + i)
          const dy = Float32Array.from(y, () => r())
          const loss = (xx: ArrayLike<number>, ww: ReferenceWeights): number => {
            const out = referenceForward(spec, shape, xx, ww)
            let s = 0
            for (let j = 0; j < out.length; j++) s += out[j]! * dy[j]!
            return s
          }
          const grads = kernel.backward(spec, shape, ticket, () => ({ x, w }), dy)
          const eps = 1e-4
          const fd = (get: (p: Float64Array) => [ArrayLike<number>, ReferenceWeights], base: ArrayLike<number>): Float64Array => {
            const p = Float64Array.from(base)
            const g = new Float64Array(p.length)
            for (let j = 0; j < p.length; j++) {
              const v = p[j]!
              p[j] = v + eps
              const up = loss(...get(p))
              p[j] = v - eps
              const down = loss(...get(p))
              p[j] = v
              g[j] = (up - down) / (2 * eps)
            }
            return g
          }
          const checks: Array<[string, ArrayLike<number>, ArrayLike<number>]> = [
            ['x', grads.dx, fd((p) => [p, w], x)],
            ['kernel', grads.dKernel, fd((p) => [x, { ...w, kernel: p }], w.kernel)],
            ['recurrentKernel', grads.dRecurrentKernel, fd((p) => [x, { ...w, recurrentKernel: p }], w.recurrentKernel)],
            ['bias', grads.dBias, fd((p) => [x, { ...w, bias: p }], w.bias)]
          ]
          for (const [name, actual, expected] of checks) {
            // hardSigmoid has kinks; a finite difference that straddles one is off by O(eps), hence the looser bound.
            expect(relativeError(actual, expected), `${name} (case ${i})`).toBeLessThan(hardSigmoid ? 1e-4 : 1e-5)
          }
        }
      })
    }
  }

  it('a stale ticket recomputes the activations instead of using another forward pass', () => {
    const kernel = new FusedKernel(build)
    const { shape, units } = shapes[0]!
    const spec: FusedSpec = { variant, units, hardSigmoid: false, returnSequences: true }
    const a = randomCase(variant, shape, units, 1)
    const b = randomCase(variant, shape, units, 2)
    const dy = new Float32Array(shape.batch * shape.steps * units).fill(0.5)
    const first = kernel.forward(spec, shape, a.x, a.w)
    const expected = kernel.backward(spec, shape, first.ticket, () => a, dy)
    const again = kernel.forward(spec, shape, a.x, a.w)
    kernel.forward(spec, shape, b.x, b.w) // overwrites the activations of `again`
    const actual = kernel.backward(spec, shape, again.ticket, () => a, dy)
    expect(Array.from(actual.dRecurrentKernel)).toEqual(Array.from(expected.dRecurrentKernel))
    expect(Array.from(actual.dx)).toEqual(Array.from(expected.dx))
  })

  it('writes the weight gradients into given arrays (the whole step\'s gradient region) with the same bits', () => {
    const kernel = new FusedKernel(build)
    const { shape, units } = shapes[1]!
    const spec: FusedSpec = { variant, units, hardSigmoid: false, returnSequences: false }
    const a = randomCase(variant, shape, units, 3)
    const dy = Float32Array.from({ length: shape.batch * units }, (_, i) => Math.sin(i))
    const expected = kernel.backward(spec, shape, kernel.forward(spec, shape, a.x, a.w).ticket, () => a, dy)
    // Targets inside one larger array, as the whole step's views are; the values around them must stay untouched.
    const region = new Float32Array(expected.dKernel.length + expected.dRecurrentKernel.length + expected.dBias.length + 2).fill(7)
    let at = 1
    const view = (n: number): Float32Array => region.subarray(at, (at += n))
    const into = { dKernel: view(expected.dKernel.length), dRecurrentKernel: view(expected.dRecurrentKernel.length), dBias: view(expected.dBias.length) }
    const actual = kernel.backward(spec, shape, kernel.forward(spec, shape, a.x, a.w).ticket, () => a, dy, into)
    expect(actual.dKernel).toBe(into.dKernel)
    expect(actual.dRecurrentKernel).toBe(into.dRecurrentKernel)
    expect(actual.dBias).toBe(into.dBias)
    for (const key of ['dKernel', 'dRecurrentKernel', 'dBias', 'dx'] as const) expect(Array.from(actual[key]), key).toEqual(Array.from(expected[key]))
    expect([region[0], region[region.length - 1]]).toEqual([7, 7])
    expect(() => kernel.backward(spec, shape, kernel.forward(spec, shape, a.x, a.w).ticket, () => a, dy, { ...into, dBias: new Float32Array(1) })).toThrow(/gradient target for db has 1 values/)
  })
})
})
