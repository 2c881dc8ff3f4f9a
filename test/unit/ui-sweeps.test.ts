/**
 * The Sweeps page's pure logic: the live spec preview (the shared expandSweep), what a sweep varied and each run's
 * value for it, chart data for parallel coordinates and scatter plots, progress segments, statistics formatting, and
 * the routes.
 */
import { describe, expect, it } from 'vitest'
import type { MetricSummary, RunSummary } from '../../src/shared/api'
import { expandSweep } from '../../src/shared/sweep'
import { formatRoute, parseHash, sectionOf } from '../../src/renderer/src/lib/router'
import {
  axisKind,
  cancellable,
  categories,
  collectWarnings,
  countStatuses,
  decimalsFor,
  exampleSpec,
  exampleSpecText,
  formatTick,
  formatWithCi,
  groupByOptions,
  meansBy,
  previewSpec,
  progressSegments,
  runMetric,
  runSetting,
  sweepPlot,
  sweptKeys,
  unionMetrics
} from '../../src/renderer/src/lib/sweepView'

function summary(min: number | null, last: number | null, max: number | null = min): MetricSummary {
  return { count: 3, last, lastStep: 3, lastEpoch: 3, min, minStep: 1, minEpoch: 1, max, maxStep: 1, maxEpoch: 1 }
}

let n = 0
function run(over: Partial<RunSummary>): RunSummary {
  n++
  return {
    id: `r${n}`,
    name: '',
    status: 'completed',
    cell: 'lstm',
    task: 'adding',
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    endedAt: null,
    durationMs: null,
    paramCount: null,
    backend: null,
    engine: null,
    cellForm: null,
    seed: 1,
    datasetName: null,
    sweepId: 's1',
    groupKey: null,
    archived: false,
    tags: [],
    hp: { units: 16, layers: 1, lr: 1e-3, batch: 32, epochs: 5, optimizer: 'adam', seqLen: 20 },
    summary: {},
    best: null,
    error: null,
    ...over
  }
}

describe('spec preview', () => {
  it('counts the example exactly as the shared expandSweep does, per cell', () => {
    const p = previewSpec(exampleSpecText)
    expect(p.ok).toBe(true)
    if (!p.ok) return
    const plain = expandSweep({ ...exampleSpec, matchParams: null })
    expect(plain.ok && plain.runs.length).toBe(6)
    expect(p.runs).toBe(6)
    expect(p.perCell).toEqual([{ cell: 'lstm', runs: 3 }, { cell: 'gru', runs: 3 }])
    expect(p.varied).toEqual(['cell', 'units'])
    expect(p.seeds).toBe(3)
    expect(p.matchParams).toBe('lstm')
    expect(p.name).toBe('LSTM vs GRU on adding')
  })

  it('multiplies grid, trials and seeds', () => {
    const p = previewSpec(JSON.stringify({ grid: { cell: ['lstm', 'gru'], units: [8, 16, 32] }, random: { lr: { logUniform: [1e-4, 1e-2] } }, trials: 4, seeds: [1, 2] }))
    expect(p.ok && p.runs).toBe(2 * 3 * 4 * 2)
    expect(p.ok && p.varied).toEqual(['cell', 'units', 'lr'])
  })

  it('says exactly what is wrong: JSON, shape, schema and expansion errors', () => {
    const bad = (text: string): string => {
      const p = previewSpec(text)
      if (p.ok) throw new Error(`expected an error for ${text}`)
      return p.message
    }
    expect(bad('{"grid": ')).toMatch(/^Not valid JSON: /)
    expect(bad('[1, 2]')).toMatch(/JSON object/)
    expect(bad('{"grid": {"cell": ["lstm", "transformer"]}}')).toMatch(/cell/)
    expect(bad('{"random": {"lr": {"logUniform": [0.001, 0.01]}}}')).toMatch(/needs "trials"/)
    expect(bad('{"grid": {"seed": [1, 2]}}')).toMatch(/seeds/)
    expect(bad('{"matchParams": "cnn"}')).toMatch(/matchParams/)
    expect(bad('{"base": {"units": 0}}')).toMatch(/units/)
    // The same message the host would give for a bad run inside the sweep.
    const spec = { grid: { units: [8, -1] } }
    const shared = expandSweep(spec)
    expect(bad(JSON.stringify(spec))).toBe(!shared.ok ? shared.message : '')
  })

  it('lists swept keys in the spec order, seeds excluded, units added by matchParams', () => {
    expect(sweptKeys({ grid: { cell: [], lr: [] }, random: { dropout: {} } })).toEqual(['cell', 'lr', 'dropout'])
    expect(sweptKeys({ grid: { cell: [] }, matchParams: 'lstm' })).toEqual(['cell', 'units'])
    expect(sweptKeys({ grid: { units: [] }, matchParams: 'lstm' })).toEqual(['units'])
    expect(sweptKeys(null)).toEqual([])
  })
})

