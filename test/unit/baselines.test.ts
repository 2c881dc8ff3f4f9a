/**
 * Baselines on data the test makes: a random walk (persistence is the best forecast), a noisy seasonal series (season
 * detected, seasonal persistence and AR beat persistence), an exact AR(2) process (AR recovers it), the adding
 * problem's two plateaus (CELLS.md) and chance/majority for the classification tasks; skill scores and original units.
 */
import { describe, expect, it } from 'vitest'
import { buildWindows, planSeries } from '../../src/shared/data/prepare'
import type { CollectedSeries } from '../../src/shared/data/scan'
import { generateTask } from '../../src/shared/data/tasks'
import { detectSeason } from '../../src/shared/baselines/series'
import { runBaselineReport, skillScore } from '../../src/shared/baselines/skill'
import { createRng } from '../../src/shared/random'
import type { Baseline, BaselineSet } from '../../src/shared/baselines/types'

function series(values: number[]): CollectedSeries {
  return {
    selection: { target: 'y', features: ['y'] },
    names: ['y'],
    values: [Float64Array.from(values)],
    lines: Float64Array.from(values, (_, i) => i + 2),
    length: values.length
  }
}

function build(values: number[], lookback: number, facts = {}) {
  const plan = planSeries(series(values), { file: 'test.csv', missing: 'error', lookback, horizon: 1, stride: 1 })
  return buildWindows(plan, 'zscore', facts)
}

const byId = (set: BaselineSet, id: string): Baseline => set.entries.find((e) => e.id === id)!

describe('series baselines', () => {
  it('a random walk: persistence is the best baseline, the mean far worse', () => {
    const rng = createRng(7)
    const walk: number[] = [0]
    for (let i = 1; i < 2000; i++) walk.push(walk[i - 1]! + rng.normal())
    const { baselineSet: set } = build(walk, 8)
    expect(set.season).toBeUndefined()
    const p = byId(set, 'persistence')
    expect(byId(set, 'mean').test.mse!).toBeGreaterThan(10 * p.test.mse!)
    // AR(8) on a random walk is persistence plus noise in the coefficients: no better on validation.
    expect(byId(set, 'ar').val.mse!).toBeGreaterThan(p.val.mse! * 0.97)
    expect(['persistence', 'ar']).toContain(set.best)
    expect(set.windows).toEqual({ train: 1392, val: 292, test: 292 })
  })

  it('a noisy seasonal series: the season is detected and AR beats persistence', () => {
    const rng = createRng(3)
    const v = Array.from({ length: 1200 }, (_, i) => Math.sin((2 * Math.PI * i) / 12) + 0.1 * rng.normal())
    expect(detectSeason(v, 0, 840)).toBe(12)
    const { baselineSet: set } = build(v, 12)
    expect(set.season).toEqual({ period: 12, source: 'detected' })
    const persistence = byId(set, 'persistence').test.mse!
    expect(byId(set, 'seasonal').test.mse!).toBeLessThan(persistence)
    expect(byId(set, 'ar').test.mse!).toBeLessThan(persistence / 3)
    expect(set.best).toBe('ar')
  })

  it('a stated season wins over detection, and needs a whole season before validation', () => {
    const v = Array.from({ length: 300 }, (_, i) => i % 7)
    expect(build(v, 4, { season: 7 }).baselineSet.season).toEqual({ period: 7, source: 'stated' })
    // Seasonal persistence of an exactly periodic series is exact.
    expect(byId(build(v, 4, { season: 7 }).baselineSet, 'seasonal').test.mse).toBe(0)
  })

  it('AR(p) is fitted by least squares: an exact AR(2) recursion is recovered to rounding', () => {
    const v = [1, 0.5]
    for (let i = 2; i < 600; i++) v.push(0.6 * v[i - 1]! - 0.3 * v[i - 2]! + 0.2 * Math.sin(i * 0.37))
    const { baselineSet: set } = build(v, 6)
    expect(byId(set, 'ar').label).toBe('AR(6)')
    expect(byId(set, 'ar').test.mse!).toBeLessThan(0.02 * byId(set, 'persistence').test.mse!)
  })

  it('skill scores and errors in original units follow from the stored set', () => {
    const rng = createRng(11)
    const walk: number[] = [400]
    for (let i = 1; i < 500; i++) walk.push(walk[i - 1]! + 0.5 * rng.normal())
    const built = build(walk, 4, { unit: 'ppm' })
    const set = built.baselineSet
    const p = byId(set, 'persistence')
    const run = {
      config: { loss: 'mse' },
      summary: { valLoss: { min: p.val.mse! * 2, max: 1, last: 1 }, valMae: { min: 0.5, max: 1, last: 1 } },
      test: { loss: p.test.mse! * 4, mae: 0.6 },
      dataset: { meta: { baselineSet: set } }
    }
    const report = runBaselineReport(run)!
    expect(report.skill.val!.vsPersistence).toBeCloseTo(-1, 10)
    expect(report.skill.test!.vsPersistence).toBeCloseTo(-3, 10)
    expect(report.beatsBest).toEqual({ val: false, test: false })
    const scale = built.scaling.scale[0]!
    expect(report.original!.unit).toBe('ppm')
    expect(report.original!.run.test.rmse).toBeCloseTo(Math.sqrt(p.test.mse! * 4) * scale, 10)
    expect(report.original!.run.test.mae).toBeCloseTo(0.6 * scale, 10)
    // Persistence's RMSE in ppm is about the walk's step SD (0.5 ppm).
    const pOriginal = report.original!.baselines.find((b) => b.id === 'persistence')!
    expect(pOriginal.test.rmse!).toBeGreaterThan(0.35)
    expect(pOriginal.test.rmse!).toBeLessThan(0.65)
    expect(skillScore(0.9, 0.5, 'acc')).toBeCloseTo(0.8, 12)
  })
})

