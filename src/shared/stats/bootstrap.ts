/**
 * Bootstrap confidence intervals for a difference of means (Efron & Tibshirani 1993, An Introduction to the
 * Bootstrap, ch. 13–14), deterministic for a given seed.
 *
 * Unpaired: each group is resampled with replacement on its own (the two-sample bootstrap, E&T §8.3). Paired: the
 * pairs are resampled, i.e. the differences a_i − b_i. Two intervals are reported:
 * - percentile: the 2.5% and 97.5% quantiles of the bootstrap replicates (type-7 quantiles, as NumPy and R);
 * - BCa (bias-corrected and accelerated, E&T eq. 14.9–14.15): the percentile levels are shifted by the bias correction
 *   z0 (from the share of replicates below the estimate, ties counted half) and the acceleration a (from the
 *   jackknife, per sample for two samples, as SciPy's `bootstrap` does). BCa is second-order accurate and is the one
 *   to report; it is null when it is undefined (every replicate on one side of the estimate, or no jackknife spread).
 * Bootstrap intervals are too narrow for very small samples (they ignore the uncertainty in the SD that the t
 * interval accounts for); with fewer than about 10 values per group prefer the t-based intervals.
 */
import { quantileSorted, type Interval } from './descriptive'
import { normalCdf, normalQuantile } from './special'
import { createRng } from '../random'

export interface BootstrapOptions {
  /** Number of bootstrap resamples; default 10,000. */
  resamples?: number
  /** Seed of the resampling stream; the same seed and data always give the same interval. Default 1. */
  seed?: number
  /** Confidence level; default 0.95. */
  level?: number
}

export interface BootstrapResult {
  /** The observed statistic: mean(a) − mean(b), or the mean of the paired differences. */
  estimate: number
  paired: boolean
  resamples: number
  seed: number
  level: number
  percentile: Interval
  /** Null when BCa is undefined for these data (see the module comment). */
  bca: Interval | null
  /** Bias correction z0 and acceleration a of the BCa interval (null with it). */
  z0: number | null
  acceleration: number | null
}

export type BootstrapOutcome = ({ ok: true } & BootstrapResult) | { ok: false; reason: string }

function sum(xs: readonly number[]): number {
  let s = 0
  for (const x of xs) s += x
  return s
}

/** Percentile interval from bootstrap replicates (any order). */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): Interval {
  const sorted = Float64Array.from(replicates).sort()
  const alpha = (1 - level) / 2
  const xs = sorted as unknown as number[]
  return [quantileSorted(xs, alpha), quantileSorted(xs, 1 - alpha)]
}

/**
 * BCa interval from the observed statistic, its bootstrap replicates and its jackknife (leave-one-out) values, one
 * array per sample. Exposed so it can be checked against an independent implementation on the same replicates.
 */
export function bcaInterval(
  estimate: number,
  replicates: ArrayLike<number>,
  jackknife: readonly (readonly number[])[],
  level = 0.95
): { interval: Interval; z0: number; acceleration: number } | null {
  const sorted = Float64Array.from(replicates).sort()
  const B = sorted.length
  let below = 0
  let belowOrEqual = 0
  for (const r of sorted) {
    if (r < estimate) below++
    if (r <= estimate) belowOrEqual++
  }
  const share = (below + belowOrEqual) / (2 * B)
  if (share <= 0 || share >= 1) return null
  const z0 = normalQuantile(share)
  let num = 0
  let den = 0
  for (const values of jackknife) {
    const n = values.length
    if (n < 2) return null
    const avg = sum(values) / n
    let s2 = 0
    let s3 = 0
    for (const v of values) {
      const u = (n - 1) * (avg - v)
      s2 += u * u
      s3 += u * u * u
    }
    num += s3 / n ** 3
    den += s2 / n ** 2
  }
  if (!(den > 0)) return null
  const acceleration = num / (6 * den ** 1.5)
  const alpha = (1 - level) / 2
  const adjust = (z: number): number => normalCdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z)))
  const lo = adjust(normalQuantile(alpha))
  const hi = adjust(normalQuantile(1 - alpha))
  if (!(lo >= 0 && lo <= 1 && hi >= 0 && hi <= 1)) return null
  const xs = sorted as unknown as number[]
  return { interval: [quantileSorted(xs, lo), quantileSorted(xs, hi)], z0, acceleration }
}

