/**
 * Smoothing for charts, on top of the shared statistics (src/shared/stats/smoothing.ts): a debiased EMA whose decay is
 * measured in x, so a run drawn from 2,000 downsampled points and the same run zoomed to full resolution smooth alike.
 * Charts that overlay runs pass one scale for all of them, so one slider value smooths every run the same way.
 */
import { emaSmooth } from '../../../shared/stats'

/** The slider's weight, kept inside [0, 0.999] (1 would freeze the curve at its first value). */
export function clampWeight(weight: number): number {
  return Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), 0.999)
}

/**
 * One smoothing scale for several curves: the mean point spacing of the most finely sampled one. The slider then acts
 * like TensorBoard's per-point smoothing on that curve and smooths the others over the same x distance. Computed from
 * the overview (not the zoomed detail), so zooming in does not change how smooth a curve looks.
 */
export function sharedScale(curves: Iterable<ReadonlyArray<readonly [number, number]>>): number {
  let best = Infinity
  for (const c of curves) {
    if (c.length < 2) continue
    const spacing = (c[c.length - 1]![0] - c[0]![0]) / (c.length - 1)
    if (spacing > 0 && spacing < best) best = spacing
  }
  return Number.isFinite(best) ? best : 1
}

/** Smooths the y of [x, y] points (ascending x), keeping x. */
export function smoothPoints(points: ReadonlyArray<readonly [number, number]>, weight: number, scale?: number): Array<[number, number]> {
  const w = clampWeight(weight)
  if (w === 0 || points.length === 0) return points.map((p) => [p[0], p[1]])
  const ys = emaSmooth(
    points.map((p) => p[1]),
    w,
    points.map((p) => p[0]),
    scale !== undefined ? { scale } : {}
  )
  return points.map((p, i) => [p[0], ys[i]!])
}
