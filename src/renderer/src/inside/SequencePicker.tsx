/**
 * Which sequence to look inside: number N of a split, the K best- or worst-predicted test sequences, or an edited one
 * (typed values; for the adding problem, its two markers moved). Wrong input is said here, in the picker's words,
 * before anything is asked of the host.
 */
import { useState } from 'react'
import type { InspectSplit, Matrix } from '../../../shared/inspect'
import { indexProblem, moveAddingMarkers, addingMarkers, parseValues, stepsOf, valuesText, type InsideState } from './model'

export interface EditedSequence {
  values: number[][]
  target?: number[]
}

const splitWords: Record<InspectSplit, string> = { train: 'training', val: 'validation', test: 'test' }

export function SequencePicker({
  state,
  onChange,
  counts,
  editing,
  onEdit
}: {
  state: InsideState
  onChange: (s: InsideState) => void
  /** Sequences per split (from the run's dataset), when known. */
  counts: Record<InspectSplit, number> | null
  editing: boolean
  onEdit: (on: boolean) => void
}): React.JSX.Element {
  const [indexText, setIndexText] = useState(String(state.index))
  const [kText, setKText] = useState(String(state.k))
  // The address changed the index (back button, arrows): show it.
  const [seenIndex, setSeenIndex] = useState(state.index)
  if (seenIndex !== state.index) {
    setSeenIndex(state.index)
    setIndexText(String(state.index))
  }
  const count = counts ? counts[state.split] : null
  const problem = state.pick === 'index' && !editing ? indexProblem(indexText, state.split, count) : null
  const kValid = /^\d+$/.test(kText.trim()) && Number(kText) >= 1 && Number(kText) <= 50
  const kProblem = state.pick !== 'index' && !editing && !kValid ? 'K is a whole number from 1 to 50.' : null
  const mode = editing ? 'edit' : state.pick

  const go = (index: number): void => {
    setIndexText(String(index))
    onChange({ ...state, pick: 'index', index })
  }
  const submitIndex = (): void => {
    if (indexProblem(indexText, state.split, count) === null) go(Number(indexText))
  }

  return (
    <div className="sequence-picker" role="group" aria-label="Sequence">
      <div className="segmented small" role="group" aria-label="Choose the sequence by">
        {(
          [
            ['index', 'Number'],
            ['best', 'Best K'],
            ['worst', 'Worst K'],
            ['edit', 'Edit']
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            className={mode === value ? 'on' : ''}
            aria-pressed={mode === value}
            onClick={() => {
              if (value === 'edit') onEdit(true)
              else {
                onEdit(false)
                onChange({ ...state, pick: value })
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {mode === 'index' && (
        <form
          className="picker-fields"
          onSubmit={(e) => {
            e.preventDefault()
            submitIndex()
          }}
        >
          <label className="control">
            Split
            <select aria-label="Split" value={state.split} onChange={(e) => onChange({ ...state, split: e.target.value as InspectSplit, index: 0 })}>
              {(['test', 'val', 'train'] as const).map((s) => (
                <option key={s} value={s}>
                  {splitWords[s]}
                  {counts ? ` (${counts[s].toLocaleString('en-US')})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            Sequence
            <input
              aria-label="Sequence number"
              className="index-input"
              inputMode="numeric"
              value={indexText}
              aria-invalid={problem !== null}
              aria-describedby="index-problem"
              onChange={(e) => setIndexText(e.target.value)}
              onBlur={submitIndex}
            />
          </label>
          <button type="button" className="small" aria-label="Previous sequence" disabled={state.index <= 0} onClick={() => go(state.index - 1)}>
            ←
          </button>
          <button type="button" className="small" aria-label="Next sequence" disabled={count !== null && state.index >= count - 1} onClick={() => go(state.index + 1)}>
            →
          </button>
          <button type="submit" className="small">Show</button>
          <span id="index-problem" className="field-error" role={problem ? 'alert' : undefined}>
            {problem}
          </span>
        </form>
      )}
      {(mode === 'best' || mode === 'worst') && (
        <form
          className="picker-fields"
          onSubmit={(e) => {
            e.preventDefault()
            if (!kProblem) onChange({ ...state, k: Number(kText) })
          }}
        >
          <label className="control">
            K
            <input aria-label="How many sequences" className="index-input" inputMode="numeric" value={kText} aria-invalid={kProblem !== null} onChange={(e) => setKText(e.target.value)} />
          </label>
          <button type="submit" className="small">Show</button>
          <span className="muted small">the {mode === 'best' ? 'best' : 'worst'}-predicted test sequences, {mode} first</span>
          {kProblem && <span className="field-error" role="alert">{kProblem}</span>}
        </form>
      )}
    </div>
  )
}

/**
 * The editor of an edited sequence: the current sequence's values (original units) as text, one line per step; for
 * the adding problem, the two marker steps as numbers that move the markers (and set the target to the new sum).
 */
export function SequenceEditor({ start, features, task, onInspect }: { start: Matrix; features: readonly string[]; task: string; onInspect: (e: EditedSequence) => void }): React.JSX.Element {
  const [text, setText] = useState(() => valuesText(start))
  const [target, setTarget] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const adding = task === 'adding' && start.shape[0] === 2
  const startMarkers = adding ? addingMarkers(stepsOf(start)) : []
  const [markers, setMarkers] = useState<[string, string]>([String(startMarkers[0] ?? 0), String(startMarkers[1] ?? 1)])

  const moveMarkers = (): void => {
    const parsed = parseValues(text, features)
    if (!parsed.ok) return setMessage(parsed.message)
    const a = Number(markers[0])
    const b = Number(markers[1])
    const moved = moveAddingMarkers(parsed.values, a, b)
    if (!moved.ok) return setMessage(moved.message)
    setMessage(null)
    setText(moved.values.map((r) => r.join(', ')).join('\n'))
    setTarget(String(Number(moved.target.toPrecision(6))))
    onInspect({ values: moved.values, target: [moved.target] })
  }

  const inspect = (): void => {
    const parsed = parseValues(text, features)
    if (!parsed.ok) return setMessage(parsed.message)
    let t: number[] | undefined
    if (target.trim() !== '') {
      const values = target.split(/[\s,;]+/).filter(Boolean).map(Number)
      if (values.some((v) => !Number.isFinite(v))) return setMessage(`The target “${target}” is not a number (or a list of numbers).`)
      t = values
    }
    setMessage(null)
    onInspect({ values: parsed.values, target: t })
  }

  return (
    <div className="sequence-editor card" data-testid="sequence-editor">
      <h2>Edit the sequence</h2>
      <p className="small muted">
        One line per step, one number per feature ({features.join(', ')}), in the data’s own units; the run’s scaling is applied as in training. Without a
        target, the gradients are those of the prediction.
      </p>
      {adding && (
        <div className="picker-fields">
          <span className="small">Markers at steps</span>
          <input aria-label="First marker step" className="index-input" inputMode="numeric" value={markers[0]} onChange={(e) => setMarkers([e.target.value, markers[1]])} />
          <input aria-label="Second marker step" className="index-input" inputMode="numeric" value={markers[1]} onChange={(e) => setMarkers([markers[0], e.target.value])} />
          <button type="button" className="small" onClick={moveMarkers}>
            Move markers and inspect
          </button>
          <span className="muted small">the target becomes the sum of the two marked values</span>
        </div>
      )}
      <textarea aria-label="Sequence values" className="mono values-text" rows={8} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
      <div className="picker-fields">
        <label className="control">
          Target
          <input aria-label="Target" value={target} placeholder="optional" onChange={(e) => setTarget(e.target.value)} />
        </label>
        <button type="button" className="primary small" onClick={inspect}>
          Inspect these values
        </button>
      </div>
      {message && (
        <p className="field-error" role="alert" data-testid="editor-error">
          {message}
        </p>
      )}
    </div>
  )
}
