/**
 * Gate telemetry's metrics (src/main/engine/telemetry.ts telemetryMetrics) are exactly — bit for bit — what the
 * straightforward computation gives: each probe sequence on its own through the one-sequence float64 cell math
 * (networkForward, sequenceLoss, networkBackward), its gate traces counted by the inspector's GateAccumulator, and the
 * squared norms of ∂L/∂h at the first and last processed step summed over the sequences. That reference is written out
 * here as telemetry first computed it, so a faster telemetry path (batched products, reused buffers) cannot change a
 * single reported bit. LSTM, both GRU forms and the RNN; one and two layers; one and two directions; regression and
 * classification; per-step heads; widths that do not divide by the kernels' blocking; odd probe sizes.
 */
import { describe, expect, it } from 'vitest'
import { telemetryMetrics } from '../../src/main/engine/telemetry'
import { accumulateTrace, accumulatorsFor, cellVariants, networkBackward, networkBackwardBatch, networkForward, networkForwardBatch, sequenceLoss, type Network } from '../../src/shared/cells'
import { gateMetric, gradMetric, layerKey, telemetryGates, type GateStat } from '../../src/shared/telemetry'
import type { Probe } from '../../src/main/engine/telemetry'
import { randomNetwork, randomProbe } from '../helpers/network'

/** Telemetry as first written: one sequence at a time. */
function referenceMetrics(net: Network, probe: Probe): Record<string, number> {
  const T = probe.steps
  const accumulators = net.layers.map((layer) => layer.directions.map(() => accumulatorsFor(layer.spec.variant, layer.spec.units)))
  const first = net.layers.map((layer) => layer.directions.map(() => 0))
  const last = net.layers.map((layer) => layer.directions.map(() => 0))
  probe.x.forEach((x, i) => {
    const pass = networkForward(net, x, T)
    pass.layers.forEach((lp, l) => lp.traces.forEach((trace, d) => accumulateTrace(accumulators[l]![d]!, trace)))
    const grads = networkBackward(net, pass, sequenceLoss(net, pass.y, probe.y[i]!).dy)
    grads.layers.forEach((dirs, l) =>
      dirs.forEach((g, d) => {
        const H = net.layers[l]!.spec.units
        let a = 0
        let b = 0
        for (let k = 0; k < H; k++) {
          a += g.dh[k]! ** 2
          b += g.dh[(T - 1) * H + k]! ** 2
        }
        first[l]![d]! += a
        last[l]![d]! += b
      })
    )
  })
  const out: Record<string, number> = {}
  net.layers.forEach((layer, l) =>
    layer.directions.forEach((_, d) => {
      const key = layerKey(l, d === 0 ? 'forward' : 'backward')
      const wanted = new Set(telemetryGates[layer.spec.variant === 'lstm' || layer.spec.variant === 'rnn' ? layer.spec.variant : 'gru'])
      for (const acc of accumulators[l]![d]!) {
        if (!wanted.has(acc.gate)) continue
        const r = acc.result()
        const average = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length
        const stats: Record<GateStat, number> = { mean: average(r.mean), satLeft: average(r.leftSaturated), satRight: average(r.rightSaturated) }
        for (const [stat, value] of Object.entries(stats)) out[gateMetric(key, acc.gate, stat as GateStat)] = value
      }
      const ratio = Math.sqrt(first[l]![d]!) / Math.sqrt(last[l]![d]!)
      if (Number.isFinite(ratio)) out[gradMetric(key)] = ratio
    })
  )
  return out
}

const shapes = [
  { layers: 1, bidirectional: false, perStep: false, kind: 'regression', units: 8, probe: 8 },
  { layers: 2, bidirectional: true, perStep: false, kind: 'regression', units: 13, probe: 5 },
  { layers: 2, bidirectional: false, perStep: true, kind: 'classification', units: 6, probe: 3, hardSigmoid: true },
  { layers: 1, bidirectional: true, perStep: true, kind: 'regression', units: 5, probe: 1 },
  { layers: 1, bidirectional: false, perStep: false, kind: 'classification', units: 17, probe: 2 }
] as const

