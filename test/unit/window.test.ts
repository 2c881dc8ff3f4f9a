/** Windows, the chronological split, train-only scaling and the missing-value policies, on small exact series. */
import { describe, expect, it } from 'vitest'
import { DataError } from '../../src/shared/data/errors'
import { buildWindows, planSeries, treatMissing } from '../../src/shared/data/prepare'
import { applyScaling, fitScaling, unscale } from '../../src/shared/data/scaling'
import type { CollectedSeries } from '../../src/shared/data/scan'
import { makeWindows, minimumRows, splitRows, windowCount } from '../../src/shared/data/window'

function series(columns: Record<string, number[]>, time?: number[]): CollectedSeries {
  const names = Object.keys(columns)
  const length = columns[names[0]!]!.length
  return {
    selection: { target: names[0]!, features: names, ...(time ? { time: 'time' } : {}) },
    names,
    values: names.map((n) => Float64Array.from(columns[n]!)),
    lines: Float64Array.from({ length }, (_, i) => i + 2),
    length,
    ...(time ? { time: Float64Array.from(time) } : {})
  }
}

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i))

describe('windows', () => {
  it('cut inputs s…s+lookback−1 and the next horizon targets, stride rows apart', () => {
    const col = Float32Array.from(range(10, (i) => i * 10))
    const split = makeWindows([col], [0], 0, { start: 0, end: 10, windows: windowCount(10, { lookback: 3, horizon: 2, stride: 2 }) }, { lookback: 3, horizon: 2, stride: 2 })
    // rows 0–9, window needs 5 rows: starts 0, 2, 4
    expect(split.n).toBe(3)
    expect(Array.from(split.x)).toEqual([0, 10, 20, 20, 30, 40, 40, 50, 60])
    expect(Array.from(split.y)).toEqual([30, 40, 50, 60, 70, 80])
  })

  it('interleave several inputs per step ([n, lookback, inputs])', () => {
    const a = Float32Array.from([1, 2, 3, 4])
    const b = Float32Array.from([-1, -2, -3, -4])
    const split = makeWindows([a, b], [0, 1], 0, { start: 0, end: 4, windows: 2 }, { lookback: 2, horizon: 1, stride: 1 })
    expect(Array.from(split.x)).toEqual([1, -1, 2, -2, 2, -2, 3, -3])
    expect(Array.from(split.y)).toEqual([3, 4])
  })
})

describe('chronological split', () => {
  it('gives train, validation and test consecutive periods, and no window reaches past its own period', () => {
    const spec = { lookback: 5, horizon: 3, stride: 1 }
    const parts = splitRows(100, spec)
    expect([parts.train.start, parts.train.end, parts.val.start, parts.val.end, parts.test.start, parts.test.end]).toEqual([0, 70, 70, 85, 85, 100])
    for (const p of [parts.train, parts.val, parts.test]) {
      const lastRowUsed = p.start + (p.windows - 1) * spec.stride + spec.lookback + spec.horizon - 1
      expect(lastRowUsed).toBeLessThan(p.end)
      // …and one more window would cross into the next period.
      expect(lastRowUsed + spec.stride).toBeGreaterThanOrEqual(p.end)
    }
  })

  it('refuses a period too short for one window, with the largest lookback that fits', () => {
    let error: unknown
    try {
      splitRows(100, { lookback: 20, horizon: 1, stride: 1 }, undefined, 'x.csv')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DataError)
    expect((error as DataError).code).toBe('too-few-rows')
    expect((error as DataError).message).toBe(
      'x.csv: 100 usable rows split 70%/15%/15% in time order leave the validation period 15 rows, but one window needs lookback 20 + horizon 1 = 21 rows. Lower --lookback to 14 or less (or --horizon), or use a longer series.'
    )
    expect(() => splitRows(100, { lookback: 14, horizon: 1, stride: 1 })).not.toThrow()
  })

  it('knows the fewest rows that work', () => {
    const need = 4
    const n = minimumRows(need)
    expect(() => splitRows(n, { lookback: 3, horizon: 1, stride: 1 })).not.toThrow()
    expect(() => splitRows(n - 1, { lookback: 3, horizon: 1, stride: 1 })).toThrow(DataError)
  })
})

describe('scaling', () => {
  it('is fitted on the training rows only and inverts exactly', () => {
    // Training rows 0–6 hold 0…6; later rows jump to 1000, which must not move the fit.
    const col = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 1000, 1000, 1000])
    const z = fitScaling('zscore', [col], 0, 7)
    expect(z.offset[0]).toBeCloseTo(3, 12)
    expect(z.scale[0]).toBeCloseTo(2, 12)
    const m = fitScaling('minmax', [col], 0, 7)
    expect([m.offset[0], m.scale[0]]).toEqual([0, 6])
    const scaled = applyScaling(z, [col])[0]!
    expect(scaled[7]).toBeCloseTo(498.5, 3)
    expect(unscale(z, 0, scaled[7]!)).toBeCloseTo(1000, 3)
    expect(fitScaling('none', [col], 0, 7)).toEqual({ kind: 'none', offset: [0], scale: [1] })
  })

  it('keeps a constant column finite (scale 1)', () => {
    const s = fitScaling('zscore', [Float64Array.from([5, 5, 5])], 0, 3)
    expect(s).toEqual({ kind: 'zscore', offset: [5], scale: [1] })
  })
})

