/**
 * TensorBoard-style debiased exponential moving average, made independent of the sampling.
 *
 * TensorBoard (tensorboard/components/vz_line_chart2/line-chart.ts, `resmoothDataset`) smooths per point:
 *   last = last·w + (1 − w)·y_k;  smoothed_k = last / (1 − w^k)
 * which is the weighted mean Σ_j w^{k−j} y_j / Σ_j w^{k−j}: "debiased" because dividing by 1 − w^k removes the pull
 * towards the zero the average starts from. Per-point weights make the result depend on how densely the curve is
 * sampled: the same run smooths differently at full resolution and after the store's downsampling.
 *
 * Here the decay is measured in x instead of in points. Each point gets the decay d_k = w^{(x_k − x_{k−1}) / scale},
 * and the update becomes last = last·d_k + (1 − d_k)·y_k with debiasing by 1 − Π d. This is exactly the exponential
 * kernel average ∫ e^{−(x−u)/τ} y(u) du / ∫ e^{−(x−u)/τ} du (τ = −scale / ln w) of the step function that holds each
 * y_k over (x_{k−1}, x_k] — so it smooths the curve, not the points: thinning or thickening the samples changes the
 * result only as much as it changes the curve. With evenly spaced points `scale` apart it equals TensorBoard exactly.
 * The first point counts as covering one `scale` before it (TensorBoard's (1 − w) weight).
 *
 * Non-finite values (NaN, ±Infinity) are passed through unchanged at their own position and left out of the average,
 * as in TensorBoard. Unlike TensorBoard, which acts as if such a point had never been logged, the next finite point
 * holds over the whole gap (its interval reaches back to the previous finite point), as the curve reading requires. A series whose finite values are all equal is returned
 * unchanged (no rounding noise). Points must be in non-decreasing x order; a point at the same x as the previous one
 * has zero width and so no weight of its own.
 */

/** The x distance over which a weight-w EMA decays by w, for a chart spanning [xMin, xMax]: (xMax − xMin) / (points − 1). */
export function smoothingScale(xMin: number, xMax: number, points = 1000): number {
  const span = xMax - xMin
  return span > 0 ? span / (points - 1) : 1
}

export interface EmaOptions {
  /**
   * The x distance over which the average decays by `weight`. Default: the series' x range / 999, i.e. TensorBoard's
   * smoothing of a 1,000-point curve. Charts that overlay several runs should pass one shared scale (e.g.
   * smoothingScale over the full x range of all runs), so one slider value smooths every run alike.
   */
  scale?: number
}

/**
 * Debiased EMA of `y` at positions `x` (default 0, 1, 2, … which reproduces TensorBoard) with smoothing weight
 * `weight` in [0, 1); 0 returns the values unchanged.
 */
export function emaSmooth(y: readonly number[], weight: number, x?: readonly number[], options: EmaOptions = {}): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`The smoothing weight must be in [0, 1), got ${weight}`)
  if (x && x.length !== y.length) throw new RangeError(`emaSmooth needs as many x as y values (got ${x.length} and ${y.length})`)
  const xs = x ?? y.map((_, i) => i)
  let scale = options.scale
  if (scale === undefined) {
    if (x) {
      const finite = xs.filter(Number.isFinite)
      scale = finite.length > 1 ? smoothingScale(finite[0] as number, finite[finite.length - 1] as number) : 1
    } else scale = 1
  }
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`The smoothing scale must be a positive number, got ${scale}`)
  const finite = y.filter(Number.isFinite)
  if (weight === 0 || finite.every((v) => v === finite[0])) return [...y]
  const lnW = Math.log(weight)
  const out: number[] = []
  let last = 0
  let lnRemaining = 0 // ln Π d: how much of the (zero) initial value is still in `last`
  let prevX: number | null = null
  for (let k = 0; k < y.length; k++) {
    const yk = y[k] as number
    const xk = xs[k] as number
    if (!Number.isFinite(yk) || !Number.isFinite(xk)) {
      out.push(Number.isFinite(xk) ? yk : NaN)
      continue
    }
    if (prevX !== null && xk < prevX) throw new RangeError(`emaSmooth needs x in non-decreasing order (x[${k}] = ${xk} < ${prevX})`)
    const width = prevX === null ? scale : xk - prevX
    const lnD = (width / scale) * lnW // ln d_k ≤ 0
    const keep = Math.exp(lnD)
    const take = -Math.expm1(lnD) // 1 − d_k without cancellation for tiny widths
    last = last * keep + take * yk
    lnRemaining += lnD
    out.push(last / -Math.expm1(lnRemaining))
    prevX = xk
  }
  return out
}
