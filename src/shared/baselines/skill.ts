/**
 * A run's scores beside its baselines: the stored baseline set (dataset.meta.baselineSet), the run's own validation
 * and test scores in the same units, skill scores, and errors in the data's original units. Pure: the run page, the
 * Compare page, `gatelab train --json`, `show`, `runs` and the reports all call runBaselineReport.
 *
 * Skill score (Murphy 1988; Hyndman & Athanasopoulos ch. 5.8): 1 − MSE_run / MSE_baseline. 1 is a perfect forecast,
 * 0 no better than the baseline, negative worse than it. Classification: (acc − acc_base) / (1 − acc_base), the same
 * idea for accuracy (Heidke).
 */
import { minSplitWindows, smallSplitsOf } from './splitSize'
import { baselineEntry, baselineSetOf, type Baseline, type BaselineId, type BaselineScores, type BaselineSet } from './types'

/** Validation or test split with fewer windows than this (30 unless set, see splitSize.ts): mostly noise. */
export { minSplitWindows }

export interface RunLike {
  config: { loss?: string }
  summary: Record<string, { min: number | null; max: number | null; last: number | null } | undefined>
  test: Record<string, number> | null
  dataset: { meta: Record<string, unknown>; val?: number; test?: number } | null
}

export interface Skill {
  /** 1 − MSE/MSE_persistence (regression on series and sine); null without a persistence baseline. */
  vsPersistence: number | null
  /** Against the best baseline (the predictor best on validation). */
  vsBest: number | null
  best: BaselineId
  bestLabel: string
}

export interface OriginalErrors {
  rmse: number | null
  mae: number | null
}

export interface RunBaselineReport {
  set: BaselineSet
  /** The run's score on each split, comparable to the baselines': best validation (over epochs) and test. */
  run: { val: BaselineScores; test: BaselineScores }
  skill: { val: Skill | null; test: Skill | null }
  /** Regression on scaled series: RMSE and MAE in the target's own units. */
  original: null | {
    name: string
    unit: string | null
    run: { val: OriginalErrors; test: OriginalErrors }
    baselines: Array<{ id: BaselineId; label: string; val: OriginalErrors; test: OriginalErrors }>
  }
  /** Each split with fewer than minSplitWindows() windows. */
  smallSplits: Array<{ split: 'validation' | 'test'; windows: number }>
  /** Whether the run beats its best baseline on validation / test (null when unknown). */
  beatsBest: { val: boolean | null; test: boolean | null }
}

