import { describe as group, expect, it } from 'vitest'
import { describe, hedgesG, hedgesJ, holmAdjust, pairedTest, quantileSorted, welchFromStats, welchTest } from '../../src/shared/stats'
import { close, reference } from './stats-fixture'

// Student's sleep data (Cushny & Peebles 1905, analysed by "Student" 1908), as in R's `datasets::sleep`: extra hours
// of sleep with drug 1 and drug 2 for the same 10 patients (so the pairing key is the patient).
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

group('Welch and paired t-tests: published worked examples', () => {
  it("reproduces R's t.test(extra ~ group, data = sleep) (Welch) as printed in R's ?t.test example", () => {
    // R prints: t = -1.8608, df = 17.776, p-value = 0.07939; 95 percent CI -3.3654832 0.2054832; means 0.75 2.33.
    const r = welchTest(drug1, drug2)
    if (!r.ok) throw new Error(r.reason)
    expect(r.estimate).toBeCloseTo(0.75 - 2.33, 12)
    expect(r.t).toBeCloseTo(-1.8608, 4)
    expect(r.df).toBeCloseTo(17.776, 3)
    expect(r.p).toBeCloseTo(0.07939, 5)
    expect(r.ci95[0]).toBeCloseTo(-3.3654832, 7)
    expect(r.ci95[1]).toBeCloseTo(0.2054832, 7)
  })

  it("reproduces R's t.test(extra ~ group, data = sleep, paired = TRUE)", () => {
    // R prints: t = -4.0621, df = 9, p-value = 0.002833; 95 percent CI -2.4598858 -0.7001142; mean difference -1.58.
    const r = pairedTest(drug1, drug2)
    if (!r.ok) throw new Error(r.reason)
    expect(r.n).toBe(10)
    expect(r.estimate).toBeCloseTo(-1.58, 12)
    expect(r.t).toBeCloseTo(-4.0621, 4)
    expect(r.df).toBe(9)
    expect(r.p).toBeCloseTo(0.002833, 6)
    expect(r.ci95[0]).toBeCloseTo(-2.4598858, 7)
    expect(r.ci95[1]).toBeCloseTo(-0.7001142, 7)
  })

  // Lakens (2013), "Calculating and reporting effect sizes to facilitate cumulative science: a practical primer for
  // t-tests and ANOVAs", Frontiers in Psychology 4:863, Table 1: two movies rated by 10 people.
  const movie1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
  const movie2 = [9, 6, 7, 8, 7, 9, 8, 8, 7, 8]

  it('reproduces the between-subjects example of Lakens (2013): t(18) = 2.52, p = 0.021, Hedges g = 1.08', () => {
    // With equal n the Welch statistic equals Student's pooled t (only the df differ), so t must be 2.52.
    const w = welchTest(movie1, movie2)
    if (!w.ok) throw new Error(w.reason)
    expect(w.t).toBeCloseTo(2.52, 2)
    expect(w.p).toBeGreaterThan(0.02)
    expect(w.p).toBeLessThan(0.025) // Welch's df (17.7) is a little below 18, so p is a little above the pooled 0.021
    const g = hedgesG(movie1, movie2)
    if (!g.ok) throw new Error(g.reason)
    expect(g.d).toBeCloseTo(1.13, 2) // Cohen's d_s
    expect(g.g).toBeCloseTo(1.08, 2) // Hedges' g_s
    // Sign convention: a − b, so swapping the groups flips the sign.
    const swapped = hedgesG(movie2, movie1)
    expect(swapped.ok && swapped.g).toBeCloseTo(-g.g, 12)
  })

  it('reproduces the within-subjects example of Lakens (2013): t(9) = 4.74, p = 0.001', () => {
    const r = pairedTest(movie1, movie2)
    if (!r.ok) throw new Error(r.reason)
    expect(r.t).toBeCloseTo(4.74, 2)
    expect(r.df).toBe(9)
    expect(r.p).toBeGreaterThan(0.0005)
    expect(r.p).toBeLessThan(0.0015)
  })

  it("Hedges' J matches its closed forms and Hedges' approximation", () => {
    // J(m) = Γ(m/2)/(√(m/2)Γ((m−1)/2)) (Hedges 1981): J(2) = 1/√π, J(3) = √π/(2√1.5), J(4) = √(2/π), i.e. the
    // tabulated .5642, .7236, .7979.
    expect(hedgesJ(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 14)
    expect(hedgesJ(3)).toBeCloseTo(Math.sqrt(Math.PI) / (2 * Math.sqrt(1.5)), 14)
    expect(hedgesJ(4)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14)
    // Hedges' approximation 1 − 3/(4m − 1) is off by O(1/m²): 3.3e-4 at m = 10, about 1e-5 at m = 50.
    expect(Math.abs(hedgesJ(10) - (1 - 3 / 39))).toBeLessThan(5e-4)
    expect(Math.abs(hedgesJ(50) - (1 - 3 / 199))).toBeLessThan(2e-5)
    expect(Math.abs(hedgesJ(500) - (1 - 3 / 1999))).toBeLessThan(2e-7)
    expect(() => hedgesJ(1)).toThrow(/more than 1 degree of freedom/)
  })

  it('welchFromStats computes the same test from summary statistics', () => {
    const a = describe(drug1)
    const b = describe(drug2)
    const r = welchFromStats({ n: a.n, mean: a.mean as number, sd: a.sd as number }, { n: b.n, mean: b.mean as number, sd: b.sd as number })
    expect(r.ok && r.df).toBeCloseTo(17.776, 3)
  })
})

group('two-sample tests against SciPy (scripts/stats-reference.py)', () => {
  type Case = {
    a: number[]
    b: number[]
    welch: { t: number; df: number; p: number; ci95: [number, number] }
    paired?: { t: number; df: number; p: number; ci95: [number, number] }
    hedgesG: number
    describeA: { mean: number; sd: number; ci95: [number, number] }
  }
  const cases = reference.twoSample as Case[]

  it('Welch t, df, p and CI agree with scipy.stats.ttest_ind(equal_var=False) to 1e-10', () => {
    expect(cases.length).toBe(6)
    for (const c of cases) {
      const r = welchTest(c.a, c.b)
      if (!r.ok) throw new Error(r.reason)
      expect(close(r.t, c.welch.t, 1e-10)).toBe(true)
      expect(close(r.df, c.welch.df, 1e-10)).toBe(true)
      expect(close(r.p, c.welch.p, 1e-9)).toBe(true)
      expect(close(r.ci95[0], c.welch.ci95[0], 1e-9, 1e-15)).toBe(true)
      expect(close(r.ci95[1], c.welch.ci95[1], 1e-9, 1e-15)).toBe(true)
    }
  })

  it('paired t agrees with scipy.stats.ttest_rel, Hedges g and the t-interval with direct computations', () => {
    for (const c of cases) {
      if (c.paired) {
        const r = pairedTest(c.a, c.b)
        if (!r.ok) throw new Error(r.reason)
        expect(close(r.t, c.paired.t, 1e-10)).toBe(true)
        expect(close(r.p, c.paired.p, 1e-9)).toBe(true)
        expect(close(r.ci95[0], c.paired.ci95[0], 1e-9, 1e-15)).toBe(true)
        expect(close(r.ci95[1], c.paired.ci95[1], 1e-9, 1e-15)).toBe(true)
      }
      const g = hedgesG(c.a, c.b)
      expect(g.ok && close(g.g, c.hedgesG, 1e-10)).toBe(true)
      const d = describe(c.a)
      expect(close(d.mean as number, c.describeA.mean, 1e-13)).toBe(true)
      expect(close(d.sd as number, c.describeA.sd, 1e-12)).toBe(true)
      expect(close((d.ci95 as [number, number])[0], c.describeA.ci95[0], 1e-11)).toBe(true)
      expect(close((d.ci95 as [number, number])[1], c.describeA.ci95[1], 1e-11)).toBe(true)
    }
  })
})

group('descriptive statistics and edge cases', () => {
  it('uses the t quantile for n − 1 df, not 1.96', () => {
    // Three values 1, 2, 3: mean 2, SD 1, SE 1/√3; the 95% half-width is t(0.975, 2)/√3 = 4.3027/1.7321 = 2.4841.
    const s = describe([1, 2, 3])
    expect(s).toMatchObject({ n: 3, dropped: 0, mean: 2, sd: 1, df: 2, min: 1, max: 3 })
    expect(s.se).toBeCloseTo(1 / Math.sqrt(3), 15)
    expect((s.ci95 as [number, number])[1] - 2).toBeCloseTo(4.302652729749464 / Math.sqrt(3), 12)
  })

  it('n = 1 has a mean but no SD, SE or interval (null, not NaN); n = 0 has nothing', () => {
    expect(describe([4.2])).toEqual({ n: 1, dropped: 0, mean: 4.2, sd: null, se: null, df: null, ci95: null, min: 4.2, max: 4.2 })
    expect(describe([])).toMatchObject({ n: 0, mean: null, sd: null, ci95: null })
  })

  it('leaves out NaN and ±Infinity and counts them', () => {
    const s = describe([1, Number.NaN, 3, Infinity, -Infinity])
    expect(s).toMatchObject({ n: 2, dropped: 3, mean: 2 })
    expect(s.sd).toBeCloseTo(Math.SQRT2, 15)
  })

  it('zero variance gives SD 0 and a zero-width interval; it is accurate with a large offset', () => {
    expect(describe([5, 5, 5])).toMatchObject({ sd: 0, se: 0, ci95: [5, 5] })
    // A naive Σx² − n·x̄² loses everything here; the two-pass algorithm keeps the SD of 1e9 + {1, 2, 3} exact.
    expect(describe([1e9 + 1, 1e9 + 2, 1e9 + 3]).sd).toBe(1)
  })

  it('Welch and paired tests explain why they cannot run instead of returning NaN', () => {
    expect(welchTest([1], [2, 3])).toEqual({ ok: false, reason: expect.stringMatching(/at least 2 finite values per group \(got 1 and 2\)/) })
    expect(welchTest([1, 1], [1, 1])).toEqual({ ok: false, reason: expect.stringMatching(/identical/) })
    expect(welchTest([1, 1], [2, 2])).toEqual({ ok: false, reason: expect.stringMatching(/do not vary/) })
    expect(pairedTest([1, 2, 3], [2, 3, 4])).toEqual({ ok: false, reason: expect.stringMatching(/do not vary/) })
    expect(pairedTest([1, Number.NaN], [2, 3])).toEqual({ ok: false, reason: expect.stringMatching(/at least 2 complete pairs \(got 1\)/) })
    expect(() => pairedTest([1, 2], [1])).toThrow(/equal length/)
    expect(hedgesG([1, 1], [1, 1])).toEqual({ ok: false, reason: expect.stringMatching(/do not vary/) })
  })

  it('identical groups give difference 0, t 0 and p 1', () => {
    const r = welchTest([1, 2, 3, 4], [1, 2, 3, 4])
    expect(r).toMatchObject({ ok: true, estimate: 0, t: 0, p: 1 })
  })

  it('zero variance in one group only still works (df falls back to the other group’s n − 1)', () => {
    const r = welchTest([2, 2, 2], [1, 2, 3, 4])
    if (!r.ok) throw new Error(r.reason)
    expect(r.df).toBeCloseTo(3, 12)
  })

  it('type-7 quantiles as in R and NumPy', () => {
    // R: quantile(c(1, 2, 3, 4), c(0.25, 0.9)) gives 1.75 and 3.7.
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 15)
    expect(quantileSorted([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 15)
  })
})

group("Holm's adjustment", () => {
  it('follows Holm (1979) step by step', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06; back in input order.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005])
    expect(adjusted.map((p) => Number(p.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02])
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1])
    expect(() => holmAdjust([1.2])).toThrow(/p-values in \[0, 1\]/)
  })
})
