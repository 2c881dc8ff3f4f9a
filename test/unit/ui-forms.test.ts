import { describe, expect, it } from 'vitest'
import { normalizeRunConfig } from '../../src/shared/config'
import { defaultDraft, draftFromConfig, draftToConfig, pairConfigs, validateDraft } from '../../src/renderer/src/lib/runForm'
import { bestOf, nextSort, replaceInPages, sortKeyFor, tableStateFromQuery, tableStateToQuery, toRunQuery } from '../../src/renderer/src/lib/runsQuery'
import { runStyles, dashArray } from '../../src/renderer/src/charts/runStyles'
import type { RunSummary } from '../../src/shared/api'

describe('New run form model', () => {
  it('turns the default draft into a valid config of the shared schema', () => {
    const v = validateDraft(defaultDraft())
    expect(v.ok).toBe(true)
    expect(v.config).toMatchObject({ task: 'adding', seqLen: 50, cell: 'lstm', units: 32, clip: null, earlyStopping: null })
  })

  it('puts schema messages at their fields, including text that is not a number', () => {
    const v = validateDraft({ ...defaultDraft(), units: '0', lr: 'fast', dropout: '0.99' })
    expect(v.ok).toBe(false)
    expect(Object.keys(v.fields).sort()).toEqual(['dropout', 'lr', 'units'])
    expect(v.fields.lr).toBe('Enter a number')
    expect(v.message).toMatch(/units/)
    const es = validateDraft({ ...defaultDraft(), earlyStopping: true, patience: '0' })
    expect(es.fields.earlyStopping).toBeDefined()
  })

  it('builds data:NAME and csv:PATH tasks and leaves empty optional fields to the defaults', () => {
    const data = draftToConfig({ ...defaultDraft(), source: 'data', dataName: 'co2-concentration', target: '', lookback: '' })
    expect(data.task).toBe('data:co2-concentration')
    expect('target' in data).toBe(false)
    expect('lookback' in data).toBe(false)
    const csv = draftToConfig({ ...defaultDraft(), source: 'csv', csvPath: ' /tmp/x.csv ', target: 'y', lookback: '12' })
    expect(csv).toMatchObject({ task: 'csv:/tmp/x.csv', target: 'y', lookback: 12 })
    expect(validateDraft({ ...defaultDraft(), source: 'csv', csvPath: '' }).fields.task).toBeDefined()
  })

  it('carries the CSV reading choices into the config (detect = left out), and back from a stored run', () => {
    const detect = draftToConfig({ ...defaultDraft(), source: 'csv', csvPath: '/tmp/x.csv' })
    expect('delimiter' in detect || 'decimal' in detect).toBe(false)
    expect(detect.missing).toBe('error')
    const chosen = { delimiter: ';', decimal: ',', missing: 'interpolate' } as const
    const csv = draftToConfig({ ...defaultDraft(), source: 'csv', csvPath: '/tmp/x.csv', csv: chosen })
    expect(csv).toMatchObject(chosen)
    const stored = normalizeRunConfig(csv)
    if (!stored.ok) throw new Error(stored.message)
    expect(draftFromConfig(stored.config).csv).toEqual(chosen)
    // Bundled series are read by GateLab itself: no reading choices in their configs.
    expect('missing' in draftToConfig({ ...defaultDraft(), source: 'data', csv: chosen })).toBe(false)
  })

  it('makes an LSTM/GRU pair that differs only in cell (and name), with one seed', () => {
    const [a, b] = pairConfigs({ ...defaultDraft(), name: 'pair' }, 1234)
    expect(a).toMatchObject({ cell: 'lstm', seed: 1234, name: 'pair · LSTM' })
    expect(b).toMatchObject({ cell: 'gru', seed: 1234, name: 'pair · GRU' })
    const strip = (c: Record<string, unknown>): Record<string, unknown> => ({ ...c, cell: null, name: null })
    expect(strip(a!)).toEqual(strip(b!))
  })

  it('round-trips a stored config through the form', () => {
    const stored = normalizeRunConfig({ task: 'sine', seqLen: 40, horizon: 3, cell: 'gru', units: 16, clip: 1, seed: 9, earlyStopping: { patience: 4 } })
    if (!stored.ok) throw new Error(stored.message)
    const again = validateDraft(draftFromConfig(stored.config))
    expect(again.ok).toBe(true)
    expect(again.config).toMatchObject({ task: 'sine', seqLen: 40, horizon: 3, cell: 'gru', units: 16, clip: 1, seed: 9 })
    expect(again.config?.earlyStopping?.patience).toBe(4)
  })
})

