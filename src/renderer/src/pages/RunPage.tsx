/**
 * One run: what it is (config, data, versions), how it went (curves, best, final and test metrics), what it left
 * (artifacts, the trainer's log), and what you think of it (notes and tags, saved with updateRun).
 */
import { inWords } from '../../../shared/wording'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { RunDetail } from '../../../shared/api'
import { useApi } from '../api/context'
import { useLive, useLiveEvent, useProgress } from '../live'
import { withLivePoints } from '../lib/liveSummary'
import { LiveFacts } from '../components/RunLive/LiveFacts'
import { RunArtifacts } from '../components/RunArtifacts/RunArtifacts'
import { RunLog } from '../components/RunLog/RunLog'
import { useTheme } from '../theme'
import type { ChartRun } from '../charts/MetricChart'
import { MetricGrid } from '../components/MetricGrid'
import { ExportMenu } from '../components/ExportMenu'
import { PredictionsCard } from '../components/PredictionsCard'
import { PredictionsOverTime } from '../components/Predictions/PredictionsOverTime'
import { BaselinesTable } from '../components/BaselinesTable'
import { RunTimeNotes } from '../components/SplitWarnings'
import { baselineReferences } from '../lib/baselineRefs'
import { runStyles } from '../charts/runStyles'
import { RunSettingsFacts } from '../forms/RunSettingsFacts'
import { CellChip, ErrorNote, StatusCell, TagEditor } from '../components/bits'
import { ChartControls, useChartSettings } from '../components/ChartControls'
import { flattenConfig } from '../lib/configDiff'
import { displayName, formatEta, formatCount, formatDuration, formatMetric, formatWhen } from '../format'
import { href, navigate } from '../lib/useRoute'

const terminal = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

