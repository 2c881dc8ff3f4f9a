/**
 * Gate telemetry while training (issue 14 §5) through REAL trainer processes: the gate/… and grad/… metrics exist at
 * every epoch with the names src/shared/telemetry.ts promises, lie in their ranges, agree with the inspector's own
 * computation (src/main/inspect: the stored weights read back, traces and gradients per sequence) on the final
 * weights for the last epoch, and are absent when the run's config turns telemetry off.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { RunDetail } from '../../src/shared/api'
import type { MetricPoint } from '../../src/shared/protocol'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'
import { gateMetric, gradMetric, isTelemetryMetric, layerKey, telemetryMetricNames } from '../../src/shared/telemetry'
import { computeInspection } from '../../src/main/inspect/compute'
import { prepareInspection } from '../../src/main/inspect/prepare'
import { inspectRequestSchema } from '../../src/shared/inspect'
import { probeIndices, probeSize } from '../../src/main/engine/telemetry'
import { stopTrainers, train, type RunResult } from './engine-harness'

afterAll(stopTrainers)

// restoreBest false: the saved weights are the last epoch's, which the last telemetry points describe.
const base: RunConfigInput = {
  task: 'adding',
  seqLen: 12,
  samples: 96,
  valSamples: 40,
  testSamples: 16,
  units: 6,
  batch: 16,
  epochs: 3,
  lr: 0.01,
  seed: 7,
  earlyStopping: { patience: 100, restoreBest: false }
}

const atEpoch = (points: MetricPoint[], epoch: number): Record<string, number> =>
  Object.fromEntries(points.filter((p) => p.epoch === epoch && (isTelemetryMetric(p.name) || p.name === 'telemetryMs')).map((p) => [p.name, p.value]))

/** The inspector's answer for the probe sequences, reduced the way the telemetry defines its metrics. */
async function inspectorTelemetry(run: RunResult, input: RunConfigInput): Promise<Record<string, number>> {
  const normalized = normalizeRunConfig(input)
  if (!normalized.ok) throw new Error(normalized.message)
  const config = normalized.config
  const bytes = (kind: string): Uint8Array => run.artifacts.find((a) => a.kind === kind)!.data
  const detail = { id: 'run-1', name: 'run-1', cell: config.cell, cellForm: run.started!.cellForm, paramCount: run.started!.paramCount, config, dataset: run.started!.dataset } as unknown as RunDetail
  const prepared = await prepareInspection(detail, bytes('topology'), bytes('weights'))
  if (!prepared.ok) throw new Error(prepared.reason)
  const T = config.seqLen
  const indices = probeIndices(prepared.data.val.n, config.seed, probeSize(config.units))
  const sums = new Map<string, { sum: number; left: number; right: number; n: number }>()
  const norms = new Map<string, { first: number; last: number }>()
  for (const index of indices) {
    const request = inspectRequestSchema.parse({ runId: 'run-1', sequence: { kind: 'index', split: 'val', index }, attribution: false, memory: false })
    const [seq] = computeInspection(request, prepared.model, prepared.data).sequences
    for (const trace of seq!.traces!) {
      const key = layerKey(trace.layer, trace.direction)
      for (const [gate, matrix] of Object.entries(trace.values)) {
        if (gate === 'c' || gate === 'h') continue
        const [lo, hi] = gate === 'g' || gate === 'n' ? [-0.9, 0.9] : [0.1, 0.9]
        const s = sums.get(`${key}/${gate}`) ?? { sum: 0, left: 0, right: 0, n: 0 }
        for (const v of matrix!.values) {
          s.sum += v
          if (v < lo) s.left++
          else if (v > hi) s.right++
          s.n++
        }
        sums.set(`${key}/${gate}`, s)
      }
    }
    for (const g of seq!.gradients!) {
      const key = layerKey(g.layer, g.direction)
      // Processing order: a backward layer reads t = T−1 first.
      const [first, last] = g.direction === 'forward' ? [g.dhNorm[0]!, g.dhNorm[T - 1]!] : [g.dhNorm[T - 1]!, g.dhNorm[0]!]
      const n = norms.get(key) ?? { first: 0, last: 0 }
      n.first += first ** 2
      n.last += last ** 2
      norms.set(key, n)
    }
  }
  const out: Record<string, number> = {}
  for (const [k, s] of sums) {
    const [key, gate] = k.split('/') as [string, string]
    out[gateMetric(key, gate, 'mean')] = s.sum / s.n
    out[gateMetric(key, gate, 'satLeft')] = s.left / s.n
    out[gateMetric(key, gate, 'satRight')] = s.right / s.n
  }
  for (const [key, n] of norms) out[gradMetric(key)] = Math.sqrt(n.first) / Math.sqrt(n.last)
  return out
}

describe('gate telemetry in a trainer process', () => {
  it.each([
    ['fused LSTM', { ...base, engine: 'fused', cell: 'lstm' } as RunConfigInput],
    // tfjs-layers' own cells, stacked and bidirectional: the weights are read through the Bidirectional wrapper.
    ['layers GRU, 2 bidirectional layers', { ...base, engine: 'layers', cell: 'gru', layers: 2, bidirectional: true, epochs: 2 } as RunConfigInput],
    ['fused RNN', { ...base, engine: 'fused', cell: 'rnn', epochs: 2 } as RunConfigInput]
  ])('%s: every telemetry metric at every epoch, in range, equal to the inspector on the final weights', async (_name, input) => {
    const run = await train(input)
    expect(run.finished.status).toBe('completed')
    const normalized = normalizeRunConfig(input)
    if (!normalized.ok) throw new Error(normalized.message)
    const { cell, layers, bidirectional, epochs } = normalized.config
    const names = telemetryMetricNames(cell, layers, bidirectional)
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const m = atEpoch(run.points, epoch)
      expect(Object.keys(m).sort()).toEqual([...names, 'telemetryMs'].sort())
      for (const name of names) {
        const v = m[name]!
        if (name.endsWith('/satLeft') || name.endsWith('/satRight')) expect(v >= 0 && v <= 1, `${name} = ${v}`).toBe(true)
        else if (/\/(i|f|o|z|r)\/mean$/.test(name)) expect(v > 0 && v < 1, `${name} = ${v}`).toBe(true)
        else if (name.endsWith('/mean')) expect(v > -1 && v < 1, `${name} = ${v}`).toBe(true)
        else expect(v > 0 && Number.isFinite(v), `${name} = ${v}`).toBe(true)
      }
      expect(m.telemetryMs).toBeGreaterThan(0)
    }
    // Same per-epoch step as the other epoch metrics: they chart on one axis.
    const valSteps = run.points.filter((p) => p.name === 'valLoss').map((p) => p.step)
    expect(run.points.filter((p) => p.name === names[0]).map((p) => p.step)).toEqual(valSteps)

    const last = atEpoch(run.points, epochs)
    const expected = await inspectorTelemetry(run, input)
    expect(Object.keys(expected).sort()).toEqual([...names].sort())
    for (const name of names) {
      if (name.startsWith('grad/')) expect(last[name]! / expected[name]!, name).toBeCloseTo(1, 9)
      else expect(last[name], name).toBeCloseTo(expected[name]!, 12)
    }
  })

  it('records nothing of it when the config turns it off', async () => {
    const run = await train({ ...base, epochs: 2, telemetry: false })
    expect(run.finished.status).toBe('completed')
    expect(run.points.some((p) => isTelemetryMetric(p.name) || p.name === 'telemetryMs')).toBe(false)
    expect(run.points.filter((p) => p.name === 'valLoss')).toHaveLength(2)
  })
})
