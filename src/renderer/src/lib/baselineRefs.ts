/**
 * Which baselines belong on which curve: the validation metrics a baseline was scored on get a dashed reference line
 * per baseline (validation MSE → valLoss under an MSE loss and valMse; valMae; valAcc).
 */
import { baselineSetOf, type BaselineScores, type BaselineSet } from '../../../shared/baselines/types'

export interface ChartReference {
  label: string
  value: number
  /** The best baseline is drawn a little stronger. */
  best: boolean
}

function scoreOf(metric: string, loss: string, set: BaselineSet): keyof BaselineScores | null {
  if (set.metric === 'acc') return metric === 'valAcc' ? 'acc' : null
  if (metric === 'valMse' || (metric === 'valLoss' && loss === 'mse')) return 'mse'
  if (metric === 'valMae' || (metric === 'valLoss' && loss === 'mae')) return 'mae'
  return null
}

export function baselineReferences(meta: Record<string, unknown> | undefined, loss: string, metric: string): ChartReference[] {
  const set = baselineSetOf(meta)
  if (!set) return []
  const score = scoreOf(metric, loss, set)
  if (!score) return []
  return set.entries.flatMap((e) => {
    const v = e.val[score]
    return v === undefined || !Number.isFinite(v) ? [] : [{ label: e.label, value: v, best: e.id === set.best }]
  })
}
