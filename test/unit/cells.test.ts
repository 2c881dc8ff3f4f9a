/**
 * The float64 cell math of src/shared/cells (the inspector's and the kernel tests' one implementation): every
 * gradient it reports against central finite differences of its own forward pass — ∂L/∂x_t, and ∂L/∂h_t and ∂L/∂c_t
 * by nudging h_t or c_t inside the recurrence — on stacked, bidirectional, per-step and classification networks of
 * every cell form; a reset-before GRU against the equations written out by hand; integrated gradients' completeness;
 * memory retention; the gate statistics' counting.
 */
import { describe, expect, it } from 'vitest'
import {
  attribute,
  cellForward,
  cellVariants,
  GateAccumulator,
  memoryRetention,
  networkBackward,
  networkForward,
  paramSizes,
  sequenceLoss,
  sigmoid,
  type AfterStep,
  type CellVariant,
  type Network
} from '../../src/shared/cells'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

interface NetOptions {
  variant: CellVariant
  layers: number
  bidirectional: boolean
  perStep: boolean
  kind: 'regression' | 'classification'
  hardSigmoid?: boolean
  /** Units per layer (3 unless set): 4 makes a bidirectional layer's output 8 wide, the next layer's a wide input. */
  units?: number
}

function randomNet(o: NetOptions, seed: number, D = 2, H = 3, outputs = 2): Network {
  const r = rng(seed)
  const fill = (n: number, k: number): Float64Array => Float64Array.from({ length: n }, () => r() * k)
  const layers = Array.from({ length: o.layers }, (_, l) => {
    const spec = { variant: o.variant, units: H, inputDim: l === 0 ? D : (o.bidirectional ? 2 : 1) * H, hardSigmoid: o.hardSigmoid ?? false }
    const sizes = paramSizes(spec)
    return {
      spec,
      bidirectional: o.bidirectional,
      returnSequences: l < o.layers - 1 || o.perStep,
      directions: Array.from({ length: o.bidirectional ? 2 : 1 }, () => ({ kernel: fill(sizes.kernel, 1.6), recurrentKernel: fill(sizes.recurrentKernel, 1.6), bias: fill(sizes.bias, 0.6) }))
    }
  })
  const width = (o.bidirectional ? 2 : 1) * H
  return { inputDim: D, layers, head: { inputDim: width, units: outputs, kernel: fill(width * outputs, 2), bias: fill(outputs, 0.5) }, perStep: o.perStep, kind: o.kind }
}

function targetFor(net: Network, T: number, seed: number): Float64Array {
  const r = rng(seed)
  const rows = net.perStep ? T : 1
  if (net.kind === 'classification') return Float64Array.from({ length: rows }, (_, i) => i % net.head.units)
  return Float64Array.from({ length: rows * net.head.units }, () => r())
}

const configs: NetOptions[] = [
  { variant: 'lstm', layers: 1, bidirectional: false, perStep: false, kind: 'regression' },
  { variant: 'lstm', layers: 2, bidirectional: true, perStep: false, kind: 'regression' },
  { variant: 'gru-after', layers: 2, bidirectional: false, perStep: true, kind: 'regression' },
  { variant: 'gru-after', layers: 1, bidirectional: true, perStep: false, kind: 'classification' },
  { variant: 'gru-before', layers: 2, bidirectional: true, perStep: true, kind: 'regression' },
  { variant: 'gru-before', layers: 1, bidirectional: false, perStep: false, kind: 'classification' },
  { variant: 'rnn', layers: 2, bidirectional: true, perStep: false, kind: 'regression' },
  { variant: 'lstm', layers: 1, bidirectional: false, perStep: true, kind: 'classification' },
  // Second layers with 8 inputs: their input product runs in WebAssembly (cell.ts, WIDE_INPUT).
  { variant: 'lstm', layers: 2, bidirectional: true, perStep: false, kind: 'regression', units: 4 },
  { variant: 'gru-after', layers: 2, bidirectional: true, perStep: true, kind: 'regression', units: 4 }
]

