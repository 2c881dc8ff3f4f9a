/**
 * One figure style (src/shared/figures): every kind of exported figure — run curves per epoch and per step, on linear
 * and log axes, group means with bands for every learning metric, predictions against truth — drawn from realistic
 * runs, with long run names. No label overlaps another or leaves the figure, no tick label is longer than 8
 * characters, y axes say the metric in words with its unit, legends name runs by name, and colours follow the cell
 * (LSTM blue, GRU orange) as in the lab.
 */
import { describe, expect, it } from 'vitest'
import { reportFigures, predictionsFigure, type Figure } from '../../src/main/report/charts'
import { buildReportModel } from '../../src/main/report/model'
import { AXIS_PAD, cellColors, echartsMinorAxis, echartsValueAxis, formatTick, linearAxis, logAxis, MAX_TICK_CHARS, metricTitle, runStyles } from '../../src/shared/figures'
import { clipped, overlaps, svgTextBoxes } from '../helpers/svgText'
import { fixedEnv, makeRun } from './report.fixtures'

function sixRuns(): ReturnType<typeof makeRun>[] {
  const runs = []
  for (const seed of [1, 2, 3]) runs.push(makeRun({ id: `l${seed}`, cell: 'lstm', seed, name: `LSTM baseline with a long descriptive name, seed ${seed}` }))
  for (const seed of [1, 2, 3]) runs.push(makeRun({ id: `g${seed}`, cell: 'gru', seed, quality: 0.8, name: `GRU seed ${seed}` }))
  return runs
}

function allFigures(): Figure[] {
  const model = buildReportModel(sixRuns(), fixedEnv)
  const figures = reportFigures(model)
  // Predictions with values like the raw axis ends (162.2315293782161).
  const truth = Array.from({ length: 40 }, (_, i) => 37.1 + i * 3.1234567)
  figures.push(predictionsFigure({ runId: 'g1', label: 'GRU seed 1', color: cellColors.light.gru, split: 'test', truth, predicted: truth.map((t, i) => t + Math.sin(i) * 4) }))
  // A narrow log-scale curve (0.145 to 0.19): the case that showed only "1" and "0.1" before.
  const narrow = buildReportModel([makeRun({ id: 'n', cell: 'gru', config: { loss: 'mae' } })], fixedEnv)
  narrow.curves = narrow.curves.map((c) => ({ ...c, series: c.series.map((s) => ({ ...s, points: s.points.map(([x, y], i) => [x, y === null ? null : 0.19 - i * 0.002]) })) }))
  figures.push(...reportFigures({ ...narrow, groups: { shown: false, reason: '' }, predictions: { shown: false, reason: '' } }).slice(0, 1))
  return figures
}

describe('figure style', () => {
  const figures = allFigures()

  it('renders every figure kind', () => {
    const kinds = new Set(figures.map((f) => f.id.split('-')[0]))
    expect([...kinds].sort()).toEqual(['curve', 'groups', 'predictions'])
    // Per-step and per-epoch curves, and a group band for every per-epoch learning metric, not only valLoss.
    expect(figures.map((f) => f.id)).toEqual(expect.arrayContaining(['curve-batchLoss', 'curve-valLoss', 'groups-valLoss', 'groups-loss']))
    expect(figures.some((f) => f.plot?.y.log)).toBe(true)
  })

  it.each([1, 2])('has no overlapping or clipped label at %i×', (scale) => {
    for (const f of figures) {
      const boxes = svgTextBoxes(f.svg).map((b) => ({ ...b, x0: b.x0 * scale, x1: b.x1 * scale, y0: b.y0 * scale, y1: b.y1 * scale }))
      expect(boxes.length, f.id).toBeGreaterThan(5)
      expect(overlaps(boxes), f.id).toEqual([])
      expect(clipped(boxes, f.width * scale, f.height * scale), f.id).toEqual([])
    }
  })

  it('prints no tick label longer than 8 characters, and no raw float', () => {
    for (const f of figures) {
      const ticks = svgTextBoxes(f.svg).filter((b) => b.fontSize === 11 && b.fill === '#50535a')
      expect(ticks.length, f.id).toBeGreaterThanOrEqual(4)
      for (const t of ticks) {
        expect(t.text.length, `${f.id}: ${t.text}`).toBeLessThanOrEqual(MAX_TICK_CHARS)
        expect(t.text, f.id).toMatch(/^−?[\d.]+(e−?\d+)?$/)
      }
    }
  })

  it('titles axes in words with units and names runs in legends', () => {
    const valLoss = figures.find((f) => f.id === 'curve-valLoss')!
    const texts = svgTextBoxes(valLoss.svg).map((b) => b.text)
    expect(texts).toContain('validation loss (MSE)')
    expect(texts).toContain('epoch')
    expect(texts).not.toContain('valLoss')
    expect(texts).toContain('GRU seed 2')
    // Long names keep both ends, so runs that differ at the end stay apart.
    expect(texts.filter((t) => t.startsWith('LSTM baseline with a') && t.endsWith('name, seed 3'))).toHaveLength(1)
    expect(svgTextBoxes(figures.find((f) => f.id === 'curve-batchLoss')!.svg).map((b) => b.text)).toContain('optimizer step')
    const groups = svgTextBoxes(figures.find((f) => f.id === 'groups-loss')!.svg).map((b) => b.text)
    expect(groups).toEqual(expect.arrayContaining(['training loss (MSE)', 'LSTM: mean of 3 ± 95% CI', 'GRU: mean of 3 ± 95% CI']))
  })

  it('colours runs and groups by cell, as the lab does', () => {
    const valLoss = figures.find((f) => f.id === 'curve-valLoss')!
    const lstm = valLoss.plot!.series.filter((s) => s.label.startsWith('LSTM'))
    const gru = valLoss.plot!.series.filter((s) => s.label.startsWith('GRU'))
    expect(lstm[0]!.color).toBe(cellColors.light.lstm)
    expect(gru[0]!.color).toBe(cellColors.light.gru)
    // Runs of one cell differ by line style, in the lab's order.
    expect(gru.map((s) => s.dash)).toEqual([...runStyles([{ id: 'a', cell: 'gru' }, { id: 'b', cell: 'gru' }, { id: 'c', cell: 'gru' }]).values()].map((s) => s.dash))
    expect(valLoss.svg).toContain(cellColors.light.lstm)
    expect(valLoss.svg).toContain(cellColors.light.gru)
    const band = figures.find((f) => f.id === 'groups-valLoss')!
    expect(band.plot!.series.map((s) => s.color).sort()).toEqual([cellColors.light.gru, cellColors.light.lstm].sort())
  })
})

