/**
 * `gatelab compare --runs ID,... | --sweep ID [--group-by KEY[,KEY]] [--metric NAME] [--stat best|last] [--json]`:
 * groups runs, summarises one metric per group with a 95% t-interval, and tests every pair of groups (Welch, paired
 * by seed, Hedges' g, bootstrap), with a plain-language verdict. Reads the store only.
 */
import { compareRuns, type RunComparison } from '../../shared/comparison'
import { own } from '../../shared/keys'
import { formatNumber, formatP } from '../../shared/stats'
import { createLabStore } from '../labStore'
import { resolveDbPath } from '../paths'
import { Store } from '../store/store'
import { UsageError, parseCommandArgs } from './args'
import { floorLines } from './baselineText'
import { formatBudget } from '../../shared/budget'

export const compareUsage =
  'gatelab compare --runs ID,... | --sweep ID [--group-by KEY[,KEY]] [--metric NAME] [--stat best|last] [--db PATH] [--json]   compare groups of runs'

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean)

export async function compare(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    runs: { type: 'string' },
    sweep: { type: 'string' },
    'group-by': { type: 'string' },
    metric: { type: 'string' },
    stat: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' }
  })
  if (positionals.length > 0) throw new UsageError(`compare: unexpected argument "${positionals[0]}"`)
  if ((values.runs === undefined) === (values.sweep === undefined)) throw new UsageError('compare: give either --runs ID,ID,... or --sweep ID')
  const stat = values.stat ?? 'best'
  if (stat !== 'best' && stat !== 'last') throw new UsageError(`compare: --stat must be best or last, not "${stat}"`)
  const store = createLabStore(Store.open(resolveDbPath(values.db), { owner: { kind: 'cli' }, create: false }))
  try {
    const ids = values.sweep ? store.sweepRunIds(values.sweep) : list(values.runs).map((id) => store.resolveRunId(id))
    if (ids.length === 0) throw new UsageError('compare: no runs to compare')
    const runs = ids.map((id) => store.getRun(id))
    const metric = values.metric ?? 'valLoss'
    if (!runs.some((r) => own(r.summary, metric))) {
      const known = [...new Set(runs.flatMap((r) => Object.keys(r.summary)))].sort().join(', ')
      throw new UsageError(`compare: no run recorded the metric "${metric}"; recorded: ${known || 'none'}`)
    }
    const result = compareRuns(runs, { groupBy: values['group-by'] ? list(values['group-by']) : ['cell'], metric, stat })
    if (values.json) process.stdout.write(JSON.stringify(compareJson(result)) + '\n')
    else printComparison(result)
    return 0
  } finally {
    store.close()
  }
}

/** The documented JSON: per group key, n, mean, sd, ci95; per pair diff, ci95, pWelch, pPaired, hedgesG (and more). */
export function compareJson(result: RunComparison): Record<string, unknown> {
  return {
    metric: result.metric,
    stat: result.stat,
    better: result.better,
    groupBy: result.groupBy,
    groups: result.groups.map(({ key, label, n, mean, sd, se, ci95, runIds, missing, budget }) => ({ key, label, n, mean, sd, se, ci95, runIds, missing, params: budget ?? null })),
    floor: result.floor,
    pairs: result.pairs.map(({ a, b, diff, ci95, pWelch, pPaired, pHolm, hedgesG, bootstrapCi95, quoted, verdict, warnings, budgetCaveat }) => ({
      a,
      b,
      diff,
      ci95,
      pWelch,
      pPaired,
      pHolm,
      hedgesG,
      bootstrapCi95,
      quoted,
      verdict,
      warnings,
      budgetCaveat: budgetCaveat ?? null
    })),
    warnings: result.warnings
  }
}

function printComparison(result: RunComparison): void {
  const out: string[] = [`${result.metricLabel} (${result.metric}, ${result.better} is better), grouped by ${result.groupBy.join(', ') || 'nothing'}`, '']
  const width = Math.max(5, ...result.groups.map((g) => g.label.length))
  out.push(`${'group'.padEnd(width)}   n  mean        SD          95% CI`)
  for (const g of result.groups) {
    const f = (v: number | null): string => (v === null ? '—' : formatNumber(v, 4)).padEnd(11)
    const ci = g.ci95 ? `[${formatNumber(g.ci95[0], 4)}, ${formatNumber(g.ci95[1], 4)}]` : '—'
    out.push(`${g.label.padEnd(width)} ${String(g.n).padStart(3)}  ${f(g.mean)} ${f(g.sd)} ${ci}`)
  }
  const budgets = result.groups.filter((g) => g.budget).map((g) => `${g.label} ${formatBudget(g.budget!)}`)
  if (budgets.length > 0) out.push(`parameters: ${budgets.join(' · ')}`)
  out.push(...floorLines(result))
  for (const pair of result.pairs) {
    out.push('', `${pair.a} vs ${pair.b}: ${pair.verdict}`)
    // The verdict states the difference in the order it favours; these are a − b, so say so.
    const extra = [
      pair.hedgesG !== null ? `Hedges' g (${pair.a} − ${pair.b}) ${formatNumber(pair.hedgesG, 2)}` : null,
      pair.bootstrapCi95 ? `bootstrap 95% CI of ${pair.a} − ${pair.b} [${formatNumber(pair.bootstrapCi95[0], 4)}, ${formatNumber(pair.bootstrapCi95[1], 4)}]` : null,
      pair.pHolm !== null && result.pairs.length > 1 ? `Holm-adjusted ${formatP(pair.pHolm)}` : null
    ].filter(Boolean)
    if (extra.length) out.push(`  ${extra.join('; ')}`)
    for (const w of pair.warnings) out.push(`  note: ${w}`)
  }
  for (const w of result.warnings) out.push('', `note: ${w}`)
  console.log(out.join('\n'))
}