describe('runs of a sweep', () => {
  it('reads a setting from the group key first, then the run and the spec base', () => {
    const r = run({ cell: 'gru', groupKey: JSON.stringify({ cell: 'gru', units: 18, lr: 0.003 }), hp: { units: 99, layers: 2, lr: 1, batch: 8, epochs: 5, optimizer: 'sgd', seqLen: 20 } })
    expect(runSetting(r, 'units')).toBe(18)
    expect(runSetting(r, 'lr')).toBe(0.003)
    expect(runSetting(r, 'layers')).toBe(2)
    expect(runSetting(r, 'seed')).toBe(1)
    expect(runSetting(run({ groupKey: '{}' }), 'dropout', { base: { dropout: 0.2 } })).toBe(0.2)
    expect(runSetting(run({ groupKey: 'not json' }), 'cell')).toBe('lstm')
    expect(runSetting(run({}), 'dropout')).toBeNull()
  })

  it('takes the best value by the metric direction, or the last', () => {
    const r = run({ summary: { valLoss: summary(0.1, 0.3, 0.9), valAcc: summary(0.2, 0.7, 0.8), bad: summary(null, Number.NaN) } })
    expect(runMetric(r, 'valLoss', 'best')).toBe(0.1)
    expect(runMetric(r, 'valLoss', 'last')).toBe(0.3)
    expect(runMetric(r, 'valAcc', 'best')).toBe(0.8)
    expect(runMetric(r, 'bad', 'best')).toBeNull()
    expect(runMetric(r, 'bad', 'last')).toBeNull()
    expect(runMetric(r, 'missing', 'best')).toBeNull()
    expect(unionMetrics([r], ['loss', 'valLoss']).sort()).toEqual(['bad', 'loss', 'valAcc', 'valLoss'])
  })

  it('cancels queued runs before running ones, never finished ones', () => {
    const rs = [run({ id: 'a', status: 'running' }), run({ id: 'b', status: 'completed' }), run({ id: 'c', status: 'queued' }), run({ id: 'd', status: 'failed' })]
    expect(cancellable(rs)).toEqual(['c', 'a'])
    expect(countStatuses(rs)).toEqual({ running: 1, completed: 1, queued: 1, failed: 1 })
  })

  it('stacks progress with finished work first and fractions that add up to one', () => {
    const segs = progressSegments({ queued: 2, completed: 3, running: 1 }, 6)
    expect(segs.map((s) => s.status)).toEqual(['completed', 'running', 'queued'])
    expect(segs.reduce((a, s) => a + s.fraction, 0)).toBeCloseTo(1, 12)
    expect(progressSegments({}, 0)).toEqual([])
  })
})

