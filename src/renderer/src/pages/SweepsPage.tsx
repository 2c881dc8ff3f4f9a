/**
 * Sweeps: every sweep with its progress, and a spec editor that starts new ones. The spec is checked as you type with
 * the same expandSweep the host runs, so the button says exactly how many runs it will queue, or the editor says
 * exactly what is wrong.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import type { SweepSummary } from '../../../shared/api'
import type { RunStatus } from '../../../shared/protocol'
import { useApi } from '../api/context'
import { useLiveEvent } from '../live'
import { ErrorNote } from '../components/bits'
import { cellLabels, formatWhen } from '../format'
import { exampleSpecText, previewSpec, progressSegments } from '../lib/sweepView'
import { href, navigate } from '../lib/useRoute'
import { SlurmFields } from '../cluster/SlurmFields'
import { emptySlurmDraft, slurmOptions } from '../cluster/clusterView'
import type { ClusterInfo } from '../../../shared/cluster'
import { SweepForm, SweepSizesLine } from '../sweeps/SweepForm'
import { fieldsFromText } from '../sweeps/sweepForm'

const DRAFT_KEY = 'gatelab.sweepDraft'

function readDraft(): string {
  try {
    return window.localStorage.getItem(DRAFT_KEY) ?? exampleSpecText
  } catch {
    return exampleSpecText
  }
}

function saveDraft(text: string): void {
  try {
    if (text === exampleSpecText) window.localStorage.removeItem(DRAFT_KEY)
    else window.localStorage.setItem(DRAFT_KEY, text)
  } catch {
    // Not kept: fine.
  }
}

type Listed = { state: 'loading' } | { state: 'ok'; sweeps: SweepSummary[] } | { state: 'error'; message: string }

export function SweepsPage(): React.JSX.Element {
  const api = useApi()
  const [listed, setListed] = useState<Listed>({ state: 'loading' })
  const [reload, setReload] = useState(0)

  useEffect(() => {
    let cancelled = false
    api.listSweeps({}).then(
      (r) => !cancelled && setListed({ state: 'ok', sweeps: r.sweeps }),
      (e: Error) => !cancelled && setListed({ state: 'error', message: e.message })
    )
    return () => {
      cancelled = true
    }
  }, [api, reload])

  // Progress moves as runs of any sweep change status: list again, at most a few times a second.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  useLiveEvent((event) => {
    const relevant = (event.type === 'run:update' && event.run.sweepId !== null) || event.type === 'runs:removed'
    if (!relevant || timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      setReload((n) => n + 1)
    }, 400)
  })

  return (
    <div className="page page-wide sweeps-page">
      <div className="page-head">
        <div>
          <h1 className="page-title">Sweeps</h1>
          <p className="page-lede">Grid and random search over settings × cells × seeds, queued as ordinary runs. Open a sweep for its plots and statistics.</p>
        </div>
      </div>
      <div className="sweeps-grid">
        <section className="card sweeps-list" aria-labelledby="sweeps-h">
          <h2 id="sweeps-h">All sweeps</h2>
          {listed.state === 'loading' && <p className="muted">Loading…</p>}
          {listed.state === 'error' && <ErrorNote message={listed.message} />}
          {listed.state === 'ok' && listed.sweeps.length === 0 && (
            <div className="empty">
              <p className="empty-title">No sweeps yet</p>
              <p>Edit the spec on the right and press Start, or run <code>npx gatelab sweep --spec FILE.json</code>.</p>
            </div>
          )}
          {listed.state === 'ok' && listed.sweeps.length > 0 && <SweepTable sweeps={listed.sweeps} />}
        </section>
        <SpecEditor onStarted={() => setReload((n) => n + 1)} />
      </div>
    </div>
  )
}

function SweepTable({ sweeps }: { sweeps: SweepSummary[] }): React.JSX.Element {
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="sweeps-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
            <th scope="col">Progress</th>
            <th scope="col" className="num">Runs</th>
          </tr>
        </thead>
        <tbody>
          {sweeps.map((s) => {
            const done = (s.counts.completed ?? 0) + (s.counts.failed ?? 0) + (s.counts.cancelled ?? 0) + (s.counts.interrupted ?? 0)
            return (
              <tr key={s.id} data-sweep-id={s.id}>
                <td>
                  <a href={href({ name: 'sweep', id: s.id })}>{s.name}</a>
                </td>
                <td className="muted" title={s.createdAt}>{formatWhen(s.createdAt)}</td>
                <td>
                  <span className="with-swatch">
                    <ProgressBar counts={s.counts} total={s.total} />
                    <span className="small muted">{done} of {s.total} finished</span>
                  </span>
                </td>
                <td className="num">{s.total}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

const statusWords: Record<RunStatus, string> = { queued: 'queued', preparing: 'preparing', running: 'running', completed: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' }

/** A sweep's runs by status as one thin stacked bar; the numbers are in its label. */
export function ProgressBar({ counts, total, wide = false }: { counts: Partial<Record<RunStatus, number>>; total: number; wide?: boolean }): React.JSX.Element {
  const segments = progressSegments(counts, total)
  const label = segments.map((s) => `${s.count} ${statusWords[s.status]}`).join(', ') || 'no runs'
  return (
    <span className={`sweep-bar ${wide ? 'wide' : ''}`} role="img" aria-label={`Runs: ${label}`} title={label}>
      {segments.map((s) => (
        <span key={s.status} className={`sweep-seg seg-${s.status}`} style={{ width: `${s.fraction * 100}%` }} />
      ))}
    </span>
  )
}

