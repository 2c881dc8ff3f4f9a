import { describe, expect, it } from 'vitest'
import {
  erfc,
  incompleteBeta,
  lnBeta,
  lnGamma,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
  tTwoSidedP
} from '../../src/shared/stats'
import { close, reference } from './stats-fixture'

describe('Student t quantiles against published tables', () => {
  // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2 "Critical Values of the Student's t Distribution"
  // (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm), column 0.975 (two-sided 95%), printed to
  // 3 decimals — so the tolerance is the table's rounding, 5e-4.
  const table975: [number, number][] = [
    [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [9, 2.262], [10, 2.228], [20, 2.086],
    [30, 2.042], [50, 2.009], [100, 1.984]
  ]
  it.each(table975)('t(0.975, %d) = %d as tabulated', (df, t) => {
    expect(Math.abs(tQuantile(0.975, df) - t)).toBeLessThanOrEqual(5e-4)
  })
  // Same table, column 0.995 (two-sided 99%).
  it.each([[1, 63.657], [2, 9.925], [10, 3.169], [30, 2.75]] as [number, number][])('t(0.995, %d) = %d as tabulated', (df, t) => {
    expect(Math.abs(tQuantile(0.995, df) - t)).toBeLessThanOrEqual(5e-4)
  })

  it('matches the closed forms for 1 and 2 degrees of freedom to 1e-12', () => {
    // df = 1 is the Cauchy distribution: t_p = tan(π(p − 1/2)); df = 2: t_p = (2p − 1) / √(2p(1 − p)).
    for (const p of [0.6, 0.9, 0.975, 0.999]) {
      expect(close(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12)).toBe(true)
      expect(close(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12)).toBe(true)
    }
    // And the CDF agrees with the Cauchy closed form: F(t) = 1/2 + atan(t)/π.
    for (const t of [-30, -1, 0.3, 5]) expect(close(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13)).toBe(true)
  })

  it('t(0.975, 1000) is 1.962 and tends to the normal 1.95996 as df grows', () => {
    expect(Math.abs(tQuantile(0.975, 1000) - 1.96234)).toBeLessThan(1e-5)
    expect(Math.abs(tQuantile(0.975, Infinity) - 1.959963984540054)).toBeLessThan(1e-13)
    expect(tQuantile(0.975, 1e6)).toBeGreaterThan(tQuantile(0.975, Infinity))
  })

  it('is continuous and increasing across the switch between its central and tail methods (p = ¼, ¾)', () => {
    for (const df of [0.4, 1.5, 3, 7.3, 40, 5000]) {
      for (const edge of [0.25, 0.75]) {
        const below = tQuantile(edge - 1e-12, df)
        const at = tQuantile(edge, df)
        const above = tQuantile(edge + 1e-12, df)
        expect(below).toBeLessThan(at)
        expect(at).toBeLessThan(above)
        // The slope there is 1/density, at most ~10 for these df, so steps of 1e-12 in p move t by well under 1e-10.
        expect(above - below).toBeLessThan(1e-10)
      }
    }
  })

  it('is the inverse of the CDF', () => {
    for (const df of [0.7, 1, 3, 12.4, 250]) {
      for (const p of [1e-12, 0.01, 0.3, 0.5, 0.8, 0.999999]) expect(close(tCdf(tQuantile(p, df), df), p, 1e-11)).toBe(true)
    }
  })
})

// The continued fraction for I_x(ν/2, ½) converges slowly for huge ν near the distribution's centre, so the last
// digits drift there: a relative 1e-12 is required up to ν = 1000 and 1e-10 beyond (both far below what any
// interval or p-value shown needs).
const tolerance = (df: number): number => (df <= 1000 ? 1e-12 : 1e-10)

describe('Student t against mpmath at 50 digits (scripts/stats-reference.py)', () => {
  it('quantiles agree to a relative 1e-12 (1e-10 for ν > 1000) for ν from 0.3 to 1e6 and tails down to 1e-300', () => {
    const rows = [...reference.tQuantile, ...reference.tQuantileLower] as { p: number; df: number; t: number }[]
    expect(rows.length).toBeGreaterThan(250)
    for (const { p, df, t } of rows) {
      const got = tQuantile(p, df)
      if (!close(got, t, tolerance(df))) throw new Error(`tQuantile(${p}, ${df}) = ${got}, mpmath ${t}`)
    }
  })

  it('CDF and two-sided p-values agree to a relative 1e-12 (1e-10 for ν > 1000), including the far tails', () => {
    for (const { t, df, cdf, p2 } of reference.tCdf as { t: number; df: number; cdf: number; p2: number }[]) {
      const got = tCdf(t, df)
      if (!close(got, cdf, tolerance(df), 1e-300)) throw new Error(`tCdf(${t}, ${df}) = ${got}, mpmath ${cdf}`)
      const gotP = tTwoSidedP(t, df)
      if (!close(gotP, p2, tolerance(df), 1e-300)) throw new Error(`tTwoSidedP(${t}, ${df}) = ${gotP}, mpmath ${p2}`)
    }
  })

  it('incomplete beta, ln Γ and ln B agree with mpmath', () => {
    for (const { a, b, x, value } of reference.incompleteBeta as { a: number; b: number; x: number; value: number }[]) {
      const got = incompleteBeta(a, b, x).lower
      if (!close(got, value, 1e-11, 1e-300)) throw new Error(`I_${x}(${a}, ${b}) = ${got}, mpmath ${value}`)
    }
    for (const { x, value } of reference.lnGamma as { x: number; value: number }[]) {
      expect(close(lnGamma(x), value, 1e-13, 1e-14)).toBe(true)
    }
    // ln B at large arguments, where ln Γ(a) − ln Γ(a + b) would cancel nine digits away (see lnBeta).
    for (const { a, b, value } of reference.lnBeta as { a: number; b: number; value: number }[]) {
      expect(close(lnBeta(a, b), value, 1e-14, 1e-14)).toBe(true)
    }
  })
})

describe('standard normal', () => {
  it('CDF and quantile agree with mpmath to 1e-12 relative, deep into the tails', () => {
    for (const { z, cdf } of reference.normalCdf as { z: number; cdf: number }[]) {
      if (!close(normalCdf(z), cdf, 1e-12, 1e-300)) throw new Error(`Φ(${z}) = ${normalCdf(z)}, mpmath ${cdf}`)
    }
    for (const { p, z } of reference.normalQuantile as { p: number; z: number }[]) {
      if (!close(normalQuantile(p), z, 1e-12, 1e-15)) throw new Error(`Φ⁻¹(${p}) = ${normalQuantile(p)}, mpmath ${z}`)
    }
  })

  it('erfc has the textbook values erfc(0) = 1, erfc(1) = 0.157299207050285 (Abramowitz & Stegun, Table 7.1)', () => {
    expect(erfc(0)).toBe(1)
    expect(close(erfc(1), 0.157299207050285, 1e-13)).toBe(true)
    expect(close(erfc(-1), 2 - 0.157299207050285, 1e-14)).toBe(true)
  })
})

describe('invalid input is refused with a clear message', () => {
  it('rejects df ≤ 0 and probabilities outside [0, 1]', () => {
    expect(() => tQuantile(0.5, 0)).toThrow(/degrees of freedom > 0/)
    expect(() => tCdf(1, -2)).toThrow(/degrees of freedom > 0/)
    expect(() => tQuantile(1.5, 3)).toThrow(/probability in \[0, 1\]/)
    expect(() => normalQuantile(Number.NaN)).toThrow(/probability/)
  })

  it('gives the limits at the ends and NaN only for NaN input', () => {
    expect(tQuantile(0, 5)).toBe(-Infinity)
    expect(tQuantile(1, 5)).toBe(Infinity)
    expect(tCdf(Infinity, 5)).toBe(1)
    expect(tTwoSidedP(0, 5)).toBe(1)
    expect(tCdf(Number.NaN, 5)).toBeNaN()
  })
})