describe('chart data', () => {
  it('chooses log axes for lr-like keys with positive values, categories for text', () => {
    expect(axisKind('lr', [1e-4, 1e-2])).toBe('log')
    expect(axisKind('lr', [0, 1e-2])).toBe('value')
    expect(axisKind('units', [8, 16])).toBe('value')
    expect(axisKind('dropout', [0.1, 0.2], { random: { dropout: { logUniform: [0.01, 0.5] } } })).toBe('log')
    expect(axisKind('cell', ['lstm', 'gru'])).toBe('category')
    expect(axisKind('units', [8, null, 'x'])).toBe('category')
    expect(categories(['gru', 'rnn', 'lstm', 'gru'])).toEqual(['lstm', 'gru', 'rnn'])
    expect(categories([32, 8, 16])).toEqual(['8', '16', '32'])
  })

  it('builds one row per run with the metric, axes for settings that vary', () => {
    const spec = { grid: { cell: ['lstm', 'gru'], lr: [1e-3, 1e-2] }, base: { units: 16 } }
    const runs = [
      run({ cell: 'lstm', groupKey: JSON.stringify({ cell: 'lstm', lr: 1e-3 }), summary: { valLoss: summary(0.5, 0.6) } }),
      run({ cell: 'gru', groupKey: JSON.stringify({ cell: 'gru', lr: 1e-3 }), summary: { valLoss: summary(0.4, 0.45) } }),
      run({ cell: 'lstm', groupKey: JSON.stringify({ cell: 'lstm', lr: 1e-2 }), summary: { valLoss: summary(0.3, 0.35) } }),
      run({ cell: 'gru', groupKey: JSON.stringify({ cell: 'gru', lr: 1e-2 }), status: 'running', summary: {} })
    ]
    const plot = sweepPlot(runs, [...sweptKeys(spec), 'units'], 'valLoss', 'best', spec)
    // units is the same for every run: no axis.
    expect(plot.axes).toEqual([
      { key: 'cell', kind: 'category', categories: ['lstm', 'gru'] },
      { key: 'lr', kind: 'log', integer: false }
    ])
    expect(sweepPlot(runs, ['cell', 'units'], 'valLoss', 'best', { grid: { cell: [] }, matchParams: 'lstm' }).axes).toEqual([{ key: 'cell', kind: 'category', categories: ['lstm', 'gru'] }])
    expect(plot.rows.map((r) => [r.cell, ...r.values, r.metric])).toEqual([
      ['lstm', 'lstm', 1e-3, 0.5],
      ['gru', 'gru', 1e-3, 0.4],
      ['lstm', 'lstm', 1e-2, 0.3]
    ])
    expect(plot.missing).toBe(1)
    expect(sweepPlot(runs, ['lr'], 'valLoss', 'last').rows.map((r) => r.metric)).toEqual([0.6, 0.45, 0.35])
  })

  it('marks whole-number axes so their ticks are whole numbers', () => {
    const runs = [run({ groupKey: JSON.stringify({ units: 6 }), summary: { valLoss: summary(1, 1) } }), run({ cell: 'gru', groupKey: JSON.stringify({ units: 7 }), summary: { valLoss: summary(2, 2) } })]
    expect(sweepPlot(runs, ['units'], 'valLoss', 'best').axes).toEqual([{ key: 'units', kind: 'value', integer: true }])
  })

  it('writes axis ticks plainly, small ones as short exponents', () => {
    expect([1e-4, 2.5e-5, 0.001, 0.01, 0.1, 6, 1e6, 0].map(formatTick)).toEqual(['1e-4', '2.5e-5', '0.001', '0.01', '0.1', '6', '1e+6', '0'])
  })

  it('averages the metric per setting and cell for the trend lines', () => {
    const rows = [
      { runId: 'a', name: 'a', cell: 'lstm' as const, values: [8], metric: 1 },
      { runId: 'b', name: 'b', cell: 'lstm' as const, values: [8], metric: 3 },
      { runId: 'c', name: 'c', cell: 'lstm' as const, values: [4], metric: 5 },
      { runId: 'd', name: 'd', cell: 'gru' as const, values: [8], metric: 7 }
    ]
    const means = meansBy(rows, 0)
    expect(means.get('lstm')).toEqual([{ x: 4, y: 5, n: 1 }, { x: 8, y: 2, n: 2 }])
    expect(means.get('gru')).toEqual([{ x: 8, y: 7, n: 1 }])
  })
})

describe('statistics panel', () => {
  it('offers cell first, then the suggested keys and every config key once', () => {
    const opts = groupByOptions(['lr', 'cell'])
    expect(opts.slice(0, 2)).toEqual(['lr', 'cell'])
    expect(opts).toContain('units')
    expect(opts).toContain('gruForm')
    expect(opts).not.toContain('name')
    expect(opts).not.toContain('tags')
    expect(new Set(opts).size).toBe(opts.length)
    expect(groupByOptions()[0]).toBe('cell')
  })

  it('formats a value with the decimals of its interval, with a real minus sign', () => {
    expect(decimalsFor(0.0034, 0.1)).toBe(4)
    expect(decimalsFor(null, 0.1234)).toBe(3)
    expect(decimalsFor(0, 0)).toBe(3)
    expect(formatWithCi(-0.0123, [-0.0181, -0.0065])).toEqual({ value: '\u22120.0123', ci: '[\u22120.0181, \u22120.0065]' })
    expect(formatWithCi(0.5, null)).toEqual({ value: '0.500', ci: '—' })
    expect(formatWithCi(null, null)).toEqual({ value: '—', ci: '—' })
  })

  it('collects warnings once, naming the pair when there are several', () => {
    expect(collectWarnings({ warnings: ['w'], pairs: [{ a: 'A', b: 'B', warnings: ['x', 'w'] }] })).toEqual(['w', 'x'])
    expect(
      collectWarnings({
        warnings: [],
        pairs: [
          { a: 'A', b: 'B', warnings: ['x'] },
          { a: 'A', b: 'C', warnings: ['x'] }
        ]
      })
    ).toEqual(['A vs B: x', 'A vs C: x'])
  })
})

describe('sweep routes', () => {
  it('parses and formats the sweeps list and one sweep', () => {
    expect(parseHash('#/sweeps')).toEqual({ name: 'sweeps' })
    expect(parseHash('#/sweeps/sw%201')).toEqual({ name: 'sweep', id: 'sw 1' })
    expect(formatRoute({ name: 'sweep', id: 'sw 1' })).toBe('#/sweeps/sw%201')
    expect(parseHash(formatRoute({ name: 'sweeps' }))).toEqual({ name: 'sweeps' })
    expect(sectionOf({ name: 'sweep', id: 'x' })).toBe('sweeps')
    expect(parseHash('#/sweeps/a/b')).toEqual({ name: 'notFound', hash: '#/sweeps/a/b' })
  })
})