describe.each(configs)('$variant, $layers layer(s), bidirectional $bidirectional, perStep $perStep, $kind, units $units', (o) => {
  const T = 5
  const net = randomNet(o, 11 + configs.indexOf(o), 2, o.units ?? 3)
  const x = Float64Array.from({ length: T * net.inputDim }, rng(3))
  const target = targetFor(net, T, 5)
  const loss = (xx: Float64Array, hook?: (l: number, d: number) => AfterStep | undefined): number => sequenceLoss(net, networkForward(net, xx, T, hook).y, target).loss
  const pass = networkForward(net, x, T)
  const grads = networkBackward(net, pass, sequenceLoss(net, pass.y, target).dy)
  const eps = 1e-6

  it('∂L/∂x_t matches finite differences', () => {
    let worst = 0
    for (let j = 0; j < x.length; j++) {
      const up = Float64Array.from(x)
      const down = Float64Array.from(x)
      up[j]! += eps
      down[j]! -= eps
      const fd = (loss(up) - loss(down)) / (2 * eps)
      worst = Math.max(worst, Math.abs(fd - grads.dx[j]!))
    }
    expect(worst).toBeLessThan(1e-7)
  })

  it('∂L/∂h_t (and ∂L/∂c_t) of every layer, direction, step and unit match finite differences', () => {
    let worst = 0
    let checked = 0
    net.layers.forEach((layer, l) => {
      layer.directions.forEach((_, dir) => {
        const H = layer.spec.units
        const g = grads.layers[l]![dir]!
        for (let s = 0; s < T; s++) {
          for (let k = 0; k < H; k++) {
            for (const which of layer.spec.variant === 'lstm' ? (['h', 'c'] as const) : (['h'] as const)) {
              const nudge = (delta: number) => (ll: number, dd: number): AfterStep | undefined =>
                ll === l && dd === dir
                  ? (step, values) => {
                      if (step !== s) return
                      const i = s * H + k
                      if (which === 'h') values.h![i]! += delta
                      else {
                        values.c![i]! += delta
                        values.h![i] = values.o![i]! * Math.tanh(values.c![i]!)
                      }
                    }
                  : undefined
              const fd = (loss(x, nudge(eps)) - loss(x, nudge(-eps))) / (2 * eps)
              const analytic = which === 'h' ? g.dh[s * H + k]! : g.dc![s * H + k]!
              worst = Math.max(worst, Math.abs(fd - analytic))
              checked++
            }
          }
        }
      })
    })
    expect(checked).toBeGreaterThan(10)
    expect(worst).toBeLessThan(1e-7)
  })

  it('integrated gradients add up to ŷ(x) − ŷ(baseline)', () => {
    const baseline = Float64Array.from({ length: net.inputDim }, (_, d) => 0.1 * d)
    const a = attribute(net, x, T, baseline, 400)
    expect(a.steps).toBe(400)
    expect(Math.abs(a.integratedSum - (a.output - a.baselineOutput))).toBeLessThan(1e-4 * Math.max(1, Math.abs(a.output - a.baselineOutput)))
    // gradient × input is x ⊙ ∂ŷ/∂x
    expect(a.gradientTimesInput.length).toBe(T * net.inputDim)
  })
})

describe('hardSigmoid gates', () => {
  it('∂L/∂x_t matches finite differences away from the kinks', () => {
    for (const variant of cellVariants) {
      const T = 4
      const net = randomNet({ variant, layers: 1, bidirectional: true, perStep: false, kind: 'regression', hardSigmoid: true }, 77)
      const x = Float64Array.from({ length: T * net.inputDim }, rng(9))
      const target = targetFor(net, T, 1)
      const pass = networkForward(net, x, T)
      const dx = networkBackward(net, pass, sequenceLoss(net, pass.y, target).dy).dx
      const eps = 1e-7
      for (let j = 0; j < x.length; j++) {
        const up = Float64Array.from(x)
        const down = Float64Array.from(x)
        up[j]! += eps
        down[j]! -= eps
        const fd = (sequenceLoss(net, networkForward(net, up, T).y, target).loss - sequenceLoss(net, networkForward(net, down, T).y, target).loss) / (2 * eps)
        expect(Math.abs(fd - dx[j]!), `${variant} x[${j}]`).toBeLessThan(1e-6)
      }
    }
  })
})

describe('wide inputs: the input product in WebAssembly', () => {
  it.each([8, 12, 33])('D = %i: the first step of an LSTM is the loop ((b + x_0·W_0) + x_1·W_1) + …, bit for bit', (D) => {
    const H = 3
    const G = 4 * H
    const r = rng(D)
    const fill = (n: number, k: number): Float64Array => Float64Array.from({ length: n }, () => r() * k)
    const w = { kernel: fill(D * G, 1.6), recurrentKernel: fill(H * G, 1.6), bias: fill(G, 0.6) }
    const x = fill(2 * D, 2)
    x[3] = 0 // the loop skips a zero input; the product adds 0·W, which changes no sum here
    const trace = cellForward({ variant: 'lstm', units: H, inputDim: D, hardSigmoid: false }, w, x, 2)
    const a = Array.from({ length: G }, (_, j) => {
      let sum = w.bias[j]!
      for (let d = 0; d < D; d++) if (x[d] !== 0) sum = sum + x[d]! * w.kernel[d * G + j]!
      return sum
    })
    // At step 0 the state is zero, so the recurrent product adds +0.
    for (let k = 0; k < H; k++) {
      expect(trace.values.i![k]).toBe(sigmoid(a[k]!))
      expect(trace.values.f![k]).toBe(sigmoid(a[H + k]!))
      expect(trace.values.g![k]).toBe(Math.tanh(a[2 * H + k]!))
      expect(trace.values.o![k]).toBe(sigmoid(a[3 * H + k]!))
    }
  })
})

