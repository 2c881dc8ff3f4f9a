/**
 * The run page's "Against the baselines" card: the run's validation and test scores in one table with every baseline
 * computed on the same splits (src/shared/baselines), the run's skill against each, errors in the data's own units,
 * one plain sentence on top, and a warning when a split is too small to carry a conclusion.
 */
import type { RunDetail } from '../../../shared/api'
import { formatSkill, runBaselineReport, skillScore, unitWords, type RunBaselineReport } from '../../../shared/baselines/skill'
import { formatMetric } from '../format'
import { SmallSplitWarning } from './SplitWarnings'
import { useMinSplitWindows } from '../lib/splitSettings'
import './baselines.css'

function sentence(report: RunBaselineReport): string {
  const { set } = report
  const best = set.entries.find((e) => e.id === set.best)!
  const split = report.run.test[set.metric] !== undefined ? 'test' : 'val'
  const own = report.run[split][set.metric]
  const base = best[split][set.metric]
  if (own === undefined || base === undefined) return `No ${split === 'test' ? 'test' : 'validation'} score yet to set against ${best.label}, the best baseline.`
  const score = set.metric === 'mse' ? 'MSE' : 'accuracy'
  const where = split === 'test' ? 'On the test split' : 'On validation'
  const skill = report.skill[split]
  const persistence = set.entries.find((e) => e.id === 'persistence')
  const vsPersistence = persistence && best.id !== 'persistence' && skill?.vsPersistence != null ? ` Against persistence: skill ${formatSkill(skill.vsPersistence)}.` : ''
  const beats = report.beatsBest[split]
  return `${where} this run ${beats ? 'beats' : 'does not beat'} ${best.label}, the best baseline: ${score} ${formatMetric(own)} against ${formatMetric(base)} (skill ${formatSkill(skill?.vsBest)}).${vsPersistence}`
}

export function SmallSplitNote({ windows }: { windows: { val: number; test: number } }): React.JSX.Element | null {
  return <SmallSplitWarning windows={windows} context="run" />
}

export function BaselinesTable({ run }: { run: RunDetail }): React.JSX.Element | null {
  // Re-render once the host's small-split figure is known (runBaselineReport reads it).
  useMinSplitWindows()
  const report = runBaselineReport(run)
  if (!report) return null
  const { set, original } = report
  const isMse = set.metric === 'mse'
  const score = isMse ? 'MSE' : 'accuracy'
  const unit = original ? unitWords(original) : null
  const scaledWords = isMse && set.target ? (set.target.scaling === 'zscore' ? 'z-scored units' : set.target.scaling === 'minmax' ? 'min-max scaled units' : 'the data’s units') : null
  const rows = [
    { key: 'run', label: 'This run', detail: 'best validation over epochs; test with the best weights', val: report.run.val, test: report.run.test, original: original?.run, skill: null as number | null, best: false, theory: false },
    ...set.entries.map((e) => ({
      key: e.id,
      label: e.label,
      detail: e.detail,
      val: e.val,
      test: e.test,
      original: original?.baselines.find((b) => b.id === e.id),
      skill: skillScore(report.run.test[set.metric] ?? report.run.val[set.metric], (report.run.test[set.metric] !== undefined ? e.test : e.val)[set.metric], set.metric),
      best: e.id === set.best,
      theory: Boolean(e.theoretical)
    }))
  ]
  return (
    <section className="card baselines-card" aria-labelledby="baselines-h" data-testid="baselines">
      <h2 id="baselines-h">Against the baselines</h2>
      <p className="baseline-verdict" data-testid="baseline-verdict">{sentence(report)}</p>
      <div className="table-scroll">
        <table className="table compact" data-testid="baselines-table">
          <thead>
            <tr>
              <th scope="col">Predictor</th>
              <th scope="col" className="num">Validation {score}</th>
              <th scope="col" className="num">Test {score}</th>
              {original && <th scope="col" className="num">Test RMSE ({unit})</th>}
              {original && <th scope="col" className="num">Test MAE ({unit})</th>}
              <th scope="col" className="num" title={isMse ? '1 − MSE(run) / MSE(baseline): above 0 the run beats it, below 0 it is worse' : '(acc(run) − acc(baseline)) / (1 − acc(baseline))'}>
                Run’s skill against it
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={r.key === 'run' ? 'own-row' : undefined} data-baseline={r.key}>
                <th scope="row" title={r.detail}>
                  {r.key === 'run' ? <b>{r.label}</b> : r.label}
                  {r.best && <span className="badge subtle">best</span>}
                  {r.theory && <span className="badge subtle">theory</span>}
                </th>
                <td className="num mono">{formatMetric(r.val[set.metric])}</td>
                <td className="num mono">{formatMetric(r.test[set.metric])}</td>
                {original && <td className="num mono">{formatMetric(r.original?.test.rmse)}</td>}
                {original && <td className="num mono">{formatMetric(r.original?.test.mae)}</td>}
                <td className={`num mono ${r.skill !== null && r.skill < 0 ? 'worse' : ''}`}>{r.key === 'run' ? '' : formatSkill(r.skill)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {scaledWords ? `${score} in ${scaledWords}, the units of the loss curves` : `${score} as the loss curves show it`}
        {original ? `; RMSE and MAE in ${unit}` : ''}. Every baseline is computed on this run’s own {set.windows.val} validation and {set.windows.test} test windows
        {set.season ? `; season ${set.season.period} (${set.season.source})` : ''}.
      </p>
      <SmallSplitNote windows={set.windows} />
    </section>
  )
}
