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

type Visit = (layer: number, dir: number, gates: Float32Array, rows: number) => void

/**
 * Runs layers 0 … `upTo` over the sequences `indices` of x [n, T, D] through the fused kernels, in batches; calls
 * `visit` with each layer direction's gate activations [T·B, G] and `done` with each batch's last-layer output
 * [B, T, dirs·H] (on the input's time axis).
 */
function kernelPasses(net: Network, x: Float32Array, T: number, indices: readonly number[], upTo: number, visit: Visit | null, done: ((chunk: readonly number[], output: Float32Array) => void) | null): void {
  const kernel = new FusedKernel()
  const D0 = net.inputDim
  const weights = net.layers.map((layer) =>
    layer.directions.map((p) => ({ kernel: Float32Array.from(p.kernel), recurrentKernel: Float32Array.from(p.recurrentKernel), bias: Float32Array.from(p.bias) }))
  )
  for (let start = 0; start < indices.length; start += BATCH) {
    const chunk = indices.slice(start, start + BATCH)
    const B = chunk.length
    let input = new Float32Array(B * T * D0)
    chunk.forEach((i, b) => input.set(x.subarray(i * T * D0, (i + 1) * T * D0), b * T * D0))
    for (let l = 0; l <= upTo; l++) {
      const layer = net.layers[l]!
      const { variant, units: H, inputDim: D, hardSigmoid } = layer.spec
      const spec = { variant, units: H, hardSigmoid, returnSequences: true }
      const shape = { batch: B, steps: T, inputDim: D }
      const dirs = layer.directions.length
      const output = new Float32Array(B * T * dirs * H)
      for (let dir = 0; dir < dirs; dir++) {
        const xin = dir === 0 ? input : reverseTime(input, B, T, D)
        const { y } = kernel.forward(spec, shape, xin, weights[l]![dir]!)
        if (visit && statGates[variant].length > 0) visit(l, dir, kernel.gateActivations(spec, shape), T * B)
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
    done?.(chunk, input)
  }
}

/** `x` holds `n` sequences [n, T, D] (float32, as stored); `indices` picks the ones to cover. */
export function kernelStatistics(net: Network, x: Float32Array, T: number, indices: readonly number[], layers: ReadonlySet<number>): KernelStatsResult {
  const accumulators: KernelStatsResult['accumulators'] = []
  net.layers.forEach((layer, l) => {
    if (layers.has(l)) layer.directions.forEach((_, dir) => accumulators.push({ layer: l, dir, gates: accumulatorsFor(layer.spec.variant, layer.spec.units) }))
  })
  kernelPasses(net, x, T, indices, Math.max(...layers), (l, dir, gates, rows) => {
    const acc = accumulators.find((a) => a.layer === l && a.dir === dir)
    if (!acc) return
    const { variant, units: H } = net.layers[l]!.spec
    const G = (variant === 'lstm' ? 4 : variant === 'rnn' ? 1 : 3) * H
    acc.gates.forEach((g, q) => g.add(gates, rows, G, q * H))
  }, null)
  return { accumulators }
}

/**
 * The network's outputs (head included, float64 head on float32 recurrent outputs) for the sequences `indices` of
 * x [n, T, D]: [outputs] or [T · outputs] each, as networkForward's `y`. Ranks a split by loss quickly (best/worst K).
 */
export function kernelOutputs(net: Network, x: Float32Array, T: number, indices: readonly number[]): Float64Array[] {
  const out: Float64Array[] = []
  const last = net.layers[net.layers.length - 1]!
  const H = last.spec.units
  const width = last.directions.length * H
  const { head } = net
  const apply = (v: Float32Array, offset: number, y: Float64Array, at: number): void => {
    for (let j = 0; j < head.units; j++) {
      let s = head.bias[j]!
      for (let i = 0; i < head.inputDim; i++) s += v[offset + i]! * head.kernel[i * head.units + j]!
      y[at + j] = s
    }
  }
  kernelPasses(net, x, T, indices, net.layers.length - 1, null, (chunk, output) => {
    chunk.forEach((_, b) => {
      const base = b * T * width
      if (net.perStep) {
        const y = new Float64Array(T * head.units)
        for (let t = 0; t < T; t++) apply(output, base + t * width, y, t * head.units)
        out.push(y)
      } else {
        // the final state: forward direction at t = T−1, backward direction at t = 0
        const v = new Float32Array(width)
        v.set(output.subarray(base + (T - 1) * width, base + (T - 1) * width + H), 0)
        if (last.directions.length === 2) v.set(output.subarray(base + H, base + 2 * H), H)
        const y = new Float64Array(head.units)
        apply(v, 0, y, 0)
        out.push(y)
      }
    })
  })
  return out
}

function reverseTime(x: Float32Array, B: number, T: number, D: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), (b * T + T - 1 - t) * D)
  return out
}
