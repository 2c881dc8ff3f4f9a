/**
 * Verdicts that know the floor: before any ranking of cells, does each group beat its best baseline at all?
 *
 * Every run is compared with the baseline computed on its own data (built-in tasks are generated from the seed, so
 * runs of one seed share their data and their baseline): per group, the differences run − baseline are tested with a
 * one-sample (paired) t-test; a group "beats" the baseline when its mean is better and p < 0.05, "does not" when its
 * mean is not better, and is "unclear" in between. The score is each run's best validation MSE (regression) or
 * accuracy (classification), whatever metric the ranking uses, because that is what the baselines were scored on.
 *
 * Regression tasks also have a plateau: a run has left the mean-predictor plateau when its validation MSE is more than
 * plateauMargin (10%) below the MSE of always predicting the training mean. When no run has, that is the verdict.
 */
import { formatNumber, formatP, pairedTest } from '../stats'
import { formatSkill, minSplitWindows, runBaselineReport, runScores, skillScore, type RunLike } from './skill'
import { baselineEntry, baselineSetOf, type BaselineId } from './types'

export const plateauMargin = 0.1

export interface FloorGroup {
  label: string
  /** Runs with both a score and a baseline. */
  n: number
  status: 'beats' | 'unclear' | 'worse' | 'unknown'
  meanRun: number | null
  meanBaseline: number | null
  /** Skill of the group's mean score against the mean baseline score. */
  skill: number | null
  /** Runs better than their own baseline. */
  better: number
  /** Paired t-test of run − baseline (null with fewer than 2 runs or no variation). */
  p: number | null
  /** Runs whose validation MSE is more than plateauMargin below the mean predictor's. */
  leftPlateau: number
}

export interface Floor {
  baseline: { id: BaselineId; label: string }
  /** 'mse' (validation, lower is better) or 'acc' (validation, higher is better). */
  score: 'mse' | 'acc'
  groups: FloorGroup[]
  /** True when no run of any group left the mean-predictor plateau. */
  plateau: boolean
  /** The plain sentence that comes before any ranking. */
  headline: string
  /** Validation or test splits below minSplitWindows(), in words; null when none. */
  smallSplits: string | null
}

export interface FloorInput {
  label: string
  runs: readonly RunLike[]
}

function names(labels: readonly string[], joiner: 'and' | 'or'): string {
  if (labels.length <= 1) return labels[0] ?? ''
  return `${labels.slice(0, -1).join(', ')} ${joiner} ${labels[labels.length - 1]}`
}

function fmt(v: number | null): string {
  if (v === null) return '—'
  const digits = Math.abs(v) >= 1 ? 3 : Math.max(2, 2 - Math.floor(Math.log10(Math.abs(v) || 1e-12)))
  return formatNumber(v, Math.min(8, digits))
}

