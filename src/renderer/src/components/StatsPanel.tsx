/**
 * Statistics across runs: group them (by cell, or any setting), choose the metric and whether its best or last value
 * counts, and the host's compareRuns answers with every group (n, mean, SD, 95% t-interval) and every pair of groups
 * (difference with its Welch interval, Welch and paired p, Holm-adjusted p, Hedges' g, bootstrap interval) and a
 * plain-language verdict. Self-contained: give it run ids (the Compare view) or a sweep id (the Sweeps page).
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { MetricStatControls } from './MetricStatControls'
import type { RunComparison } from '../../../shared/comparison'
import type { MetricStat } from '../../../shared/comparison'
import { formatNumber, formatP } from '../../../shared/stats'
import { useApi } from '../api/context'
import { useLiveEvent } from '../live'
import { orderMetrics } from '../lib/series'
import { collectWarnings, formatWithCi, groupByOptions, terminalStatuses } from '../lib/sweepView'
import { CellChip, ErrorNote } from './bits'
import { FloorSummary } from './FloorSummary'

export interface StatsPanelProps {
  /** The runs to compare (the Compare view), or… */
  runIds?: string[]
  /** …every run of a sweep. */
  sweepId?: string
  /** Metrics to offer; fetched with listMetrics when not given. */
  metrics?: string[]
  /** Grouping keys to offer first (e.g. what a sweep varied). */
  suggestedKeys?: string[]
  /** The metric to start with (default valLoss when recorded). */
  defaultMetric?: string
}

type Result = { key: string; value: RunComparison } | { key: string; error: string }

