/**
 * Debiased exponential moving average, as TensorBoard draws it: a plain EMA started at 0 is pulled towards 0 for its
 * first points, so each value is divided by (1 − w^n), the weight the EMA has actually accumulated. Non-finite values
 * (a NaN loss after divergence) pass through unsmoothed and do not poison the rest of the curve.
 *
 * Kept in one small function so it can be replaced by src/shared/stats once that lands with the same semantics.
 */
export function debiasedEma(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999)
  if (w === 0) return values.slice()
  const out = new Array<number>(values.length)
  let last = 0
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) {
      out[i] = v
      continue
    }
    last = last * w + (1 - w) * v
    n++
    out[i] = last / (1 - Math.pow(w, n))
  }
  return out
}

/** Smooths the y of [x, y] points, keeping x. */
export function smoothPoints(points: ReadonlyArray<readonly [number, number]>, weight: number): Array<[number, number]> {
  const ys = debiasedEma(
    points.map((p) => p[1]),
    weight
  )
  return points.map((p, i) => [p[0], ys[i]!])
}
