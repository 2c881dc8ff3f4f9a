/**
 * The whole step's own loops (src/main/engine/fused/kernels/step.c through src/main/engine/step/loops.ts): the dense
 * head forward and backward, the clipping sum and the four optimizer updates give the same bits in every build — the
 * WebAssembly SIMD128 and relaxed-SIMD builds and the native module (when built; CI builds it, and reruns this with it
 * hidden) — and the optimizer updates are exactly tfjs' float32 formulas (written out here with Math.fround per
 * operation, as the whole step computed them before they moved into C). The whole step against the TF.js step is
 * test/integration/whole-step.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { stepLoops, type StepLoops } from '../../src/main/engine/step/loops'
import { nativeTargetsHere } from '../../src/main/engine/native'
import { kernelVariant } from '../../src/main/engine/fused/wasm'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

const hidden = process.env.GATELAB_NATIVE_KERNELS === 'off'
const native = hidden ? [] : nativeTargetsHere()
const builds = [...(native.length > 0 ? [`native-${native[0]!}` as const] : []), 'simd128' as const, ...(kernelVariant() === 'relaxed-simd' ? ['relaxed-simd' as const] : [])]

/** Runs every loop once on the same inputs in one build; returns every output array. */
function runAll(loops: StepLoops, seed: number): Record<string, Float32Array | Float64Array> {
  const r = rng(seed)
  const rows = 37
  const F = 19
  const n = 1031 // not a multiple of any vector width
  const floats = (k: number, scale = 1): Float32Array => Float32Array.from({ length: k }, () => r() * scale)
  const inputs = {
    h: floats(rows * F), K: floats(F * 3), bias: floats(3), dOut: floats(rows * 3, 0.1), h1: floats(rows * F), K1: floats(F), bias1: floats(1), dOut1: floats(rows, 0.1),
    p: floats(n), g: floats(n, 0.01), m: floats(n, 0.001), v: Float32Array.from(floats(n, 1e-4), Math.abs)
  }
  // Lay every array out one after another (64-byte aligned) in the loops' memory.
  const sizes: Record<string, number> = {
    ...Object.fromEntries(Object.entries(inputs).map(([k, a]) => [k, a.length])),
    out: rows * 3, dK: F * 3, db: 3, dh: rows * F, out1: rows, dK1: F, db1: 1, dh1: rows * F, sum: 2,
    pa: n, ma: n, va: n, pr: n, msr: n, momr: n, pm: n, accm: n, ps: n
  }
  const at: Record<string, number> = {}
  let end = Math.ceil(loops.start / 64) * 64
  for (const [k, size] of Object.entries(sizes)) {
    at[k] = end
    end += Math.ceil((size * 4) / 64) * 64
  }
  loops.reserve(end - loops.start)
  const put = (k: string, a: Float32Array): void => loops.f32.set(a, at[k]! / 4)
  for (const [k, a] of Object.entries(inputs)) put(k, a)
  for (const k of ['pa', 'pr', 'pm', 'ps']) put(k, inputs.p)
  put('ma', inputs.m)
  put('va', inputs.v)
  put('msr', inputs.v)
  put('momr', inputs.m)
  put('accm', inputs.m)
  const f = Math.fround
  loops.headForward(rows, F, 3, at.h!, at.K!, at.bias!, at.out!)
  loops.headBackward(rows, F, 3, at.h!, at.K!, at.dOut!, at.dK!, at.db!, at.dh!)
  loops.headForward(rows, F, 1, at.h1!, at.K1!, at.bias1!, at.out1!)
  loops.headBackward(rows, F, 1, at.h1!, at.K1!, at.dOut1!, at.dK1!, at.db1!, at.dh1!)
  loops.sumSquares(n, at.g!, at.sum!)
  loops.adam(n, at.pa!, at.g!, at.ma!, at.va!, f(0.7), f(0.9), f(0.999), f(1 - 0.9), f(1 - 0.999), f(1 - f(0.9 * 0.9)), f(1 - f(0.999 * 0.999)), f(1e-7), f(-0.01))
  loops.rmsprop(n, at.pr!, at.g!, at.msr!, at.momr!, f(0.7), f(0.9), f(1 - 0.9), f(1e-7), f(0.01))
  loops.momentum(n, at.pm!, at.g!, at.accm!, f(0.7), f(0.9), f(-0.05))
  loops.sgd(n, at.ps!, at.g!, f(0.7), f(-0.05))
  const read = (k: string): Float32Array => loops.f32.slice(at[k]! / 4, at[k]! / 4 + sizes[k]!)
  return {
    ...Object.fromEntries(['out', 'dK', 'db', 'dh', 'out1', 'dK1', 'db1', 'dh1', 'pa', 'ma', 'va', 'pr', 'msr', 'momr', 'pm', 'accm', 'ps'].map((k) => [k, read(k)])),
    sum: new Float64Array(loops.f32.buffer, at.sum!, 1).slice(),
    ...Object.fromEntries(Object.entries(inputs).map(([k, a]) => [`in:${k}`, a]))
  }
}

