import { expect, it } from 'vitest'
import { bcaInterval, bootstrapMeanDiff, bootstrapPairedMeanDiff, percentileInterval, welchTest } from '../../src/shared/stats'
import { createRng } from '../../src/shared/random'
import { close, reference } from './stats-fixture'

type BcaCase = {
  a: number[]
  b: number[]
  estimate: number
  replicates: number[]
  jackknife: number[][]
  acceleration: number
  bca: [number, number]
  percentile: [number, number]
}

it("BCa and percentile intervals match SciPy's own BCa routine on the same bootstrap replicates", () => {
  // scripts/stats-reference.py feeds fixed replicates to scipy.stats._resampling._bca_interval (the code behind
  // scipy.stats.bootstrap(method='BCa')), so only the interval arithmetic is compared, not the random streams.
  const cases = reference.bca as BcaCase[]
  expect(cases.length).toBe(2)
  for (const c of cases) {
    const r = bcaInterval(c.estimate, c.replicates, c.jackknife)
    if (!r) throw new Error('BCa unexpectedly undefined')
    expect(close(r.acceleration, c.acceleration, 1e-10, 1e-15)).toBe(true)
    expect(close(r.interval[0], c.bca[0], 1e-12, 1e-15)).toBe(true)
    expect(close(r.interval[1], c.bca[1], 1e-12, 1e-15)).toBe(true)
    const p = percentileInterval(c.replicates)
    expect(close(p[0], c.percentile[0], 1e-13, 1e-15)).toBe(true)
    expect(close(p[1], c.percentile[1], 1e-13, 1e-15)).toBe(true)
    // The jackknife values we would compute from the data are the ones SciPy used.
    const ma = c.a.reduce((s, x) => s + x, 0) / c.a.length
    const mb = c.b.reduce((s, x) => s + x, 0) / c.b.length
    expect(close(c.estimate, ma - mb, 1e-13)).toBe(true)
  }
})

it('is deterministic for a seed and changes with the seed', () => {
  const a = [0.31, 0.29, 0.35, 0.3, 0.33, 0.28]
  const b = [0.36, 0.34, 0.39, 0.35, 0.37, 0.4]
  const first = bootstrapMeanDiff(a, b, { seed: 7, resamples: 2000 })
  const again = bootstrapMeanDiff(a, b, { seed: 7, resamples: 2000 })
  const other = bootstrapMeanDiff(a, b, { seed: 8, resamples: 2000 })
  expect(first).toEqual(again)
  if (!first.ok || !other.ok) throw new Error('bootstrap failed')
  expect(first.percentile).not.toEqual(other.percentile)
  expect(first.estimate).toBeCloseTo((1.86 - 2.21) / 6, 12)
  expect(first.bca).not.toBeNull()
})

it('agrees with the Welch interval for large normal samples (both are then accurate)', () => {
  const rng = createRng(99)
  const a = Array.from({ length: 200 }, () => 1 + rng.normal())
  const b = Array.from({ length: 200 }, () => 1.3 + 2 * rng.normal())
  const boot = bootstrapMeanDiff(a, b, { seed: 3 })
  const welch = welchTest(a, b)
  if (!boot.ok || !welch.ok || !boot.bca) throw new Error('failed')
  const width = welch.ci95[1] - welch.ci95[0]
  // Bootstrap endpoints carry Monte Carlo error (10,000 resamples) and an O(1/n) difference: within 5% of the width.
  for (const interval of [boot.percentile, boot.bca]) {
    expect(Math.abs(interval[0] - welch.ci95[0])).toBeLessThan(0.05 * width)
    expect(Math.abs(interval[1] - welch.ci95[1])).toBeLessThan(0.05 * width)
  }
})

it('covers the true difference about 95% of the time (normal data, n = 15 per group)', () => {
  // 200 simulated experiments: coverage is binomial(200, ~0.95), so 0.88–0.99 passes a correct method essentially
  // always and fails one that is grossly too narrow or too wide. Percentile intervals are known to undercover a little.
  const rng = createRng(2024)
  let covered = 0
  for (let e = 0; e < 200; e++) {
    const a = Array.from({ length: 15 }, () => rng.normal())
    const b = Array.from({ length: 15 }, () => 0.5 + rng.normal())
    const r = bootstrapMeanDiff(a, b, { seed: e, resamples: 1000 })
    if (!r.ok || !r.bca) throw new Error('failed')
    if (r.bca[0] <= -0.5 && -0.5 <= r.bca[1]) covered++
  }
  expect(covered / 200).toBeGreaterThan(0.88)
  expect(covered / 200).toBeLessThan(0.99)
})

it('paired bootstrap resamples pairs: a constant shift gives a zero-width interval at the shift', () => {
  const a = [1, 2, 3, 4, 5]
  const b = a.map((x) => x + 0.5)
  const r = bootstrapPairedMeanDiff(a, b, { resamples: 500 })
  if (!r.ok) throw new Error(r.reason)
  expect(r.paired).toBe(true)
  expect(r.percentile[0]).toBeCloseTo(-0.5, 12)
  expect(r.percentile[1]).toBeCloseTo(-0.5, 12)
  // Every replicate equals the estimate: the bias correction is undefined, so BCa is null rather than made up.
  expect(r.bca).toBeNull()
  // The unpaired bootstrap of the same data is wide: the pairing is what removes the between-run spread.
  const u = bootstrapMeanDiff(a, b, { resamples: 500 })
  expect(u.ok && u.percentile[1] - u.percentile[0]).toBeGreaterThan(1)
})

it('refuses too little data and bad options clearly', () => {
  expect(bootstrapMeanDiff([1], [1, 2])).toEqual({ ok: false, reason: expect.stringMatching(/at least 2 finite values per group \(got 1 and 2\)/) })
  expect(bootstrapPairedMeanDiff([1, Number.NaN], [1, 2])).toMatchObject({ ok: false })
  expect(() => bootstrapMeanDiff([1, 2], [1, 2], { resamples: 10 })).toThrow(/resamples/)
  expect(() => bootstrapMeanDiff([1, 2], [1, 2], { level: 1 })).toThrow(/level/)
  // NaN values are left out, not propagated.
  const r = bootstrapMeanDiff([1, 2, Number.NaN, 3], [2, 3, 4], { resamples: 200 })
  expect(r.ok && r.estimate).toBe(-1)
})
