/**
 * The Slurm side of a sweep on its page: each trial's job id, Slurm state and pending reason, the attempt whose
 * results are shown, and scancel for the whole sweep. Renders nothing for a sweep that did not run on Slurm.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { ClusterRunInfo } from '../../../shared/cluster'
import { useApi } from '../api/context'
import { useLiveEvent } from '../live'
import { ErrorNote } from '../components/bits'
import { href } from '../lib/useRoute'
import { pendingReasons } from './clusterView'

export function ClusterRunsCard({ sweepId }: { sweepId: string }): React.JSX.Element | null {
  const api = useApi()
  const id = useId()
  const [runs, setRuns] = useState<ClusterRunInfo[]>([])
  const [error, setError] = useState<string | null>(null)
  const [reload, setReload] = useState(0)
  const [cancelling, setCancelling] = useState(false)

  useEffect(() => {
    let stale = false
    api.listClusterRuns({ sweepId }).then(
      (r) => !stale && setRuns(r.runs),
      (e: Error) => !stale && setError(e.message)
    )
    return () => {
      stale = true
    }
  }, [api, sweepId, reload])

  // The watcher touches a run whenever its Slurm state changes: list again, at most a few times a second.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  useLiveEvent((event) => {
    if (event.type !== 'run:update' || event.run.sweepId !== sweepId || timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      setReload((n) => n + 1)
    }, 500)
  })

  if (runs.length === 0) return error ? <ErrorNote message={error} /> : null
  const open = runs.filter((r) => r.status === 'queued' || r.status === 'preparing' || r.status === 'running').length
  const reasons = pendingReasons(runs)
  return (
    <section className="card cluster-card" aria-labelledby={`${id}-h`} data-testid="cluster-runs">
      <div className="card-head">
        <h2 id={`${id}-h`}>On Slurm</h2>
        {open > 0 && (
          <button
            type="button"
            className="small"
            disabled={cancelling}
            onClick={() => {
              setCancelling(true)
              setError(null)
              api
                .cancelClusterSweep({ sweepId })
                .catch((e: Error) => setError(e.message))
                .finally(() => setCancelling(false))
            }}
          >
            {cancelling ? 'Cancelling…' : `Cancel ${open} on Slurm (scancel)`}
          </button>
        )}
      </div>
      <p className="small muted">
        Bundle <code>{runs[0]!.bundleDir}</code>. The lab follows the tasks with squeue/scontrol and imports each trial’s results from its folder.
        {reasons.length > 0 && <> Pending: {reasons.map((r) => `${r.reason} (${r.count})`).join(', ')}.</>}
      </p>
      <ErrorNote message={error} onDismiss={() => setError(null)} />
      <div className="table-scroll cluster-table">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col" className="num">Trial</th>
              <th scope="col">Run</th>
              <th scope="col">Job id</th>
              <th scope="col">Slurm state</th>
              <th scope="col">Reason</th>
              <th scope="col" className="num">Attempt</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.runId} data-run-id={r.runId} data-slurm-state={r.slurmState ?? ''}>
                <td className="num mono">{r.trial}</td>
                <td className="mono">
                  <a href={href({ name: 'run', id: r.runId })}>{r.runId}</a>
                </td>
                <td className="mono">{r.jobId ?? '—'}</td>
                <td>
                  <span className={`slurm-state slurm-${(r.slurmState ?? 'none').toLowerCase()}`}>{r.slurmState ?? 'not seen yet'}</span>
                </td>
                <td className="small muted">{r.slurmReason ?? ''}</td>
                <td className="num mono">{r.attempt ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