describe('missing values', () => {
  const withGaps = (): CollectedSeries => series({ y: [NaN, 1, NaN, NaN, 4, 5, NaN] })

  it('error: counts them and lists their lines', () => {
    expect(() => treatMissing(withGaps(), 'error', 'f.csv')).toThrow(/f\.csv, line 2, column "y": 4 missing values in the columns used: line 2 \(y\), line 4 \(y\), line 5 \(y\), line 8 \(y\)\. Fill them in, or choose --missing drop/)
  })

  it('drop: skips the rows', () => {
    const r = treatMissing(withGaps(), 'drop', 'f.csv')
    expect(Array.from(r.series.values[0]!)).toEqual([1, 4, 5])
    expect(Array.from(r.series.lines)).toEqual([3, 6, 7])
    expect(r.dropped).toBe(4)
  })

  it('ffill: repeats the last value; the leading gap has nothing to fill from and is dropped', () => {
    const r = treatMissing(withGaps(), 'ffill', 'f.csv')
    expect(Array.from(r.series.values[0]!)).toEqual([1, 1, 1, 4, 5, 5])
    expect([r.filled, r.dropped]).toEqual([3, 1])
  })

  it('interpolate: a straight line between neighbours (by row, or by time when there is a time column)', () => {
    const r = treatMissing(withGaps(), 'interpolate', 'f.csv')
    expect(Array.from(r.series.values[0]!)).toEqual([1, 2, 3, 4, 5])
    expect([r.filled, r.dropped]).toEqual([2, 2])
    const timed = treatMissing(series({ y: [0, NaN, 10] }, [0, 9, 10]), 'interpolate', 'f.csv')
    expect(Array.from(timed.series.values[0]!)).toEqual([0, 9, 10])
  })
})

describe('planSeries + buildWindows', () => {
  it('sort unsorted rows by time before splitting, and say so', () => {
    const n = 40
    const order = range(n).reverse()
    const plan = planSeries(series({ y: order.map((i) => i * 2) }, order), { file: 'f.csv', missing: 'error', lookback: 3, horizon: 1, stride: 1 })
    expect(plan.sorted).toBe(true)
    expect(Array.from(plan.series.values[0]!.slice(0, 4))).toEqual([0, 2, 4, 6])
    // The first row in time order was the file's last line.
    expect(plan.series.lines[0]).toBe(n + 1)
  })

  it('scale with the training period only, store it in [...features, target] order, and leak nothing from later periods into training windows', () => {
    const n = 100
    const s = series({ y: range(n, (i) => (i < 70 ? i : 1000 + i)), x: range(n, (i) => -i) })
    s.selection = { target: 'y', features: ['x', 'y'] }
    const plan = planSeries(s, { file: 'f.csv', missing: 'error', lookback: 4, horizon: 2, stride: 1 })
    const built = buildWindows(plan, 'minmax')
    expect(built.scaling.offset).toEqual([-69, 0, 0])
    expect(built.scaling.scale).toEqual([69, 69, 69])
    // Every training target lies inside the training range, so in [0, 1] after min-max scaling.
    expect(Math.max(...built.train.y)).toBeLessThanOrEqual(1)
    expect(built.train.n).toBe(70 - 6 + 1)
    expect(built.train.x.length).toBe(built.train.n * 4 * 2)
    expect(built.table.split.val).toEqual({ rows: 15, windows: 10, firstLine: 72, lastLine: 86 })
    expect(built.baselines.testMsePersistence).toBeGreaterThan(0)
  })

  it('refuse settings whose windows would not fit in a trainer, before building them', () => {
    const s = series({ y: range(1_000_000) })
    expect(() => planSeries(s, { file: 'f.csv', missing: 'error', lookback: 300, horizon: 1, stride: 1 })).toThrow(/f\.csv: These settings cut \d+ windows, 1\.\d GiB of float32.*Raise --stride/)
    expect(planSeries(s, { file: 'f.csv', missing: 'error', lookback: 300, horizon: 1, stride: 4 }).parts.train.windows).toBe(Math.floor((700_000 - 301) / 4) + 1)
  })

  it('need every row to have a time unless missing rows may be dropped', () => {
    const s = series({ y: range(40) }, range(40, (i) => (i === 5 ? NaN : i)))
    expect(() => planSeries(s, { file: 'f.csv', missing: 'error', lookback: 3, horizon: 1, stride: 1 })).toThrow(/line 7.*no time.*--missing drop/)
    expect(planSeries(s, { file: 'f.csv', missing: 'drop', lookback: 3, horizon: 1, stride: 1 }).dropped).toBe(1)
  })
})
