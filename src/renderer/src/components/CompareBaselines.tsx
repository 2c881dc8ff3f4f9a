/**
 * Baselines in Compare's own summary table (issue 16): the floor verdict above it (src/shared/baselines/verdict.ts,
 * the same sentence the statistics panel and `gatelab compare` print) and, per run, its best baseline on validation,
 * its skill against that baseline and against persistence, and its test RMSE in the data's own unit. The page adds
 * <BaselineHeads> to the table head, <BaselineCells> to each row and <SummaryFloor> above the table.
 */
import { useMemo } from 'react'
import type { RunDetail } from '../../../shared/api'
import { formatSkill, runBaselineReport, unitWords, type RunBaselineReport } from '../../../shared/baselines/skill'
import { floorOf } from '../../../shared/baselines/verdict'
import { cellLabels } from '../../../shared/config'
import { formatMetric } from '../format'
import { FloorHeadline } from './FloorSummary'
import './baselines.css'

interface Columns {
  /** Some run recorded baselines: the columns are shown. */
  shown: boolean
  /** Skill against persistence gets its own column when a run's best baseline is something else. */
  persistence: boolean
  /** The unit of the test RMSE column ("ppm", "level units"), or null when no run is a scaled series. */
  unit: string | null
}

function columnsOf(reports: ReadonlyArray<RunBaselineReport | null>): Columns {
  const known = reports.filter((r): r is RunBaselineReport => r !== null)
  const units = [...new Set(known.flatMap((r) => (r.original ? [unitWords(r.original)] : [])))]
  return {
    shown: known.length > 0,
    persistence: known.some((r) => r.set.metric === 'mse' && r.set.best !== 'persistence' && r.set.entries.some((e) => e.id === 'persistence')),
    unit: units.length === 1 ? units[0]! : units.length > 1 ? 'data units' : null
  }
}

const reportsCache = new WeakMap<RunDetail, RunBaselineReport | null>()
function reportOf(run: RunDetail): RunBaselineReport | null {
  if (!reportsCache.has(run)) reportsCache.set(run, runBaselineReport(run))
  return reportsCache.get(run)!
}

export function BaselineHeads({ runs }: { runs: readonly RunDetail[] }): React.JSX.Element | null {
  const cols = columnsOf(runs.map(reportOf))
  if (!cols.shown) return null
  return (
    <>
      <th scope="col" className="num" title="The baseline with the best validation score, computed on this run's own splits">Best baseline (val.)</th>
      <th scope="col" className="num" title="1 − MSE(run) / MSE(baseline) on validation: above 0 the run beats its best baseline, below 0 it is worse">Skill vs best</th>
      {cols.persistence && <th scope="col" className="num" title="1 − MSE(run) / MSE(persistence) on validation">Skill vs persistence</th>}
      {cols.unit && <th scope="col" className="num">Test RMSE ({cols.unit})</th>}
    </>
  )
}

export function BaselineCells({ run, runs }: { run: RunDetail; runs: readonly RunDetail[] }): React.JSX.Element | null {
  const cols = columnsOf(runs.map(reportOf))
  if (!cols.shown) return null
  const report = reportOf(run)
  const best = report ? report.set.entries.find((e) => e.id === report.set.best) : undefined
  const skill = report?.skill.val ?? null
  const cls = (v: number | null | undefined): string => `num mono ${v !== null && v !== undefined && v < 0 ? 'worse' : ''}`
  return (
    <>
      <td className="num" data-col="best-baseline">
        {best ? (
          <>
            <span className="muted">{best.label}</span> <span className="mono">{formatMetric(best.val[report!.set.metric])}</span>
          </>
        ) : (
          '—'
        )}
      </td>
      <td className={cls(skill?.vsBest)} data-col="skill-best">{formatSkill(skill?.vsBest)}</td>
      {cols.persistence && <td className={cls(skill?.vsPersistence)} data-col="skill-persistence">{formatSkill(skill?.vsPersistence)}</td>}
      {cols.unit && <td className="num mono" data-col="test-rmse">{formatMetric(report?.original?.run.test.rmse)}</td>}
    </>
  )
}

/** The floor verdict over the compared runs grouped by cell, as one sentence above the summary table. */
export function SummaryFloor({ runs }: { runs: readonly RunDetail[] }): React.JSX.Element | null {
  const floor = useMemo(() => {
    // Groups in the order compareRuns gives them (by label), so this sentence reads as the statistics panel's does.
    const cells = [...new Set(runs.map((r) => r.cell))].sort((a, b) => (cellLabels[a] ?? a).localeCompare(cellLabels[b] ?? b))
    return floorOf(cells.map((cell) => ({ label: cellLabels[cell] ?? cell, runs: runs.filter((r) => r.cell === cell) })))
  }, [runs])
  if (!floor) return null
  return <FloorHeadline floor={floor} testId="summary-floor" />
}
