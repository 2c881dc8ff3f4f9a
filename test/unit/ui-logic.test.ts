import { describe, expect, it } from 'vitest'
import { formatRoute, parseHash, sectionOf, type Route } from '../../src/renderer/src/lib/router'
import { clampWeight, sharedScale, smoothPoints } from '../../src/renderer/src/lib/smoothing'
import { groupBy, groupCurve } from '../../src/renderer/src/lib/groupStats'
import { addRange, emptySelection, rangeFor, removeIds, setAll, toggleOne } from '../../src/renderer/src/lib/selection'
import { computeWindow, pagesFor, scrollToRow } from '../../src/renderer/src/lib/windowing'
import { diffConfigs, flattenConfig } from '../../src/renderer/src/lib/configDiff'
import { isDiagnostic, orderMetrics, spliceRange, spreadEpochs } from '../../src/renderer/src/lib/series'
import { fromHistory, mergeLive } from '../../src/renderer/src/lib/liveSeries'
import { displayName, formatDuration, formatEta, formatMetric, formatTask } from '../../src/renderer/src/format'

describe('hash router', () => {
  it('parses every place of the lab', () => {
    expect(parseHash('')).toEqual({ name: 'runs', query: {} })
    expect(parseHash('#/runs?cell=gru&status=running')).toEqual({ name: 'runs', query: { cell: 'gru', status: 'running' } })
    expect(parseHash('#/runs/r%2F1')).toEqual({ name: 'run', id: 'r/1' })
    expect(parseHash('#/compare?ids=a,b,a,,c')).toEqual({ name: 'compare', ids: ['a', 'b', 'c'] })
    expect(parseHash('#/new?from=x')).toEqual({ name: 'new', from: 'x' })
    expect(parseHash('#/new')).toEqual({ name: 'new', from: null })
    expect(parseHash('#system')).toEqual({ name: 'system' })
    expect(parseHash('#/nowhere/x')).toEqual({ name: 'notFound', hash: '#/nowhere/x' })
  })

  it('formats routes that parse back to themselves', () => {
    const routes: Route[] = [
      { name: 'runs', query: { text: 'long seq', cell: 'lstm' } },
      { name: 'run', id: 'abc 1' },
      { name: 'compare', ids: ['a', 'b'] },
      { name: 'new', from: 'r1' },
      { name: 'system' }
    ]
    for (const r of routes) expect(parseHash(formatRoute(r))).toEqual(r)
    expect(formatRoute({ name: 'runs', query: { text: '' } })).toBe('#/runs')
    expect(sectionOf({ name: 'run', id: 'x' })).toBe('runs')
  })
})

describe('chart smoothing (shared debiased EMA) and group curves', () => {
  it('keeps a constant constant, leaves weight 0 alone and smooths a step towards its level', () => {
    expect(smoothPoints([[0, 5], [1, 5], [2, 5]], 0.9).map((p) => p[1])).toEqual([5, 5, 5])
    expect(smoothPoints([[0, 1], [1, 2]], 0)).toEqual([[0, 1], [1, 2]])
    const s = smoothPoints([[0, 0], [1, 10], [2, 10]], 0.5, 1)
    expect(s.map((p) => p[0])).toEqual([0, 1, 2])
    // TensorBoard with evenly spaced points: debiased 0, then 0.5·10 / (1 − 0.25) = 6.667.
    expect(s[0]![1]).toBeCloseTo(0, 12)
    expect(s[1]![1]).toBeCloseTo(5 / 0.75, 10)
    expect(s[2]![1]).toBeGreaterThan(s[1]![1])
    expect(clampWeight(1)).toBe(0.999)
    expect(sharedScale([[[0, 1], [10, 1], [20, 1]], [[0, 1], [4, 2]], [[3, 3]]])).toBe(4)
    expect(sharedScale([])).toBe(1)
  })

  it('averages member curves with an SD band or a t-interval (t quantile, not 1.96)', () => {
    const a: Array<[number, number]> = [[1, 1], [2, 2], [3, 3]]
    const b: Array<[number, number]> = [[1, 3], [2, 4]]
    const sd = groupCurve([a, b], 'sd')
    expect(sd.x).toEqual([1, 2, 3])
    expect(sd.mean).toEqual([2, 3, 3])
    expect(sd.n).toEqual([2, 2, 1])
    expect(sd.upper[0]! - sd.mean[0]!).toBeCloseTo(Math.SQRT2, 10)
    // The member that stopped at x = 2 does not count at x = 3: no band from one curve.
    expect(sd.upper[2]).toBe(sd.lower[2])
    const ci = groupCurve([a, b], 'ci95')
    // n = 2: t(0.975, 1) = 12.706 times SE = SD/√2.
    expect(ci.upper[0]! - ci.mean[0]!).toBeCloseTo(12.7062, 3)
    expect(groupCurve([[], []], 'sd').x).toEqual([])
  })

  it('groups in first-seen order', () => {
    expect(groupBy(['lstm', 'gru', 'lstm'], (x) => x)).toEqual([
      { key: 'lstm', items: ['lstm', 'lstm'] },
      { key: 'gru', items: ['gru'] }
    ])
  })
})

describe('selection', () => {
  it('toggles, selects shift ranges from the anchor, and forgets removed runs', () => {
    let s = toggleOne(emptySelection, 'a', 2)
    expect([...s.ids]).toEqual(['a'])
    expect(rangeFor(s, 5)).toEqual([2, 5])
    expect(rangeFor(s, 0)).toEqual([0, 2])
    expect(rangeFor(emptySelection, 3)).toBeNull()
    s = addRange(s, ['b', 'c'])
    expect([...s.ids].sort()).toEqual(['a', 'b', 'c'])
    s = toggleOne(s, 'b', 3)
    expect(s.ids.has('b')).toBe(false)
    expect(s.anchor).toBe(3)
    s = setAll(s, ['x', 'y'], true)
    expect(s.ids.size).toBe(4)
    s = removeIds(s, ['x', 'nope'])
    expect(s.ids.has('x')).toBe(false)
    expect(removeIds(s, ['nope'])).toBe(s)
  })
})