describe('reset-before GRU, written out by hand', () => {
  it('matches n_t = tanh(W_n x_t + U_n (r_t ⊙ h_{t−1}) + b_n), h_t = z_t h_{t−1} + (1 − z_t) n_t', () => {
    // D = 1, H = 2, T = 3; weights as separate per-gate matrices, assembled into the Keras layout [z | r | h].
    const Wz = [0.5, -0.3], Wr = [0.2, 0.8], Wn = [-0.7, 0.4]
    const Uz = [[0.1, -0.2], [0.3, 0.05]], Ur = [[-0.4, 0.6], [0.2, -0.1]], Un = [[0.9, -0.5], [0.35, 0.7]]
    const bz = [0.1, -0.1], br = [0.05, 0.2], bn = [-0.3, 0.15]
    const kernel = Float64Array.from([...Wz, ...Wr, ...Wn])
    const recurrentKernel = Float64Array.from([0, 1].flatMap((k) => [...Uz[k]!, ...Ur[k]!, ...Un[k]!]))
    const bias = Float64Array.from([...bz, ...br, ...bn])
    const xs = [0.7, -1.2, 0.4]
    const trace = cellForward({ variant: 'gru-before', units: 2, inputDim: 1, hardSigmoid: false }, { kernel, recurrentKernel, bias }, xs, 3)
    const sig = (v: number) => 1 / (1 + Math.exp(-v))
    let h = [0, 0]
    for (let t = 0; t < 3; t++) {
      const x = xs[t]!
      // (v · U)_j = Σ_k v_k U[k][j]
      const mul = (v: number[], U: number[][], j: number) => v[0]! * U[0]![j]! + v[1]! * U[1]![j]!
      const z = [0, 1].map((j) => sig(Wz[j]! * x + mul(h, Uz, j) + bz[j]!))
      const r = [0, 1].map((j) => sig(Wr[j]! * x + mul(h, Ur, j) + br[j]!))
      const rh = [r[0]! * h[0]!, r[1]! * h[1]!]
      const n = [0, 1].map((j) => Math.tanh(Wn[j]! * x + mul(rh, Un, j) + bn[j]!))
      h = [0, 1].map((j) => z[j]! * h[j]! + (1 - z[j]!) * n[j]!)
      for (let j = 0; j < 2; j++) {
        expect(trace.values.z![t * 2 + j]).toBeCloseTo(z[j]!, 14)
        expect(trace.values.r![t * 2 + j]).toBeCloseTo(r[j]!, 14)
        expect(trace.values.n![t * 2 + j]).toBeCloseTo(n[j]!, 14)
        expect(trace.values.h![t * 2 + j]).toBeCloseTo(h[j]!, 14)
      }
    }
  })
})

describe('memory retention', () => {
  it('is the product of f (LSTM) or z (GRU) over the later steps, 1 at the last step; none for an RNN', () => {
    for (const variant of ['lstm', 'gru-after', 'rnn'] as const) {
      const net = randomNet({ variant, layers: 1, bidirectional: false, perStep: false, kind: 'regression' }, 5)
      const T = 6
      const trace = networkForward(net, Float64Array.from({ length: T * 2 }, rng(2)), T).layers[0]!.traces[0]!
      const r = memoryRetention(trace)
      if (variant === 'rnn') {
        expect(r).toBeNull()
        continue
      }
      const keep = variant === 'lstm' ? trace.values.f! : trace.values.z!
      const H = 3
      for (let k = 0; k < H; k++) {
        expect(r![(T - 1) * H + k]).toBe(1)
        let p = 1
        for (let s = 1; s < T; s++) p *= keep[s * H + k]!
        expect(r![k]).toBeCloseTo(p, 14)
      }
    }
  })
})

describe('gate statistics', () => {
  it('counts saturation below 0.1 / above 0.9, the mean and a histogram per unit', () => {
    const acc = new GateAccumulator('f', 2, 10)
    // two steps of two units, then one more step
    acc.add(Float64Array.from([0.05, 0.5, 0.95, 0.5]), 2)
    acc.add(Float64Array.from([0.5, 0.99]), 1)
    const r = acc.result()
    expect(Array.from(r.leftSaturated)).toEqual([1 / 3, 0])
    expect(Array.from(r.rightSaturated)).toEqual([1 / 3, 1 / 3])
    expect(r.mean[0]).toBeCloseTo(0.5, 14)
    expect(r.histogram[0 * 10 + 0]).toBeCloseTo(1 / 3)
    expect(r.histogram[0 * 10 + 9]).toBeCloseTo(1 / 3)
    expect(r.histogram[1 * 10 + 5]).toBeCloseTo(2 / 3)
    const candidate = new GateAccumulator('g', 1, 4)
    candidate.add(Float64Array.from([-0.95, 0.95, 0]), 3)
    expect(Array.from(candidate.result().leftSaturated)).toEqual([1 / 3])
  })
})
