/** Small pieces used across pages: cell chips, status with live progress, tags, errors, choices. */
import { useState } from 'react'
import type { RunStatus } from '../../../shared/protocol'
import { cellLabels, formatEta } from '../format'
import { useProgress } from '../live'

export function CellChip({ cell }: { cell: string }): React.JSX.Element {
  return <span className={`cell-chip cell-${cell}`}>{cellLabels[cell] ?? cell}</span>
}

const statusLabel: Record<RunStatus, string> = {
  queued: 'Queued',
  preparing: 'Preparing',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
}

/**
 * A run's status and, while it trains, a progress bar and ETA. The bar and its text have fixed sizes so that streaming
 * progress never moves anything around it.
 */
export function StatusCell({ runId, status, error }: { runId: string; status: RunStatus; error?: string | null }): React.JSX.Element {
  const progress = useProgress(runId)
  const live = status === 'running' && progress
  const pct = live ? Math.min(100, (100 * progress.step) / Math.max(1, progress.totalSteps)) : status === 'completed' ? 100 : 0
  return (
    <div className="status-cell" title={error ?? undefined}>
      <span className={`status status-${status}`}>
        <span className="status-dot" aria-hidden="true" />
        {statusLabel[status]}
        {live && <span className="status-pct">{Math.floor(pct)} %</span>}
      </span>
      {status === 'running' && (
        <span className="progress-line">
          <span className="progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(pct)}>
            <span className="progress-fill" style={{ width: `${pct}%` }} />
          </span>
          <span className="eta">{live ? (progress.etaMs !== null ? `${formatEta(progress.etaMs)} left` : `epoch ${progress.epoch}/${progress.epochs}`) : 'starting…'}</span>
        </span>
      )}
    </div>
  )
}

export function Tags({ tags }: { tags: readonly string[] }): React.JSX.Element | null {
  if (tags.length === 0) return null
  return (
    <span className="tags">
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </span>
  )
}

/** An error where it happened, with the host's message (a GateLabError's message is written for people). */
export function ErrorNote({ message, onDismiss }: { message: string | null; onDismiss?: () => void }): React.JSX.Element | null {
  if (!message) return null
  return (
    <div className="error-note" role="alert">
      <span>{message}</span>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  )
}

/** Edits a tag list: type and Enter (or comma) to add, × or Backspace to remove. */
export function TagEditor({ tags, onChange, disabled, id }: { tags: string[]; onChange: (tags: string[]) => void; disabled?: boolean; id?: string }): React.JSX.Element {
  const [draft, setDraft] = useState('')
  const add = (): void => {
    const t = draft.trim().replace(/,$/, '')
    if (t && !tags.includes(t)) onChange([...tags, t])
    setDraft('')
  }
  return (
    <div className="tag-editor">
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
          <button type="button" className="tag-x" aria-label={`Remove tag ${t}`} disabled={disabled} onClick={() => onChange(tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        value={draft}
        disabled={disabled}
        placeholder={tags.length === 0 ? 'add a tag…' : ''}
        maxLength={64}
        aria-label="Add a tag"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft.trim() && add()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ',') {
            e.preventDefault()
            add()
          } else if (e.key === 'Backspace' && draft === '' && tags.length > 0) {
            onChange(tags.slice(0, -1))
          }
        }}
      />
    </div>
  )
}

/** A <select> over [value, text] pairs, typed by its values (the form's choices: cell, optimizer, CSV reading). */
export function Choice<T extends string>({ id, value, options, onChange }: { id?: string; value: T; options: ReadonlyArray<readonly [T, string]>; onChange: (value: T) => void }): React.JSX.Element {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  )
}
