/**
 * The CSV slot of the New run form: asks the host to inspect the file (inspectCsv: dialect, columns and their types,
 * the first rows, problems, a dry run of the import with the form's choices) a moment after the path or a choice
 * changes, and offers the file's numeric columns as targets. The file is read where the host runs, not in the page.
 * The reading choices (delimiter, decimal separator, missing values) are set here, beside what they change: "detect"
 * shows what was detected, and a file with missing values says so among its problems until a policy is chosen.
 */
import { useEffect, useState } from 'react'
import type { ApiResults } from '../../../shared/api'
import { useApi } from '../api/context'
import { formatBytes } from '../format'
import type { CsvChoices } from '../lib/runForm'
import { ImportPlanNotes } from './SplitWarnings'

type Inspection = ApiResults['inspectCsv']
type State = { state: 'idle' } | { state: 'loading' } | { state: 'ok'; value: Inspection } | { state: 'error'; message: string }

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }
const decimalNames: Record<string, string> = { '.': 'point (3.14)', ',': 'comma (3,14)' }
const missingNames: Record<CsvChoices['missing'], string> = {
  error: 'stop and list them',
  drop: 'drop those rows',
  ffill: 'repeat the last value',
  interpolate: 'interpolate linearly'
}

export function CsvPreview({
  path,
  target,
  lookback,
  horizon,
  choices,
  onTarget,
  onChoices
}: {
  path: string
  target: string
  lookback: string
  horizon: string
  choices: CsvChoices
  onTarget: (column: string) => void
  onChoices: (choices: CsvChoices) => void
}): React.JSX.Element {
  const api = useApi()
  const [result, setResult] = useState<State>({ state: 'idle' })
  const key = `${path.trim()}|${target}|${lookback}|${horizon}|${choices.delimiter}|${choices.decimal}|${choices.missing}`
  const [shownKey, setShownKey] = useState('')

  useEffect(() => {
    const file = path.trim()
    if (!file) return
    let cancelled = false
    const timer = setTimeout(() => {
      setShownKey(key)
      setResult({ state: 'loading' })
      const options: Record<string, unknown> = { previewRows: 8 }
      if (target) options.target = target
      if (/^\d+$/.test(lookback.trim())) options.lookback = Number(lookback)
      if (/^\d+$/.test(horizon.trim())) options.horizon = Number(horizon)
      if (choices.delimiter) options.delimiter = choices.delimiter
      if (choices.decimal) options.decimal = choices.decimal
      options.missing = choices.missing
      api.inspectCsv({ path: file, options }).then(
        (value) => !cancelled && setResult({ state: 'ok', value }),
        (e: Error) => !cancelled && setResult({ state: 'error', message: e.message })
      )
    }, 400)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
    // key stands for path, target, lookback, horizon and the reading choices.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key])

  if (!path.trim() || shownKey === '') {
    return (
      <div className="slot" data-testid="csv-import-slot">
        Type the path of a CSV file on the machine running GateLab: its columns, the first rows and any problems appear here.
      </div>
    )
  }
  if (result.state === 'loading' || result.state === 'idle') return <div className="slot muted">Reading the file…</div>
  const detected = result.state === 'ok' ? result.value.dialect : undefined
  const choice = <K extends keyof CsvChoices>(key: K, label: string, options: Array<[CsvChoices[K], string]>): React.JSX.Element => (
    <label className="field-inline">
      <span>{label}</span>
      <select value={choices[key]} onChange={(e) => onChoices({ ...choices, [key]: e.target.value as CsvChoices[K] })}>
        {options.map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
  const detectedDelimiter = detected && !choices.delimiter ? ` (${delimiterNames[detected.delimiter] ?? detected.delimiter})` : ''
  const detectedDecimal = detected && !choices.decimal ? ` (${detected.decimal === ',' ? 'comma' : 'point'})` : ''
  const choiceControls = (
    <div className="csv-choices" data-testid="csv-choices">
      {choice('delimiter', 'Delimiter', [['', `detect${detectedDelimiter}`], ...(Object.entries(delimiterNames) as Array<[CsvChoices['delimiter'], string]>)])}
      {choice('decimal', 'Decimal separator', [['', `detect${detectedDecimal}`], ...(Object.entries(decimalNames) as Array<[CsvChoices['decimal'], string]>)])}
      {choice('missing', 'Missing values', Object.entries(missingNames) as Array<[CsvChoices['missing'], string]>)}
    </div>
  )
  if (result.state === 'error') {
    return (
      <div className="slot" data-testid="csv-import-slot">
        {choiceControls}
        <p className="error" role="alert">
          {result.message}
        </p>
      </div>
    )
  }
  const v = result.value
  const numeric = v.columns.filter((c) => c.type === 'number')
  return (
    <div className="slot csv-preview" data-testid="csv-import-slot">
      <p className="small">
        <b>{v.file.split(/[\\/]/).pop()}</b> · {formatBytes(v.bytes)} · {v.rows.toLocaleString('en-US')} rows · {v.columns.length} columns · delimiter{' '}
        <code>{v.dialect.delimiter === '\t' ? 'tab' : v.dialect.delimiter}</code> · decimal <code>{v.dialect.decimal}</code>
        {v.ok ? <span className="ok"> · imports cleanly</span> : <span className="error"> · cannot import with these choices</span>}
      </p>
      {choiceControls}
      <label className="field-inline">
        <span>Target column</span>
        <select value={target} onChange={(e) => onTarget(e.target.value)}>
          <option value="">{v.suggested.target ? `suggested: ${v.suggested.target}` : 'choose…'}</option>
          {numeric.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {v.problems.length > 0 && (
        <ul className="problems">
          {v.problems.map((p, i) => (
            <li key={i} className={p.severity === 'error' ? 'error' : 'warn'}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <ImportPlanNotes inspection={v} />
      <div className="table-scroll">
        <table className="table compact mono small">
          <thead>
            <tr>
              <th scope="col">line</th>
              {v.preview.columns.map((c, i) => (
                <th key={i} scope="col" title={v.columns[i] ? `${v.columns[i]!.type}, ${v.columns[i]!.missing} missing` : undefined}>
                  {c}
                  <span className="muted"> {v.columns[i]?.type ?? ''}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {v.preview.rows.map((row, r) => (
              <tr key={r}>
                <td className="muted">{v.preview.lines[r]}</td>
                {row.map((cell, i) => (
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
