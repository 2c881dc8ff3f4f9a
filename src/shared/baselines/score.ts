/** Scoring baseline predictions the way the trainer scores a model (means over every window and step). */
import type { Baseline, BaselineId, BaselineScores } from './types'

export function scoreRegression(predicted: ArrayLike<number>, truth: ArrayLike<number>): BaselineScores {
  let se = 0
  let ae = 0
  const n = truth.length
  for (let i = 0; i < n; i++) {
    const e = predicted[i]! - truth[i]!
    se += e * e
    ae += Math.abs(e)
  }
  return n === 0 ? {} : { mse: se / n, mae: ae / n }
}

/** The predictor (not a theoretical level) with the best validation score. */
export function pickBest(entries: readonly Baseline[], metric: 'mse' | 'acc'): BaselineId {
  let best: Baseline | undefined
  for (const e of entries) {
    if (e.theoretical) continue
    const v = e.val[metric]
    if (v === undefined || !Number.isFinite(v)) continue
    const b = best?.val[metric]
    if (best === undefined || b === undefined || (metric === 'mse' ? v < b : v > b)) best = e
  }
  return (best ?? entries[0]!).id
}
