/**
 * Compare: 2 to N runs side by side. Curves per metric, overlaid (colour = cell, line style = run), with smoothing,
 * x by epoch / step / wall time, log scale, and grouping by cell or any hyperparameter into mean curves with bands.
 * Below: a summary table and the hyperparameters side by side, "only differences" by default.
 */
import { useEffect, useMemo, useState } from 'react'
import type { RunDetail } from '../../../shared/api'
import { useApi } from '../api/context'
import { useLive, useLiveEvent } from '../live'
import { useTheme } from '../theme'
import type { ChartRun } from '../charts/MetricChart'
import { MetricGrid } from '../components/MetricGrid'
import { ExportMenu } from '../components/ExportMenu'
import { runStyles } from '../charts/runStyles'
import { LineSwatch } from '../charts/LineSwatch'
import { CellChip, ErrorNote, StatusCell } from '../components/bits'
import { ChartControls, useChartSettings } from '../components/ChartControls'
import { StatsPanel } from '../components/StatsPanel'
import { BaselineCells, BaselineHeads, SummaryFloor } from '../components/CompareBaselines'
import { diffConfigs, flattenConfig } from '../lib/configDiff'
import { appliedConfig } from '../../../shared/runSettings'
import { lowerIsBetter } from '../lib/series'
import { withLivePoints } from '../lib/liveSummary'
import { bestOf } from '../lib/runsQuery'
import { cellLabels, displayName, formatCount, formatDuration, formatMetric, formatTask } from '../format'
import { href } from '../lib/useRoute'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])
/** Keys shown first in the hyperparameter table: what people compare first. */
const hpOrder = ['cell', 'task', 'seqLen', 'lookback', 'horizon', 'target', 'features', 'split', 'units', 'layers', 'bidirectional', 'dropout', 'optimizer', 'lr', 'batch', 'epochs', 'clip', 'seed']

type Loaded = { state: 'loading' } | { state: 'ok'; runs: RunDetail[]; missing: string[] } | { state: 'error'; message: string }

