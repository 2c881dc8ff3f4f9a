/**
 * What a series run learns from, for a CSV file or a bundled series: one target, the input features, the time column,
 * the window (lookback, horizon, stride), scaling and the chronological split — the form's side of `gatelab train`'s
 * --target, --features, --time, --lookback, --horizon, --stride, --scaling, --val-fraction and --test-fraction.
 */
import type { Draft } from '../lib/runForm'

export interface SeriesColumn {
  name: string
  type: 'number' | 'time' | 'text' | 'empty'
}

const scalingNames: Record<Draft['scaling'], string> = {
  zscore: 'standardise (z-score)',
  minmax: 'min–max to 0…1',
  none: 'none (raw values)'
}

export function SeriesFields({
  draft,
  set,
  columns,
  defaults,
  timeChoice,
  numField,
  Field,
  errors
}: {
  draft: Draft
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void
  /** The file's columns with their types; null while unknown (no file read yet). */
  columns: SeriesColumn[] | null
  /** What an empty choice means here: the suggested or default target and lookback. */
  defaults: { target?: string | undefined; lookback: string }
  /** Whether the time column can be chosen (a CSV file; a bundled series has its own). */
  timeChoice: boolean
  numField: (key: keyof Draft & string, label: string, opts?: { hint?: string; placeholder?: string; width?: number }) => React.JSX.Element
  Field: (props: { label: string; error?: string | undefined; hint?: string | undefined; children: (id: string, describedBy: string | undefined) => React.ReactNode }) => React.JSX.Element
  errors: Record<string, string>
}): React.JSX.Element {
  const numeric = (columns ?? []).filter((c) => c.type === 'number' && c.name !== draft.time)
  const timeLike = (columns ?? []).filter((c) => c.type === 'time' || c.type === 'number')
  const target = draft.target || defaults.target || ''
  const inputs = draft.features.length > 0 ? draft.features : target ? [target] : []
  const toggle = (name: string, on: boolean): void => {
    const next = on ? [...inputs.filter((f) => f !== name), name] : inputs.filter((f) => f !== name)
    // Only the target: the default, left out of the config.
    set('features', next.length === 1 && next[0] === target ? [] : numeric.map((c) => c.name).filter((n) => next.includes(n)))
  }
  return (
    <>
      <div className="field-row">
        <Field label="Target column" error={errors.target} hint={defaults.target ? `Empty: ${defaults.target}` : 'The column to predict'}>
          {(id, d) => (
            <select id={id} value={draft.target} aria-describedby={d} onChange={(e) => set('target', e.target.value)} disabled={columns === null}>
              <option value="">{defaults.target ? `${columns === null ? '' : 'suggested: '}${defaults.target}` : columns === null ? 'read the file first' : 'choose…'}</option>
              {numeric.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {timeChoice && (
          <Field label="Time column" hint="Orders the rows; none keeps the file's order">
            {(id, d) => (
              <select id={id} value={draft.time} aria-describedby={d} onChange={(e) => set('time', e.target.value)} disabled={columns === null}>
                <option value="">none (file order)</option>
                {timeLike.filter((c) => c.name !== target).map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Scaling" hint="Fitted on the training rows only">
          {(id, d) => (
            <select id={id} value={draft.scaling} aria-describedby={d} onChange={(e) => set('scaling', e.target.value as Draft['scaling'])}>
              {(Object.keys(scalingNames) as Array<Draft['scaling']>).map((k) => (
                <option key={k} value={k}>
                  {scalingNames[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {numeric.length > 0 && (
        <fieldset className="features" aria-label="Input features">
          <legend>Input features</legend>
          {numeric.map((c) => (
            <label key={c.name} className="check">
              <input type="checkbox" checked={inputs.includes(c.name)} onChange={(e) => toggle(c.name, e.target.checked)} />
              <span className="mono">{c.name}</span>
            </label>
          ))}
          <span className="field-hint">{draft.features.length === 0 ? 'The target alone (its own past)' : `${inputs.length} column${inputs.length === 1 ? '' : 's'} per step`}</span>
        </fieldset>
      )}
      <div className="field-row">
        {numField('lookback', 'Lookback (steps)', { placeholder: defaults.lookback, width: 110 })}
        {numField('horizon', 'Horizon (steps ahead)', { width: 90 })}
        {numField('stride', 'Stride (rows)', { width: 80 })}
        {numField('valPct', 'Validation %', { width: 80, hint: 'Last rows but the test' })}
        {numField('testPct', 'Test %', { width: 80, hint: 'The last rows' })}
      </div>
    </>
  )
}