/** The floor analysis of groups of runs; null when no run recorded baselines (runs from before they existed). */
export function floorOf(groups: readonly FloorInput[]): Floor | null {
  const all = groups.flatMap((g) => g.runs)
  const sets = all.map((r) => baselineSetOf(r.dataset?.meta))
  const first = sets.find((s) => s !== null)
  if (!first) return null
  const score = first.metric
  // The best baseline across the compared runs: the one with the best mean validation score.
  const totals = new Map<BaselineId, { sum: number; n: number; label: string }>()
  for (const set of sets) {
    if (!set || set.metric !== score) continue
    for (const e of set.entries) {
      const v = e.val[score]
      if (e.theoretical || v === undefined) continue
      const t = totals.get(e.id) ?? { sum: 0, n: 0, label: e.label }
      t.sum += v
      t.n++
      totals.set(e.id, t)
    }
  }
  let bestId: BaselineId | undefined
  let bestMean = 0
  for (const [id, t] of totals) {
    const m = t.sum / t.n
    if (bestId === undefined || (score === 'mse' ? m < bestMean : m > bestMean)) {
      bestId = id
      bestMean = m
    }
  }
  if (bestId === undefined) return null
  const bestLabel = totals.get(bestId)!.label
  const better = (run: number, base: number): boolean => (score === 'mse' ? run < base : run > base)
  const plateauId = first.plateau
  let anyPlateauData = false
  const floorGroups: FloorGroup[] = groups.map((g) => {
    const own: number[] = []
    const base: number[] = []
    let leftPlateau = 0
    for (const run of g.runs) {
      const set = baselineSetOf(run.dataset?.meta)
      const b = set ? baselineEntry(set, bestId)?.val[score] : undefined
      const v = runScores(run, score).val[score]
      if (b === undefined || v === undefined) continue
      own.push(v)
      base.push(b)
      const plateau = set && plateauId ? baselineEntry(set, plateauId)?.val.mse : undefined
      if (plateau !== undefined && score === 'mse') {
        anyPlateauData = true
        if (v < (1 - plateauMargin) * plateau) leftPlateau++
      }
    }
    const n = own.length
    if (n === 0) return { label: g.label, n, status: 'unknown', meanRun: null, meanBaseline: null, skill: null, better: 0, p: null, leftPlateau }
    const meanRun = own.reduce((s, v) => s + v, 0) / n
    const meanBaseline = base.reduce((s, v) => s + v, 0) / n
    const wins = own.filter((v, i) => better(v, base[i]!)).length
    const test = n >= 2 ? pairedTest(own, base) : null
    const p = test && test.ok ? test.p : null
    const meanBetter = better(meanRun, meanBaseline)
    // One run, or runs with no variation in their difference: every run better counts as beating.
    const status: FloorGroup['status'] = !meanBetter ? 'worse' : p !== null ? (p < 0.05 ? 'beats' : 'unclear') : wins === n ? 'beats' : 'unclear'
    return { label: g.label, n, status, meanRun, meanBaseline, skill: skillScore(meanRun, meanBaseline, score), better: wins, p, leftPlateau }
  })
  const known = floorGroups.filter((g) => g.status !== 'unknown')
  const plateau = anyPlateauData && known.length > 0 && known.every((g) => g.leftPlateau === 0)
  const scoreWords = score === 'mse' ? 'validation MSE' : 'validation accuracy'
  const detail = (g: FloorGroup): string =>
    `${g.label} ${fmt(g.meanRun)} vs ${fmt(g.meanBaseline)}${g.skill !== null ? `, skill ${formatSkill(g.skill)}` : ''}, better in ${g.better} of ${g.n} run${g.n === 1 ? '' : 's'}${g.p !== null ? `, ${formatP(g.p)}` : ''}`
  let headline: string
  if (known.length === 0) headline = `No run has a ${scoreWords} to set against the baselines yet.`
  else if (plateau) {
    headline = `No run left the mean-predictor plateau: every run's best ${scoreWords} is within ${Math.round(plateauMargin * 100)}% of always predicting the training mean, or above it (${known.map((g) => `${g.label} ${fmt(g.meanRun)}`).join(', ')}).`
  } else {
    const beating = known.filter((g) => g.status === 'beats')
    const labels = known.map((g) => g.label)
    if (beating.length === 0) {
      const who = known.length === 1 ? `${labels[0]} does not beat` : known.length === 2 ? `Neither ${labels[0]} nor ${labels[1]} beats` : `None of ${names(labels, 'and')} beats`
      headline = `${who} ${bestLabel} on this data (mean best ${scoreWords}: ${known.map(detail).join('; ')}).`
    } else if (beating.length === known.length) {
      headline = `${known.length === 1 ? labels[0] : known.length === 2 ? `Both ${labels[0]} and ${labels[1]}` : `All of ${names(labels, 'and')}`} beat${known.length === 1 ? 's' : ''} ${bestLabel}, the best baseline (mean best ${scoreWords}: ${known.map(detail).join('; ')}).`
    } else {
      const others = known.filter((g) => g.status !== 'beats')
      headline = `Only ${names(beating.map((g) => g.label), 'and')} beat${beating.length === 1 ? 's' : ''} ${bestLabel}, the best baseline; ${names(others.map((g) => g.label), 'and')} ${others.length === 1 ? 'does' : 'do'} not clearly (mean best ${scoreWords}: ${known.map(detail).join('; ')}).`
    }
  }
  const small = new Set<string>()
  for (const run of all) {
    const r = runBaselineReport(run)
    for (const s of r?.smallSplits ?? []) small.add(`${s.split} ${s.windows}`)
  }
  return {
    baseline: { id: bestId, label: bestLabel },
    score,
    groups: floorGroups,
    plateau,
    headline,
    smallSplits: small.size > 0 ? `Small splits (fewer than ${minSplitWindows()} windows: ${[...small].join(', ')}): a difference measured on so few windows is mostly noise.` : null
  }
}

/** The sentence put before a pair's ranking when not both groups beat the floor. */
export function pairPrefix(floor: Floor | null, a: string, b: string): string {
  if (!floor) return ''
  const ga = floor.groups.find((g) => g.label === a)
  const gb = floor.groups.find((g) => g.label === b)
  if (!ga || !gb || ga.status === 'unknown' || gb.status === 'unknown') return ''
  if (floor.plateau) return `Neither ${a} nor ${b} left the mean-predictor plateau, so this is no result about learning the task. Between them: `
  const beatA = ga.status === 'beats'
  const beatB = gb.status === 'beats'
  if (beatA && beatB) return ''
  if (!beatA && !beatB) return `Neither ${a} nor ${b} beats ${floor.baseline.label}, so this only orders two models worse than a baseline. Between them: `
  return `Only ${beatA ? a : b} beats ${floor.baseline.label}. Between them: `
}
