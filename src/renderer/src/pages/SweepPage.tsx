/**
 * One sweep: its progress and runs (live), cancelling what has not finished, parallel coordinates of the swept
 * settings against a metric, the metric against each setting, and the statistics across its runs.
 */
import { ClusterRunsCard } from '../cluster/ClusterRunsCard'
import { useEffect, useMemo, useRef, useState } from 'react'
import { MetricStatControls } from '../components/MetricStatControls'
import type { RunSummary, SweepSummary } from '../../../shared/api'
import type { MetricStat } from '../../../shared/comparison'
import { metricLabel as wordsFor } from '../../../shared/comparison'
import { useApi } from '../api/context'
import { useLiveEvent } from '../live'
import { CellChip, ErrorNote, StatusCell } from '../components/bits'
import { StatsPanel } from '../components/StatsPanel'
import { ParallelChart, formatSetting } from '../charts/ParallelChart'
import { ScatterChart } from '../charts/ScatterChart'
import { displayName, formatDuration, formatMetric, formatWhen } from '../format'
import { orderMetrics } from '../lib/series'
import { cancellable, countStatuses, runMetric, runSetting, sweepPlot, sweptKeys, unionMetrics } from '../lib/sweepView'
import { href } from '../lib/useRoute'
import { ProgressBar } from './SweepsPage'

const MAX_ROWS = 500
const MAX_COMPARE = 50

type Loaded = { state: 'loading' } | { state: 'ok'; sweep: SweepSummary; runs: RunSummary[] } | { state: 'error'; message: string }

