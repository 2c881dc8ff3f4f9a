/**
 * The double-precision yardstick of the fused kernels: the CELLS.md equations in float64, with the same weight layouts
 * and gate orders as the kernels (tfjs-layers / Keras: kernel [D, G], recurrent kernel [H, G], LSTM i,f,c,o; GRU
 * z,r,h; reset-after bias [2, G]). It delegates to src/shared/cells — the one implementation the gate inspector uses
 * too — so the kernel tests and the inspector check and explain the same arithmetic. Tests compare the kernels'
 * outputs with it and take its finite differences to check the kernels' gradients.
 */
import { cellForward } from '../../../shared/cells'
import type { FusedSpec, FusedShape } from './kernel'

export interface ReferenceWeights {
  kernel: ArrayLike<number>
  recurrentKernel: ArrayLike<number>
  bias: ArrayLike<number>
}

/** The layer output for x [B,T,D]: [B,T,H] with returnSequences, else [B,H]; float64. */
export function referenceForward(spec: FusedSpec, shape: FusedShape, x: ArrayLike<number>, w: ReferenceWeights): Float64Array {
  const { batch: B, steps: T, inputDim: D } = shape
  const H = spec.units
  const cell = { variant: spec.variant, units: H, inputDim: D, hardSigmoid: spec.hardSigmoid }
  const params = { kernel: Float64Array.from(w.kernel), recurrentKernel: Float64Array.from(w.recurrentKernel), bias: Float64Array.from(w.bias) }
  const xs = Float64Array.from(x)
  const out = new Float64Array(spec.returnSequences ? B * T * H : B * H)
  for (let b = 0; b < B; b++) {
    const h = cellForward(cell, params, xs.subarray(b * T * D, (b + 1) * T * D), T).values.h!
    if (spec.returnSequences) out.set(h, b * T * H)
    else out.set(h.subarray((T - 1) * H), b * H)
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
