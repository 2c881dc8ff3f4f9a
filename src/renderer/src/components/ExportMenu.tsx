/**
 * Export runs as files (exportRuns): a self-contained HTML report, PDF, long-form CSV, JSON, weights, or the report's
 * figures (one zip: SVG, PDF, PNG 2× and pgfplots). The host makes the files; the page hands them to the browser as downloads (blob URLs, which the
 * CSP allows), so nothing leaves the machine.
 */
import { useId, useState } from 'react'
import type { ApiArgs } from '../../../shared/api'
import { useApi } from '../api/context'
import { base64Bytes, saveBlob } from '../lib/saveFile'

type Format = ApiArgs<'exportRuns'>['format']

const formats: Array<[Format, string]> = [
  ['html', 'Report (HTML)'],
  ['pdf', 'Report (PDF)'],
  ['csv', 'Metrics (CSV)'],
  ['json', 'Runs and metrics (JSON)'],
  ['weights', 'Weights'],
  // One zip, not a download per figure: SVG, PDF and PNG 2× of every figure, with pgfplots code and its CSV data.
  ['figures', 'Figures (zip: SVG, PDF, PNG, LaTeX)']
]

export function download(name: string, mediaType: string, base64: string): void {
  saveBlob(name, new Blob([base64Bytes(base64)], { type: mediaType }))
}

export function ExportMenu({ runIds }: { runIds: string[] }): React.JSX.Element {
  const api = useApi()
  const id = useId()
  const [format, setFormat] = useState<Format>('html')
  // "Inside the cell": gate/state heatmaps, gradient flow, saturation and telemetry in reports and figure exports.
  const [inside, setInside] = useState(false)
  const insideApplies = format === 'html' || format === 'pdf' || format === 'svg' || format === 'png'
  const [state, setState] = useState<{ kind: 'idle' | 'busy' } | { kind: 'done'; files: number } | { kind: 'error'; message: string }>({ kind: 'idle' })
  const run = (): void => {
    setState({ kind: 'busy' })
    api.exportRuns({ runIds: runIds.slice(0, 100), format, ...(inside && insideApplies ? { inside: true } : {}) }).then(
      (r) => {
        for (const f of r.files) download(f.name, f.mediaType, f.base64)
        setState({ kind: 'done', files: r.files.length })
      },
      (e: Error) => setState({ kind: 'error', message: e.message })
    )
  }
  return (
    <div className="export-menu" role="group" aria-label="Export">
      <label htmlFor={id} className="sr-only">
        Export format
      </label>
      <select id={id} value={format} onChange={(e) => setFormat(e.target.value as Format)} disabled={state.kind === 'busy'}>
        {formats.map(([f, label]) => (
          <option key={f} value={f}>
            {label}
          </option>
        ))}
      </select>
      {insideApplies && (
        <label className="small" title="Adds, per run, gate and state heatmaps for test sequence 0, the gradient-flow plot, the saturation scatter and the gate telemetry">
          <input type="checkbox" checked={inside} onChange={(e) => setInside(e.target.checked)} disabled={state.kind === 'busy'} /> Inside the cell
        </label>
      )}
      <button type="button" onClick={run} disabled={state.kind === 'busy' || runIds.length === 0}>
        {state.kind === 'busy' ? 'Exporting…' : 'Export'}
      </button>
      <span className="export-status small" aria-live="polite">
        {state.kind === 'done' && <span className="ok">{state.files === 1 ? '1 file' : `${state.files} files`} downloaded</span>}
        {state.kind === 'error' && (
          <span className="error" role="alert">
            {state.message}
          </span>
        )}
      </span>
    </div>
  )
}
