/**
 * "Train LSTM and GRU" with matched parameter budgets (issue 17 item 7): the pair is a sweep over cells, sized by the
 * host with the sweep's own matchParams (src/shared/sweep.ts) on the real data shape, so the units the form states
 * are the units the runs train with. Pure: the form component (PairBudget.tsx) and the tests use these.
 */
import type { Cell } from '../../../shared/config'
import { budgetTolerance, describePair, formatCount, formatGap, type SizedRun } from '../../../shared/budget'

export interface PairMatch {
  /** Match the budgets (on by default). */
  on: boolean
  /** The cell that keeps the form's units; the other gets the units closest to its parameter count. */
  reference: 'lstm' | 'gru'
}

export const defaultPairMatch: PairMatch = { on: true, reference: 'lstm' }

const pairCells: Cell[] = ['lstm', 'gru']

/** The sweep spec of a pair: the form's config as the base, a grid over the two cells, matched or not. */
export function pairSpec(config: Record<string, unknown>, match: PairMatch): Record<string, unknown> {
  const base: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) if (!['cell', 'name', 'tags', 'seed'].includes(k)) base[k] = v
  return { name: 'pair', base, grid: { cell: pairCells }, matchParams: match.on ? match.reference : null }
}

/** The pair's configs with the units the host chose for each cell. */
export function withPlannedUnits(configs: ReadonlyArray<Record<string, unknown>>, runs: readonly SizedRun[]): Array<Record<string, unknown>> {
  return configs.map((c) => {
    const planned = runs.find((r) => r.cell === c.cell)
    return planned ? { ...c, units: planned.units } : { ...c }
  })
}

export interface PairStatement {
  /** "LSTM 32 units, 4,513 parameters · GRU 37 units, 4,589 parameters" */
  models: string
  /** "Matched within 0.2%", or how far apart the budgets are and what that means. */
  note: string
  differ: boolean
}

/** What the form says about a pair's budgets. */
export function pairStatement(runs: readonly SizedRun[], match: PairMatch): PairStatement {
  const models = runs.filter((r) => pairCells.includes(r.cell))
  const { text, gap, differ } = describePair(models)
  const byCell = (cell: Cell): string => formatCount(models.find((m) => m.cell === cell)?.params ?? 0)
  const tolerance = formatGap(budgetTolerance)
  if (!differ) return { models: text, note: `${match.on ? 'Matched' : 'Budgets already match'}: ${formatGap(gap)} apart (within ${tolerance})`, differ }
  const apart = `Budgets differ by ${formatGap(gap)}: LSTM ${byCell('lstm')} vs GRU ${byCell('gru')} parameters`
  return {
    models: text,
    note: match.on
      ? `${apart}; no unit count comes within ${tolerance}, and statistics over these runs will say so`
      : `${apart}. Statistics over these runs will say so; tick "Match parameter budgets" for a fair pair`,
    differ
  }
}
