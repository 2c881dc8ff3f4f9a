/**
 * Two-sample comparisons of means: Welch's t-test, the paired t-test, Hedges' g, and Holm's adjustment.
 *
 * Sign convention everywhere: differences are **a − b** (first argument minus second). A positive `estimate` or `g`
 * means a's mean is larger. Whether larger is better depends on the metric and is decided by the caller (see
 * compare.ts). Tests that cannot be computed (too few values, no variance) return `{ok: false, reason}` in words,
 * never NaN.
 */
import { describe, tInterval, type Interval } from './descriptive'
import { lnGamma, tTwoSidedP } from './special'

export interface TTest {
  /** Difference of means a − b (Welch), or mean of the paired differences a_i − b_i (paired). */
  estimate: number
  /** Standard error of the estimate. */
  se: number
  t: number
  /** Degrees of freedom: Welch–Satterthwaite (Welch), n − 1 (paired). */
  df: number
  /** Two-sided p-value for H0: the true difference is 0. */
  p: number
  /** 95% confidence interval of the difference. */
  ci95: Interval
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: string }

/** The sufficient statistics of one sample. */
export interface SampleStats {
  n: number
  mean: number
  sd: number
}

function tTestFrom(estimate: number, se: number, df: number): Outcome<TTest> {
  if (se === 0) {
    return {
      ok: false,
      reason:
        estimate === 0
          ? 'all values are identical, so there is no variation to test against'
          : 'the values do not vary within the groups, so the t statistic is undefined (the standard error is 0)'
    }
  }
  const t = estimate / se
  return { ok: true, estimate, se, t, df, p: tTwoSidedP(t, df), ci95: tInterval(estimate, se, df) }
}

/**
 * Welch's unequal-variances t-test from summary statistics (Welch 1947; Satterthwaite 1946):
 * se = √(s_a²/n_a + s_b²/n_b), df = se⁴ / [(s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)].
 */
export function welchFromStats(a: SampleStats, b: SampleStats): Outcome<TTest> {
  if (a.n < 2 || b.n < 2) {
    return { ok: false, reason: `Welch's test needs at least 2 values per group (got ${a.n} and ${b.n})` }
  }
  const va = (a.sd * a.sd) / a.n
  const vb = (b.sd * b.sd) / b.n
  const se = Math.sqrt(va + vb)
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1))
  return tTestFrom(a.mean - b.mean, se, df)
}

/** Welch's t-test of mean(a) − mean(b). Non-finite values are left out. */
export function welchTest(a: readonly number[], b: readonly number[]): Outcome<TTest> {
  const sa = describe(a)
  const sb = describe(b)
  if (sa.sd === null || sb.sd === null) {
    return { ok: false, reason: `Welch's test needs at least 2 finite values per group (got ${sa.n} and ${sb.n})` }
  }
  return welchFromStats({ n: sa.n, mean: sa.mean as number, sd: sa.sd }, { n: sb.n, mean: sb.mean as number, sd: sb.sd })
}

/** Paired t-test on the differences a[i] − b[i]; pairs with a non-finite member are left out. */
export function pairedTest(a: readonly number[], b: readonly number[]): Outcome<TTest & { n: number }> {
  if (a.length !== b.length) throw new RangeError(`pairedTest needs arrays of equal length (got ${a.length} and ${b.length})`)
  const diffs: number[] = []
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (Number.isFinite(d)) diffs.push(d)
  }
  const s = describe(diffs)
  if (s.se === null || s.df === null) return { ok: false, reason: `the paired test needs at least 2 complete pairs (got ${s.n})` }
  const result = tTestFrom(s.mean as number, s.se, s.df)
  return result.ok ? { ...result, n: s.n } : result
}

/**
 * Hedges' exact small-sample correction J(m) = Γ(m/2) / (√(m/2) · Γ((m−1)/2)) for m = n_a + n_b − 2 degrees of
 * freedom (Hedges 1981, eq. 6e; Hedges & Olkin 1985, ch. 5). J(m) ≈ 1 − 3/(4m − 1).
 */
export function hedgesJ(m: number): number {
  if (!(m > 1)) throw new RangeError(`Hedges' J needs more than 1 degree of freedom, got ${m}`)
  return Math.exp(lnGamma(m / 2) - lnGamma((m - 1) / 2) - 0.5 * Math.log(m / 2))
}

export interface EffectSize {
  /** Hedges' g = J · d: the bias-corrected standardized mean difference (a − b). */
  g: number
  /** Cohen's d = (mean_a − mean_b) / s_pooled, with s_pooled² = ((n_a−1)s_a² + (n_b−1)s_b²) / (n_a + n_b − 2). */
  d: number
  /** The correction factor J applied to d. */
  j: number
  /** The pooled standard deviation used as the standardizer. */
  pooledSd: number
}

/**
 * Hedges' g of a − b (positive when a's mean is larger), standardized by the pooled SD of the two groups. The same
 * between-groups standardizer is used for paired data, so g measures the difference in units of run-to-run spread and
 * is comparable across paired and unpaired comparisons.
 */
export function hedgesGFromStats(a: SampleStats, b: SampleStats): Outcome<EffectSize> {
  const m = a.n + b.n - 2
  if (a.n < 1 || b.n < 1 || m < 2) {
    return { ok: false, reason: `Hedges' g needs at least 4 values in total with one per group (got ${a.n} and ${b.n})` }
  }
  const pooledSd = Math.sqrt(((a.n - 1) * a.sd * a.sd + (b.n - 1) * b.sd * b.sd) / m)
  if (pooledSd === 0) return { ok: false, reason: 'the values do not vary within the groups, so a standardized difference is undefined' }
  const d = (a.mean - b.mean) / pooledSd
  const j = hedgesJ(m)
  return { ok: true, g: j * d, d, j, pooledSd }
}

/** Hedges' g of mean(a) − mean(b). Non-finite values are left out. */
export function hedgesG(a: readonly number[], b: readonly number[]): Outcome<EffectSize> {
  const sa = describe(a)
  const sb = describe(b)
  if (sa.mean === null || sb.mean === null) return { ok: false, reason: 'each group needs at least one finite value' }
  return hedgesGFromStats({ n: sa.n, mean: sa.mean, sd: sa.sd ?? 0 }, { n: sb.n, mean: sb.mean, sd: sb.sd ?? 0 })
}

/**
 * Holm's step-down adjustment of p-values for multiple comparisons (Holm 1979); same results as R's
 * p.adjust(p, "holm"). Controls the family-wise error rate; never less powerful than Bonferroni.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust needs p-values in [0, 1], got ${p}`)
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p)
  const adjusted = new Array<number>(m)
  let running = 0
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p))
    adjusted[i] = running
  })
  return adjusted
}
