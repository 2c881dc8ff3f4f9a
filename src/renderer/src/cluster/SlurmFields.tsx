/**
 * "Run on Slurm" in the sweep form: partition, time limit, CPUs per task and parallelism, offered when the host has
 * sbatch on PATH; otherwise one line says why the choice is not there.
 */
import { useEffect, useId, useState } from 'react'
import type { ClusterInfo } from '../../../shared/cluster'
import { useApi } from '../api/context'
import type { SlurmDraft } from './clusterView'

export function SlurmFields({ draft, onChange, onInfo }: { draft: SlurmDraft; onChange: (draft: SlurmDraft) => void; onInfo?: (info: ClusterInfo) => void }): React.JSX.Element | null {
  const api = useApi()
  const id = useId()
  const [info, setInfo] = useState<ClusterInfo | null>(null)
  useEffect(() => {
    let stale = false
    api.getClusterInfo({}).then(
      (i) => {
        if (stale) return
        setInfo(i)
        onInfo?.(i)
      },
      () => undefined
    )
    return () => {
      stale = true
    }
    // onInfo is a callback from the parent; asking once per mount is enough.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api])
  if (!info) return null
  if (!info.available) {
    return (
      <p className="small muted slurm-hidden" data-testid="slurm-hidden">
        {info.reason}
      </p>
    )
  }
  const set = (patch: Partial<SlurmDraft>): void => onChange({ ...draft, ...patch })
  return (
    <fieldset className="slurm-fields" data-testid="slurm-fields">
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Run on Slurm
      </label>
      {draft.enabled && (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-partition`}>Partition</label>
            <select id={`${id}-partition`} value={draft.partition} onChange={(e) => set({ partition: e.target.value })}>
              <option value="">default{info.partitions.find((p) => p.isDefault) ? ` (${info.partitions.find((p) => p.isDefault)!.name})` : ''}</option>
              {info.partitions.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.maxTime ? ` · max ${p.maxTime}` : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-time`}>Time limit</label>
            <input id={`${id}-time`} placeholder="HH:MM:SS" value={draft.time} onChange={(e) => set({ time: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-cpus`}>CPUs per task</label>
            <input id={`${id}-cpus`} inputMode="numeric" placeholder="1" value={draft.cpusPerTask} onChange={(e) => set({ cpusPerTask: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-parallel`}>Parallel tasks</label>
            <input id={`${id}-parallel`} inputMode="numeric" placeholder="no cap" value={draft.parallel} onChange={(e) => set({ parallel: e.target.value })} />
          </div>
          <p className="field-hint">
            One job array per {info.maxArraySize ?? 1001} trials (MaxArraySize); the bundle goes to <code>gatelab-sweeps/</code> beside the lab’s database, which the nodes must be able to read.
          </p>
        </div>
      )}
    </fieldset>
  )
}
