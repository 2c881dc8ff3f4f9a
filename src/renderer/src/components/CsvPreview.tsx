/**
 * The CSV slot of the New run form: shows the host's reading of the file (forms/useCsvInspection.ts: dialect, columns
 * and their types, the first rows, problems in the form's words, the windows a run would get). The file is read where
 * the host runs, not in the page; the page holds the reading, so the Start panel judges by the same one.
 * The reading choices (delimiter, decimal separator, missing values) are set here, beside what they change: "detect"
 * shows what was detected, and a file with missing values says so among its problems until a policy is chosen.
 */
import { inWords } from '../../../shared/wording'
import { formatBytes } from '../format'
import type { CsvChoices } from '../lib/runForm'
import { ImportPlanNotes } from './SplitWarnings'
import { Choice } from './bits'
import type { InspectionState } from '../forms/useCsvInspection'

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }
const decimalNames: Record<string, string> = { '.': 'point (3.14)', ',': 'comma (3,14)' }
const missingNames: Record<CsvChoices['missing'], string> = {
  error: 'stop and list them',
  drop: 'drop those rows',
  ffill: 'repeat the last value',
  interpolate: 'interpolate linearly'
}

export function CsvPreview({
  inspection: result,
  choices,
  onChoices
}: {
  inspection: InspectionState
  choices: CsvChoices
  onChoices: (choices: CsvChoices) => void
}): React.JSX.Element {
  if (result.state === 'idle') {
    return (
      <div className="slot" data-testid="csv-import-slot">
        Choose a CSV file, drop one on this form, or type the path of one on the machine running GateLab: its columns, the first rows and any problems appear here.
      </div>
    )
  }
  if (result.state === 'loading') return <div className="slot muted" data-testid="csv-import-slot">Reading the file…</div>
  const detected = result.state === 'ok' ? result.value.dialect : undefined
  const choice = <K extends keyof CsvChoices>(key: K, label: string, options: Array<[CsvChoices[K], string]>): React.JSX.Element => (
    <label className="field-inline">
      <span>{label}</span>
      <Choice value={choices[key]} options={options} onChange={(value) => onChoices({ ...choices, [key]: value })} />
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
          {inWords(result.message, 'ui')}
        </p>
      </div>
    )
  }
  const v = result.value
  return (
    <div className="slot csv-preview" data-testid="csv-import-slot">
      <p className="small">
        <b>{v.file.split(/[\\/]/).pop()}</b> · {formatBytes(v.bytes)} · {v.rows.toLocaleString('en-US')} rows · {v.columns.length} columns · delimiter{' '}
        <code>{v.dialect.delimiter === '\t' ? 'tab' : v.dialect.delimiter}</code> · decimal <code>{v.dialect.decimal}</code>
        {v.ok ? <span className="ok"> · imports cleanly</span> : <span className="error"> · cannot import with these choices</span>}
      </p>
      {choiceControls}
      {v.plan && (
        <p className="small" data-testid="csv-plan">
          Windows: lookback {v.plan.window.lookback}
          {v.options.fitLookback && v.plan.window.lookback !== v.options.lookback ? ' (fitted to this file)' : ''}, horizon {v.plan.window.horizon} · train {v.plan.split.train.windows.toLocaleString('en-US')} / validation {v.plan.split.val.windows.toLocaleString('en-US')} / test {v.plan.split.test.windows.toLocaleString('en-US')}
        </p>
      )}
      {v.problems.length > 0 && (
        <ul className="problems">
          {v.problems.map((p, i) => (
            <li key={i} className={p.severity === 'error' ? 'error' : 'warn'}>
              {inWords(p.message, 'ui')}
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
