/**
 * Series bookkeeping for charts (live points: liveSeries.ts): finer data for a zoomed range spliced into
 * the overview, so a zoomed chart shows full resolution where you look and the overview everywhere else.
 */
export type XAxis = 'step' | 'epoch' | 'wallMs'
export type Points = Array<[number, number]>

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

/**
 * Per-batch points on an epoch axis all share their epoch's integer x, which draws as a vertical smear. Spread each
 * epoch's k points evenly over (epoch − 1, epoch], so the last batch sits on the epoch and lines up with the
 * per-epoch metrics. Series with one point per epoch are returned unchanged.
 */
export function spreadEpochs(points: readonly (readonly [number, number])[]): Points {
  const out: Points = []
  let i = 0
  while (i < points.length) {
    let j = i
    while (j < points.length && points[j]![0] === points[i]![0]) j++
    const k = j - i
    const epoch = points[i]![0]
    for (let n = 0; n < k; n++) out.push([k === 1 ? epoch : epoch - 1 + (n + 1) / k, points[i + n]![1]])
    i = j
  }
  return out
}