export function StatsPanel({ runIds, sweepId, metrics: givenMetrics, suggestedKeys = [], defaultMetric }: StatsPanelProps): React.JSX.Element {
  const api = useApi()
  const id = useId()
  const idsKey = (runIds ?? []).join(',')
  const [fetchedMetrics, setFetchedMetrics] = useState<{ key: string; metrics: string[] } | null>(null)
  const [groupKey, setGroupKey] = useState('cell')
  const [thenBy, setThenBy] = useState('')
  const [chosenMetric, setMetric] = useState<string | null>(null)
  const [stat, setStat] = useState<MetricStat>('best')
  const [result, setResult] = useState<Result | null>(null)
  const [reload, setReload] = useState(0)
  const sourceKey = sweepId ? `sweep:${sweepId}` : `runs:${idsKey}`

  // Metrics to offer, when the page did not give them.
  useEffect(() => {
    if (givenMetrics) return
    let cancelled = false
    const ids = sweepId ? api.listRuns({ sweepId, limit: 100, includeArchived: true }).then((r) => r.rows.map((x) => x.id)) : Promise.resolve(runIds ?? [])
    ids
      .then((list) => (list.length > 0 ? api.listMetrics({ runIds: list.slice(0, 100) }) : { metrics: [] }))
      .then(
        (r) => !cancelled && setFetchedMetrics({ key: sourceKey, metrics: r.metrics }),
        () => !cancelled && setFetchedMetrics({ key: sourceKey, metrics: [] })
      )
    return () => {
      cancelled = true
    }
    // idsKey stands for runIds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, givenMetrics, sourceKey, reload])

  const metrics = useMemo(() => {
    const list = givenMetrics ?? (fetchedMetrics?.key === sourceKey ? fetchedMetrics.metrics : [])
    return orderMetrics(list)
  }, [givenMetrics, fetchedMetrics, sourceKey])
  const metric = chosenMetric ?? (defaultMetric && metrics.includes(defaultMetric) ? defaultMetric : metrics.includes('valLoss') ? 'valLoss' : (metrics[0] ?? 'valLoss'))
  const groupBy = useMemo(() => (thenBy && thenBy !== groupKey ? [groupKey, thenBy] : [groupKey]), [groupKey, thenBy])
  // What is asked; a live refresh (reload) asks the same again and leaves the shown result in place until it answers.
  const requestKey = JSON.stringify([sourceKey, groupBy, metric, stat])

  // Answers are applied in the order asked (a late answer to an older request never replaces a newer one); a live
  // refresh does not cancel the one under way, so a steady stream of events cannot keep the panel from updating.
  const asked = useRef(0)
  const applied = useRef(0)
  useEffect(() => {
    if (!sweepId && idsKey === '') return
    const n = ++asked.current
    const request = sweepId ? { sweepId, groupBy, metric, stat } : { runIds: idsKey.split(','), groupBy, metric, stat }
    const apply = (r: Result): void => {
      if (n <= applied.current) return
      applied.current = n
      setResult(r)
    }
    api.compareRuns(request).then(
      (value) => apply({ key: requestKey, value }),
      (e: Error) => apply({ key: requestKey, error: e.message })
    )
    // requestKey stands for the request's parts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, requestKey, reload])

  // The statistics follow the runs' summaries as they train: compare again when a run of ours records the metric,
  // finishes, or the event stream reconnects (at most one request per burst of events; none while one is under way).
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  useLiveEvent((event) => {
    let ours = false
    if (event.type === 'run:update') {
      ours = terminalStatuses.has(event.run.status) && (sweepId ? event.run.sweepId === sweepId : (runIds ?? []).includes(event.run.id))
    } else if (event.type === 'run:metrics') {
      // A sweep's membership is not in the event; comparing a sweep again once per epoch of any run is cheap.
      const member = sweepId ? true : (runIds ?? []).includes(event.runId)
      ours = member && event.points.some((p) => p.name === metric)
    } else if (event.type === 'events:open') {
      ours = true
    }
    if (!ours || timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      setReload((n) => n + 1)
    }, 300)
  })

  const options = useMemo(() => groupByOptions(suggestedKeys), [suggestedKeys])
  const comparison = result && 'value' in result ? result.value : null
  const error = result && 'error' in result ? result.error : null
  const stale = result !== null && result.key !== requestKey
  const warnings = comparison ? collectWarnings(comparison) : []
  const showHolm = (comparison?.groups.length ?? 0) > 2

  return (
    <section className="card stats-panel" aria-labelledby={`${id}-h`} data-testid="stats-panel" aria-busy={stale || result === null}>
      <div className="card-head">
        <h2 id={`${id}-h`}>Statistics across runs</h2>
        {(stale || result === null) && <span className="muted small" role="status">Computing…</span>}
      </div>
      <div className="stats-controls">
        <label className="control">
          Group by
          <select value={groupKey} onChange={(e) => setGroupKey(e.target.value)}>
            {options.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="control">
          and by
          <select value={thenBy} onChange={(e) => setThenBy(e.target.value)}>
            <option value="">(nothing)</option>
            {options.filter((k) => k !== groupKey).map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        <MetricStatControls metric={metric} metrics={metrics} setMetric={setMetric} stat={stat} setStat={setStat} />
      </div>

      <ErrorNote message={error} />

      {comparison && comparison.groups.every((g) => g.n === 0) && (
        <p className="empty-stats muted" data-testid="stats-empty">
          No run has a {comparison.metricLabel} yet{comparison.groups.some((g) => g.missing.length > 0) ? ' — the statistics appear as the runs record it' : ''}.
        </p>
      )}

      {comparison && comparison.groups.some((g) => g.n > 0) && (
        <div className={`stats-body ${stale ? 'stale' : ''}`}>
          <p className="muted small stats-what">
            Comparing the <strong>{comparison.metricLabel}</strong> of each run ({comparison.better} is better), grouped by {comparison.groupBy.join(' and ')}. Differences are first group − second.
          </p>

          <FloorSummary comparison={comparison} />

          {comparison.pairs.length > 0 && (
            <ul className="verdicts" aria-label="Verdicts">
              {comparison.pairs.map((p) => (
                <li key={`${p.a}|${p.b}`} className={`verdict ${p.comparison.significant ? 'clear' : 'unclear'}`} data-testid="verdict">
                  {p.verdict}
                </li>
              ))}
            </ul>
          )}

          {warnings.length > 0 && (
            <ul className="stats-warnings" aria-label="Warnings" data-testid="stats-warnings">
              {warnings.map((w) => (
                <li key={w}>
                  <span className="warn-mark" aria-hidden="true">!</span>
                  {w}
                </li>
              ))}
            </ul>
          )}

          <div className="table-scroll">
            <table className="table compact stats-table" data-testid="stats-groups">
              <caption className="sr-only">Groups: {comparison.metricLabel}</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" className="num">n</th>
                  <th scope="col" className="num">Mean</th>
                  <th scope="col" className="num">SD</th>
                  <th scope="col" className="num">95% CI (t)</th>
                  <th scope="col" className="num">Left out</th>
                </tr>
              </thead>
              <tbody>
                {comparison.groups.map((g) => {
                  const shown = formatWithCi(g.mean, g.ci95)
                  const sdText = g.sd === null ? '—' : formatWithCi(g.sd, g.ci95).value
                  return (
                    <tr key={g.label} data-group={g.label} data-n={g.n} data-mean={g.mean ?? ''}>
                      <th scope="row"><GroupLabel groupKey={g.key} /></th>
                      <td className="num">{g.n}</td>
                      <td className="num mono">{shown.value}</td>
                      <td className="num mono">{sdText}</td>
                      <td className="num mono">{shown.ci}</td>
                      <td className="num muted" title={g.missing.join(', ') || undefined}>{g.missing.length || '—'}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>

          {comparison.pairs.length > 0 && (
            <div className="table-scroll">
              <table className="table compact stats-table" data-testid="stats-pairs">
                <caption className="sr-only">Pairs of groups</caption>
                <thead>
                  <tr>
                    <th scope="col">Pair (first − second)</th>
                    <th scope="col" className="num">Difference</th>
                    <th scope="col" className="num" title="The interval the verdict quotes: paired by seed when the groups share seeds, else Welch">95% CI (as quoted)</th>
                    <th scope="col" className="num">Welch p</th>
                    <th scope="col" className="num">Paired p</th>
                    {showHolm && <th scope="col" className="num" title="Primary p adjusted for all pairs (Holm)">Holm p</th>}
                    <th scope="col" className="num" title="Standardized difference, bias-corrected">Hedges’ g</th>
                    <th scope="col" className="num">Bootstrap 95% CI</th>
                  </tr>
                </thead>
                <tbody>
                  {comparison.pairs.map((p) => {
                    const d = formatWithCi(p.quoted?.estimate ?? p.diff, p.quoted?.ci95 ?? p.ci95)
                    const boot = p.bootstrapCi95 ? formatWithCi(p.diff, p.bootstrapCi95).ci : '—'
                    return (
                      <tr key={`${p.a}|${p.b}`}>
                        <th scope="row" className="pair-label" title={`${p.a} − ${p.b}`}>
                          <PairSide label={p.a} comparison={comparison} /> <span className="muted">−</span> <PairSide label={p.b} comparison={comparison} />
                        </th>
                        <td className="num mono">{d.value}</td>
                        <td className="num mono">{d.ci}{p.quoted && <span className="muted small"> {p.quoted.test}</span>}</td>
                        <td className="num mono">{pText(p.pWelch)}</td>
                        <td className="num mono">{p.pPaired === null ? <span className="muted">not paired</span> : pText(p.pPaired)}</td>
                        {showHolm && <td className="num mono">{pText(p.pHolm)}</td>}
                        <td className="num mono">{p.hedgesG === null ? '—' : formatNumber(p.hedgesG, 2)}</td>
                        <td className="num mono">{boot}</td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  )
}

function pText(p: number | null): string {
  return p === null ? '—' : formatP(p).replace(/^p = /, '').replace(/^p /, '')
}

function PairSide({ label, comparison }: { label: string; comparison: RunComparison }): React.JSX.Element {
  const group = comparison.groups.find((g) => g.label === label)
  return group ? <GroupLabel groupKey={group.key} /> : <span>{label}</span>
}

function GroupLabel({ groupKey }: { groupKey: Record<string, string | number | boolean | null> }): React.JSX.Element {
  const entries = Object.entries(groupKey)
  return (
    <span className="group-label">
      {entries.map(([k, v]) =>
        k === 'cell' && typeof v === 'string' ? (
          <CellChip key={k} cell={v} />
        ) : (
          <span key={k} className="mono">
            {k}={v === null ? '—' : String(v)}
          </span>
        )
      )}
    </span>
  )
}
