/**
 * Learning curves of several runs on one common x grid, with a mean curve and SD / 95% t-interval bands.
 *
 * Interpolation is linear between a run's own points and never extrapolates: outside a run's [first x, last x] the
 * run is absent (null), and so is any grid point whose bracketing pair of points includes a non-finite value (a NaN
 * loss is a hole, not something to draw a line across). Ragged ends — runs of different lengths, early stopping —
 * are therefore handled by letting n shrink: each grid point is summarized over the runs that cover it, and `n` says
 * how many. Beware that where n shrinks the mean is over the surviving runs only; `ends: 'common'` instead cuts the
 * band where the first run ends, so every point is a mean over all runs.
 */
import { tQuantile } from './special'

export interface Series {
  x: readonly number[]
  y: readonly number[]
}

/** Sorts a series by x (stable), drops points with a non-finite x, and checks its shape. */
function sortedPoints(series: Series): { x: number[]; y: number[] } {
  if (series.x.length !== series.y.length) {
    throw new RangeError(`A series needs as many x as y values (got ${series.x.length} and ${series.y.length})`)
  }
  const idx = series.x.map((_, i) => i).filter((i) => Number.isFinite(series.x[i]))
  idx.sort((i, j) => (series.x[i] as number) - (series.x[j] as number) || i - j)
  // Several points at one x (a metric logged twice): the last one logged stands for that x.
  const kept = idx.filter((i, k) => k === idx.length - 1 || series.x[idx[k + 1] as number] !== series.x[i])
  return { x: kept.map((i) => series.x[i] as number), y: kept.map((i) => series.y[i] as number) }
}

/**
 * Linear interpolation of `series` at each x of `grid` (any order). Null outside the series' x range and next to
 * non-finite y. Where several points share an x, the last one logged stands for that x (the others are ignored).
 */
export function interpolate(series: Series, grid: readonly number[]): (number | null)[] {
  const { x, y } = sortedPoints(series)
  const n = x.length
  return grid.map((g) => {
    if (n === 0 || !(g >= (x[0] as number) && g <= (x[n - 1] as number))) return null
    // Last index with x[i] <= g (binary search).
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((x[mid] as number) <= g) lo = mid
      else hi = mid - 1
    }
    const x0 = x[lo] as number
    const y0 = y[lo] as number
    if (x0 === g) return Number.isFinite(y0) ? y0 : null
    const x1 = x[lo + 1] as number
    const y1 = y[lo + 1] as number
    if (!Number.isFinite(y0) || !Number.isFinite(y1)) return null
    return y0 + ((g - x0) / (x1 - x0)) * (y1 - y0)
  })
}

export interface GridOptions {
  /** At most this many grid points (default 200). */
  maxPoints?: number
}

/**
 * A common grid for several series: the union of their x values when that has at most `maxPoints` points (so
 * per-epoch metrics keep their epochs exactly), else `maxPoints` evenly spaced points over the union's range.
 */
export function commonGrid(series: readonly Series[], options: GridOptions = {}): number[] {
  const maxPoints = options.maxPoints ?? 200
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be an integer ≥ 2, got ${maxPoints}`)
  const all = new Set<number>()
  for (const s of series) for (const v of s.x) if (Number.isFinite(v)) all.add(v)
  const xs = [...all].sort((a, b) => a - b)
  if (xs.length <= maxPoints) return xs
  const lo = xs[0] as number
  const hi = xs[xs.length - 1] as number
  return Array.from({ length: maxPoints }, (_, i) => (i === maxPoints - 1 ? hi : lo + ((hi - lo) * i) / (maxPoints - 1)))
}

export interface CurveBand {
  x: number[]
  /** Runs that cover each grid point. */
  n: number[]
  mean: (number | null)[]
  /** SD across runs (n − 1); null where n < 2. */
  sd: (number | null)[]
  /** 95% t-interval of the mean across runs (t quantile for n − 1 df); null where n < 2. */
  ci95Lower: (number | null)[]
  ci95Upper: (number | null)[]
}

export interface BandOptions extends GridOptions {
  /** The grid; default commonGrid(series, options). */
  grid?: readonly number[]
  /** 'shrink' (default): each point over the runs covering it. 'common': only points that every run covers. */
  ends?: 'shrink' | 'common'
}

/** Mean curve with SD and 95% t-interval bands across `series` on a common grid (see the module comment). */
export function curveBand(series: readonly Series[], options: BandOptions = {}): CurveBand {
  let grid = [...(options.grid ?? commonGrid(series, options))]
  let values = series.map((s) => interpolate(s, grid))
  if ((options.ends ?? 'shrink') === 'common') {
    const keep = grid.map((_, i) => values.every((v) => v[i] !== null))
    grid = grid.filter((_, i) => keep[i])
    values = values.map((v) => v.filter((_, i) => keep[i]))
  }
  const band: CurveBand = { x: grid, n: [], mean: [], sd: [], ci95Lower: [], ci95Upper: [] }
  grid.forEach((_, i) => {
    const ys: number[] = []
    for (const v of values) {
      const y = v[i]
      if (y !== null && y !== undefined) ys.push(y)
    }
    const n = ys.length
    band.n.push(n)
    if (n === 0) {
      band.mean.push(null)
      band.sd.push(null)
      band.ci95Lower.push(null)
      band.ci95Upper.push(null)
      return
    }
    let m = 0
    for (const y of ys) m += y
    m /= n
    band.mean.push(m)
    if (n < 2) {
      band.sd.push(null)
      band.ci95Lower.push(null)
      band.ci95Upper.push(null)
      return
    }
    let ss = 0
    for (const y of ys) ss += (y - m) ** 2
    const s = Math.sqrt(ss / (n - 1))
    const half = tQuantile(0.975, n - 1) * (s / Math.sqrt(n))
    band.sd.push(s)
    band.ci95Lower.push(m - half)
    band.ci95Upper.push(m + half)
  })
  return band
}
