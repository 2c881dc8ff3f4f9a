/**
 * Group curves: runs that share a cell or a hyperparameter value become one mean curve with a band. The band is
 * either ±1 standard deviation (how much runs differ) or a 95 % t-interval of the mean (how sure we are of the mean):
 * with 3 seeds the right multiplier is t(0.975, 2) = 4.30, not 1.96, so the quantile is computed, not assumed.
 *
 * The Student-t quantile lives here until src/shared/stats provides one; it is exact to ~1e-10 (regularized
 * incomplete beta by continued fraction, inverted by bisection), which is plenty for drawing a band.
 */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  x -= 1
  let a = c[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-14) break
  }
  return h
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t)
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5)
  return t >= 0 ? 1 - tail : tail
}

/** The p-quantile of Student's t (e.g. p = 0.975, df = 2 → 4.3027). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN
  if (p === 0.5) return 0
  if (p < 0.5) return -studentTQuantile(1 - p, df)
  let lo = 0
  let hi = 1
  while (studentTCdf(hi, df) < p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2
    if (studentTCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

export type BandKind = 'sd' | 'ci95'

export interface GroupCurve {
  x: number[]
  mean: number[]
  lower: number[]
  upper: number[]
  /** How many member curves cover each x (the band needs at least two). */
  n: number[]
}

/** Linear interpolation of a sorted curve at x; NaN outside its range (a member that stopped early does not count there). */
export function interpolateAt(points: ReadonlyArray<readonly [number, number]>, x: number): number {
  if (points.length === 0) return NaN
  const first = points[0]!
  const last = points[points.length - 1]!
  if (x < first[0] || x > last[0]) return NaN
  let lo = 0
  let hi = points.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (points[mid]![0] <= x) lo = mid
    else hi = mid
  }
  const a = points[lo]!
  const b = points[hi]!
  if (b[0] === a[0]) return a[1]
  if (x === a[0]) return a[1]
  if (x === b[0]) return b[1]
  return a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])
}

/**
 * Mean curve and band of member curves. The x grid is the union of the members' x values when they share them (epochs,
 * steps of identical configs) and fits the budget; otherwise an even grid of `maxPoints` over the covered range.
 */
export function groupCurve(members: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, band: BandKind, maxPoints = 500): GroupCurve {
  const nonEmpty = members.filter((m) => m.length > 0)
  if (nonEmpty.length === 0) return { x: [], mean: [], lower: [], upper: [], n: [] }
  const xs = new Set<number>()
  for (const m of nonEmpty) for (const p of m) xs.add(p[0])
  let grid = [...xs].sort((a, b) => a - b)
  if (grid.length > maxPoints) {
    const lo = grid[0]!
    const hi = grid[grid.length - 1]!
    grid = Array.from({ length: maxPoints }, (_, i) => lo + ((hi - lo) * i) / (maxPoints - 1))
  }
  const out: GroupCurve = { x: [], mean: [], lower: [], upper: [], n: [] }
  for (const x of grid) {
    const ys = nonEmpty.map((m) => interpolateAt(m, x)).filter((y) => Number.isFinite(y))
    if (ys.length === 0) continue
    const n = ys.length
    const mean = ys.reduce((s, y) => s + y, 0) / n
    let half = NaN
    if (n >= 2) {
      const sd = Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (n - 1))
      half = band === 'sd' ? sd : studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n))
    }
    out.x.push(x)
    out.mean.push(mean)
    out.lower.push(Number.isFinite(half) ? mean - half : mean)
    out.upper.push(Number.isFinite(half) ? mean + half : mean)
    out.n.push(n)
  }
  return out
}

/** Splits items into groups by a key, in first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<{ key: string; items: T[] }> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return [...map].map(([k, list]) => ({ key: k, items: list }))
}