export function ComparePage({ ids }: { ids: string[] }): React.JSX.Element {
  const api = useApi()
  const hub = useLive()
  const theme = useTheme()
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' })
  const [metrics, setMetrics] = useState<string[]>([])
  const [onlyDiff, setOnlyDiff] = useState(true)
  const [actionError, setActionError] = useState<string | null>(null)
  const settings = useChartSettings()
  const idsKey = ids.join(',')

  useEffect(() => {
    if (ids.length === 0) return
    let cancelled = false
    Promise.allSettled(ids.map((id) => api.getRun({ id }))).then((results) => {
      if (cancelled) return
      const runs: RunDetail[] = []
      const missing: string[] = []
      results.forEach((r, i) => (r.status === 'fulfilled' ? runs.push(withLivePoints(r.value, hub.recentPoints(r.value.id))) : missing.push(`${ids[i]}: ${(r.reason as Error).message}`)))
      if (runs.length === 0) setLoaded({ state: 'error', message: missing.join('; ') })
      else setLoaded({ state: 'ok', runs, missing })
    })
    api.listMetrics({ runIds: ids.slice(0, 100) }).then(
      (r) => !cancelled && setMetrics(r.metrics),
      (e: Error) => !cancelled && setActionError(e.message)
    )
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, idsKey])

  useLiveEvent((event) => {
    if (loaded.state !== 'ok') return
    if (event.type === 'run:update' && ids.includes(event.run.id)) {
      const id = event.run.id
      setLoaded((l) => (l.state === 'ok' ? { ...l, runs: l.runs.map((r) => (r.id === id ? { ...r, ...event.run } : r)) } : l))
      // Finished: the detail (final and test metrics, epochs) is complete now.
      if (terminal.has(event.run.status)) {
        api.getRun({ id }).then((d) => setLoaded((l) => (l.state === 'ok' ? { ...l, runs: l.runs.map((r) => (r.id === id ? d : r)) } : l)), () => undefined)
      }
    } else if (event.type === 'events:open') {
      // The event stream (re)connected: read the runs again, so nothing published meanwhile is missing.
      for (const id of ids) api.getRun({ id }).then((d) => setLoaded((l) => (l.state === 'ok' ? { ...l, runs: l.runs.map((r) => (r.id === id ? withLivePoints(d, hub.recentPoints(id)) : r)) } : l)), () => undefined)
    } else if (event.type === 'run:metrics' && ids.includes(event.runId)) {
      // Best, epochs and the summary table follow the run as it trains (each point once: liveSummary.ts).
      setLoaded((l) => (l.state === 'ok' ? { ...l, runs: l.runs.map((r) => (r.id === event.runId ? withLivePoints(r, event.points) : r)) } : l))
      const fresh = event.points.map((p) => p.name).filter((n) => !metrics.includes(n))
      if (fresh.length > 0) setMetrics((m) => [...new Set([...m, ...fresh])])
    }
  })

  const runs = useMemo(() => (loaded.state === 'ok' ? loaded.runs : []), [loaded])
  // By id and cell only: live summaries change the runs many times a second, and every chart redraws on new styles.
  const styleKey = runs.map((r) => `${r.id}:${r.cell}`).join(',')
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const styles = useMemo(() => runStyles(runs, theme), [styleKey, theme])
  const rows = useMemo(() => diffConfigs(runs.map((r) => appliedConfig(r)), hpOrder), [runs])
  const groupKeys = useMemo(() => rows.filter((r) => r.differs && r.key !== 'seed' && r.key !== 'cell').map((r) => r.key), [rows])
  const flats = useMemo(() => new Map(runs.map((r) => [r.id, flattenConfig(r.config)])), [runs])
  const chartRuns = useMemo<ChartRun[]>(
    () =>
      runs.map((r) => ({
        id: r.id,
        name: displayName(r),
        cell: r.cell,
        status: r.status,
        group: settings.groupBy === 'cell' ? cellLabels[r.cell] : settings.groupBy ? `${settings.groupBy} = ${flats.get(r.id)?.[settings.groupBy] ?? '—'}` : undefined
      })),
    [runs, settings.groupBy, flats]
  )
  // Stable identity while only statuses change, so charts do not refetch on every live update.
  const chartRunsKey = chartRuns.map((r) => `${r.id}|${r.group}|${r.status}`).join(',')
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableChartRuns = useMemo(() => chartRuns, [chartRunsKey])
  const grouping = useMemo(
    () => (settings.groupBy ? { band: settings.band, showMembers: settings.showMembers, byCell: settings.groupBy === 'cell' } : null),
    [settings.groupBy, settings.band, settings.showMembers]
  )

  if (ids.length === 0) {
    return (
      <div className="page">
        <h1 className="page-title">Compare</h1>
        <div className="empty card">
          <p className="empty-title">Nothing to compare yet</p>
          <p>
            Select two or more runs in the <a href={href({ name: 'runs', query: {} })}>Runs</a> table and press Compare, or start an LSTM and a GRU together with{' '}
            <a href={href({ name: 'new', from: null })}>New run</a>.
          </p>
        </div>
      </div>
    )
  }
  if (loaded.state === 'loading') return <div className="page"><h1 className="page-title">Compare</h1><p className="muted">Loading {ids.length} runs…</p></div>
  if (loaded.state === 'error') return <div className="page"><h1 className="page-title">Compare</h1><ErrorNote message={loaded.message} /></div>

  // The metric the runs watch (valLoss, or valAcc for classification), known once a run has a best; valLoss before.
  const watched = runs.find((r) => r.best)?.best?.metric ?? 'valLoss'
  const bestValues = runs.map((r) => bestOf(r, watched)?.value ?? null)
  const finite = bestValues.filter((x): x is number => x !== null && Number.isFinite(x))
  const winner = finite.length > 1 ? (lowerIsBetter(watched) ? Math.min(...finite) : Math.max(...finite)) : null
  const shownRows = onlyDiff ? rows.filter((r) => r.differs) : rows

  const cancel = (id: string): void => {
    setActionError(null)
    api.cancelRun({ id }).catch((e: Error) => setActionError(e.message))
  }

  return (
    <div className="page page-wide compare-page">
      <div className="page-head">
        <div>
          <h1 className="page-title">Compare {runs.length} runs</h1>
          <p className="page-lede">Colour is the cell (LSTM blue, GRU orange); the line style tells runs of one cell apart.</p>
        </div>
        <div className="head-actions">
          {runs.length >= 2 && (
            <a className="button" href={href({ name: 'insideCompare', ids: runs.slice(0, 4).map((r) => r.id), query: {} })}>
              Inside, side by side
            </a>
          )}
          <ExportMenu runIds={runs.map((r) => r.id)} />
        </div>
      </div>
      <ErrorNote message={loaded.missing.length ? `Some runs could not be loaded: ${loaded.missing.join('; ')}` : null} />
      <ErrorNote message={actionError} onDismiss={() => setActionError(null)} />

      <section className="card legend-card" aria-label="Runs in this comparison">
        <table className="table compact legend-table" data-testid="compare-runs">
          <thead>
            <tr>
              <th scope="col" aria-label="Line" />
              <th scope="col">Run</th>
              <th scope="col">Cell</th>
              <th scope="col">Status</th>
              <th scope="col">Data</th>
              <th scope="col" className="num">Seed</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run-id={r.id} data-status={r.status}>
                <td><LineSwatch style={styles.get(r.id)} /></td>
                <td><a href={href({ name: 'run', id: r.id })}>{displayName(r)}</a></td>
                <td><CellChip cell={r.cell} /></td>
                <td className="status-col"><StatusCell runId={r.id} status={r.status} error={r.error} /></td>
                <td>{formatTask(r.task)}</td>
                <td className="num mono">{r.seed ?? '—'}</td>
                <td className="actions">
                  {!terminal.has(r.status) && (
                    <button type="button" className="small" onClick={() => cancel(r.id)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <ChartControls settings={settings} groupKeys={groupKeys} />

      {metrics.length === 0 ? (
        <div className="card empty">
          <p>No metrics recorded yet{runs.some((r) => !terminal.has(r.status)) ? ' — curves appear as soon as the runs report their first batch.' : '.'}</p>
        </div>
      ) : (
        <MetricGrid runs={stableChartRuns} styles={styles} metrics={metrics} settings={settings} grouping={grouping} configs={runs.map((r) => r.config)} />
      )}

      <StatsPanel runIds={ids} />

      <section className="card" aria-labelledby="summary-h">
        <h2 id="summary-h">Summary</h2>
        <SummaryFloor runs={runs} />
        <div className="table-scroll">
          <table className="table compact" data-testid="summary-table">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Cell</th>
                <th scope="col" className="num">Best {watched}</th>
                <BaselineHeads runs={runs} />
                <th scope="col" className="num">Epoch of best</th>
                <th scope="col" className="num">Time / epoch</th>
                <th scope="col" className="num">Epochs</th>
                <th scope="col" className="num">Parameters</th>
                <th scope="col">Backend</th>
                <th scope="col">Cell form</th>
                <th scope="col" className="num">Test</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r, i) => {
                const best = bestValues[i]
                const epochOfBest = bestOf(r, watched)?.epoch ?? null
                // Epochs done: the run's own count once finished, else how many per-epoch values it has reported.
                const epochs = r.epochs ?? r.summary[watched]?.count ?? r.summary.loss?.count ?? null
                const perEpoch = r.durationMs !== null && epochs ? r.durationMs / epochs : null
                const testText = Object.entries(r.test).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ')
                return (
                  <tr key={r.id}>
                    <td><span className="with-swatch"><LineSwatch style={styles.get(r.id)} width={20} />{displayName(r)}</span></td>
                    <td><CellChip cell={r.cell} /></td>
                    <td className={`num ${best !== null && best === winner ? 'winner' : ''}`} title={best !== null && best === winner ? 'Best of these runs' : undefined}>
                      {formatMetric(best)}
                    </td>
                    <BaselineCells run={r} runs={runs} />
                    <td className="num">{epochOfBest ?? '—'}</td>
                    <td className="num">{perEpoch !== null ? formatDuration(perEpoch) : '—'}</td>
                    <td className="num">{epochs ?? '—'}</td>
                    <td className="num">{formatCount(r.paramCount)}</td>
                    <td>{r.backend ?? '—'}</td>
                    <td className="muted">{r.cellForm ?? '—'}</td>
                    <td className="num muted">{testText || '—'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="hp-h">
        <div className="card-head">
          <h2 id="hp-h">Hyperparameters</h2>
          <label className="check">
            <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
            Only differences
          </label>
        </div>
        <div className="table-scroll">
          <table className="table compact hp-table" data-testid="hp-table">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                {runs.map((r) => (
                  <th key={r.id} scope="col">
                    <span className="with-swatch"><LineSwatch style={styles.get(r.id)} width={20} />{displayName(r)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shownRows.length === 0 ? (
                <tr>
                  <td colSpan={runs.length + 1} className="muted">These runs have identical configurations.</td>
                </tr>
              ) : (
                shownRows.map((row) => (
                  <tr key={row.key} data-key={row.key} className={row.differs ? 'differs' : ''}>
                    <th scope="row" className="mono">{row.key}</th>
                    {row.values.map((v, i) => (
                      <td key={runs[i]!.id} className="mono">
                        {row.key === 'cell' ? <CellChip cell={v} /> : v}
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  )
}