describe.each(cellVariants)('%s', (variant) => {
  it.each(shapes)('$layers layer(s), bidirectional $bidirectional, perStep $perStep, $kind, $units units, probe of $probe: bit-identical to one sequence at a time', (shape) => {
    const seed = 100 * cellVariants.indexOf(variant) + shapes.indexOf(shape)
    const net = randomNetwork({ variant, ...shape, hardSigmoid: variant !== 'rnn' && 'hardSigmoid' in shape, inputDim: 3, outputs: shape.kind === 'classification' ? 3 : 2 }, seed)
    const probe = randomProbe(net, 11, shape.probe, seed + 1)
    const expected = referenceMetrics(net, probe)
    const actual = telemetryMetrics(net, probe)
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
    expect(Object.keys(expected).length).toBeGreaterThan(0)
    // Bit for bit (Object.is), not merely close: the same float64 operations in the same order per sequence.
    const differing = Object.keys(expected).filter((name) => !Object.is(actual[name], expected[name]))
    expect(differing.map((name) => `${name}: ${actual[name]} ≠ ${expected[name]}`)).toEqual([])
    // The metrics are not degenerate: the gates vary and the gradient reaches the first step.
    const ratios = Object.keys(expected).filter((n) => n.startsWith('grad/'))
    expect(ratios.length).toBe(shape.layers * (shape.bidirectional ? 2 : 1))
    for (const name of ratios) expect(expected[name]!).toBeGreaterThan(0)
  })
})

describe('networkForwardBatch / networkBackwardBatch', () => {
  const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex')
  it.each(cellVariants)('%s, 2 bidirectional layers, batch of 3: every trace and gradient bit-identical to one sequence at a time', (variant) => {
    const net = randomNetwork({ variant, units: 7, layers: 2, bidirectional: true, inputDim: 2, outputs: 2 }, 7)
    const probe = randomProbe(net, 9, 3, 8)
    const passes = networkForwardBatch(net, probe.x, 9)
    const grads = networkBackwardBatch(net, passes, passes.map((p, i) => sequenceLoss(net, p.y, probe.y[i]!).dy))
    probe.x.forEach((x, i) => {
      const pass = networkForward(net, x, 9)
      const g = networkBackward(net, pass, sequenceLoss(net, pass.y, probe.y[i]!).dy)
      expect(bits(passes[i]!.y)).toBe(bits(pass.y))
      pass.layers.forEach((lp, l) => {
        expect(bits(passes[i]!.layers[l]!.output)).toBe(bits(lp.output))
        lp.traces.forEach((trace, d) => {
          for (const [name, values] of Object.entries(trace.values)) expect(bits(passes[i]!.layers[l]!.traces[d]!.values[name]!), `${name} l${l} d${d}`).toBe(bits(values))
        })
        g.layers[l]!.forEach((cg, d) => {
          const bg = grads[i]!.layers[l]![d]!
          expect(bits(bg.dh)).toBe(bits(cg.dh))
          expect(bits(bg.dx)).toBe(bits(cg.dx))
          if (cg.dc) expect(bits(bg.dc!)).toBe(bits(cg.dc))
        })
      })
      expect(bits(grads[i]!.dx)).toBe(bits(g.dx))
    })
    // The sequences differ, so equal arrays above are not equal by accident.
    expect(bits(passes[0]!.y)).not.toBe(bits(passes[1]!.y))
  })
})

describe('GateAccumulator without a histogram (what telemetry uses)', () => {
  const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex')
  it.each(cellVariants.filter((v) => v !== 'rnn'))('%s: the same means and saturation fractions, bit for bit, and no histogram', (variant) => {
    const net = randomNetwork({ variant, units: 9, inputDim: 2 }, 21)
    const probe = randomProbe(net, 13, 3, 22)
    const withHistogram = accumulatorsFor(variant, 9)
    const without = accumulatorsFor(variant, 9, { histogram: false })
    for (const x of probe.x) {
      const trace = networkForward(net, x, 13).layers[0]!.traces[0]!
      accumulateTrace(withHistogram, trace)
      accumulateTrace(without, trace)
    }
    withHistogram.forEach((acc, g) => {
      const a = acc.result()
      const b = without[g]!.result()
      expect(bits(b.mean)).toBe(bits(a.mean))
      expect(bits(b.leftSaturated)).toBe(bits(a.leftSaturated))
      expect(bits(b.rightSaturated)).toBe(bits(a.rightSaturated))
      expect(a.histogram.length).toBe(9 * acc.bins)
      expect(a.histogram.reduce((s, v) => s + v, 0)).toBeCloseTo(9, 9)
      expect(b.histogram.length).toBe(0)
    })
  })
})