describe('axes', () => {
  it('fits a log axis to narrow data with labelled 1-2-5 or finer steps and minor ticks', () => {
    const a = logAxis(0.145, 0.19)
    expect(a.min).toBeGreaterThanOrEqual(0.14)
    // 0.19 would be the frame itself: the axis goes on to 0.2 so that the curve does not sit on its top edge.
    expect(a.max).toBe(0.2)
    expect(a.ticks.length).toBeGreaterThanOrEqual(3)
    // Minor ticks between every two labels (at a quarter of the 0.02 step), and only labels get grid lines.
    expect(a.ticks).toEqual([0.14, 0.16, 0.18, 0.2])
    expect(a.minor).toEqual([0.14, 0.145, 0.15, 0.155, 0.16, 0.165, 0.17, 0.175, 0.18, 0.185, 0.19, 0.195, 0.2])
    const look = { text: '#000', line: '#000', grid: '#eee' }
    expect((echartsValueAxis(a, look).axisTick as { customValues: number[] }).customValues).toEqual(a.ticks)
    const [minorAxis] = echartsMinorAxis(a, look, 'left')
    expect((minorAxis!.axisTick as { customValues: number[] }).customValues).toEqual([0.145, 0.15, 0.155, 0.165, 0.17, 0.175, 0.185, 0.19, 0.195])
    expect(echartsMinorAxis(linearAxis(0.1, 0.2), look, 'left')).toEqual([])
    // Curves from 0.07 to 0.2 (a mean with its band): labels up where the curves are, not 0.07, 0.08, 0.09, 0.1 and
    // nothing above (what a 0.15-0.2 curve with a band reaching 0.07 once got).
    expect(logAxis(0.0705, 0.198).ticks).toEqual([0.1, 0.15, 0.2])
    expect(logAxis(0.06, 0.15).ticks).toEqual([0.06, 0.08, 0.1, 0.12, 0.14, 0.16])
  })

  it('labels every log range with at least three ticks spread over it, at 1-2-5 × 10ⁿ or one 1-2-5 step, with minor ticks between', () => {
    const ranges: Array<[number, number]> = []
    for (let lo = 0.0013; lo < 50; lo *= 1.37) for (const f of [1.05, 1.3, 1.8, 2.5, 3.2, 6, 40, 3000]) ranges.push([lo, lo * f])
    for (const [lo, hi] of ranges) {
      const a = logAxis(lo, hi)
      const where = `[${lo}, ${hi}] → ${a.ticks.join(', ')}`
      expect(a.ticks.length, where).toBeGreaterThanOrEqual(3)
      expect(a.min, where).toBeLessThanOrEqual(lo)
      expect(a.max, where).toBeGreaterThanOrEqual(hi)
      // Room between the data and the frame at both ends (no curve sits on the plot's edge).
      expect(Math.log(lo / a.min) / Math.log(a.max / a.min), where).toBeGreaterThanOrEqual(AXIS_PAD / 2)
      expect(Math.log(a.max / hi) / Math.log(a.max / a.min), where).toBeGreaterThanOrEqual(AXIS_PAD / 2)
      for (const t of a.ticks) expect(a.format(t).length, where).toBeLessThanOrEqual(MAX_TICK_CHARS)
      const mantissa = (v: number): number => Math.round((v / 10 ** Math.floor(Math.log10(v) + 1e-9)) * 1000) / 1000
      const decades = a.ticks.every((t) => [1, 2, 5].includes(mantissa(t)))
      const step = a.ticks[1]! - a.ticks[0]!
      const evenSteps = [1, 2, 5, 10].includes(mantissa(step)) && a.ticks.every((t) => Math.abs(t / step - Math.round(t / step)) < 1e-6)
      expect(decades || evenSteps, where).toBe(true)
      // Neither end of the axis is left without a label over more than 40 % of its height.
      const span = Math.log(a.max / a.min)
      expect(Math.log(a.ticks[0]! / a.min) / span, where).toBeLessThan(0.4)
      expect(Math.log(a.max / a.ticks[a.ticks.length - 1]!) / span, where).toBeLessThan(0.4)
      // Unlabelled minor ticks: at 1…9 × 10ⁿ (none between a 1 and a 2 label), or between every two linear labels.
      expect(a.minor.some((m) => !a.ticks.includes(m)), where).toBe(true)
      if (!decades) for (let k = 1; k < a.ticks.length; k++) expect(a.minor.some((m) => m > a.ticks[k - 1]! && m < a.ticks[k]!), where).toBe(true)
    }
    const wide = logAxis(0.0021, 2.9)
    // Over three decades 1-2-5 would be 10 labels: decades only, with 1…9 × 10ⁿ minor ticks.
    expect(wide.ticks).toEqual([0.01, 0.1, 1])
    expect(logAxis(0.02, 0.9).ticks).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1])
    expect(wide.minor).toContain(0.003)
    // 0.002 and 3 (the 1…9 × 10ⁿ values around the data) would leave the curves on the frame (1.5 % and 0.5 % of the
    // height): the ends move out by AXIS_PAD, at two significant digits.
    expect(wide.min).toBe(0.0016)
    expect(wide.max).toBe(3.7)
    expect([logAxis(0.0095, 0.2).min, logAxis(0.0095, 0.2).max]).toEqual([0.0086, 0.22])
  })

  it('rounds linear ticks to what the step needs', () => {
    const loss = linearAxis(0.1452, 2.8999989006097664)
    expect(loss.ticks.map(loss.format)).toEqual(['0', '1', '2', '3'])
    expect(linearAxis(-0.003, 0.0021).format(-1e-19)).toBe('0.000')
    const fine = linearAxis(0.0121, 0.1234)
    expect(fine.ticks.map(fine.format)).toEqual(['0.000', '0.025', '0.050', '0.075', '0.100', '0.125'])
    // 0.1234 would sit 1 % below a 0.125 frame: that end moves out to the next fifth of a step.
    expect(fine.max).toBe(0.13)
    // Ends are clean numbers (0.68, not 0.6799999999999999, which ECharts' interval scale rejects), with room: 0.7 and
    // 1.2 would be 2 % from the data.
    expect([linearAxis(0.71, 1.19).min, linearAxis(0.71, 1.19).max]).toEqual([0.68, 1.22])
    // Data that does not cross zero keeps zero as its end rather than a negative one.
    expect(linearAxis(1, 162.2315293782161).min).toBe(0)
    expect(linearAxis(-162, -1).max).toBe(0)
    for (const [lo, hi] of [[0.71, 1.19], [0.0121, 0.1234], [-3.2, 7.9], [-0.004, -0.001], [250, 251]] as const) {
      const a = linearAxis(lo, hi)
      expect(Math.min(lo - a.min, a.max - hi) / (a.max - a.min), `[${lo}, ${hi}]`).toBeGreaterThanOrEqual(AXIS_PAD / 2)
    }
    const big = linearAxis(1, 162.2315293782161)
    expect(big.ticks.map(big.format)).toEqual(['0', '50', '100', '150', '200'])
    expect(formatTick(0.000123456)).toBe('1.235e−4')
    expect(formatTick(-0.0012345)).toBe('−0.00123')
  })

  it('says metrics in words with units', () => {
    expect(metricTitle('valLoss', { loss: 'mse', scaling: 'zscore' })).toBe('validation loss (MSE, scaled)')
    expect(metricTitle('valAcc', { classification: true })).toBe('validation accuracy (fraction)')
    expect(metricTitle('loss', { classification: true })).toBe('training loss (cross-entropy)')
    expect(metricTitle('epochMs')).toBe('epoch time (ms)')
  })
})
