/**
 * A run's per-metric summary (count, last, min, max with their steps and epochs) kept current from live
 * `run:metrics` events, with the store's own rules (src/main/store/store.ts appendMetrics): NaN counts but is never
 * a min or max; a tie keeps the earlier point. A point at or below the summary's last step is already in it (the
 * summary came from the host after that point was stored), so a point is never counted twice.
 */
import type { MetricSummary, RunSummary } from '../../../shared/api'
import type { MetricPoint } from '../../../shared/protocol'

export function applyPoints(summary: Readonly<Record<string, MetricSummary>>, points: readonly MetricPoint[]): Record<string, MetricSummary> {
  let out: Record<string, MetricSummary> | null = null
  for (const p of points) {
    const old = (out ?? summary)[p.name]
    if (old && old.lastStep !== null && p.step <= old.lastStep) continue
    const s: MetricSummary = old
      ? { ...old }
      : { count: 0, last: null, lastStep: null, lastEpoch: null, min: null, minStep: null, minEpoch: null, max: null, maxStep: null, maxEpoch: null }
    const value = Number.isNaN(p.value) ? null : p.value
    s.count++
    s.last = value
    s.lastStep = p.step
    s.lastEpoch = p.epoch
    if (value !== null) {
      if (s.min === null || value < s.min) [s.min, s.minStep, s.minEpoch] = [value, p.step, p.epoch]
      if (s.max === null || value > s.max) [s.max, s.maxStep, s.maxEpoch] = [value, p.step, p.epoch]
    }
    out ??= { ...summary }
    out[p.name] = s
  }
  return out ?? (summary as Record<string, MetricSummary>)
}

/** The run with its summary brought up to date by live points (the same object when none was new). */
export function withLivePoints<R extends Pick<RunSummary, 'summary'>>(run: R, points: readonly MetricPoint[]): R {
  const summary = applyPoints(run.summary, points)
  return summary === run.summary ? run : { ...run, summary }
}