describe('task baselines', () => {
  const spec = { seqLen: 20, samples: 2000, valSamples: 2000, testSamples: 2000, seed: 5, horizon: 1 }
  it('adding: the mean predictor sits near 1/6, one value near 1/12 (CELLS.md)', () => {
    const set = generateTask({ ...spec, task: 'adding' }).meta.baselineSet!
    expect(set.plateau).toBe('mean')
    expect(byId(set, 'mean').val.mse!).toBeGreaterThan(0.15)
    expect(byId(set, 'mean').val.mse!).toBeLessThan(0.185)
    expect(byId(set, 'oneValue').test.mse!).toBeGreaterThan(0.075)
    expect(byId(set, 'oneValue').test.mse!).toBeLessThan(0.092)
    expect(set.best).toBe('oneValue')
  })
  it('order: chance 1/4 and the majority class near it; copy: memoryless is the floor', () => {
    const order = generateTask({ ...spec, task: 'order' }).meta.baselineSet!
    expect(order.metric).toBe('acc')
    expect(byId(order, 'chance').val).toEqual({ acc: 0.25 })
    const majority = order.entries.find((e) => e.id === 'majority')!.val.acc!
    expect(Math.abs(majority - 0.25)).toBeLessThan(0.04)
    const copy = generateTask({ ...spec, task: 'copy' }).meta.baselineSet!
    expect(copy.best).toBe('memoryless')
  })
  it('sine: persistence, AR and the noise floor', () => {
    const set = generateTask({ ...spec, task: 'sine' }).meta.baselineSet!
    expect(byId(set, 'noiseFloor').val.mse).toBeCloseTo(0.01, 12)
    expect(byId(set, 'ar').val.mse!).toBeLessThan(byId(set, 'mean').val.mse!)
  })
})

describe('skill against a baseline that is exact up to rounding', () => {
  it('gives no skill when the baseline MSE is rounding noise, and writes large skills compactly', async () => {
    const { skillScore, formatSkill, exactBaselineMse } = await import('../../src/shared/baselines/skill')
    // Seasonal persistence on a perfectly periodic series: MSE ~1e-31, not 0.
    expect(skillScore(0.22, 1e-31, 'mse')).toBeNull()
    expect(skillScore(0.22, exactBaselineMse / 2, 'mse')).toBeNull()
    expect(skillScore(0.2, 0.4, 'mse')).toBeCloseTo(0.5, 12)
    expect(formatSkill(null)).toBe('–')
    expect(formatSkill(-2.2126528235406995e30)).toBe('\u22122.2×10³⁰')
    expect(formatSkill(-163.4)).toBe('\u2212163')
    expect(formatSkill(0.456)).toBe('+0.46')
    for (const v of [-1e6, -3.3e21, 4.5e8]) expect(formatSkill(v).length).toBeLessThanOrEqual(10)
  })
})
