/**
 * Fair pairs (issue 17 item 7): matched budgets for "Train LSTM and GRU" come from the sweep's own matchParams, and
 * statistics over cells whose parameter budgets are more than 5% apart carry the caveat in their verdict.
 */
import { describe, expect, it } from 'vitest'
import type { RunDetail } from '../../src/shared/api'
import { budgetCaveat, budgetGap, budgetTolerance, describePair, groupBudget } from '../../src/shared/budget'
import { compareRuns } from '../../src/shared/comparison'
import { modelParams } from '../../src/shared/params'
import { expandSweep } from '../../src/shared/sweep'

function run(id: string, cell: 'lstm' | 'gru', seed: number, valLoss: number, paramCount: number | null): RunDetail {
  return {
    id,
    cell,
    seed,
    paramCount,
    status: 'completed',
    config: { cell, seed, loss: 'mse' },
    summary: { valLoss: { count: 1, last: valLoss, min: valLoss, max: valLoss, lastStep: 1, lastEpoch: 1, minStep: 1, minEpoch: 1, maxStep: 1, maxEpoch: 1 } },
    test: {},
    dataset: null
  } as unknown as RunDetail
}

const request = { groupBy: ['cell'], metric: 'valLoss', stat: 'best' as const }
const seeds = [1, 2, 3, 4]

describe('parameter budgets', () => {
  it('the default pair on the adding task: LSTM 32 units = 4,513, GRU 32 units = 3,489 (fused, reset-after)', () => {
    const shape = { inputSize: 2, outputSize: 1 }
    const size = { units: 32, layers: 1, bidirectional: false, gruForm: 'reset-after' as const }
    expect(modelParams({ ...size, cell: 'lstm' }, shape)).toBe(4513)
    expect(modelParams({ ...size, cell: 'gru' }, shape)).toBe(3489)
    expect(budgetGap(4513, 3489)).toBeGreaterThan(budgetTolerance)
  })

  it('matching a pair is the sweep matchParams: the GRU gets the units closest to the LSTM budget', () => {
    const base = { task: 'adding', units: 32, engine: 'fused' }
    const r = expandSweep({ base, grid: { cell: ['lstm', 'gru'] }, matchParams: 'lstm' }, () => ({ inputSize: 2, outputSize: 1 }))
    if (!r.ok) throw new Error(r.message)
    const [lstm, gru] = r.runs
    expect(lstm!.config.units).toBe(32)
    expect(gru!.config.units).toBe(37)
    expect(gru!.matched).toMatchObject({ reference: 'lstm', referenceUnits: 32, referenceParams: 4513 })
    const pair = describePair([
      { cell: 'lstm', units: 32, params: 4513 },
      { cell: 'gru', units: gru!.config.units, params: gru!.matched!.params }
    ])
    expect(pair.text).toMatch(/^LSTM 32 units, 4,513 parameters · GRU 37 units, 4,[0-9]{3} parameters$/)
    expect(pair.differ).toBe(false)
    const unmatched = describePair([
      { cell: 'lstm', units: 32, params: 4513 },
      { cell: 'gru', units: 32, params: 3489 }
    ])
    expect(unmatched.differ).toBe(true)
    expect(Math.round(unmatched.gap * 100)).toBe(29)
  })

  it('a group budget is the median, with the range when runs differ', () => {
    expect(groupBudget([3489, null, 3489])).toEqual({ params: 3489, min: 3489, max: 3489, n: 2 })
    expect(groupBudget([100, 300, 200, 400])).toEqual({ params: 250, min: 100, max: 400, n: 4 })
    expect(groupBudget([null, undefined])).toBeNull()
  })

  it('the caveat: only between different cells, only beyond the tolerance', () => {
    const b = (n: number): ReturnType<typeof groupBudget> => groupBudget([n])
    expect(budgetCaveat({ label: 'LSTM', cell: 'lstm', budget: b(4513) }, { label: 'GRU', cell: 'gru', budget: b(3489) })).toBe('parameter budgets differ: LSTM 4,513 vs GRU 3,489 (29% apart)')
    expect(budgetCaveat({ label: 'LSTM', cell: 'lstm', budget: b(4513) }, { label: 'GRU', cell: 'gru', budget: b(4522) })).toBeNull()
    // Grouping by units compares budgets on purpose: no caveat between two LSTM groups.
    expect(budgetCaveat({ label: 'units=8', cell: 'lstm', budget: b(400) }, { label: 'units=32', cell: 'lstm', budget: b(4513) })).toBeNull()
    expect(budgetCaveat({ label: 'LSTM', cell: 'lstm', budget: null }, { label: 'GRU', cell: 'gru', budget: b(3489) })).toBeNull()
  })
})

describe('verdicts over unmatched pairs say so', () => {
  it('unmatched LSTM vs GRU: the verdict ends with the caveat, and the groups carry their budgets', () => {
    const runs = seeds.flatMap((s) => [run(`l${s}`, 'lstm', s, 0.2 + s * 0.01, 4513), run(`g${s}`, 'gru', s, 0.15 + s * 0.013, 3489)])
    const c = compareRuns(runs, request)
    expect(c.pairs[0]!.budgetCaveat).toBe('parameter budgets differ: GRU 3,489 vs LSTM 4,513 (29% apart)')
    expect(c.pairs[0]!.verdict).toMatch(/reached a lower best validation loss .* Parameter budgets differ: GRU 3,489 vs LSTM 4,513 \(29% apart\)\.$/)
    expect(c.groups.map((g) => g.budget?.params)).toEqual(expect.arrayContaining([4513, 3489]))
  })

  it('matched LSTM vs GRU (within 5%): no caveat', () => {
    const runs = seeds.flatMap((s) => [run(`l${s}`, 'lstm', s, 0.2 + s * 0.01, 4513), run(`g${s}`, 'gru', s, 0.15 + s * 0.013, 4522)])
    const c = compareRuns(runs, request)
    expect(c.pairs[0]!.budgetCaveat).toBeNull()
    expect(c.pairs[0]!.verdict).not.toMatch(/budgets differ/i)
  })

  it('runs without parameter counts (never built a model) give no caveat rather than a wrong one', () => {
    const runs = seeds.flatMap((s) => [run(`l${s}`, 'lstm', s, 0.2 + s * 0.01, null), run(`g${s}`, 'gru', s, 0.15 + s * 0.013, 3489)])
    expect(compareRuns(runs, request).pairs[0]!.budgetCaveat).toBeNull()
  })
})
