/**
 * Gate statistics over a split at the speed of the fused engine: the forward pass of the WebAssembly SIMD kernels
 * (src/main/engine/fused — the kernels the fused engine trains with, checked against src/shared/cells to 1e-6 by the
 * kernel tests) over batches of sequences, reading every gate activation from the kernel's memory. Float32, which is
 * ample for fractions below 0.1 / above 0.9, a mean and a histogram; the float64 path of compute.ts would take several
 * times longer (docs/INSPECT.md). Stacked and bidirectional layers are fed as the model feeds them.
 */
import { accumulatorsFor, statGates, type GateAccumulator, type Network } from '../../shared/cells'
import { FusedKernel } from '../engine/fused/kernel'

/** Sequences per kernel call: large enough for the blocked matrix products, small enough to keep memory modest. */
const BATCH = 64

export interface KernelStatsResult {
  /** Per layer and direction (only the layers asked for), the accumulators of statGates[variant]. */
  accumulators: Array<{ layer: number; dir: number; gates: GateAccumulator[] }>
}

/**
 * `x` holds `n` sequences [n, T, D] (float32, as stored); `indices` picks the ones to cover.
 */
export function kernelStatistics(net: Network, x: Float32Array, T: number, indices: readonly number[], layers: ReadonlySet<number>): KernelStatsResult {
  const kernel = new FusedKernel()
  const D0 = net.inputDim
  const accumulators: KernelStatsResult['accumulators'] = []
  net.layers.forEach((layer, l) => {
    if (layers.has(l)) layer.directions.forEach((_, dir) => accumulators.push({ layer: l, dir, gates: accumulatorsFor(layer.spec.variant, layer.spec.units) }))
  })
  const last = Math.max(...layers)
  const weights = net.layers.map((layer) =>
    layer.directions.map((p) => ({ kernel: Float32Array.from(p.kernel), recurrentKernel: Float32Array.from(p.recurrentKernel), bias: Float32Array.from(p.bias) }))
  )
  for (let start = 0; start < indices.length; start += BATCH) {
    const chunk = indices.slice(start, start + BATCH)
    const B = chunk.length
    let input = new Float32Array(B * T * D0)
    chunk.forEach((i, b) => input.set(x.subarray(i * T * D0, (i + 1) * T * D0), b * T * D0))
    for (let l = 0; l <= last; l++) {
      const layer = net.layers[l]!
      const { variant, units: H, inputDim: D, hardSigmoid } = layer.spec
      const G = (variant === 'lstm' ? 4 : variant === 'rnn' ? 1 : 3) * H
      const spec = { variant, units: H, hardSigmoid, returnSequences: true }
      const shape = { batch: B, steps: T, inputDim: D }
      const dirs = layer.directions.length
      const output = new Float32Array(B * T * dirs * H)
      for (let dir = 0; dir < dirs; dir++) {
        const xin = dir === 0 ? input : reverseTime(input, B, T, D)
        const { y } = kernel.forward(spec, shape, xin, weights[l]![dir]!)
        const acc = accumulators.find((a) => a.layer === l && a.dir === dir)
        if (acc && statGates[variant].length > 0) {
          const gates = kernel.gateActivations(spec, shape)
          acc.gates.forEach((g, q) => g.add(gates, T * B, G, q * H))
        }
        // Concatenate [forward, backward] per step, the backward outputs re-aligned to the input's time axis.
        for (let b = 0; b < B; b++) {
          for (let s = 0; s < T; s++) {
            const t = dir === 0 ? s : T - 1 - s
            output.set(y.subarray((b * T + s) * H, (b * T + s + 1) * H), (b * T + t) * dirs * H + dir * H)
          }
        }
      }
      input = output
    }
  }
  return { accumulators }
}

function reverseTime(x: Float32Array, B: number, T: number, D: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), (b * T + T - 1 - t) * D)
  return out
}
