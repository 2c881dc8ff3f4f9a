/**
 * Split statistics through the fused kernels (src/main/inspect/kernelStats.ts) equal those of the float64 cell math
 * on the same network: every form, stacked and bidirectional, batches that do not divide the sequence count; and the
 * network outputs through the kernels (best/worst ranking) equal networkForward's, last-step and per-step heads.
 */
import { describe, expect, it } from 'vitest'
import { accumulateTrace, accumulatorsFor, networkForward, paramSizes, type CellVariant, type Network } from '../../src/shared/cells'
import { kernelOutputs, kernelStatistics } from '../../src/main/inspect/kernelStats'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

function net(variant: CellVariant, hardSigmoid: boolean): Network {
  const r = rng(4)
  // float32-representable weights, as stored
  const fill = (n: number, k: number): Float64Array => Float64Array.from(Float32Array.from({ length: n }, () => r() * k))
  const H = 6
  const layers = [0, 1].map((l) => {
    const spec = { variant, units: H, inputDim: l === 0 ? 2 : 2 * H, hardSigmoid }
    const s = paramSizes(spec)
    return { spec, bidirectional: true, returnSequences: true, directions: [0, 1].map(() => ({ kernel: fill(s.kernel, 1.5), recurrentKernel: fill(s.recurrentKernel, 1.5), bias: fill(s.bias, 1) })) }
  })
  return { inputDim: 2, layers, head: { inputDim: 2 * H, units: 1, kernel: fill(2 * H, 1), bias: fill(1, 1) }, perStep: false, kind: 'regression' }
}

describe.each(['lstm', 'gru-after', 'gru-before'] as const)('%s', (variant) => {
  it.each([false, true])('kernel statistics equal the float64 ones (hardSigmoid %s)', (hard) => {
    const n = 70
    const T = 9
    const network = net(variant, hard)
    const x = Float32Array.from({ length: n * T * 2 }, rng(8))
    const indices = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1)
    const fast = kernelStatistics(network, x, T, indices, new Set([0, 1])).accumulators
    expect(fast).toHaveLength(4)
    for (const { layer, dir, gates } of fast) {
      const slow = accumulatorsFor(variant, 6)
      for (const i of indices) accumulateTrace(slow, networkForward(network, x.subarray(i * T * 2, (i + 1) * T * 2), T).layers[layer]!.traces[dir]!)
      gates.forEach((g, q) => {
        const a = g.result()
        const b = slow[q]!.result()
        expect(g.steps).toBe(indices.length * T)
        for (let k = 0; k < 6; k++) {
          expect(Math.abs(a.mean[k]! - b.mean[k]!), `${layer}/${dir} ${g.gate} unit ${k}`).toBeLessThan(1e-5)
          // a value within float32 rounding of a threshold may fall either side: at most a pair or two
          expect(Math.abs(a.leftSaturated[k]! - b.leftSaturated[k]!)).toBeLessThanOrEqual(2 / g.steps)
          expect(Math.abs(a.rightSaturated[k]! - b.rightSaturated[k]!)).toBeLessThanOrEqual(2 / g.steps)
        }
      })
    }
  })
})

describe('network outputs through the kernels', () => {
  it.each(['lstm', 'gru-after', 'gru-before', 'rnn'] as const)('%s: equal the float64 outputs (last step and per step)', (variant) => {
    for (const perStep of [false, true]) {
      const network = { ...net(variant, false), perStep }
      network.layers[1]!.returnSequences = perStep
      const n = 67
      const T = 5
      const x = Float32Array.from({ length: n * T * 2 }, rng(6))
      const indices = Array.from({ length: n }, (_, i) => i)
      const fast = kernelOutputs(network, x, T, indices)
      expect(fast).toHaveLength(n)
      for (const i of [0, 33, 66]) {
        const slow = networkForward(network, x.subarray(i * T * 2, (i + 1) * T * 2), T).y
        expect(fast[i]!.length).toBe(slow.length)
        for (let j = 0; j < slow.length; j++) expect(Math.abs(fast[i]![j]! - slow[j]!)).toBeLessThan(1e-4)
      }
    }
  })
})
