/**
 * Comparing runs: group them by any configuration keys (cell; cell and units; …), summarise one metric per group
 * (n, mean, SD, 95% t-interval) and test every pair of groups (Welch, paired by seed when the groups share seeds,
 * Hedges' g, bootstrap, a plain-language verdict). Pure: the `gatelab compare` command, the compare view and the
 * reports all call this one function with the runs they loaded.
 */
import { metricWords } from './figures/metrics'
import type { RunDetail } from './api'
import { cellLabels } from './config'
import { compareAllPairs, describe, groupBy, type Comparison, type Interval, type KeyValue } from './stats'
import { own } from './keys'
import { floorOf, pairPrefix, type Floor } from './baselines/verdict'
import { budgetCaveat, groupBudget, type GroupBudget } from './budget'

/** Which number of a run's metric is compared: its best value (min for losses, max for accuracy) or its last. */
export type MetricStat = 'best' | 'last'

export interface CompareRequest {
  /** Configuration keys to group by (e.g. ["cell"], ["cell", "units"]); any RunConfig key, or a run field. */
  groupBy: string[]
  /** A recorded metric, e.g. valLoss (default), valAcc, loss. */
  metric: string
  stat: MetricStat
}

export interface ComparedGroup {
  key: Record<string, KeyValue>
  label: string
  n: number
  mean: number | null
  sd: number | null
  se: number | null
  ci95: Interval | null
  runIds: string[]
  /** Runs in the group without a finite value of the metric (still running, failed early, NaN). */
  missing: string[]
  /** The group's parameter budget (median of its runs' counts, with the range); null when no run counted its parameters. */
  budget?: GroupBudget | null
}

export interface ComparedPair {
  a: string
  b: string
  diff: number | null
  ci95: Interval | null
  pWelch: number | null
  pPaired: number | null
  /** Holm-adjusted p of the primary test across all pairs of this comparison. */
  pHolm: number | null
  hedgesG: number | null
  bootstrapCi95: Interval | null
  /** The estimate, interval and p the verdict quotes (a − b; paired when paired, Holm-adjusted p with ≥ 3 groups). */
  quoted: Comparison['quoted']
  verdict: string
  warnings: string[]
  comparison: Comparison
  /** Set when the two groups are different cells at parameter budgets more than 5% apart (src/shared/budget.ts); the verdict ends with it. */
  budgetCaveat?: string | null
}

export interface RunComparison {
  metric: string
  stat: MetricStat
  better: 'lower' | 'higher'
  /** The metric in words, as the verdicts use it: "best validation loss". */
  metricLabel: string
  groupBy: string[]
  groups: ComparedGroup[]
  pairs: ComparedPair[]
  /** Does each group beat its best baseline at all (src/shared/baselines/verdict.ts)? null for runs without baselines. */
  floor: Floor | null
  warnings: string[]
}

/** Accuracy-like metrics are better higher; losses and errors lower. */
export function betterDirection(metric: string): 'lower' | 'higher' {
  return /acc|auc|r2|f1/i.test(metric) ? 'higher' : 'lower'
}

export function metricLabel(metric: string, stat: MetricStat): string {
  return `${stat === 'best' ? 'best' : 'final'} ${metricWords(metric)}`
}

/** The compared number of one run, or null when it has none. */
export function runMetricValue(run: RunDetail, metric: string, stat: MetricStat): number | null {
  const summary = own(run.summary, metric)
  if (!summary) return null
  if (stat === 'last') return summary.last
  return betterDirection(metric) === 'lower' ? summary.min : summary.max
}

/**
 * How a group is named in tables and verdicts: the cell by its name ("GRU"), other keys as key=value
 * ("GRU, units=32"); "all" when grouping by nothing, "—" for a missing value.
 */
export function groupLabel(key: Readonly<Record<string, KeyValue>>): string {
  const parts = Object.entries(key).map(([k, v]) => (k === 'cell' && typeof v === 'string' ? (cellLabels[v] ?? v) : `${k}=${v === null ? '—' : String(v)}`))
  return parts.length === 0 ? 'all' : parts.join(', ')
}

