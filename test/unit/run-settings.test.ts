/**
 * "Settings that apply" (issue 17 item 5): a series run is described by its lookback, horizon, features and the windows
 * each period really got, never by the built-in tasks' seqLen/samples defaults its stored config also carries; and the
 * default lookback of a CSV file fits the file (fitLookback).
 */
import { describe, expect, it } from 'vitest'
import { normalizeRunConfig, type RunConfig } from '../../src/shared/config'
import { appliedConfig, runSettings, runSettingsOf, runSettingsOfSummary } from '../../src/shared/runSettings'
import { fitLookback, splitRows } from '../../src/shared/data/window'

const config = (input: Record<string, unknown>): RunConfig => {
  const r = normalizeRunConfig({ seed: 1, ...input })
  if (!r.ok) throw new Error(r.message)
  return r.config
}

describe('runSettings', () => {
  const csv = config({ task: 'csv:/data/sunspots.csv', lookback: 22 })
  const built = {
    train: 195,
    val: 24,
    test: 24,
    meta: { features: ['spots'], targets: ['spots'], table: { window: { lookback: 22, horizon: 1, stride: 1 } } }
  }

  it('shows a CSV run by lookback, horizon, features and its real split, not seqLen or samples', () => {
    const s = runSettingsOf({ config: csv, dataset: built })
    expect(s.kind).toBe('series')
    expect(s.short).toBe('L22 · 195/24/24')
    expect(Object.fromEntries(s.items.map((i) => [i.label, i.value]))).toEqual({
      Lookback: '22',
      Horizon: '1',
      Target: 'spots',
      'Input features': 'spots',
      'Train/val/test': '195/24/24 windows'
    })
    expect(JSON.stringify(s)).not.toMatch(/2,?000|seqLen|T50/)
  })

  it('reads the lookback the trainer used when the run did not choose one', () => {
    const auto = config({ task: 'csv:/data/sunspots.csv' })
    expect(runSettingsOf({ config: auto, dataset: null }).items[0]).toEqual({ key: 'lookback', label: 'Lookback', value: 'fitted to the file' })
    expect(runSettingsOf({ config: auto, dataset: built }).short).toBe('L22 · 195/24/24')
  })

  it('uses a bundled series’ own lookback before the data is built', () => {
    expect(runSettingsOf({ config: config({ task: 'data:co2-concentration' }), dataset: null }).short).toBe('L24')
  })

  it('keeps sequence length and sequences for the built-in tasks', () => {
    const s = runSettingsOf({ config: config({ task: 'adding', seqLen: 10, samples: 256 }), dataset: { train: 256, val: 1000, test: 1000 } })
    expect(s.short).toBe('T10 · 256 seq')
    expect(s.split).toBe('256/1,000/1,000 sequences')
    expect(runSettings({ task: 'sine', seqLen: 50, samples: 2000, horizon: 3 }).items.map((i) => i.key)).toEqual(['seqLen', 'horizon', 'split'])
  })

  it('gives side-by-side tables the applied config: the other kind of task’s keys left out', () => {
    const a = appliedConfig({ config: csv, dataset: built })
    expect(a).not.toHaveProperty('seqLen')
    expect(a).not.toHaveProperty('samples')
    expect(a).not.toHaveProperty('valSamples')
    expect(a).toMatchObject({ lookback: 22, horizon: 1, features: 'spots', split: '195/24/24 windows', units: 32 })
    const b = appliedConfig({ config: config({ task: 'adding' }), dataset: null })
    expect(b).not.toHaveProperty('lookback')
    expect(b).not.toHaveProperty('scaling')
    expect(b).not.toHaveProperty('horizon')
    expect(b).toMatchObject({ seqLen: 50 })
  })

  it('reads a runs-table row the same way as a run page', () => {
    const hp = { units: 32, layers: 1, lr: 0.001, batch: 32, epochs: 10, optimizer: 'adam', seqLen: 50, samples: 2000, horizon: 1, data: { train: 195, val: 24, test: 24, window: { lookback: 22, horizon: 1, stride: 1 }, features: ['spots'], targets: ['spots'] } }
    const row = runSettingsOfSummary({ task: 'csv:/data/sunspots.csv', hp })
    expect(row).toEqual(runSettingsOf({ config: csv, dataset: built }))
  })
})

describe('fitLookback', () => {
  it('keeps the default where it fits and otherwise takes half of the shortest period', () => {
    expect(fitLookback(2000, 1, 50)).toBe(50)
    // 309 yearly rows: validation and test get 46 rows each; (46 − 1) / 2 = 22, so 195/24/24 windows.
    expect(fitLookback(309, 1, 50)).toBe(22)
    const parts = splitRows(309, { lookback: 22, horizon: 1, stride: 1 })
    expect([parts.train.windows, parts.val.windows, parts.test.windows]).toEqual([195, 24, 24])
    // The bundled series' lookbacks were chosen the same way (global temperature: 144 rows → 10).
    expect(fitLookback(144, 1, 50)).toBe(10)
    // Nothing fits: the cap, so the split's own message says what to change.
    expect(fitLookback(10, 1, 50)).toBe(50)
  })
})
