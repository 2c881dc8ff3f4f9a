/**
 * The New run form's estimate (issue 19, item 4): the run's memory and time per epoch as the host estimates them before
 * anything is built (src/main/limits), and — above the lab's memory limit — the refusal as a form error, which disables
 * Train. The host answers `estimateRun` once the form has been still for a moment.
 */
import { useEffect, useState } from 'react'
import { useApi } from '../api/context'
import type { RunEstimate } from '../../../shared/limits'
import { estimateLine, formatBytes } from '../../../shared/limits'

export type EstimateState =
  | { state: 'none' }
  | { state: 'pending'; key: string }
  | { state: 'ready'; key: string; estimate: RunEstimate; message?: string }
  | { state: 'unavailable'; key: string; message: string }

/** The estimate of `config` (null: the form is not valid yet); `refused` is true when Train must stay disabled. */
export function useRunEstimate(config: Record<string, unknown> | null): EstimateState & { refused: boolean } {
  const api = useApi()
  const key = config ? JSON.stringify(config) : null
  const [answer, setAnswer] = useState<EstimateState>({ state: 'none' })
  useEffect(() => {
    if (!key) return
    let live = true
    const timer = setTimeout(() => {
      api.estimateRun({ config: JSON.parse(key) as Record<string, unknown> }).then(
        (r) => live && setAnswer(r.ok ? { state: 'ready', key, estimate: r.estimate, ...(r.message ? { message: r.message } : {}) } : { state: 'unavailable', key, message: r.message }),
        (e: Error) => live && setAnswer({ state: 'unavailable', key, message: e.message })
      )
    }, 250)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, key])
  // An answer for another configuration is not shown: it would describe a run the form no longer asks for.
  const current: EstimateState = !key ? { state: 'none' } : 'key' in answer && answer.key === key ? answer : { state: 'pending', key }
  return { ...current, refused: current.state === 'ready' && !current.estimate.fits }
}

export function RunEstimateLine({ estimate }: { estimate: EstimateState }): React.JSX.Element | null {
  if (estimate.state === 'none') return null
  if (estimate.state === 'pending') return <p className="small muted run-estimate" data-testid="run-estimate">Estimating memory and time…</p>
  if (estimate.state === 'unavailable') return <p className="small muted run-estimate" data-testid="run-estimate">No estimate: {estimate.message}</p>
  const e = estimate.estimate
  const parts = e.memory.parts
    .filter((p) => p.bytes > 0)
    .map((p) => `${p.label}: ${formatBytes(p.bytes)}`)
    .join('\n')
  const title = `${parts}\n\nMemory: ${e.memory.basis}.\nTime: ${e.time.basis}.`
  return (
    <div className="run-estimate" data-testid="run-estimate">
      <p className={`small ${e.fits ? 'muted' : ''}`} title={title}>
        Estimate: {estimateLine(e)} (limit {formatBytes(e.limit.bytes)})
      </p>
      {estimate.message && (
        <p className="small error" role="alert" data-testid="run-estimate-error">
          {estimate.message}
        </p>
      )}
    </div>
  )
}
