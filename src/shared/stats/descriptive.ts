/**
 * Descriptive statistics of one sample: n, mean, SD, SE and the 95% t-interval of the mean.
 *
 * Non-finite values (NaN, ±Infinity — e.g. the loss of a run that diverged) are never averaged in silently: they are
 * left out and counted in `dropped`, so callers can say so. Quantities that need more data than there is are `null`,
 * never NaN: the SD needs n ≥ 2, the mean n ≥ 1.
 */
import { tQuantile } from './special'

/** A closed interval [lower, upper]. */
export type Interval = [number, number]

export interface Summary {
  /** Finite values used. */
  n: number
  /** Non-finite values left out. */
  dropped: number
  mean: number | null
  /** Sample standard deviation with the n − 1 denominator; null when n < 2. */
  sd: number | null
  /** Standard error of the mean, sd / √n; null when n < 2. */
  se: number | null
  /** Degrees of freedom of the t-interval, n − 1; null when n < 2. */
  df: number | null
  /** 95% t-interval of the mean, mean ± t(0.975, n − 1) · se; null when n < 2. */
  ci95: Interval | null
  min: number | null
  max: number | null
}

/** The finite values of `values` and how many were not finite. */
export function finiteValues(values: readonly number[]): { values: number[]; dropped: number } {
  const kept: number[] = []
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) kept.push(v)
  return { values: kept, dropped: values.length - kept.length }
}

/** Arithmetic mean; null for an empty sample. Two-pass with a correction term for accuracy on large offsets. */
export function mean(values: readonly number[]): number | null {
  const n = values.length
  if (n === 0) return null
  let sum = 0
  for (const v of values) sum += v
  const m = sum / n
  // Second pass: the mean of the residuals corrects the rounding of the first pass (Higham, §1.9).
  let r = 0
  for (const v of values) r += v - m
  return m + r / n
}

/** Sample variance (n − 1 denominator), by the corrected two-pass algorithm (Chan, Golub & LeVeque 1983); null when n < 2. */
export function variance(values: readonly number[]): number | null {
  const n = values.length
  if (n < 2) return null
  const m = mean(values) as number
  let ss = 0
  let comp = 0
  for (const v of values) {
    const d = v - m
    ss += d * d
    comp += d
  }
  return Math.max(0, (ss - (comp * comp) / n) / (n - 1))
}

/** Sample standard deviation (n − 1 denominator); null when n < 2. */
export function sd(values: readonly number[]): number | null {
  const v = variance(values)
  return v === null ? null : Math.sqrt(v)
}

/** Two-sided t-interval at `level` for a mean with standard error `se` and `df` degrees of freedom. */
export function tInterval(center: number, se: number, df: number, level = 0.95): Interval {
  if (!(level > 0 && level < 1)) throw new RangeError(`A confidence level must be in (0, 1), got ${level}`)
  const half = tQuantile(1 - (1 - level) / 2, df) * se
  return [center - half, center + half]
}

/** n, mean, SD, SE and the 95% t-interval of the finite values in `values` (see {@link Summary}). */
export function describe(values: readonly number[]): Summary {
  const { values: xs, dropped } = finiteValues(values)
  const n = xs.length
  const m = mean(xs)
  let min: number | null = null
  let max: number | null = null
  for (const v of xs) {
    if (min === null || v < min) min = v
    if (max === null || v > max) max = v
  }
  const s = sd(xs)
  if (m === null || s === null) return { n, dropped, mean: m, sd: null, se: null, df: null, ci95: null, min, max }
  const se = s / Math.sqrt(n)
  return { n, dropped, mean: m, sd: s, se, df: n - 1, ci95: tInterval(m, se, n - 1), min, max }
}

/**
 * Sample quantile by linear interpolation between order statistics (Hyndman & Fan 1996 type 7; R's default,
 * NumPy's 'linear'). `sorted` must be sorted ascending and non-empty.
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantileSorted needs at least one value')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted needs p in [0, 1], got ${p}`)
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, sorted.length - 1)
  const a = sorted[lo] as number
  const b = sorted[hi] as number
  return a + (h - lo) * (b - a)
}
