/**
 * History plus live points, each point once and none missing. A chart reads a run's series from the host (a
 * snapshot that ends at `lastStep`, the step of the last point stored when it was read) while live `run:metrics`
 * events keep arriving. When the read answers, the points that came in meanwhile (LiveHub.recentPoints) are merged; the
 * step decides what is new (steps grow within a series), so a point both in the snapshot and in an event is drawn
 * once, and a point the snapshot has not got yet is never lost to it. Live points are appended at full resolution:
 * the host's downsampling never reaches across the live edge.
 */
import type { MetricPoint } from '../../../shared/protocol'
import type { Points, XAxis } from './series'

export interface LiveSeries {
  /** [x, y] pairs, ascending x. */
  points: Points
  /** The step of the newest point held (history or live); null when none. */
  lastStep: number | null
  /** Points appended from events since the history was read. */
  live: number
}

export function fromHistory(points: readonly (readonly [number, number])[], lastStep: number | null | undefined): LiveSeries {
  return { points: points.map((p) => [p[0], p[1]]), lastStep: lastStep ?? null, live: 0 }
}

/**
 * Appends the points of `metric` that are newer than the series (step above its lastStep), in step order. Returns
 * the same object when nothing is new, so React can skip a render.
 */
export function mergeLive(series: LiveSeries, points: readonly MetricPoint[], metric: string, x: XAxis): LiveSeries {
  const fresh = points.filter((p) => p.name === metric && (series.lastStep === null || p.step > series.lastStep)).sort((a, b) => a.step - b.step)
  if (fresh.length === 0) return series
  const out: Points = series.points.slice()
  let lastStep = series.lastStep
  let lastX = out.length > 0 ? out[out.length - 1]![0] : -Infinity
  let added = 0
  for (const p of fresh) {
    if (lastStep !== null && p.step <= lastStep) continue // the same step twice in one batch
    lastStep = p.step
    // A NaN (diverged) point cannot be drawn; the history leaves it out too.
    if (Number.isNaN(p.value)) continue
    const px = p[x]
    // x never runs backwards along a series (epochs, steps and wall time all grow with the step); a point that would
    // is left out rather than drawn as a line back across the chart.
    if (px < lastX) continue
    out.push([px, p.value])
    lastX = px
    added++
  }
  return { points: out, lastStep, live: series.live + added }
}
