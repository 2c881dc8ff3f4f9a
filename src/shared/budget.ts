/**
 * Parameter budgets of compared cells: how far apart two budgets are, when that is too far to call a comparison fair,
 * and the words every surface uses to say so (statistics panel, Compare, `gatelab compare`, sweep summaries, reports,
 * the New run pair form and the sweep form). The counts come from the runs themselves (RunSummary.paramCount) or, before
 * anything trains, from src/shared/params.ts; the matching itself is src/shared/sweep.ts (matchParams).
 */
import { cellLabels } from './config'

/**
 * Budgets more than 5% apart are called unmatched. Matching by whole units cannot always hit a budget exactly (an LSTM
 * of 32 units on the adding task has 4,513 parameters, the closest GRU 4,589 at 37 units: 1.7% apart; one unit moves a
 * count by about 2/units of itself, so from about 32 units up the nearest count is within 5%), while the unmatched
 * default pair (LSTM 4,513 vs GRU 3,489, 29%) is far outside it.
 */
export const budgetTolerance = 0.05

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** How far apart two budgets are, relative to the smaller: |a − b| / min(a, b) (0 when equal). */
export function budgetGap(a: number, b: number): number {
  const lo = Math.min(a, b)
  if (!(lo > 0)) return a === b ? 0 : Infinity
  return Math.abs(a - b) / lo
}

export function budgetsDiffer(a: number, b: number, tolerance = budgetTolerance): boolean {
  return budgetGap(a, b) > tolerance
}

/** "29%" / "0.2%": a gap in percent with the precision a reader needs. */
export function formatGap(gap: number): string {
  const pct = gap * 100
  if (!Number.isFinite(pct)) return '—'
  return `${pct >= 10 ? Math.round(pct) : Number(pct.toFixed(1))}%`
}

/** The parameter counts of one compared group's runs (nulls for runs that never built a model are ignored). */
export interface GroupBudget {
  /** The median count: the group's budget. */
  params: number
  min: number
  max: number
  /** Runs with a count. */
  n: number
}

export function groupBudget(counts: ReadonlyArray<number | null | undefined>): GroupBudget | null {
  const xs = counts.filter((c): c is number => typeof c === 'number' && Number.isFinite(c)).sort((a, b) => a - b)
  if (xs.length === 0) return null
  const mid = xs.length >> 1
  const params = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
  return { params, min: xs[0]!, max: xs[xs.length - 1]!, n: xs.length }
}

/** "4,513", or "3,489–8,961" when the group's runs differ. */
export function formatBudget(b: GroupBudget): string {
  return b.min === b.max ? formatCount(b.min) : `${formatCount(b.min)}–${formatCount(b.max)}`
}

/**
 * The caveat a verdict carries when two groups of different cells are compared at budgets more than the tolerance
 * apart: "parameter budgets differ: LSTM 4,513 vs GRU 3,489". Null when the budgets match, when a group has no counts,
 * or when the groups do not differ by cell (grouping by units compares budgets on purpose).
 */
export function budgetCaveat(
  a: { label: string; cell: string | null; budget: GroupBudget | null },
  b: { label: string; cell: string | null; budget: GroupBudget | null },
  tolerance = budgetTolerance
): string | null {
  if (!a.budget || !b.budget || a.cell === null || b.cell === null || a.cell === b.cell) return null
  if (!budgetsDiffer(a.budget.params, b.budget.params, tolerance)) return null
  const gap = formatGap(budgetGap(a.budget.params, b.budget.params))
  return `parameter budgets differ: ${a.label} ${formatBudget(a.budget)} vs ${b.label} ${formatBudget(b.budget)} (${gap} apart)`
}

/**
 * The sentence under a pair of models before they train: matched ("LSTM 32 units, 4,513 parameters · GRU 37 units,
 * 4,589 parameters") or not, with how far apart they are.
 */
export interface PlannedModel {
  cell: 'lstm' | 'gru' | 'rnn'
  units: number
  params: number
}

export function describePair(models: readonly PlannedModel[]): { text: string; gap: number; differ: boolean } {
  const text = models.map((m) => `${cellLabels[m.cell] ?? m.cell} ${m.units} units, ${formatCount(m.params)} parameters`).join(' · ')
  const counts = models.map((m) => m.params)
  const gap = counts.length < 2 ? 0 : budgetGap(Math.max(...counts), Math.min(...counts))
  return { text, gap, differ: gap > budgetTolerance }
}

/** One run a sweep or pair would train: its cell, units and parameter count on its data. */
export interface SizedRun extends PlannedModel {
  /** What the grid, random search and seed list gave it. */
  varied: Record<string, unknown>
  /** Its units were chosen to match the reference cell's budget. */
  matched: boolean
}

/** The host's answer to planSweep: the runs a spec expands to with their sizes, or why it cannot. */
export type SweepSizes = { ok: true; name: string; runs: SizedRun[]; totalParams: number } | { ok: false; message: string }
