/**
 * Series bookkeeping for charts: live points appended as a run trains, and finer data for a zoomed range spliced into
 * the overview, so a zoomed chart shows full resolution where you look and the overview everywhere else.
 */
import type { MetricPoint } from '../../../shared/protocol'

export type XAxis = 'step' | 'epoch' | 'wallMs'
export type Points = Array<[number, number]>

/** Appends live points of one metric to a series, keeping x ascending (points at or before the last x are dropped). */
export function appendLive(points: readonly (readonly [number, number])[], live: readonly MetricPoint[], metric: string, x: XAxis): Points {
  const out: Points = points.map((p) => [p[0], p[1]])
  let lastX = out.length > 0 ? out[out.length - 1]![0] : -Infinity
  for (const p of live) {
    if (p.name !== metric) continue
    const px = p[x]
    if (px > lastX) {
      out.push([px, p.value])
      lastX = px
    } else if (px === lastX && x === 'epoch' && out.length > 0) {
      // Several per-step points share an epoch: keep the latest value for that epoch.
      out[out.length - 1] = [px, p.value]
    }
  }
  return out
}

/** The overview outside [lo, hi] and the detail inside it. */
export function spliceRange(overview: readonly (readonly [number, number])[], detail: readonly (readonly [number, number])[], lo: number, hi: number): Points {
  const out: Points = []
  for (const p of overview) if (p[0] < lo) out.push([p[0], p[1]])
  for (const p of detail) if (p[0] >= lo && p[0] <= hi) out.push([p[0], p[1]])
  for (const p of overview) if (p[0] > hi) out.push([p[0], p[1]])
  return out
}

/**
 * Metric names in a sensible reading order: the loss family first (loss, valLoss, batchLoss), then each other metric
 * followed by its validation twin (mae, valMae), the learning rate last.
 */
export function orderMetrics(names: readonly string[]): string[] {
  const base = (n: string): string => (/^val[A-Z]/.test(n) ? n.charAt(3).toLowerCase() + n.slice(4) : n)
  const rank = (n: string): number => {
    const b = base(n).toLowerCase()
    if (b === 'loss') return 0
    if (b.includes('loss')) return 1
    if (b === 'lr') return 9
    return 2
  }
  return [...names].sort((a, b) => rank(a) - rank(b) || base(a).localeCompare(base(b)) || Number(a !== base(a)) - Number(b !== base(b)))
}

/** Whether a metric gets better as it goes down (losses, errors) or up (accuracy). */
export function lowerIsBetter(metric: string): boolean {
  return !/acc|r2|f1|auc|precision|recall/i.test(metric)
}

/** Metrics about the training process rather than the model (learning rate, timings, tensor counts): shown apart. */
export function isDiagnostic(metric: string): boolean {
  return metric === 'lr' || /Ms$/.test(metric) || /^num[A-Z]/.test(metric) || /memory|bytes/i.test(metric)
}