function SpecEditor({ onStarted }: { onStarted: () => void }): React.JSX.Element {
  const api = useApi()
  const id = useId()
  const [text, setText] = useState(readDraft)
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<string | null>(null)
  const preview = useMemo(() => previewSpec(text), [text])
  const [slurm, setSlurm] = useState(emptySlurmDraft)
  const [clusterInfo, setClusterInfo] = useState<ClusterInfo | null>(null)
  const slurmChoice = slurm.enabled ? slurmOptions(slurm, clusterInfo) : null
  // The form (default) writes the JSON; the JSON view is the advanced editor of the same text.
  const [view, setView] = useState<'form' | 'json'>('form')
  const [formError, setFormError] = useState<string | null>(null)
  const blocked = view === 'form' && formError !== null
  // A spec beyond the form (random search, …) is shown as JSON in the form view too.
  const jsonHidden = view === 'form' && fieldsFromText(text).ok

  const edit = (next: string): void => {
    setFormError(null)
    setText(next)
    setStartError(null)
    saveDraft(next)
  }

  const start = (): void => {
    if (!preview.ok || starting || blocked) return
    if (slurmChoice && !slurmChoice.ok) return setStartError(slurmChoice.message)
    setStarting(true)
    setStartError(null)
    const started = slurmChoice?.ok ? api.startSlurmSweep({ spec: preview.spec, slurm: slurmChoice.options }) : api.startSweep({ spec: preview.spec })
    started.then(
      (r) => {
        setStarting(false)
        onStarted()
        navigate({ name: 'sweep', id: r.sweepId })
      },
      (e: Error) => {
        setStarting(false)
        setStartError(e.message)
      }
    )
  }

  return (
    <section className="card spec-editor" aria-labelledby={`${id}-h`}>
      <div className="card-head">
        <h2 id={`${id}-h`}>Start a sweep</h2>
        <button type="button" className="link small" onClick={() => edit(exampleSpecText)} disabled={text === exampleSpecText}>
          Reset to the example
        </button>
      </div>
      <div className="segmented" role="radiogroup" aria-label="Sweep editor">
        {(
          [
            ['form', 'Form'],
            ['json', 'JSON (advanced)']
          ] as const
        ).map(([v, label]) => (
          <button key={v} type="button" role="radio" aria-checked={view === v} className={view === v ? 'on' : ''} onClick={() => setView(v)}>
            {label}
          </button>
        ))}
      </div>
      {view === 'form' ? <SweepForm text={text} onText={edit} onError={setFormError} /> : null}
      <label htmlFor={`${id}-spec`} className="field-label" hidden={jsonHidden}>
        Sweep spec (JSON)
      </label>
      <textarea
        hidden={jsonHidden}
        id={`${id}-spec`}
        className="mono spec-text"
        rows={16}
        spellCheck={false}
        value={text}
        aria-invalid={!preview.ok}
        aria-describedby={`${id}-preview ${id}-help`}
        onChange={(e) => edit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            start()
          }
        }}
      />
      <div id={`${id}-preview`} className={`spec-preview ${preview.ok ? 'ok' : 'error'}`} role="status" aria-live="polite" data-testid="spec-preview">
        {preview.ok ? (
          <>
            <strong>
              {preview.runs} run{preview.runs === 1 ? '' : 's'}
            </strong>
            {preview.perCell.length > 0 && <> · {preview.perCell.map((c) => `${cellLabels[c.cell]} ${c.runs}`).join(', ')}</>}
            {preview.varied.length > 0 && <> · varies {preview.varied.join(', ')}</>}
            {preview.seeds > 0 && <> · {preview.seeds} seed{preview.seeds === 1 ? '' : 's'}</>}
            {preview.matchParams && (
              <span className="muted small block">
                Units of the other cells are matched to the {cellLabels[preview.matchParams]}’s parameter count when the sweep starts.
              </span>
            )}
          </>
        ) : (
          preview.message
        )}
      </div>
      <SweepSizesLine spec={preview.ok ? preview.spec : null} />
      <SlurmFields draft={slurm} onChange={setSlurm} onInfo={setClusterInfo} />
      {slurmChoice && !slurmChoice.ok && <p className="field-error">{slurmChoice.message}</p>}
      <ErrorNote message={startError} onDismiss={() => setStartError(null)} />
      <button type="button" className="primary wide" disabled={!preview.ok || starting || blocked} onClick={start}>
        {starting ? 'Starting…' : preview.ok ? `${slurm.enabled ? 'Submit' : 'Start'} ${preview.runs} run${preview.runs === 1 ? '' : 's'}${slurm.enabled ? ' to Slurm' : ''}` : 'Start'}
      </button>
      <details className="spec-help" id={`${id}-help`}>
        <summary>Spec format</summary>
        <ul className="small muted">
          <li><code>base</code>: settings every run shares (the keys of <code>gatelab train --config</code>).</li>
          <li><code>grid</code>: every combination of these lists, e.g. <code>{'"units": [16, 32]'}</code>.</li>
          <li><code>random</code> with <code>trials</code>: draws per trial, shared by every grid point and seed, e.g. <code>{'"lr": {"logUniform": [1e-4, 1e-2]}'}</code>; also <code>uniform</code>, <code>int</code>, <code>choice</code>.</li>
          <li><code>seeds</code>: each combination once per seed; runs of one seed see the same data.</li>
          <li><code>matchParams</code>: <code>"lstm"</code> gives the other cells the LSTM’s parameter budget.</li>
        </ul>
      </details>
    </section>
  )
}