export function RunPage({ id }: { id: string }): React.JSX.Element {
  const api = useApi()
  const hub = useLive()
  const theme = useTheme()
  const [run, setRun] = useState<RunDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [metrics, setMetrics] = useState<string[]>([])
  const [actionError, setActionError] = useState<string | null>(null)
  const settings = useChartSettings(false)
  const [showBaselines, setShowBaselines] = useState(true)

  const load = useCallback(() => {
    api.getRun({ id }).then(
      (r) => {
        setRun(withLivePoints(r, hub.recentPoints(id))) // with the points that came in while it was read
        setError(null)
      },
      (e: Error) => setError(e.message)
    )
    api.listMetrics({ runIds: [id] }).then((r) => setMetrics(r.metrics), () => undefined)
  }, [api, hub, id])
  useEffect(load, [load])

  useLiveEvent((event) => {
    if (event.type === 'run:update' && event.run.id === id) {
      setRun((r) => (r ? { ...r, ...event.run } : r))
      if (terminal.has(event.run.status)) load()
    } else if (event.type === 'events:open') {
      load() // the event stream (re)connected: read what it may have missed
    } else if (event.type === 'run:metrics' && event.runId === id) {
      setRun((r) => (r ? withLivePoints(r, event.points) : r))
      const fresh = event.points.map((p) => p.name).filter((n) => !metrics.includes(n))
      if (fresh.length) setMetrics((m) => [...new Set([...m, ...fresh])])
    } else if (event.type === 'runs:removed' && event.ids.includes(id)) {
      setError('This run was deleted.')
      setRun(null)
    }
  })

  // Keyed by what the charts draw (not the live summary, which changes with every point): no redraw per event.
  const chartKey = run ? `${run.id}|${displayName(run)}|${run.cell}|${terminal.has(run.status)}` : ''
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const chartRuns = useMemo<ChartRun[]>(() => (run ? [{ id: run.id, name: displayName(run), cell: run.cell, status: terminal.has(run.status) ? 'done' : 'live' }] : []), [chartKey])
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const styles = useMemo(() => runStyles(run ? [run] : [], theme), [chartKey, theme])

  if (error && !run) {
    return (
      <div className="page">
        <p><a href={href({ name: 'runs', query: {} })}>← Runs</a></p>
        <ErrorNote message={error} />
      </div>
    )
  }
  if (!run) return <div className="page"><p className="muted">Loading run…</p></div>

  const cancel = (): void => {
    setActionError(null)
    api.cancelRun({ id }).catch((e: Error) => setActionError(e.message))
  }
  const archive = (): void => {
    setActionError(null)
    api.archiveRuns({ ids: [id], archived: !run.archived }).then(load, (e: Error) => setActionError(e.message))
  }
  const flat = flattenConfig(run.config)

  return (
    <div className="page page-wide run-page">
      <p className="crumbs"><a href={href({ name: 'runs', query: {} })}>Runs</a> / <span className="mono">{run.id}</span></p>
      <div className="page-head">
        <div>
          <h1 className="page-title run-title">
            <CellChip cell={run.cell} /> {displayName(run)}
            {run.archived && <span className="badge subtle">archived</span>}
          </h1>
          <p className="page-lede">
            {run.dataset?.description ?? run.task} · created {formatWhen(run.createdAt)}
          </p>
        </div>
        <div className="head-actions">
          {!terminal.has(run.status) && (
            <button type="button" className="danger" onClick={cancel}>
              Cancel run
            </button>
          )}
          <a className="button" href={href({ name: 'inside', id: run.id, query: {} })}>
            Inside the cell
          </a>
          <button type="button" onClick={() => navigate({ name: 'new', from: run.id })}>
            New run from this one
          </button>
          <button type="button" onClick={archive}>
            {run.archived ? 'Unarchive' : 'Archive'}
          </button>
          <ExportMenu runIds={[run.id]} />
        </div>
      </div>
      <ErrorNote message={actionError} onDismiss={() => setActionError(null)} />
      {run.error && <ErrorNote message={`The run failed: ${inWords(run.error, 'ui')}`} />}

      <div className="detail-top">
        <section className="card" aria-labelledby="status-h">
          <h2 id="status-h">Status</h2>
          <StatusCell runId={run.id} status={run.status} error={run.error} />
          <LiveLine runId={run.id} status={run.status} />
          <dl className="facts">
            <dt>Duration</dt>
            <dd>{run.durationMs !== null ? formatDuration(run.durationMs) : '—'}</dd>
            <LiveFacts run={run} />
            <dt>Final</dt>
            <dd>{Object.keys(run.final).length ? Object.entries(run.final).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ') : '—'}</dd>
            <dt>Test split</dt>
            <dd>{Object.keys(run.test).length ? Object.entries(run.test).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ') : '—'}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="model-h">
          <h2 id="model-h">Model and engine</h2>
          <dl className="facts">
            <dt>Parameters</dt>
            <dd>{formatCount(run.paramCount)}</dd>
            <dt>Cell form</dt>
            <dd>{run.cellForm ?? '—'}</dd>
            <dt>Backend</dt>
            <dd>{run.backend ?? '—'}{run.engine ? ` · ${run.engine}` : ''}</dd>
            <dt>Seed</dt>
            <dd className="mono">{run.seed ?? run.config.seed}</dd>
            <dt>Versions</dt>
            <dd className="mono small">{Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(' · ') || '—'}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="data-h">
          <h2 id="data-h">Data</h2>
          {run.dataset ? (
            <dl className="facts">
              <dt>Dataset</dt>
              <dd>{run.dataset.name}</dd>
              <RunSettingsFacts run={run} />
              <dt>Content hash</dt>
              <dd className="mono small path" title={run.dataset.contentHash}>{run.dataset.contentHash.slice(0, 16)}…</dd>
              <DatasetMeta meta={run.dataset.meta} />
            </dl>
          ) : (
            <>
              <p className="muted">{run.task} — described once the trainer has prepared the data.</p>
              <dl className="facts">
                <RunSettingsFacts run={run} />
              </dl>
            </>
          )}
          {run.dataset && <RunTimeNotes meta={run.dataset.meta} />}
        </section>
      </div>

      <BaselinesTable run={run} />

      <section className="section" aria-labelledby="curves-h">
        <div className="section-head">
          <h2 id="curves-h">Curves</h2>
          <label className="control inline small"><input type="checkbox" checked={showBaselines} onChange={(e) => setShowBaselines(e.target.checked)} data-testid="toggle-baselines" /> Baselines (dashed)</label>
        </div>
        <ChartControls settings={settings} />
        {metrics.length === 0 ? (
          <div className="card empty"><p>No metrics yet{terminal.has(run.status) ? '.' : ' — they appear as the run trains.'}</p></div>
        ) : (
          <MetricGrid runs={chartRuns} styles={styles} metrics={metrics} settings={settings} configs={run ? [run.config] : []} references={(m) => (showBaselines ? baselineReferences(run.dataset?.meta, run.config.loss, m) : [])} />
        )}
      </section>

      <PredictionsCard key={`${run.id}-${run.status}`} run={run} />
      <PredictionsOverTime key={`${run.id}-${run.status}-time`} run={run} />

      <div className="detail-bottom">
        <NotesCard key={run.id} run={run} onSaved={(r) => setRun((old) => (old ? { ...old, ...r } : old))} />
        <RunArtifacts run={run} />
      </div>

      <section className="card" aria-labelledby="config-h">
        <h2 id="config-h">Configuration</h2>
        <dl className="config-grid" data-testid="run-config">
          {Object.entries(flat).map(([k, v]) => (
            <div key={k} className="config-item">
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      </section>

      <RunLog id={run.id} status={run.status} />
    </div>
  )
}

function DatasetMeta({ meta }: { meta: Record<string, unknown> }): React.JSX.Element | null {
  const baselines = meta.baselines as Record<string, number> | undefined
  if (!baselines || typeof baselines !== 'object') return null
  return (
    <>
      <dt>Baselines</dt>
      <dd className="small">{Object.entries(baselines).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ')}</dd>
    </>
  )
}

/** Epoch, batch and the per-batch loss as they stream; one fixed line, so nothing below moves. */
function LiveLine({ runId, status }: { runId: string; status: string }): React.JSX.Element {
  const p = useProgress(runId)
  return (
    <p className="live-line mono" aria-live="off" data-testid="live-line">
      {status === 'running' && p
        ? `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${formatMetric(p.loss)} · ${formatDuration(p.elapsedMs)}${p.etaMs !== null ? ` · ${formatEta(p.etaMs)} left` : ''}`
        : status === 'queued'
          ? 'waiting for a free trainer…'
          : status === 'preparing'
            ? 'preparing: the trainer is building the data and the model…'
            : ' '}
    </p>
  )
}

function NotesCard({ run, onSaved }: { run: RunDetail; onSaved: (r: Partial<RunDetail>) => void }): React.JSX.Element {
  const api = useApi()
  const [name, setName] = useState(run.name)
  const [notes, setNotes] = useState(run.notes)
  const [tags, setTags] = useState(run.tags)
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' })
  const dirty = name !== run.name || notes !== run.notes || tags.join('\u0000') !== run.tags.join('\u0000')
  const save = (): void => {
    setState({ kind: 'saving' })
    api.updateRun({ id: run.id, name, notes, tags }).then(
      (r) => {
        onSaved({ ...r, notes })
        setState({ kind: 'saved' })
      },
      (e: Error) => setState({ kind: 'error', message: e.message })
    )
  }
  return (
    <section className="card notes-card" aria-labelledby="notes-h">
      <h2 id="notes-h">Notes and tags</h2>
      <label className="stack">
        <span className="muted small">Name</span>
        <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="stack">
        <span className="muted small">Notes</span>
        <textarea value={notes} rows={5} onChange={(e) => setNotes(e.target.value)} placeholder="What did you try, what did you see?" />
      </label>
      <div className="stack">
        <span className="muted small">Tags</span>
        <TagEditor tags={tags} onChange={setTags} />
      </div>
      <div className="row-actions">
        <button type="button" className="primary" disabled={!dirty || state.kind === 'saving'} onClick={save}>
          {state.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        {state.kind === 'saved' && !dirty && <span className="ok small">Saved</span>}
        {state.kind === 'error' && <span className="error small" role="alert">{state.message}</span>}
      </div>
    </section>
  )
}
