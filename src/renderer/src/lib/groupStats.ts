/**
 * Group curves for charts: runs that share a cell or a hyperparameter value become one mean curve with a band, either
 * ±1 standard deviation (how much runs differ) or the 95 % t-interval of the mean (how sure we are of the mean; with
 * 3 seeds the multiplier is t(0.975, 2) = 4.30, not 1.96). The statistics are the shared ones (src/shared/stats
 * curveBand); this adapts them to [x, y] points and to what a chart draws.
 */
import { curveBand } from '../../../shared/stats'

export type BandKind = 'sd' | 'ci95'

export interface GroupCurve {
  x: number[]
  mean: number[]
  /** The band's edges; equal to the mean where fewer than two members cover x (no band from one curve). */
  lower: number[]
  upper: number[]
  /** How many member curves cover each x. */
  n: number[]
}

export function groupCurve(members: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, band: BandKind, maxPoints = 500): GroupCurve {
  const series = members.filter((m) => m.length > 0).map((m) => ({ x: m.map((p) => p[0]), y: m.map((p) => p[1]) }))
  const out: GroupCurve = { x: [], mean: [], lower: [], upper: [], n: [] }
  if (series.length === 0) return out
  const b = curveBand(series, { maxPoints })
  b.x.forEach((x, i) => {
    const mean = b.mean[i]
    if (mean === null || mean === undefined) return
    let lo = mean
    let hi = mean
    if (band === 'sd') {
      const s = b.sd[i]
      if (s !== null && s !== undefined) {
        lo = mean - s
        hi = mean + s
      }
    } else {
      lo = b.ci95Lower[i] ?? mean
      hi = b.ci95Upper[i] ?? mean
    }
    out.x.push(x)
    out.mean.push(mean)
    out.lower.push(lo)
    out.upper.push(hi)
    out.n.push(b.n[i]!)
  })
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