/** A grouping key's value: the configuration's setting, else a run field (status, backend, engine, cellForm…). */
export function runKey(run: RunDetail, key: string): KeyValue {
  const fromConfig = own(run.config as unknown as Record<string, unknown>, key)
  const value = fromConfig !== undefined ? fromConfig : own(run as unknown as Record<string, unknown>, key)
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

export function compareRuns(runs: readonly RunDetail[], request: CompareRequest): RunComparison {
  const { metric, stat } = request
  const better = betterDirection(metric)
  const label = metricLabel(metric, stat)
  const warnings: string[] = []
  const groups = groupBy(runs, request.groupBy, (run, key) => runKey(run, key)).map((group) => {
    const g = { ...group, label: groupLabel(group.key) }
    const valued: Array<{ run: RunDetail; value: number }> = []
    const missing: string[] = []
    for (const run of g.items) {
      const value = runMetricValue(run, metric, stat)
      if (value !== null && Number.isFinite(value)) valued.push({ run, value })
      else missing.push(run.id)
    }
    if (missing.length > 0) warnings.push(`${g.label}: ${missing.length} run(s) have no ${metric} value and are left out (${missing.join(', ')})`)
    return { g, valued, missing }
  })
  const compared: ComparedGroup[] = groups.map(({ g, valued, missing }) => {
    const summary = describe(valued.map((v) => v.value))
    return { key: g.key, label: g.label, n: summary.n, mean: summary.mean, sd: summary.sd, se: summary.se, ci95: summary.ci95, runIds: valued.map((v) => v.run.id), missing }
  })
  const floor = floorOf(groups.map(({ g, valued }) => ({ label: g.label, runs: valued.map((v) => v.run) })))
  if (floor?.smallSplits) warnings.push(floor.smallSplits)
  // Runs of one seed saw the same data and initial draws: pairing by seed removes that shared variation.
  const samples = groups.map(({ g, valued }) => ({ label: g.label, values: valued.map((v) => v.value), pairKeys: valued.map((v) => v.run.seed) }))
  const pairs = compareAllPairs(samples, { metricLabel: label, better, pairLabel: 'seed' }).map(({ a, b, comparison, pHolm }) => ({
    a: samples[a]!.label,
    b: samples[b]!.label,
    diff: comparison.diff,
    ci95: comparison.ci95,
    pWelch: comparison.pWelch,
    pPaired: comparison.pPaired,
    pHolm,
    hedgesG: comparison.hedgesG,
    bootstrapCi95: comparison.bootstrapCi95,
    quoted: comparison.quoted,
    // The floor comes first: a ranking of groups that do not beat a baseline says so before it ranks.
    verdict: pairPrefix(floor, samples[a]!.label, samples[b]!.label) + comparison.verdict,
    warnings: comparison.warnings,
    comparison
  }))
  addBudgetCaveats(compared, groups.map(({ g }) => g.items), pairs)
  if (groups.length < 2) warnings.push(`Only one group${request.groupBy.length ? ` by ${request.groupBy.join(', ')}` : ''}: nothing to compare`)
  return { metric, stat, better, metricLabel: label, groupBy: request.groupBy, groups: compared, pairs, floor, warnings }
}

/**
 * Each group's parameter budget, and for every pair of groups of different cells whose budgets are more than 5% apart
 * the caveat "parameter budgets differ: LSTM 4,513 vs GRU 3,489 (29% apart)", at the end of its verdict.
 */
function addBudgetCaveats(groups: ComparedGroup[], items: ReadonlyArray<readonly RunDetail[]>, pairs: ComparedPair[]): void {
  const cellOf = (runs: readonly RunDetail[]): string | null => (runs.length > 0 && runs.every((r) => r.cell === runs[0]!.cell) ? runs[0]!.cell : null)
  const byLabel = new Map(groups.map((g, i) => [g.label, { group: g, cell: cellOf(items[i] ?? []) }]))
  groups.forEach((g, i) => {
    const valued = new Set(g.runIds)
    g.budget = groupBudget((items[i] ?? []).filter((r) => valued.has(r.id)).map((r) => r.paramCount))
  })
  for (const p of pairs) {
    const a = byLabel.get(p.a)
    const b = byLabel.get(p.b)
    if (!a || !b) continue
    const caveat = budgetCaveat({ label: p.a, cell: a.cell, budget: a.group.budget ?? null }, { label: p.b, cell: b.cell, budget: b.group.budget ?? null })
    p.budgetCaveat = caveat
    if (caveat) p.verdict += ` ${caveat.charAt(0).toUpperCase()}${caveat.slice(1)}.`
  }
}
