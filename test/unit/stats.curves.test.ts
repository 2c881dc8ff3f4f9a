import { describe, expect, it } from 'vitest'
import { commonGrid, curveBand, emaSmooth, groupBy, groupCurveBands, interpolate, readPath, smoothingScale, summarizeGroups } from '../../src/shared/stats'
import { close, reference } from './stats-fixture'

describe('grouping', () => {
  const runs = [
    { id: 'a', cell: 'lstm', units: 32, seed: 1, best: 0.3 },
    { id: 'b', cell: 'gru', units: 32, seed: 1, best: 0.25 },
    { id: 'c', cell: 'lstm', units: 64, seed: 2, best: 0.28 },
    { id: 'd', cell: 'gru', units: 32, seed: 2, best: 0.27 },
    { id: 'e', cell: 'lstm', units: 32, seed: 2, best: Number.NaN },
    { id: 'f', cell: 'gru', units: 8, seed: 3, best: 0.31 }
  ]

  it('groups by any set of keys, sorted by value (numbers numerically)', () => {
    const byCellUnits = groupBy(runs, ['cell', 'units'])
    expect(byCellUnits.map((g) => g.label)).toEqual(['cell=gru, units=8', 'cell=gru, units=32', 'cell=lstm, units=32', 'cell=lstm, units=64'])
    expect(byCellUnits[1]?.items.map((r) => r.id)).toEqual(['b', 'd'])
    expect(groupBy(runs, [])).toMatchObject([{ label: 'all', key: {} }])
  })

  it('summarizes a metric per group with n, mean, SD and the t-interval; NaN counts as dropped', () => {
    const [gru, lstm] = summarizeGroups(runs, ['cell'], 'best')
    expect(gru).toMatchObject({ key: { cell: 'gru' }, n: 3, dropped: 0 })
    expect(gru?.mean).toBeCloseTo((0.25 + 0.27 + 0.31) / 3, 14)
    expect(lstm).toMatchObject({ key: { cell: 'lstm' }, n: 2, dropped: 1 })
    expect(lstm?.ci95).not.toBeNull()
  })

  it('has the per-group fields the CLI JSON needs (key, n, mean, sd, ci95) and serializes without NaN', () => {
    const json = JSON.parse(JSON.stringify(summarizeGroups(runs, ['cell', 'units'], 'best')))
    for (const g of json) expect(Object.keys(g)).toEqual(expect.arrayContaining(['key', 'n', 'mean', 'sd', 'ci95']))
    // cell=gru, units=8 has a single run: no SD and no interval, as null (JSON has no NaN).
    expect(json[0]).toMatchObject({ label: 'cell=gru, units=8', n: 1, mean: 0.31, sd: null, ci95: null })
  })

  it('gives each group a band on one shared grid', () => {
    const curves = [
      { cell: 'lstm', x: [1, 2, 3], y: [1, 0.5, 0.25] },
      { cell: 'lstm', x: [1, 2, 3], y: [1.2, 0.7, 0.45] },
      { cell: 'gru', x: [1, 2, 3, 4], y: [0.9, 0.4, 0.2, 0.1] }
    ]
    const bands = groupCurveBands(curves, ['cell'], (c) => ({ x: c.x, y: c.y }))
    expect(bands.map((b) => [b.label, b.runs])).toEqual([['cell=gru', 1], ['cell=lstm', 2]])
    expect(bands[0]?.band.x).toEqual([1, 2, 3, 4])
    expect(bands[1]?.band.x).toEqual([1, 2, 3, 4])
    expect(bands[1]?.band.mean).toEqual([1.1, 0.6, 0.35, null])
    expect(bands[1]?.band.n).toEqual([2, 2, 2, 0])
  })

  it('reads dotted paths and missing keys as null', () => {
    const items = [{ config: { units: 32 } }, { config: {} }]
    expect(readPath(items[0], 'config.units')).toBe(32)
    expect(groupBy(items, ['config.units']).map((g) => g.label)).toEqual(['config.units=32', 'config.units=—'])
  })
})

