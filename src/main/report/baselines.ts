/**
 * The report's "Against the baselines" section: every run's validation and test score beside the baselines computed
 * on its own splits (src/shared/baselines, stored with the run), its skill against persistence and against the best
 * baseline, and RMSE/MAE in the data's own units with the unit named. One compact table per dataset, not a chart per
 * baseline. With several cells the section opens with the comparison's floor verdict (src/shared/baselines/verdict.ts,
 * computed by compareRuns for the report's "LSTM vs GRU" section), so the report never ranks models that learned
 * nothing without saying so first.
 */
import type { RunDetail } from '../../shared/api'
import { formatSkill, runBaselineReport, unitWords, type RunBaselineReport } from '../../shared/baselines/skill'
import { floorOf } from '../../shared/baselines/verdict'
import { escapeHtml as e, fmt } from './html'
import type { ReportModel } from './model'

type ReportRun = ReportModel['runs'][number]

function swatch(color: string): string {
  return `<span class="swatch" style="background:${e(color)}"></span>`
}

function scaledWords(report: RunBaselineReport): string {
  const { set } = report
  const score = set.metric === 'mse' ? 'MSE' : 'accuracy'
  if (set.metric !== 'mse' || !set.target) return `${score} as the loss curves show it`
  const how = set.target.scaling === 'zscore' ? 'z-scored units' : set.target.scaling === 'minmax' ? 'min-max scaled units' : 'the data’s own units'
  return `${score} in ${how} (the loss curves’ units)`
}

function skillCell(v: number | null | undefined): string {
  const text = formatSkill(v)
  return v !== null && v !== undefined && v < 0 ? `<span class="error">${text}</span>` : text
}

/** One table: the runs that trained on one dataset, then that dataset's baselines. */
function datasetTable(runs: ReadonlyArray<{ r: ReportRun; report: RunBaselineReport }>): string {
  const first = runs[0]!.report
  const { set } = first
  const k = set.metric
  const original = first.original
  const unit = original ? unitWords(original) : null
  const best = set.entries.find((x) => x.id === set.best)
  // Skill against persistence gets its own column only when persistence is not the best baseline already.
  const hasPersistence = k === 'mse' && set.best !== 'persistence' && set.entries.some((x) => x.id === 'persistence')
  const score = k === 'mse' ? 'MSE' : 'acc.'
  const head = [
    'Predictor',
    `Val. ${score}`,
    `Test ${score}`,
    ...(original ? [`Test RMSE (${e(unit!)})`, `Test MAE (${e(unit!)})`] : []),
    ...(hasPersistence ? ['Skill vs persistence'] : []),
    `Skill vs ${e(best?.label ?? 'best')}`
  ]
  const cols = head.length
  const runRows = runs.map(({ r, report }) => {
    const skill = report.skill.test ?? report.skill.val
    return `<tr><td>${swatch(r.color)}${e(r.label)}</td><td class="num">${fmt(report.run.val[k])}</td><td class="num">${fmt(report.run.test[k])}</td>${
      original ? `<td class="num">${fmt(report.original?.run.test.rmse)}</td><td class="num">${fmt(report.original?.run.test.mae)}</td>` : ''
    }${hasPersistence ? `<td class="num">${skillCell(skill?.vsPersistence)}</td>` : ''}<td class="num">${skillCell(skill?.vsBest)}</td></tr>`
  })
  const baseRows = set.entries.map((b) => {
    const o = original?.baselines.find((x) => x.id === b.id)
    const tag = b.id === set.best ? ' <span class="muted">(best)</span>' : b.theoretical ? ' <span class="muted">(theory)</span>' : ''
    return `<tr class="baseline"><td title="${e(b.detail)}">${e(b.label)}${tag}</td><td class="num">${fmt(b.val[k])}</td><td class="num">${fmt(b.test[k])}</td>${
      original ? `<td class="num">${fmt(o?.test.rmse)}</td><td class="num">${fmt(o?.test.mae)}</td>` : ''
    }${hasPersistence ? '<td></td>' : ''}<td></td></tr>`
  })
  const note = `${scaledWords(first)}${original ? `; RMSE and MAE in ${e(unit!)}` : ''}. Validation: each run’s best epoch; test: the best weights. Baselines on the same ${set.windows.val} validation and ${set.windows.test} test windows${
    set.season ? `; season ${set.season.period} (${set.season.source})` : ''
  }. Skill = ${k === 'mse' ? '1 − MSE(run) / MSE(baseline)' : '(acc(run) − acc(baseline)) / (1 − acc(baseline))'}: above 0 the run beats it.`
  const small = first.smallSplits.length > 0 ? `<p class="warn">Only ${first.smallSplits.map((s) => `${s.windows} ${s.split}`).join(' and ')} windows: a difference measured on so few is mostly noise.</p>` : ''
  return `<table class="baselines"><thead><tr>${head.map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead>
<tbody>${runRows.join('')}<tr><th colspan="${cols}" class="muted">Baselines</th></tr>${baseRows.join('')}</tbody></table>
<p class="muted">${note}</p>${small}`
}

/** The floor verdict: from the report's own comparison when there is one, else for the runs as one group. */
function headline(model: ReportModel, reported: ReadonlyArray<{ r: ReportRun }>): string | null {
  const g = model.groups
  const floor = g.shown ? g.comparisons.find((c) => c.floor)?.floor : null
  if (floor) return floor.headline
  const runs: RunDetail[] = reported.map((x) => x.r.run)
  const cells = [...new Set(runs.map((r) => r.cell.toUpperCase()))]
  return floorOf([{ label: runs.length === 1 ? 'This run' : cells.join(' and '), runs }])?.headline ?? null
}

export function baselinesSection(model: ReportModel): string {
  const reported = model.runs.flatMap((r) => {
    const report = runBaselineReport(r.run)
    return report ? [{ r, report }] : []
  })
  if (reported.length === 0) {
    return `<section id="baselines"><h2>Against the baselines</h2><p class="omitted">No run recorded baselines (runs made before GateLab computed them, or runs that ended before their data was prepared).</p></section>`
  }
  // One table per dataset: baselines belong to the splits they were computed on.
  const byData = new Map<string, Array<{ r: ReportRun; report: RunBaselineReport }>>()
  for (const x of reported) {
    const key = x.r.run.dataset?.contentHash ?? x.r.run.id
    byData.set(key, [...(byData.get(key) ?? []), x])
  }
  const tables = [...byData.values()].map((runs) => `${byData.size > 1 ? `<h3>${e(runs[0]!.r.run.dataset?.name ?? 'Data')}</h3>` : ''}${datasetTable(runs)}`)
  const missing = model.runs.filter((r) => !reported.some((x) => x.r === r))
  const text = headline(model, reported)
  return `<section id="baselines"><h2>Against the baselines</h2>
${text ? `<p class="verdict">${e(text)}</p>` : ''}${tables.join('\n')}${missing.length > 0 ? `<p class="omitted">No baselines recorded for ${missing.map((r) => e(r.run.id)).join(', ')}.</p>` : ''}</section>`
}
