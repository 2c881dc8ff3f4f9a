/**
 * The statistics panel's first word: does each group beat its best baseline at all (src/shared/baselines/verdict.ts)?
 * The plain sentence, then a small table of each group against that baseline, before any ranking of the groups.
 */
import type { RunComparison } from '../../../shared/comparison'
import type { Floor } from '../../../shared/baselines/verdict'
import { formatSkill } from '../../../shared/baselines/skill'
import { formatP } from '../../../shared/stats'
import { formatMetric } from '../format'
import './baselines.css'

const statusWords = { beats: 'beats it', worse: 'does not beat it', unclear: 'not clearly', unknown: '—' } as const

/** The floor's plain sentence, marked as clear (every group beats its best baseline) or below the floor. */
export function FloorHeadline({ floor, testId = 'floor-headline' }: { floor: Floor; testId?: string }): React.JSX.Element {
  const clear = floor.groups.every((g) => g.status === 'beats') && !floor.plateau
  return (
    <p className={`floor-headline ${clear ? 'clear' : 'below'}`} data-testid={testId}>
      {floor.headline}
    </p>
  )
}

export function FloorSummary({ comparison }: { comparison: RunComparison }): React.JSX.Element | null {
  const floor = comparison.floor
  if (!floor) return null
  const score = floor.score === 'mse' ? 'best validation MSE' : 'best validation accuracy'
  return (
    <div className="floor-summary" data-testid="floor">
      <FloorHeadline floor={floor} />
      <div className="table-scroll">
        <table className="table compact stats-table" data-testid="floor-table">
          <caption className="sr-only">Each group against {floor.baseline.label}</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" className="num">n</th>
              <th scope="col" className="num">Runs: mean {score}</th>
              <th scope="col" className="num">{floor.baseline.label} (best baseline)</th>
              <th scope="col" className="num" title="1 − MSE(group mean) / MSE(baseline)">Skill</th>
              <th scope="col" className="num">Better than it</th>
              <th scope="col" className="num" title="Paired t-test of each run against the baseline on its own data">Paired p</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {floor.groups.map((g) => (
              <tr key={g.label} data-group={g.label}>
                <th scope="row">{g.label}</th>
                <td className="num">{g.n}</td>
                <td className="num mono">{formatMetric(g.meanRun)}</td>
                <td className="num mono">{formatMetric(g.meanBaseline)}</td>
                <td className="num mono">{formatSkill(g.skill)}</td>
                <td className="num">{g.better} of {g.n}</td>
                <td className="num mono">{g.p === null ? '—' : formatP(g.p).replace(/^p = /, '')}</td>
                <td className={g.status === 'beats' ? 'ok' : g.status === 'worse' ? 'error' : 'muted'}>{statusWords[g.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
