/**
 * Seeded random float64 networks (src/shared/cells Network) and probe batches for tests and benches of the cell math
 * and gate telemetry: every layer, direction and the head filled from mulberry32, so a failure replays from its seed.
 */
import { paramSizes, type CellVariant, type Network } from '../../src/shared/cells'
import type { Probe } from '../../src/main/engine/telemetry'
import { mulberry32 } from './random'

export interface RandomNetworkOptions {
  variant: CellVariant
  units: number
  inputDim?: number
  layers?: number
  bidirectional?: boolean
  perStep?: boolean
  kind?: 'regression' | 'classification'
  outputs?: number
  hardSigmoid?: boolean
  /** Weights are uniform in ±scale/√units (kernels) — about Glorot's range, so gates neither all saturate nor idle. */
  scale?: number
}

export function randomNetwork(o: RandomNetworkOptions, seed: number): Network {
  const r = mulberry32(seed)
  const H = o.units
  const D = o.inputDim ?? 1
  const L = o.layers ?? 1
  const dirs = o.bidirectional ? 2 : 1
  const k = (o.scale ?? 2) / Math.sqrt(H)
  const fill = (n: number, s: number): Float64Array => Float64Array.from({ length: n }, () => (2 * r() - 1) * s)
  const layers = Array.from({ length: L }, (_, l) => {
    const spec = { variant: o.variant, units: H, inputDim: l === 0 ? D : dirs * H, hardSigmoid: o.hardSigmoid ?? false }
    const sizes = paramSizes(spec)
    return {
      spec,
      bidirectional: dirs === 2,
      returnSequences: l < L - 1 || (o.perStep ?? false),
      directions: Array.from({ length: dirs }, () => ({ kernel: fill(sizes.kernel, 1), recurrentKernel: fill(sizes.recurrentKernel, k), bias: fill(sizes.bias, 0.5) }))
    }
  })
  const width = dirs * H
  const outputs = o.outputs ?? 1
  return {
    inputDim: D,
    layers,
    head: { inputDim: width, units: outputs, kernel: fill(width * outputs, 1 / Math.sqrt(width)), bias: fill(outputs, 0.1) },
    perStep: o.perStep ?? false,
    kind: o.kind ?? 'regression'
  }
}

/** `size` random sequences of `steps` steps for `net` with targets of the right shape (class indices for classification). */
export function randomProbe(net: Network, steps: number, size: number, seed: number): Probe {
  const r = mulberry32(seed)
  const rows = net.perStep ? steps : 1
  return {
    indices: Array.from({ length: size }, (_, i) => i),
    steps,
    x: Array.from({ length: size }, () => Float64Array.from({ length: steps * net.inputDim }, () => 2 * r() - 1)),
    y: Array.from({ length: size }, () =>
      net.kind === 'classification'
        ? Float64Array.from({ length: rows }, () => Math.floor(r() * net.head.units))
        : Float64Array.from({ length: rows * net.head.units }, () => 2 * r() - 1)
    )
  }
}
