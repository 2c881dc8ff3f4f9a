/**
 * Verdicts that know the floor (issue 16): the comparison first says whether each group beats its best baseline,
 * names the mean-predictor plateau when no run left it, quotes the Holm-adjusted p with three or more groups, and
 * hides the bootstrap interval below 5 values. Runs are RunDetail-shaped records with a stored baseline set.
 */
import { describe, expect, it } from 'vitest'
import type { RunDetail } from '../../src/shared/api'
import type { BaselineSet } from '../../src/shared/baselines/types'
import { compareRuns } from '../../src/shared/comparison'

function set(entries: Array<[string, number]>, extra: Partial<BaselineSet> = {}): BaselineSet {
  return {
    version: 1,
    metric: 'mse',
    entries: entries.map(([id, mse]) => ({ id: id as never, label: id === 'mean' ? 'training mean' : id, detail: '', val: { mse }, test: { mse } })),
    best: entries.reduce((a, b) => (b[1] < a[1] ? b : a))[0] as never,
    plateau: 'mean',
    windows: { train: 500, val: 100, test: 100 },
    ...extra
  }
}

function run(id: string, cell: 'lstm' | 'gru' | 'rnn', seed: number, valLoss: number, baselines: BaselineSet): RunDetail {
  return {
    id,
    cell,
    seed,
    status: 'completed',
    config: { cell, seed, loss: 'mse' },
    summary: { valLoss: { count: 1, last: valLoss, min: valLoss, max: valLoss, lastStep: 1, lastEpoch: 1, minStep: 1, minEpoch: 1, maxStep: 1, maxEpoch: 1 } },
    test: {},
    dataset: { name: 'x', description: '', contentHash: 'h', train: 500, val: 100, test: 100, meta: { baselineSet: baselines } }
  } as unknown as RunDetail
}

const request = { groupBy: ['cell'], metric: 'valLoss', stat: 'best' as const }

describe('floor verdicts', () => {
  it('neither cell beats persistence: said first, and the ranking is prefixed', () => {
    const b = set([['persistence', 0.05], ['mean', 1]])
    const runs = [1, 2, 3].flatMap((s) => [run(`l${s}`, 'lstm', s, 0.2 + s * 0.01, b), run(`g${s}`, 'gru', s, 0.15 + s * 0.013, b)])
    const c = compareRuns(runs, request)
    expect(c.floor!.headline).toMatch(/^Neither GRU nor LSTM beats persistence on this data/)
    expect(c.floor!.groups.map((g) => g.status)).toEqual(['worse', 'worse'])
    expect(c.pairs[0]!.verdict).toMatch(/^Neither GRU nor LSTM beats persistence, so this only orders two models worse than a baseline\. Between them: GRU reached a lower/)
  })

  it('cells that beat the baseline are said to, with skill and the runs that did', () => {
    const b = set([['persistence', 0.5], ['mean', 1]])
    const runs = [1, 2, 3, 4].flatMap((s) => [run(`l${s}`, 'lstm', s, 0.3 + s * 0.01, b), run(`g${s}`, 'gru', s, 0.6 + s * 0.01, b)])
    const c = compareRuns(runs, request)
    expect(c.floor!.headline).toMatch(/^Only LSTM beats persistence, the best baseline; GRU does not clearly/)
    expect(c.floor!.groups.find((g) => g.label === 'LSTM')).toMatchObject({ status: 'beats', better: 4, n: 4 })
    expect(c.pairs[0]!.verdict).toMatch(/^Only LSTM beats persistence\. Between them:/)
  })

  it('the adding problem: no run left the mean-predictor plateau', () => {
    const b = set([['mean', 1 / 6], ['oneValue', 1 / 12]])
    const runs = [1, 2, 3].flatMap((s) => [run(`l${s}`, 'lstm', s, 0.16 + s * 0.004, b), run(`g${s}`, 'gru', s, 0.155 + s * 0.003, b)])
    const c = compareRuns(runs, request)
    expect(c.floor!.plateau).toBe(true)
    expect(c.floor!.headline).toMatch(/^No run left the mean-predictor plateau/)
    expect(c.pairs[0]!.verdict).toMatch(/^Neither GRU nor LSTM left the mean-predictor plateau, so this is no result about learning the task/)
    expect(c.pairs[0]!.verdict).not.toMatch(/^GRU reached/)
  })

  it('three groups: the sentence quotes the Holm-adjusted p, and the quoted interval is the table’s', () => {
    const b = set([['persistence', 0.5], ['mean', 1]])
    const seeds = [1, 2, 3, 4, 5, 6]
    const runs = seeds.flatMap((s) => [
      run(`l${s}`, 'lstm', s, 0.1 + 0.01 * s, b),
      run(`g${s}`, 'gru', s, 0.12 + 0.011 * s + 0.003 * (s % 2), b),
      run(`r${s}`, 'rnn', s, 0.3 + 0.02 * s, b)
    ])
    const c = compareRuns(runs, request)
    for (const p of c.pairs) {
      expect(p.quoted!.adjusted).toBe('Holm')
      expect(p.quoted!.p).toBe(p.pHolm)
      expect(p.verdict).toMatch(/Holm-adjusted p/)
    }
    expect(c.pairs.every((p) => p.bootstrapCi95 !== null)).toBe(true)
  })

  it('fewer than 5 runs per group: no bootstrap interval, and the note says why', () => {
    const b = set([['persistence', 0.5], ['mean', 1]])
    const runs = [1, 2, 3].flatMap((s) => [run(`l${s}`, 'lstm', s, 0.1 + 0.01 * s, b), run(`g${s}`, 'gru', s, 0.2 + 0.012 * s, b)])
    const pair = compareRuns(runs, request).pairs[0]!
    expect(pair.bootstrapCi95).toBeNull()
    expect(pair.warnings.join(' ')).toMatch(/No bootstrap interval: resampling 3 pairs/)
    expect(pair.quoted!.test).toBe('paired')
  })

  it('small splits are named in the warnings', () => {
    const b = set([['persistence', 0.5], ['mean', 1]], { windows: { train: 80, val: 7, test: 7 } })
    const c = compareRuns([run('a', 'lstm', 1, 0.4, b), run('b', 'gru', 1, 0.45, b)], request)
    expect(c.warnings.join(' ')).toMatch(/fewer than 30 windows: validation 7, test 7/)
  })
})