describe('the whole step’s own loops (step.c)', () => {
  it('give the same bits in every build', () => {
    if (native.length === 0) console.warn(`step-loops.test: native module ${hidden ? 'hidden (GATELAB_NATIVE_KERNELS=off)' : 'not built'}: comparing the WebAssembly builds only`)
    const results = builds.map((b) => {
      const loops = stepLoops(b)
      expect(loops.build).toBe(b.startsWith('native-') ? 'native' : b)
      return runAll(loops, 7)
    })
    for (let i = 1; i < results.length; i++) {
      for (const [k, a] of Object.entries(results[0]!)) expect(Array.from(results[i]![k]!), `${builds[i]} ${k} vs ${builds[0]}`).toEqual(Array.from(a))
    }
  })

  it('compute tfjs’ float32 optimizer formulas exactly, and the head as a float32 product', () => {
    const got = runAll(stepLoops(builds[0]!), 11)
    const f = Math.fround
    const p = got['in:p'] as Float32Array
    const g = got['in:g'] as Float32Array
    const m0 = got['in:m'] as Float32Array
    const v0 = got['in:v'] as Float32Array
    const scale = f(0.7)
    const [b1, b2, d1, d2, c1, c2, eps, nlr] = [f(0.9), f(0.999), f(1 - 0.9), f(1 - 0.999), f(1 - f(0.9 * 0.9)), f(1 - f(0.999 * 0.999)), f(1e-7), f(-0.01)]
    let sum = 0
    for (let i = 0; i < p.length; i++) {
      sum += g[i]! * g[i]!
      const gi = f(g[i]! * scale)
      const mi = f(f(m0[i]! * b1) + f(gi * d1))
      const vi = f(f(v0[i]! * b2) + f(f(gi * gi) * d2))
      expect(got.ma![i]).toBe(mi)
      expect(got.va![i]).toBe(vi)
      expect(got.pa![i], `adam ${i}`).toBe(f(f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * nlr) + p[i]!))
      const s = f(f(v0[i]! * f(0.9)) + f(f(gi * gi) * f(1 - 0.9)))
      const step = f(f(m0[i]! * 0) + f(f(gi * f(0.01)) / f(Math.sqrt(f(s + eps)))))
      expect(got.pr![i], `rmsprop ${i}`).toBe(f(p[i]! - step))
      const a = f(f(f(0.9) * m0[i]!) + gi)
      expect(got.pm![i], `momentum ${i}`).toBe(f(f(f(-0.05) * a) + p[i]!))
      expect(got.ps![i], `sgd ${i}`).toBe(f(f(f(-0.05) * gi) + p[i]!))
    }
    // The clipping sum in double: the same value up to the order of the additions.
    expect(Math.abs(got.sum![0]! - sum) / sum).toBeLessThan(1e-12)
    // The head: out = h·K + bias, and its gradients, against float64 sums (float32 products agree to ~1e-6).
    const h = got['in:h'] as Float32Array
    const K = got['in:K'] as Float32Array
    const bias = got['in:bias'] as Float32Array
    const dOut = got['in:dOut'] as Float32Array
    const rows = 37
    const F = 19
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < 3; o++) {
        let s = bias[o]!
        for (let k = 0; k < F; k++) s += h[r * F + k]! * K[k * 3 + o]!
        expect(got.out![r * 3 + o]).toBeCloseTo(s, 5)
      }
      for (let k = 0; k < F; k++) {
        let s = 0
        for (let o = 0; o < 3; o++) s += dOut[r * 3 + o]! * K[k * 3 + o]!
        expect(got.dh![r * F + k]).toBeCloseTo(s, 6)
      }
    }
    for (let k = 0; k < F; k++) {
      for (let o = 0; o < 3; o++) {
        let s = 0
        for (let r = 0; r < rows; r++) s += h[r * F + k]! * dOut[r * 3 + o]!
        expect(got.dK![k * 3 + o]).toBeCloseTo(s, 6)
      }
    }
    for (let o = 0; o < 3; o++) {
      let s = 0
      for (let r = 0; r < rows; r++) s += dOut[r * 3 + o]!
      expect(got.db![o]).toBeCloseTo(s, 6)
    }
  })

  it('refuses a region outside the native buffer instead of writing past it', () => {
    if (native.length === 0) {
      console.warn('step-loops.test: native module not used here: bounds check not exercised')
      return
    }
    const loops = stepLoops(`native-${native[0]!}`)
    loops.reserve(1024)
    const size = loops.f32.length
    expect(() => loops.sgd(size, 0, 4, 1, -0.1)).toThrow(/outside the buffer/)
    expect(() => (loops.adam as (...a: number[]) => void)(4, 0, 16, 32)).toThrow(/wrong number of arguments/)
  })
})
