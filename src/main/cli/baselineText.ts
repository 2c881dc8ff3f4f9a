/**
 * A run's baselines as terminal text, for `gatelab show` and `gatelab train`: every baseline's validation and test
 * score beside the run's, skill scores, RMSE and MAE in the data's own units, and small-split warnings in CLI words.
 */
import type { RunComparison } from '../../shared/comparison'
import { smallSplitsOf } from '../../shared/baselines/splitSize'
import { formatP } from '../../shared/stats'
import { formatSkill, minSplitWindows, runBaselineReport, unitWords, type RunBaselineReport, type RunLike, type Skill } from '../../shared/baselines/skill'

function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4)
}

const signed = formatSkill

/** "−0.42 vs persistence" for a table cell; '' when the run has no baselines. */
export function skillCell(report: RunBaselineReport | null): string {
  const skill = report?.skill.test ?? report?.skill.val
  if (!report || !skill) return ''
  if (report.set.metric === 'mse' && skill.vsPersistence !== null) return `${signed(skill.vsPersistence)} vs persistence`
  return `${signed(skill.vsBest)} vs ${skill.bestLabel}`
}

function skillLine(name: string, skill: Skill | null): string | null {
  if (!skill) return null
  const parts = [skill.vsPersistence !== null ? `${signed(skill.vsPersistence)} vs persistence` : null, skill.vsBest !== null ? `${signed(skill.vsBest)} vs the best baseline (${skill.bestLabel})` : null].filter(Boolean)
  return parts.length ? `skill (${name}): ${parts.join(', ')}` : null
}

/** What the split warning says in the terminal: the flags that change it. */
export function smallSplitAdvice(windows: { val: number; test: number }): string | null {
  const small = smallSplitsOf(windows).map((s) => `${s.split} ${s.windows}`)
  if (small.length === 0) return null
  return `warning: few windows (${small.join(', ')}; fewer than ${minSplitWindows()}, set by --min-split-windows): a difference measured on so few is mostly noise. Use a shorter --lookback, a smaller --stride, or a longer series.`
}

export function baselineLines(run: RunLike): string[] {
  const report = runBaselineReport(run)
  if (!report) return []
  const { set, original } = report
  const score = set.metric === 'mse' ? 'MSE' : 'accuracy'
  const scaled = set.metric === 'mse' && set.target ? `, ${set.target.scaling === 'zscore' ? 'z-scored' : set.target.scaling === 'minmax' ? 'min-max scaled' : 'unscaled'} units` : ''
  const out = [`${score} on validation / test (${set.windows.val} / ${set.windows.test} windows${scaled})${original ? `; RMSE and MAE in ${unitWords(original)}` : ''}:`]
  const rows: string[][] = []
  const row = (label: string, s: RunBaselineReport['run']['val'], t: RunBaselineReport['run']['test'], o?: { val: { rmse: number | null; mae: number | null }; test: { rmse: number | null; mae: number | null } }): void => {
    const k = set.metric
    rows.push([label, `${num(s[k])} / ${num(t[k])}`, o ? `RMSE ${num(o.val.rmse)} / ${num(o.test.rmse)}` : '', o ? `MAE ${num(o.val.mae)} / ${num(o.test.mae)}` : ''])
  }
  row('this run', report.run.val, report.run.test, original?.run)
  for (const e of set.entries) {
    const label = `${e.label}${e.id === set.best ? ' (best)' : ''}${e.theoretical ? ' (theory)' : ''}`
    row(label, e.val, e.test, original?.baselines.find((b) => b.id === e.id))
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const r of rows) out.push(`  ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd()}`)
  for (const line of [skillLine('validation', report.skill.val), skillLine('test', report.skill.test)]) if (line) out.push(line)
  const best = set.entries.find((e) => e.id === set.best)
  if (report.beatsBest.test === false || (report.beatsBest.test === null && report.beatsBest.val === false)) {
    out.push(`This run does not beat ${best?.label ?? 'its best baseline'}${report.beatsBest.test === false ? ' on the test split' : ' on validation'}.`)
  }
  const advice = smallSplitAdvice(set.windows)
  if (advice) out.push(advice)
  return out
}

/** `gatelab compare`: the floor sentence and each group against the best baseline, before any ranking. */
export function floorLines(result: RunComparison): string[] {
  const floor = result.floor
  if (!floor) return []
  const score = floor.score === 'mse' ? 'best validation MSE' : 'best validation accuracy'
  const out = ['', floor.headline, '', `Against ${floor.baseline.label} (the best baseline), ${score}, each run against the baseline on its own data:`]
  const rows = floor.groups.map((g) => [g.label, String(g.n), num(g.meanRun), num(g.meanBaseline), signed(g.skill), `${g.better} of ${g.n}`, g.p === null ? '—' : formatP(g.p), g.status === 'beats' ? 'beats it' : g.status === 'worse' ? 'does not beat it' : g.status === 'unclear' ? 'not clearly' : '—'])
  const header = ['group', 'n', 'runs', floor.baseline.label, 'skill', 'better in', 'paired p', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  for (const r of [header, ...rows]) out.push(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`)
  return out
}
