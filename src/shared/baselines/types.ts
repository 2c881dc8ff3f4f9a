/**
 * Baselines: what a model must beat before its score means anything. Computed where the splits are made (the task
 * generators in src/shared/data/tasks.ts and the windowing in src/shared/data/prepare.ts), on exactly the run's own
 * validation and test splits and in the same scaled units as the run's losses, and stored with the run as
 * `dataset.meta.baselineSet`. Pure types: the renderer, the CLI and the reports read them.
 */

/** A score on one split: MSE and MAE for regression (in the run's scaled units), accuracy for classification. */
export interface BaselineScores {
  mse?: number
  mae?: number
  acc?: number
}

export type BaselineId =
  | 'persistence'
  | 'seasonal'
  | 'mean'
  | 'ar'
  | 'oneValue'
  | 'noiseFloor'
  | 'chance'
  | 'majority'
  | 'memoryless'

export interface Baseline {
  id: BaselineId
  /** How tables and verdicts name it: "persistence", "seasonal persistence (12)", "AR(24)". */
  label: string
  /** One line saying what it predicts. */
  detail: string
  /** A level from theory (the noise floor) rather than a predictor run on the data: shown, never "the best baseline". */
  theoretical?: boolean
  val: BaselineScores
  test: BaselineScores
}

export interface BaselineSet {
  version: 1
  /** The score a baseline is ranked by: 'mse' (lower is better) for regression, 'acc' (higher) for classification. */
  metric: 'mse' | 'acc'
  entries: Baseline[]
  /** The predictor with the best validation score: the floor a model must clear (chosen without looking at test). */
  best: BaselineId
  /** The mean-predictor level, for "no run left the mean-predictor plateau" (regression only). */
  plateau?: BaselineId
  /** Regression on scaled data: errors in original units are scaled errors × scale (z-score and min-max are linear). */
  target?: { name: string; unit?: string; scale: number; scaling: 'zscore' | 'minmax' | 'none' }
  season?: { period: number; source: 'stated' | 'detected' }
  /** Windows (sequences) in each split: the figures behind every baseline and every run score. */
  windows: { train: number; val: number; test: number }
}

export function baselineEntry(set: BaselineSet, id: BaselineId | undefined): Baseline | undefined {
  return id === undefined ? undefined : set.entries.find((e) => e.id === id)
}

/** Reads a stored baseline set from a run's dataset meta (tolerates runs recorded before baselines existed). */
export function baselineSetOf(meta: Record<string, unknown> | null | undefined): BaselineSet | null {
  const set = meta?.baselineSet as BaselineSet | undefined
  if (!set || typeof set !== 'object' || set.version !== 1 || !Array.isArray(set.entries)) return null
  return set
}