const finite = (v: number | null | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** The run's MSE/MAE/accuracy on validation (best over epochs) and test, in the units the baselines use. */
export function runScores(run: RunLike, metric: 'mse' | 'acc'): { val: BaselineScores; test: BaselineScores } {
  const s = (name: string): { min: number | null; max: number | null } | undefined => run.summary[name]
  const test = run.test ?? {}
  if (metric === 'acc') return { val: { acc: finite(s('valAcc')?.max) }, test: { acc: finite(test.acc) } }
  const mseLoss = (run.config.loss ?? 'mse') === 'mse'
  return {
    val: { mse: finite(mseLoss ? s('valLoss')?.min : s('valMse')?.min), mae: finite(s('valMae')?.min) },
    test: { mse: finite(mseLoss ? test.loss : test.mse), mae: finite(test.mae) }
  }
}

/**
 * Below this MSE (in the scaled units the runs train in, where the training data has variance ~1) a baseline predicts
 * the split exactly up to float rounding (e.g. seasonal persistence on a perfectly periodic series): 1 − MSE/MSE_b then
 * measures rounding noise (−10³⁰), so no skill is given; the table still shows both MSEs.
 */
export const exactBaselineMse = 1e-12

export function skillScore(run: number | undefined, baseline: number | undefined, metric: 'mse' | 'acc'): number | null {
  if (run === undefined || baseline === undefined) return null
  if (metric === 'mse') return baseline > exactBaselineMse ? 1 - run / baseline : null
  return baseline < 1 ? (run - baseline) / (1 - baseline) : null
}

export function bestBaseline(set: BaselineSet): Baseline {
  return baselineEntry(set, set.best) ?? set.entries[0]!
}

export function runBaselineReport(run: RunLike): RunBaselineReport | null {
  const set = baselineSetOf(run.dataset?.meta)
  if (!set || set.entries.length === 0) return null
  const { metric } = set
  const scores = runScores(run, metric)
  const best = bestBaseline(set)
  const persistence = baselineEntry(set, 'persistence')
  const skillOf = (split: 'val' | 'test'): Skill | null => {
    const own = scores[split][metric]
    if (own === undefined) return null
    return {
      vsPersistence: metric === 'mse' && persistence ? skillScore(own, persistence[split].mse, 'mse') : null,
      vsBest: skillScore(own, best[split][metric], metric),
      best: best.id,
      bestLabel: best.label
    }
  }
  const beats = (split: 'val' | 'test'): boolean | null => {
    const own = scores[split][metric]
    const b = best[split][metric]
    if (own === undefined || b === undefined) return null
    return metric === 'mse' ? own < b : own > b
  }
  let original: RunBaselineReport['original'] = null
  if (metric === 'mse' && set.target && set.target.scaling !== undefined) {
    const k = set.target.scale
    const errors = (s: BaselineScores): OriginalErrors => ({ rmse: s.mse === undefined ? null : Math.sqrt(s.mse) * k, mae: s.mae === undefined ? null : s.mae * k })
    original = {
      name: set.target.name,
      unit: set.target.unit ?? null,
      run: { val: errors(scores.val), test: errors(scores.test) },
      baselines: set.entries.filter((e) => !e.theoretical).map((e) => ({ id: e.id, label: e.label, val: errors(e.val), test: errors(e.test) }))
    }
  }
  const smallSplits: RunBaselineReport['smallSplits'] = smallSplitsOf(set.windows)
  return { set, run: scores, skill: { val: skillOf('val'), test: skillOf('test') }, original, smallSplits, beatsBest: { val: beats('val'), test: beats('test') } }
}

/** A skill score with a real minus: two decimals below 10 in size, whole numbers above ("−221" says enough). */
export function formatSkill(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  // toFixed writes 1e21 and above in exponent form; large skills (a run far worse than a near-exact baseline) read as
  // −2.2×10⁷ instead of a 20-digit number.
  if (Math.abs(v) >= 1e6) {
    const [m, e] = Math.abs(v).toExponential(1).split('e')
    const sup = String(Number(e)).replace(/[0-9-]/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)] ?? '⁻')
    return `${v < 0 ? '\u2212' : '+'}${m}×10${sup}`
  }
  const text = Math.abs(v).toFixed(Math.abs(v) < 10 ? 2 : 0)
  return (v < 0 && Number(text) !== 0 ? '\u2212' : Number(text) !== 0 ? '+' : '') + text
}

/** "ppm", or the column's name when the unit is not known: "in CO2's units". */
export function unitWords(original: NonNullable<RunBaselineReport['original']>): string {
  return original.unit ?? `${original.name} units`
}

/**
 * The documented JSON of `train --json` and `show --json`: `baselines` (each baseline's validation and test score in
 * the run's scaled units, plus RMSE/MAE in original units) and `skill`.
 */
export function baselinesJson(report: RunBaselineReport | null): { baselines: unknown; skill: unknown } {
  if (!report) return { baselines: null, skill: null }
  const { set, original } = report
  return {
    baselines: {
      metric: set.metric,
      best: set.best,
      ...(set.season ? { season: set.season } : {}),
      windows: set.windows,
      ...(original ? { target: { name: original.name, unit: original.unit, scale: set.target?.scale } } : {}),
      entries: set.entries.map((e) => {
        const o = original?.baselines.find((b) => b.id === e.id)
        return { id: e.id, label: e.label, detail: e.detail, ...(e.theoretical ? { theoretical: true } : {}), val: e.val, test: e.test, ...(o ? { original: { val: o.val, test: o.test } } : {}) }
      }),
      run: { val: report.run.val, test: report.run.test, ...(original ? { original: original.run } : {}) }
    },
    skill: { val: report.skill.val, test: report.skill.test, beatsBest: report.beatsBest }
  }
}