function leaveOneOutMeans(xs: readonly number[]): number[] {
  const total = sum(xs)
  return xs.map((x) => (total - x) / (xs.length - 1))
}

function resolve(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? 10_000
  const seed = options.seed ?? 1
  const level = options.level ?? 0.95
  if (!Number.isInteger(resamples) || resamples < 100) throw new RangeError(`resamples must be an integer ≥ 100, got ${resamples}`)
  if (!(level > 0 && level < 1)) throw new RangeError(`A confidence level must be in (0, 1), got ${level}`)
  return { resamples, seed, level }
}

function finish(
  estimate: number,
  replicates: Float64Array,
  jackknife: number[][],
  paired: boolean,
  o: Required<BootstrapOptions>
): BootstrapResult {
  const bca = bcaInterval(estimate, replicates, jackknife, o.level)
  return {
    estimate,
    paired,
    resamples: o.resamples,
    seed: o.seed,
    level: o.level,
    percentile: percentileInterval(replicates, o.level),
    bca: bca?.interval ?? null,
    z0: bca?.z0 ?? null,
    acceleration: bca?.acceleration ?? null
  }
}

/** Two-sample bootstrap of mean(a) − mean(b); non-finite values are left out; each group needs ≥ 2 values. */
export function bootstrapMeanDiff(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): BootstrapOutcome {
  const o = resolve(options)
  const xa = a.filter(Number.isFinite)
  const xb = b.filter(Number.isFinite)
  if (xa.length < 2 || xb.length < 2) {
    return { ok: false, reason: `the bootstrap needs at least 2 finite values per group (got ${xa.length} and ${xb.length})` }
  }
  const rng = createRng(o.seed)
  const replicates = new Float64Array(o.resamples)
  for (let r = 0; r < o.resamples; r++) {
    let sa = 0
    for (let i = 0; i < xa.length; i++) sa += xa[rng.int(xa.length)] as number
    let sb = 0
    for (let i = 0; i < xb.length; i++) sb += xb[rng.int(xb.length)] as number
    replicates[r] = sa / xa.length - sb / xb.length
  }
  const ma = sum(xa) / xa.length
  const mb = sum(xb) / xb.length
  const jackknife = [leaveOneOutMeans(xa).map((m) => m - mb), leaveOneOutMeans(xb).map((m) => ma - m)]
  return { ok: true, ...finish(ma - mb, replicates, jackknife, false, o) }
}

/** Paired bootstrap of the mean of a[i] − b[i] (pairs resampled together); incomplete pairs are left out. */
export function bootstrapPairedMeanDiff(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): BootstrapOutcome {
  if (a.length !== b.length) throw new RangeError(`a paired bootstrap needs arrays of equal length (got ${a.length} and ${b.length})`)
  const o = resolve(options)
  const d: number[] = []
  for (let i = 0; i < a.length; i++) {
    const v = (a[i] as number) - (b[i] as number)
    if (Number.isFinite(v)) d.push(v)
  }
  if (d.length < 2) return { ok: false, reason: `the paired bootstrap needs at least 2 complete pairs (got ${d.length})` }
  const rng = createRng(o.seed)
  const replicates = new Float64Array(o.resamples)
  for (let r = 0; r < o.resamples; r++) {
    let s = 0
    for (let i = 0; i < d.length; i++) s += d[rng.int(d.length)] as number
    replicates[r] = s / d.length
  }
  return { ok: true, ...finish(sum(d) / d.length, replicates, [leaveOneOutMeans(d)], true, o) }
}
