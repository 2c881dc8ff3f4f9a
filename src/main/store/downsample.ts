/**
 * Host-side downsampling of metric series for charts: M4 aggregation (Jugel et al., "M4: A Visualization-Oriented Time
 * Series Data Aggregation", VLDB 2014). The x range is cut into equal buckets, and each bucket keeps its first, last,
 * minimum and maximum point. A line drawn through those points is the line drawn through all of them at one bucket
 * per pixel column, so peaks and spikes (a diverging loss) never vanish; the first and last point of the series and
 * its global extremes are always among the kept points.
 *
 * Several runs are downsampled on the SAME buckets (one `Buckets` for all), so a comparison chart never shows two runs
 * sampled at different x positions. Pure functions: the store feeds rows in, tests feed arrays in.
 */

export interface Buckets {
  lo: number
  hi: number
  count: number
}

/** Buckets over [lo, hi] for a budget of `points` per series: four points per bucket at most. */
export function makeBuckets(lo: number, hi: number, points: number): Buckets {
  return { lo, hi, count: Math.max(1, Math.floor(points / 4)) }
}

/** The bucket of x. The store computes the same expression in SQL, `(x - lo) * (count / (hi - lo))`, so both agree to the bit. */
export function bucketOf(b: Buckets, x: number): number {
  if (b.hi <= b.lo) return 0
  const i = Math.floor((x - b.lo) * (b.count / (b.hi - b.lo)))
  return i < 0 ? 0 : i >= b.count ? b.count - 1 : i
}

export interface XY {
  x: number[]
  y: number[]
}

/**
 * Accumulates one series point by point (in any order) and returns either every point, when they fit the budget, or
 * the M4 points of each bucket. Points whose value is null (NaN) are counted but cannot be drawn, so they are skipped.
 */
export class M4 {
  private readonly firstX: Float64Array
  private readonly firstY: Float64Array
  private readonly lastX: Float64Array
  private readonly lastY: Float64Array
  private readonly minX: Float64Array
  private readonly minY: Float64Array
  private readonly maxX: Float64Array
  private readonly maxY: Float64Array
  private readonly used: Uint8Array
  private readonly rawX: number[] = []
  private readonly rawY: number[] = []
  private sorted = true
  /** Points added (drawable ones). */
  count = 0

  constructor(
    private readonly buckets: Buckets,
    private readonly budget: number
  ) {
    const n = buckets.count
    this.firstX = new Float64Array(n)
    this.firstY = new Float64Array(n)
    this.lastX = new Float64Array(n)
    this.lastY = new Float64Array(n)
    this.minX = new Float64Array(n)
    this.minY = new Float64Array(n)
    this.maxX = new Float64Array(n)
    this.maxY = new Float64Array(n)
    this.used = new Uint8Array(n)
  }

  add(x: number, y: number | null): void {
    if (y === null || Number.isNaN(y)) return
    this.count++
    if (this.count <= this.budget) {
      if (this.rawX.length > 0 && x < this.rawX[this.rawX.length - 1]!) this.sorted = false
      this.rawX.push(x)
      this.rawY.push(y)
    }
    const i = bucketOf(this.buckets, x)
    if (!this.used[i]) {
      this.used[i] = 1
      this.firstX[i] = this.lastX[i] = this.minX[i] = this.maxX[i] = x
      this.firstY[i] = this.lastY[i] = this.minY[i] = this.maxY[i] = y
      return
    }
    // Strict comparisons keep the earliest of equal x (first) and the latest (last), and the first extreme reached.
    if (x < this.firstX[i]!) {
      this.firstX[i] = x
      this.firstY[i] = y
    }
    if (x >= this.lastX[i]!) {
      this.lastX[i] = x
      this.lastY[i] = y
    }
    if (y < this.minY[i]!) {
      this.minX[i] = x
      this.minY[i] = y
    }
    if (y > this.maxY[i]!) {
      this.maxX[i] = x
      this.maxY[i] = y
    }
  }

  /** True when the result is every point (the series fits the budget), false when it is M4-reduced. */
  get complete(): boolean {
    return this.count <= this.budget
  }

  result(): XY {
    if (this.complete) {
      if (this.sorted) return { x: this.rawX, y: this.rawY }
      const order = this.rawX.map((_, i) => i).sort((a, b) => this.rawX[a]! - this.rawX[b]! || a - b)
      return { x: order.map((i) => this.rawX[i]!), y: order.map((i) => this.rawY[i]!) }
    }
    const x: number[] = []
    const y: number[] = []
    const take = (px: number, py: number): void => {
      // The four points of a bucket often coincide (the first is also the minimum): keep each once.
      const n = x.length
      if (n > 0 && x[n - 1] === px && y[n - 1] === py) return
      if (n > 1 && x[n - 2] === px && y[n - 2] === py) return
      x.push(px)
      y.push(py)
    }
    for (let i = 0; i < this.buckets.count; i++) {
      if (!this.used[i]) continue
      const pts: [number, number][] = [
        [this.firstX[i]!, this.firstY[i]!],
        [this.minX[i]!, this.minY[i]!],
        [this.maxX[i]!, this.maxY[i]!],
        [this.lastX[i]!, this.lastY[i]!]
      ]
      pts.sort((a, b) => a[0] - b[0])
      for (const [px, py] of pts) take(px, py)
    }
    return { x, y }
  }
}

/** Downsamples arrays in one call: for tests and for callers that already hold a series in memory. */
export function downsampleM4(xs: ArrayLike<number>, ys: ArrayLike<number | null>, buckets: Buckets, budget: number): XY {
  const m4 = new M4(buckets, budget)
  for (let i = 0; i < xs.length; i++) m4.add(xs[i]!, ys[i] ?? null)
  return m4.result()
}
