/**
 * The bundled-series slot of the New run form: what a run on this series would get — windows per split, the time
 * column's range and spacing, and the small-split warning — from the host's inspection of the bundled file
 * (inspectBundled, the same as a CSV file's), a moment after the dataset, target, lookback or horizon changes.
 */
import { inWords } from '../../../shared/wording'
import { useEffect, useState } from 'react'
import type { ApiResults } from '../../../shared/api'
import { useApi } from '../api/context'
import { ImportPlanNotes } from './SplitWarnings'

type State = { state: 'loading' } | { state: 'ok'; value: ApiResults['inspectBundled'] } | { state: 'error'; message: string }

export function BundledPreview({ name, target, lookback, horizon }: { name: string; target: string; lookback: string; horizon: string }): React.JSX.Element | null {
  const api = useApi()
  const [result, setResult] = useState<State>({ state: 'loading' })
  const key = `${name}|${target}|${lookback}|${horizon}`
  useEffect(() => {
    if (!name) return
    let cancelled = false
    const timer = setTimeout(() => {
      const options: Record<string, unknown> = { previewRows: 0 }
      if (target) options.target = target
      if (/^\d+$/.test(lookback.trim())) options.lookback = Number(lookback)
      if (/^\d+$/.test(horizon.trim())) options.horizon = Number(horizon)
      api.inspectBundled({ name, options }).then(
        (value) => !cancelled && setResult({ state: 'ok', value }),
        (e: Error) => !cancelled && setResult({ state: 'error', message: e.message })
      )
    }, 300)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
    // key stands for the dataset and the choices that change its windows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key])
  if (!name) return null
  if (result.state === 'loading') return <div className="slot muted" data-testid="bundled-preview">Reading the series…</div>
  if (result.state === 'error') {
    return (
      <div className="slot" data-testid="bundled-preview">
        <p className="error" role="alert">{inWords(result.message, 'ui')}</p>
      </div>
    )
  }
  const v = result.value
  const errors = v.problems.filter((p) => p.severity === 'error')
  return (
    <div className="slot" data-testid="bundled-preview">
      {errors.length > 0 && (
        <ul className="problems">
          {errors.map((p, i) => (
            <li key={i} className="error">{inWords(p.message, 'ui')}</li>
          ))}
        </ul>
      )}
      <ImportPlanNotes inspection={v} />
    </div>
  )
}