export function SweepPage({ id }: { id: string }): React.JSX.Element {
  const api = useApi()
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' })
  const [listed, setListed] = useState<string[]>([])
  const [chosenMetric, setMetric] = useState<string | null>(null)
  const [stat, setStat] = useState<MetricStat>('best')
  const [confirming, setConfirming] = useState(false)
  const [cancelling, setCancelling] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const [reload, setReload] = useState(0)

  useEffect(() => {
    let cancelled = false
    Promise.all([api.listSweeps({}), api.listRuns({ sweepId: id, limit: 10_000, sort: 'createdAt', order: 'asc', includeArchived: true })]).then(
      ([s, r]) => {
        if (cancelled) return
        const sweep = s.sweeps.find((x) => x.id === id)
        if (!sweep) setLoaded({ state: 'error', message: `There is no sweep with id ${id}.` })
        else setLoaded({ state: 'ok', sweep, runs: r.rows })
        if (r.rows.length > 0) {
          api.listMetrics({ runIds: r.rows.slice(0, 100).map((x) => x.id) }).then(
            (m) => !cancelled && setListed(m.metrics),
            () => undefined
          )
        }
      },
      (e: Error) => !cancelled && setLoaded({ state: 'error', message: e.message })
    )
    return () => {
      cancelled = true
    }
  }, [api, id, reload])

  // Runs of this sweep change in place; a run we have not seen (or one removed) means a fresh listing.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  useLiveEvent((event) => {
    if (loaded.state !== 'ok') return
    if (event.type === 'run:update' && event.run.sweepId === id) {
      const run = event.run
      if (loaded.runs.some((r) => r.id === run.id)) {
        setLoaded((l) => (l.state === 'ok' ? { ...l, runs: l.runs.map((r) => (r.id === run.id ? run : r)) } : l))
        return
      }
    } else if (!(event.type === 'runs:removed' && event.ids.some((x) => loaded.runs.some((r) => r.id === x)))) {
      return
    }
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setReload((n) => n + 1), 300)
  })

  const runs = useMemo(() => (loaded.state === 'ok' ? loaded.runs : []), [loaded])
  const spec = loaded.state === 'ok' ? loaded.sweep.spec : undefined
  const keys = useMemo(() => sweptKeys(spec), [spec])
  const metrics = useMemo(() => orderMetrics(unionMetrics(runs, listed)), [runs, listed])
  const defaultMetric = runs.find((r) => r.best)?.best?.metric ?? (metrics.includes('valLoss') ? 'valLoss' : (metrics[0] ?? 'valLoss'))
  const metric = chosenMetric ?? defaultMetric
  const label = wordsFor(metric, stat)
  const plot = useMemo(() => sweepPlot(runs, keys, metric, stat, spec, displayName), [runs, keys, metric, stat, spec])
  const counts = useMemo(() => countStatuses(runs), [runs])
  const toCancel = useMemo(() => cancellable(runs), [runs])

  if (loaded.state === 'loading') {
    return (
      <div className="page">
        <Crumbs />
        <h1 className="page-title">Sweep</h1>
        <p className="muted">Loading…</p>
      </div>
    )
  }
  if (loaded.state === 'error') {
    return (
      <div className="page">
        <Crumbs />
        <h1 className="page-title">Sweep</h1>
        <ErrorNote message={loaded.message} />
      </div>
    )
  }

  const { sweep } = loaded
  const finished = (counts.completed ?? 0) + (counts.failed ?? 0) + (counts.cancelled ?? 0) + (counts.interrupted ?? 0)

  const cancelRemaining = (): void => {
    setConfirming(false)
    setCancelling(true)
    setActionError(null)
    // Queued first, so none of them starts while the running ones stop.
    const ids = toCancel
    ;(async () => {
      const failures: string[] = []
      for (const runId of ids) {
        try {
          await api.cancelRun({ id: runId })
        } catch (e) {
          failures.push(`${runId}: ${(e as Error).message}`)
        }
      }
      return failures
    })().then((failures) => {
      setCancelling(false)
      if (failures.length > 0) setActionError(`Could not cancel ${failures.length} run(s): ${failures.join('; ')}`)
    })
  }

  const shown = runs.slice(0, MAX_ROWS)
  return (
    <div className="page page-wide sweep-page">
      <Crumbs />
      <div className="page-head">
        <div>
          <h1 className="page-title">{sweep.name}</h1>
          <p className="page-lede">
            Created {formatWhen(sweep.createdAt)} · {runs.length} run{runs.length === 1 ? '' : 's'}
            {keys.length > 0 && <> · varies <span className="mono">{keys.join(', ')}</span></>}
          </p>
        </div>
        <div className="head-actions">
          {runs.length > 1 && runs.length <= MAX_COMPARE && (
            <a className="button" href={href({ name: 'compare', ids: runs.map((r) => r.id) })}>
              Curves in Compare
            </a>
          )}
          {confirming ? (
            <span className="confirm" role="group" aria-label="Confirm cancel">
              Cancel {toCancel.length} run{toCancel.length === 1 ? '' : 's'}?
              <button type="button" className="danger small" onClick={cancelRemaining}>
                Yes, cancel
              </button>
              <button type="button" className="small" onClick={() => setConfirming(false)}>
                Keep them
              </button>
            </span>
          ) : (
            <button type="button" className="danger" disabled={toCancel.length === 0 || cancelling} onClick={() => setConfirming(true)}>
              {cancelling ? 'Cancelling…' : `Cancel remaining${toCancel.length > 0 ? ` (${toCancel.length})` : ''}`}
            </button>
          )}
        </div>
      </div>
      <ErrorNote message={actionError} onDismiss={() => setActionError(null)} />

      <div className="sweep-progress" data-testid="sweep-progress" data-finished={finished} data-total={runs.length}>
        <ProgressBar counts={counts} total={runs.length} wide />
        <span className="small muted">
          {finished} of {runs.length} finished
          {(['completed', 'running', 'preparing', 'queued', 'failed', 'cancelled', 'interrupted'] as const)
            .filter((s) => (counts[s] ?? 0) > 0)
            .map((s) => ` · ${counts[s]} ${s}`)
            .join('')}
        </span>
      </div>

      <div className="chart-controls sweep-controls">
        <MetricStatControls metric={metric} metrics={metrics} setMetric={setMetric} stat={stat} setStat={setStat} />
        <span className="small muted">
          {plot.rows.length} of {runs.length} runs have a {label}
          {plot.missing > 0 ? '; the others appear as they finish' : ''}.
        </span>
      </div>

      {plot.rows.length === 0 ? (
        <div className="card empty">
          <p>No run has a {label} yet{finished < runs.length ? ' — the plots fill in as the runs train.' : '.'}</p>
        </div>
      ) : (
        <>
          <section className="card sweep-chart" aria-labelledby="parallel-h">
            <div className="card-head">
              <h2 id="parallel-h">Parallel coordinates</h2>
              <span className="small muted">One line per run; drag on an axis to filter. Colour is the cell.</span>
            </div>
            <ParallelChart plot={plot} metricLabel={label} />
          </section>
          {plot.axes.length > 0 && (
            <div className="charts-grid scatter-grid">
              {plot.axes.map((a, i) => (
                <ScatterChart key={a.key} plot={plot} axisIndex={i} metricLabel={label} />
              ))}
            </div>
          )}
        </>
      )}

      <StatsPanel sweepId={id} metrics={metrics} suggestedKeys={keys} defaultMetric={metric} />

      <ClusterRunsCard sweepId={id} />

      <section className="card" aria-labelledby="sweep-runs-h">
        <h2 id="sweep-runs-h">Runs</h2>
        <div className="table-scroll">
          <table className="table compact" data-testid="sweep-runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Cell</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Seed</th>
                {keys.filter((k) => k !== 'cell').map((k) => (
                  <th key={k} scope="col" className="num mono">{k}</th>
                ))}
                <th scope="col" className="num">{label}</th>
                <th scope="col" className="num">Duration</th>
                <th scope="col" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const value = runMetric(r, metric, stat)
                return (
                  <tr key={r.id} data-run-id={r.id} data-status={r.status}>
                    <td><a href={href({ name: 'run', id: r.id })}>{displayName(r)}</a></td>
                    <td><CellChip cell={r.cell} /></td>
                    <td className="status-col"><StatusCell runId={r.id} status={r.status} error={r.error} /></td>
                    <td className="num mono">{r.seed ?? '—'}</td>
                    {keys.filter((k) => k !== 'cell').map((k) => {
                      const v = runSetting(r, k, spec)
                      return <td key={k} className="num mono">{v === null ? '—' : typeof v === 'boolean' ? String(v) : formatSetting(v)}</td>
                    })}
                    <td className="num mono">{formatMetric(value)}</td>
                    <td className="num">{r.durationMs !== null ? formatDuration(r.durationMs) : '—'}</td>
                    <td className="actions">
                      {(r.status === 'queued' || r.status === 'preparing' || r.status === 'running') && (
                        <button
                          type="button"
                          className="small"
                          onClick={() => {
                            setActionError(null)
                            api.cancelRun({ id: r.id }).catch((e: Error) => setActionError(e.message))
                          }}
                        >
                          Cancel
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        {runs.length > MAX_ROWS && <p className="small muted">The first {MAX_ROWS} of {runs.length} runs are listed; the plots and statistics use all of them.</p>}
      </section>
    </div>
  )
}

function Crumbs(): React.JSX.Element {
  return (
    <p className="crumbs">
      <a href={href({ name: 'sweeps' })}>Sweeps</a> /
    </p>
  )
}
