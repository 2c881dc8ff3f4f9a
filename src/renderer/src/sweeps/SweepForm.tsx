/**
 * The sweep form (issue 17 item 7) and the parameter line under any spec. The form edits the spec text the JSON view
 * shows ("Advanced"): every change of the form writes the JSON; a JSON the form can show fills the form, any other
 * leaves the form saying it is showing the JSON. The parameter counts come from the host (planSweep), which sizes each
 * run on its real data, matched budgets included.
 */
import { useEffect, useId, useState } from 'react'
import { useApi } from '../api/context'
import { inWords } from '../../../shared/wording'
import { groupBudget, formatBudget, formatCount, type SweepSizes } from '../../../shared/budget'
import { builtinTasks, cells, type Cell } from '../../../shared/config'
import { bundledDatasets } from '../../../shared/data/bundled'
import { cellLabels } from '../format'
import { fieldsFromText, fieldsToSpec, listKeys, listLabels, specText, type ListKey, type SweepFields } from './sweepForm'
import './sweeps.css'

interface FormState {
  /** The spec text these fields belong to; when the editor's text moves on (JSON edits, reset), the form reads it again. */
  text: string
  fields: SweepFields | null
  /** Why the form cannot show the text (it shows the JSON instead). */
  reason: string | null
  /** What in the form keeps it from being a spec (the JSON keeps the last spec the form made). */
  error: string | null
}

function readText(text: string): FormState {
  const r = fieldsFromText(text)
  return r.ok ? { text, fields: r.fields, reason: null, error: null } : { text, fields: null, reason: r.reason, error: null }
}

/** The form, or (when the spec is beyond it) a note that the JSON below is what will run. */
export function SweepForm({ text, onText, onError }: { text: string; onText: (text: string) => void; onError: (message: string | null) => void }): React.JSX.Element {
  const id = useId()
  const [state, setState] = useState<FormState>(() => readText(text))
  const shown = state.text === text ? state : readText(text)

  const change = (next: SweepFields): void => {
    const r = fieldsToSpec(next)
    if (!r.ok) {
      setState({ text, fields: next, reason: null, error: r.message })
      onError(r.message)
      return
    }
    const nextText = specText(r.spec)
    setState({ text: nextText, fields: next, reason: null, error: null })
    onError(null)
    onText(nextText)
  }

  if (!shown.fields) {
    return (
      <div className="sweep-form" data-testid="sweep-form">
        <p className="form-json-note" data-testid="sweep-form-note">
          The form cannot show this spec ({shown.reason}); it is showing the JSON below, which is what will run.
        </p>
      </div>
    )
  }
  const f = shown.fields
  const set = <K extends keyof SweepFields>(key: K, value: SweepFields[K]): void => change({ ...f, [key]: value })
  const setList = (key: ListKey, value: string): void => change({ ...f, lists: { ...f.lists, [key]: value } })
  const toggleCell = (cell: Cell, on: boolean): void => set('cells', cells.filter((c) => (c === cell ? on : f.cells.includes(c))))

  return (
    <div className="sweep-form" data-testid="sweep-form">
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={f.name} placeholder="sweep" onChange={(e) => set('name', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-task`}>Task or data</label>
          <input id={`${id}-task`} className="mono" list={`${id}-tasks`} value={f.task} placeholder="adding" onChange={(e) => set('task', e.target.value)} />
          <datalist id={`${id}-tasks`}>
            {[...builtinTasks, ...bundledDatasets.map((d) => `data:${d.name}`)].map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
      </div>
      <fieldset className="sweep-cells">
        <legend>Cells</legend>
        {cells.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={f.cells.includes(c)} onChange={(e) => toggleCell(c, e.target.checked)} />
            {cellLabels[c]}
          </label>
        ))}
      </fieldset>
      <p className="small muted sweep-lists-hint">Comma lists: one value is shared by every run; several give every combination. Empty: the default.</p>
      <div className="sweep-lists">
        {listKeys.map((key) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${key}`}>{listLabels[key]}</label>
            <input id={`${id}-${key}`} value={f.lists[key]} placeholder="default" onChange={(e) => setList(key, e.target.value)} />
          </div>
        ))}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-seeds`}>Seeds</label>
          <span className="sweep-seeds">
            <select aria-label="Seeds as" value={f.seedsMode} onChange={(e) => set('seedsMode', e.target.value as SweepFields['seedsMode'])}>
              <option value="count">count (1, 2, …)</option>
              <option value="list">list</option>
            </select>
            <input id={`${id}-seeds`} value={f.seeds} placeholder={f.seedsMode === 'count' ? '3' : '1, 2, 7'} style={{ width: 90 }} onChange={(e) => set('seeds', e.target.value)} />
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-match`}>Matched budgets</label>
          <select id={`${id}-match`} value={f.matchParams} onChange={(e) => set('matchParams', e.target.value as SweepFields['matchParams'])}>
            <option value="">not matched</option>
            {cells.map((c) => (
              <option key={c} value={c}>
                to the {cellLabels[c]}’s parameter count
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-other`}>Other settings (JSON)</label>
        <input id={`${id}-other`} className="mono" value={f.other} placeholder='{"clip": 1}' onChange={(e) => set('other', e.target.value)} />
      </div>
      {shown.error && (
        <p className="field-error" data-testid="sweep-form-error">
          {shown.error}
        </p>
      )}
    </div>
  )
}

/** "Parameters: LSTM 4,513 × 6 runs · GRU 4,522 × 6 runs · 54,210 in all" — each run sized on its data by the host. */
export function SweepSizesLine({ spec }: { spec: Record<string, unknown> | null }): React.JSX.Element | null {
  const api = useApi()
  const key = spec ? JSON.stringify(spec) : null
  const [answer, setAnswer] = useState<{ key: string; sizes: SweepSizes } | null>(null)
  useEffect(() => {
    if (!key) return
    let live = true
    const timer = setTimeout(() => {
      api.planSweep({ spec: JSON.parse(key) as Record<string, unknown> }).then(
        (sizes) => live && setAnswer({ key, sizes }),
        (e: Error) => live && setAnswer({ key, sizes: { ok: false, message: e.message } })
      )
    }, 300)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, key])
  if (!key) return null
  const sizes = answer && answer.key === key ? answer.sizes : null
  if (!sizes) return <p className="small muted sweep-sizes">Counting parameters…</p>
  if (!sizes.ok) return <p className="small muted sweep-sizes">Parameter counts unavailable: {inWords(sizes.message, 'ui')}</p>
  const perCell = cells
    .map((cell) => ({ cell, runs: sizes.runs.filter((r) => r.cell === cell) }))
    .filter((c) => c.runs.length > 0)
    .map((c) => `${cellLabels[c.cell]} ${formatBudget(groupBudget(c.runs.map((r) => r.params))!)} × ${c.runs.length} run${c.runs.length === 1 ? '' : 's'}`)
  return (
    <p className="small sweep-sizes" data-testid="sweep-sizes">
      Parameters: {perCell.join(' · ')} · {formatCount(sizes.totalParams)} in all
    </p>
  )
}
