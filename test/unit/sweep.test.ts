import { describe, expect, it } from 'vitest'
import { matchUnits, modelParams, recurrentParams } from '../../src/shared/params'
import { expandSweep } from '../../src/shared/sweep'

describe('parameter counts (CELLS.md)', () => {
  it('follow the cell equations', () => {
    // n_in = 1, H = 32: LSTM 4·(32 + 1024 + 32) = 4352; GRU 3·1088 = 3264 (+96 for reset-after); RNN 1088.
    expect(recurrentParams('lstm', 1, 32)).toBe(4352)
    expect(recurrentParams('gru', 1, 32, 'reset-before')).toBe(3264)
    expect(recurrentParams('gru', 1, 32, 'reset-after')).toBe(3360)
    expect(recurrentParams('rnn', 1, 32)).toBe(1088)
  })

  it('count stacked, bidirectional layers and the dense head', () => {
    const shape = { inputSize: 2, outputSize: 1 }
    // Layer 1: 2 directions × 4·(2·8 + 64 + 8); layer 2 sees 16 inputs: 2 × 4·(16·8 + 64 + 8); head 16·1 + 1.
    expect(modelParams({ cell: 'lstm', units: 8, layers: 2, bidirectional: true, gruForm: 'reset-after' }, shape)).toBe(2 * 352 + 2 * 800 + 17)
  })

  it('match a GRU and an RNN to an LSTM budget', () => {
    const shape = { inputSize: 2, outputSize: 1 }
    const base = { layers: 1, bidirectional: false, gruForm: 'reset-before' as const }
    const lstm = modelParams({ ...base, cell: 'lstm', units: 32 }, shape)
    const gru = matchUnits(lstm, { ...base, cell: 'gru' }, shape)
    const rnn = matchUnits(lstm, { ...base, cell: 'rnn' }, shape)
    expect(gru.units).toBe(37)
    expect(rnn.units).toBe(65) // 65² + 4·65 + 1 = 4486 vs the LSTM's 4513; 64 units give 4353
    // Closest: one unit more or fewer is never nearer to the budget.
    for (const { cell, units } of [{ cell: 'gru', units: gru.units }, { cell: 'rnn', units: rnn.units }] as const) {
      const d = (u: number): number => Math.abs(modelParams({ ...base, cell, units: u }, shape) - lstm)
      expect(d(units)).toBeLessThanOrEqual(d(units - 1))
      expect(d(units)).toBeLessThanOrEqual(d(units + 1))
    }
  })
})

describe('sweep specs', () => {
  const example = { name: 'cells on adding', base: { task: 'adding', seqLen: 20, samples: 640, units: 8, epochs: 3 }, grid: { cell: ['lstm', 'gru'] }, seeds: [1, 2, 3] }

  it('expand grid × seeds into complete configurations', () => {
    const result = expandSweep(example)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.runs).toHaveLength(6)
    expect(result.runs.map((r) => `${r.config.cell}/${r.config.seed}`)).toEqual(['lstm/1', 'lstm/2', 'lstm/3', 'gru/1', 'gru/2', 'gru/3'])
    expect(result.runs[0]!.config).toMatchObject({ task: 'adding', seqLen: 20, units: 8, tags: ['sweep:cells on adding'] })
  })

  it('draw random values once per trial, shared by every cell and seed, reproducibly', () => {
    const spec = { ...example, random: { lr: { logUniform: [1e-4, 1e-2] }, units: { int: [4, 9] } }, trials: 4 }
    const a = expandSweep(spec)
    const b = expandSweep(spec)
    expect(a).toEqual(b)
    if (!a.ok) return
    expect(a.runs).toHaveLength(24)
    for (let trial = 0; trial < 4; trial++) {
      const inTrial = a.runs.filter((r) => r.trial === trial)
      expect(new Set(inTrial.map((r) => r.config.lr)).size).toBe(1)
      const lr = inTrial[0]!.config.lr
      expect(lr).toBeGreaterThanOrEqual(1e-4)
      expect(lr).toBeLessThanOrEqual(1e-2)
      expect(Number.isInteger(inTrial[0]!.config.units)).toBe(true)
      expect(inTrial[0]!.config.units).toBeGreaterThanOrEqual(4)
      expect(inTrial[0]!.config.units).toBeLessThanOrEqual(9)
    }
    expect(new Set(a.runs.map((r) => r.config.lr)).size).toBe(4)
  })

  it('match parameter budgets to the reference cell', () => {
    const result = expandSweep({ ...example, grid: { cell: ['lstm', 'gru', 'rnn'] }, base: { ...example.base, units: 32 }, matchParams: 'lstm' }, () => ({ inputSize: 2, outputSize: 1 }))
    if (!result.ok) throw new Error(result.message)
    const gru = result.runs.find((r) => r.config.cell === 'gru')!
    expect(gru.config.units).toBe(37)
    expect(gru.matched).toMatchObject({ reference: 'lstm', referenceUnits: 32 })
    expect(result.runs.find((r) => r.config.cell === 'lstm')!.matched).toBeUndefined()
  })

  it('say precisely what is wrong', () => {
    expect(expandSweep({ grid: { cell: [] } })).toMatchObject({ ok: false, message: expect.stringContaining('grid.cell') })
    expect(expandSweep({ random: { lr: { logUniform: [0, 1] } }, trials: 2 })).toMatchObject({ ok: false, message: expect.stringContaining('positive') })
    expect(expandSweep({ random: { lr: { uniform: [0.1, 0.2] } } })).toMatchObject({ ok: false, message: expect.stringContaining('needs "trials"') })
    expect(expandSweep({ grid: { units: [8, -1] } })).toMatchObject({ ok: false, message: expect.stringMatching(/units.*"units":-1/) })
    expect(expandSweep({ grid: { seed: [1, 2] } })).toMatchObject({ ok: false, message: expect.stringContaining('"seeds"') })
    expect(expandSweep({ grid: { units: Array.from({ length: 200 }, (_, i) => i + 1), lr: Array.from({ length: 100 }, (_, i) => (i + 1) / 1000) } })).toMatchObject({
      ok: false,
      message: expect.stringContaining('20000 runs')
    })
  })
})
