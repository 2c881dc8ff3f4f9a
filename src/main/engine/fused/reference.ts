/**
 * A straightforward, double-precision implementation of the CELLS.md equations, one sample and one step at a time,
 * with the same weight layouts and gate orders as the fused kernels (tfjs-layers / Keras: kernel [D, G], recurrent
 * kernel [H, G], LSTM i,f,c,o; GRU z,r,h; reset-after bias [2, G]). It exists for tests: it is the yardstick the
 * kernels' outputs are compared with, and the function whose finite differences check the kernels' gradients.
 */
import { gateCount, type FusedSpec, type FusedShape } from './kernel'

export interface ReferenceWeights {
  kernel: ArrayLike<number>
  recurrentKernel: ArrayLike<number>
  bias: ArrayLike<number>
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))
const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, 0.2 * v + 0.5))

/** The layer output for x [B,T,D]: [B,T,H] with returnSequences, else [B,H]; float64. */
export function referenceForward(spec: FusedSpec, shape: FusedShape, x: ArrayLike<number>, w: ReferenceWeights): Float64Array {
  const { batch: B, steps: T, inputDim: D } = shape
  const H = spec.units
  const G = gateCount(spec.variant) * H
  const gate = spec.hardSigmoid ? hardSigmoid : sigmoid
  const out = new Float64Array(spec.returnSequences ? B * T * H : B * H)
  // a[j] = Σ_d x_d W[d, j] + b[j] ;  u[j] = Σ_k v_k U[k, j]  (for the columns j in [from, to))
  const inputPart = (b: number, t: number): Float64Array => {
    const a = new Float64Array(G)
    for (let j = 0; j < G; j++) {
      let s = w.bias[j]!
      for (let d = 0; d < D; d++) s += x[(b * T + t) * D + d]! * w.kernel[d * G + j]!
      a[j] = s
    }
    return a
  }
  const recurrentPart = (v: Float64Array, from: number, to: number): Float64Array => {
    const u = new Float64Array(G)
    for (let j = from; j < to; j++) {
      let s = 0
      for (let k = 0; k < H; k++) s += v[k]! * w.recurrentKernel[k * G + j]!
      u[j] = s
    }
    return u
  }
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H)
    let c = new Float64Array(H)
    for (let t = 0; t < T; t++) {
      const a = inputPart(b, t)
      const next = new Float64Array(H)
      if (spec.variant === 'lstm') {
        const u = recurrentPart(h, 0, G)
        const cn = new Float64Array(H)
        for (let k = 0; k < H; k++) {
          const i = gate(a[k]! + u[k]!)
          const f = gate(a[H + k]! + u[H + k]!)
          const g = Math.tanh(a[2 * H + k]! + u[2 * H + k]!)
          const o = gate(a[3 * H + k]! + u[3 * H + k]!)
          cn[k] = f * c[k]! + i * g
          next[k] = o * Math.tanh(cn[k]!)
        }
        c = cn
      } else if (spec.variant === 'gru-after') {
        const u = recurrentPart(h, 0, G)
        for (let k = 0; k < H; k++) {
          const z = gate(a[k]! + u[k]! + w.bias[G + k]!)
          const r = gate(a[H + k]! + u[H + k]! + w.bias[G + H + k]!)
          const n = Math.tanh(a[2 * H + k]! + r * (u[2 * H + k]! + w.bias[G + 2 * H + k]!))
          next[k] = z * h[k]! + (1 - z) * n
        }
      } else if (spec.variant === 'gru-before') {
        const u = recurrentPart(h, 0, 2 * H)
        const z = new Float64Array(H)
        const rh = new Float64Array(H)
        for (let k = 0; k < H; k++) {
          z[k] = gate(a[k]! + u[k]!)
          rh[k] = gate(a[H + k]! + u[H + k]!) * h[k]!
        }
        const q = recurrentPart(rh, 2 * H, G)
        for (let k = 0; k < H; k++) {
          const n = Math.tanh(a[2 * H + k]! + q[2 * H + k]!)
          next[k] = z[k]! * h[k]! + (1 - z[k]!) * n
        }
      } else {
        const u = recurrentPart(h, 0, G)
        for (let k = 0; k < H; k++) next[k] = Math.tanh(a[k]! + u[k]!)
      }
      h = next
      if (spec.returnSequences) out.set(h, (b * T + t) * H)
    }
    if (!spec.returnSequences) out.set(h, b * H)
  }
  return out
}

/** Largest absolute difference divided by the largest absolute reference value: the "relative error" of a tensor. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`)
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return scale === 0 ? diff : diff / scale
}