const run = (over: Partial<RunSummary>): RunSummary => ({
  id: 'r', name: 'r', status: 'completed', cell: 'lstm', task: 'adding', createdAt: '', startedAt: null, endedAt: null, durationMs: null,
  paramCount: null, backend: null, engine: null, cellForm: null, seed: 1, datasetName: null, sweepId: null, groupKey: null, archived: false, tags: [],
  hp: { units: 8, layers: 1, lr: 0.001, batch: 32, epochs: 3, optimizer: 'adam', seqLen: 10 }, summary: {}, best: null, error: null, ...over
})

describe('runs table state', () => {
  it('keeps filters and sort in the URL query and back', () => {
    const s = tableStateFromQuery({ status: 'running,bogus', cell: 'gru', text: 'long', sort: 'summary:valLoss:min', order: 'asc' })
    expect(s.status).toEqual(['running'])
    expect(tableStateToQuery(s)).toEqual({ status: 'running', cell: 'gru', text: 'long', sort: 'summary:valLoss:min', order: 'asc' })
    expect(toRunQuery(s, 200, 100)).toEqual({ status: ['running'], cell: ['gru'], text: 'long', sort: 'summary:valLoss:min', order: 'asc', offset: 200, limit: 100, includeArchived: false })
  })

  it('sorts metric columns by stored summaries, best first, and flips on a second click', () => {
    const s = tableStateFromQuery({})
    expect(sortKeyFor('best', 'valAcc')).toBe('summary:valAcc:max')
    expect(sortKeyFor('task', 'valLoss')).toBeNull()
    expect(nextSort(s, 'best')).toEqual({ sort: 'summary:valLoss:min', order: 'asc' })
    expect(nextSort({ ...s, sort: 'summary:valLoss:min', order: 'asc' }, 'best')).toEqual({ sort: 'summary:valLoss:min', order: 'desc' })
    expect(nextSort(s, 'createdAt')).toEqual({ sort: 'createdAt', order: 'asc' })
  })

  it('reads the best value and epoch, and replaces live rows in place', () => {
    const summary = { valLoss: { last: 0.2, lastStep: 9, lastEpoch: 3, min: 0.1, minStep: 5, minEpoch: 2, max: 0.5, maxStep: 1, maxEpoch: 1, count: 3 } }
    expect(bestOf(run({ summary }), 'valLoss')).toEqual({ value: 0.1, epoch: 2 })
    expect(bestOf(run({ summary, best: { metric: 'valLoss', value: 0.09, epoch: 3 } }), 'valLoss')).toEqual({ value: 0.09, epoch: 3 })
    expect(bestOf(run({}), 'valLoss')).toBeNull()
    // A diverged run recorded only NaN: the host sends null extremes, and there is no best.
    const nan = { valLoss: { ...summary.valLoss, min: null, minEpoch: null, minStep: null } }
    expect(bestOf(run({ summary: nan }), 'valLoss')).toBeNull()
    const pages = new Map([[0, [run({ id: 'a' }), run({ id: 'b' })]]])
    expect(replaceInPages(pages, run({ id: 'b', status: 'failed' }))).toBe(true)
    expect(pages.get(0)!.map((r) => r.status)).toEqual(['completed', 'failed'])
    expect(replaceInPages(pages, run({ id: 'zz' }))).toBe(false)
  })
})

describe('run styles', () => {
  it('colours by cell and tells runs of one cell apart by dash and shade', () => {
    const st = runStyles([{ id: 'a', cell: 'lstm' }, { id: 'b', cell: 'gru' }, { id: 'c', cell: 'lstm' }], 'light')
    expect(st.get('a')).toEqual({ color: '#2f6fdb', dash: 'solid' })
    expect(st.get('b')).toEqual({ color: '#e07a1f', dash: 'solid' })
    expect(st.get('c')!.dash).not.toBe('solid')
    expect(st.get('c')!.color).not.toBe('#2f6fdb')
    expect(dashArray([6, 4])).toBe('6 4')
  })
})