describe('windowing', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = computeWindow(4000, 400, 40, 10_000, 5)
    expect(w.start).toBe(95)
    expect(w.end).toBe(100 + 11 + 5)
    expect(w.offsetTop).toBe(95 * 40)
    expect(w.totalHeight).toBe(400_000)
    expect(computeWindow(0, 400, 40, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 })
    expect(computeWindow(1e9, 400, 40, 3).end).toBe(3)
  })
  it('maps rows to server pages and scrolls a focused row into view', () => {
    expect(pagesFor(95, 121, 100)).toEqual([0, 1])
    expect(pagesFor(5, 5, 100)).toEqual([])
    expect(scrollToRow(20, 0, 400, 40)).toBe(21 * 40 - 400)
    expect(scrollToRow(2, 400, 400, 40)).toBe(80)
    expect(scrollToRow(12, 400, 400, 40)).toBe(400)
  })
})

describe('config diff', () => {
  it('flattens nested configs and marks differing keys', () => {
    expect(flattenConfig({ a: 1, b: { c: 0.001, d: null }, t: ['x', 'y'] })).toEqual({ a: '1', 'b.c': '0.001', 'b.d': '—', t: 'x, y' })
    const rows = diffConfigs([{ cell: 'lstm', units: 8, name: 'one' }, { cell: 'gru', units: 8, name: 'two' }], ['units'])
    expect(rows.map((r) => r.key)).toEqual(['units', 'cell'])
    expect(rows.find((r) => r.key === 'cell')).toEqual({ key: 'cell', values: ['lstm', 'gru'], differs: true })
    expect(rows.find((r) => r.key === 'units')!.differs).toBe(false)
  })
})

describe('series helpers', () => {
  it('merges history and live points each once, by step, and splices zoomed detail into the overview', () => {
    const live = [
      { epoch: 1, step: 10, name: 'loss', value: 0.5, wallMs: 100 },
      { epoch: 1, step: 10, name: 'valLoss', value: 0.6, wallMs: 100 },
      { epoch: 1, step: 9, name: 'loss', value: 9, wallMs: 90 },
      { epoch: 2, step: 20, name: 'loss', value: 0.4, wallMs: 200 }
    ]
    // The history ends at step 5: steps 9, 10 and 20 are new, taken in step order.
    expect(mergeLive(fromHistory([[5, 1]], 5), live, 'loss', 'step').points).toEqual([[5, 1], [9, 9], [10, 0.5], [20, 0.4]])
    // History that already holds step 10: only step 20 is new (no point twice, none lost).
    const s = mergeLive(fromHistory([[1, 0.5]], 10), live, 'loss', 'epoch')
    expect(s.points).toEqual([[1, 0.5], [2, 0.4]])
    expect(s.lastStep).toBe(20)
    expect(mergeLive(s, live, 'loss', 'epoch')).toBe(s)
    expect(mergeLive(fromHistory([], null), live, 'valLoss', 'wallMs').points).toEqual([[100, 0.6]])
    // Points that came while the history was read are merged afterwards, whichever order they came in.
    const merged = mergeLive(fromHistory([[9, 9]], 9), [live[3]!, live[0]!], 'loss', 'step')
    expect(merged.points).toEqual([[9, 9], [10, 0.5], [20, 0.4]])
    expect(spliceRange([[0, 0], [10, 10], [20, 20]], [[9, 1], [10, 2], [11, 3]], 9, 11)).toEqual([[0, 0], [9, 1], [10, 2], [11, 3], [20, 20]])
    // Four batches in epoch 1, two in epoch 2; a per-epoch series stays on whole epochs.
    expect(spreadEpochs([[1, 9], [1, 8], [1, 7], [1, 6], [2, 5], [2, 4]]).map((p) => p[0])).toEqual([0.25, 0.5, 0.75, 1, 1.5, 2])
    expect(spreadEpochs([[1, 3], [2, 2], [3, 1]])).toEqual([[1, 3], [2, 2], [3, 1]])
    expect(['lr', 'epochMs', 'numTensors', 'loss', 'valMae'].map(isDiagnostic)).toEqual([true, true, true, false, false])
    expect(orderMetrics(['valAcc', 'lr', 'valMae', 'batchLoss', 'mae', 'valLoss', 'loss', 'acc'])).toEqual(['loss', 'valLoss', 'batchLoss', 'acc', 'valAcc', 'mae', 'valMae', 'lr'])
  })
})

describe('format', () => {
  it('formats what the table shows', () => {
    expect(formatDuration(65_000)).toBe('1 min 05 s')
    expect(formatMetric(0.000123)).toBe('1.23e-4')
    expect([formatEta(44_400), formatEta(118_000), formatEta(4_800_000)]).toEqual(['44 s', '2 min', '1 h 20 min'])
    expect(formatMetric(0.16666)).toBe('0.1667')
    expect(formatMetric(null)).toBe('—')
    expect(formatTask('csv:/home/me/power.csv')).toBe('power.csv (CSV)')
    expect(displayName({ name: '', cell: 'gru', task: 'adding', id: '20261128-070826-zw7z' })).toBe('GRU · adding · zw7z')
    expect(displayName({ name: 'mine', cell: 'gru', task: 'adding', id: 'x' })).toBe('mine')
  })
})