describe('curves on a common grid', () => {
  const { runs, grid, interp, band } = reference.curves as {
    runs: { x: number[]; y: number[] }[]
    grid: number[]
    interp: (number | null)[][]
    band: { n: number[]; mean: (number | null)[]; sd: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] }
  }

  it('interpolates like numpy.interp inside each run and never extrapolates', () => {
    runs.forEach((run, i) => {
      const got = interpolate(run, grid)
      got.forEach((v, j) => {
        const want = interp[i]?.[j] ?? null
        if (want === null) expect(v).toBeNull()
        else expect(close(v as number, want, 1e-14, 1e-15)).toBe(true)
      })
    })
  })

  it('mean, SD and 95% t band agree with NumPy/SciPy; n shrinks at ragged ends', () => {
    const b = curveBand(runs, { grid })
    expect(b.n).toEqual(band.n)
    for (const [got, want] of [[b.mean, band.mean], [b.sd, band.sd], [b.ci95Lower, band.lo], [b.ci95Upper, band.hi]] as const) {
      got.forEach((v, j) => {
        const w = want[j] ?? null
        if (w === null) expect(v).toBeNull()
        else expect(close(v as number, w, 1e-12, 1e-15)).toBe(true)
      })
    }
  })

  it("'common' ends keep only the points every run covers", () => {
    const b = curveBand(runs, { grid, ends: 'common' })
    // Run 3 spans [0.5, 3.5]; runs 1 and 2 start at 0 and end at 5 and 6.
    expect(b.x).toEqual([0.5, 1, 1.25, 2, 3, 3.5])
    expect(b.n.every((n) => n === 3)).toBe(true)
  })

  it('treats non-finite values as holes, not as something to draw through', () => {
    const run = { x: [0, 1, 2, 3], y: [1, Number.NaN, 3, 4] }
    expect(interpolate(run, [0, 0.5, 1, 1.5, 2, 2.5])).toEqual([1, null, null, null, 3, 3.5])
  })

  it('sorts unsorted input and lets the last logged point win at a repeated x', () => {
    expect(interpolate({ x: [2, 0, 1, 1], y: [20, 0, 5, 10] }, [0.5, 1, 1.5])).toEqual([5, 10, 15])
    expect(() => interpolate({ x: [0, 1], y: [1] }, [0])).toThrow(/as many x as y/)
  })

  it('uses the union of x when small, else an even grid over the full range', () => {
    expect(commonGrid([{ x: [0, 2], y: [0, 0] }, { x: [1, 2, 5], y: [0, 0, 0] }])).toEqual([0, 1, 2, 5])
    const g = commonGrid([{ x: Array.from({ length: 1000 }, (_, i) => i), y: new Array(1000).fill(0) }], { maxPoints: 5 })
    expect(g).toEqual([0, 249.75, 499.5, 749.25, 999])
  })
})

describe('debiased EMA smoothing', () => {
  const s = reference.smoothing as {
    tensorboard: { weight: number; y: number[]; smoothed: number[] }[]
    tensorboardNaN: { weight: number; y: number[]; smoothed: number[] }
    kernel: { weight: number; scale: number; x: number[]; y: number[]; smoothed: number[] }[]
  }

  it("equals TensorBoard's resmoothDataset for evenly spaced points", () => {
    for (const c of s.tensorboard) {
      const got = emaSmooth(c.y, c.weight)
      got.forEach((v, i) => expect(close(v, c.smoothed[i] as number, 1e-12, 1e-14)).toBe(true))
    }
    // The first point is not pulled towards 0: that is what debiasing is for.
    expect(emaSmooth([10, 10.5], 0.9)[0]).toBe(10)
  })

  it('passes NaN and Infinity through like TensorBoard; the next finite point covers the gap', () => {
    // Unlike TensorBoard (which acts as if the point never existed), the point after a gap holds over the whole gap,
    // so the reference is the kernel sum over the finite points at their own x (scripts/stats-reference.py).
    const c = s.tensorboardNaN
    const got = emaSmooth(c.y, c.weight)
    got.forEach((v, i) => {
      const want = c.smoothed[i] as number
      if (Number.isFinite(want)) expect(close(v, want, 1e-13)).toBe(true)
      else expect(Object.is(v, want)).toBe(true)
    })
  })

  it('is the exponential-kernel average of the curve for irregular x (direct sum in the reference)', () => {
    for (const c of s.kernel) {
      const got = emaSmooth(c.y, c.weight, c.x, { scale: c.scale })
      got.forEach((v, i) => expect(close(v, c.smoothed[i] as number, 1e-11)).toBe(true))
    }
  })

  it('does not depend on the sampling: a curve thinned 10× smooths to (nearly) the same values', () => {
    const xs = Array.from({ length: 5001 }, (_, i) => i)
    const ys = xs.map((x) => Math.exp(-x / 1500) + 0.2 * Math.sin(x / 40))
    const scale = smoothingScale(0, 5000)
    const dense = emaSmooth(ys, 0.95, xs, { scale })
    const thinX = xs.filter((x) => x % 10 === 0)
    const thin = emaSmooth(thinX.map((x) => ys[x] as number), 0.95, thinX, { scale })
    let worstOurs = 0
    thinX.forEach((x, i) => (worstOurs = Math.max(worstOurs, Math.abs((thin[i] as number) - (dense[x] as number)))))
    // Per-point EMA (TensorBoard) on the same two samplings differs by far more: its smoothing span is in points.
    const tbDense = emaSmooth(ys, 0.95)
    const tbThin = emaSmooth(thinX.map((x) => ys[x] as number), 0.95)
    let worstPerPoint = 0
    thinX.forEach((x, i) => (worstPerPoint = Math.max(worstPerPoint, Math.abs((tbThin[i] as number) - (tbDense[x] as number)))))
    expect(worstOurs).toBeLessThan(0.02)
    expect(worstPerPoint).toBeGreaterThan(5 * worstOurs)
  })

  it('weight 0 and constant series come back unchanged; bad input is refused', () => {
    expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2])
    expect(emaSmooth([0.1, 0.1, 0.1], 0.99)).toEqual([0.1, 0.1, 0.1])
    expect(() => emaSmooth([1], 1)).toThrow(/\[0, 1\)/)
    expect(() => emaSmooth([1, 2], 0.5, [1, 0])).toThrow(/non-decreasing/)
    expect(() => emaSmooth([1, 2], 0.5, [0])).toThrow(/as many x as y/)
    expect(emaSmooth([], 0.5)).toEqual([])
  })
})
