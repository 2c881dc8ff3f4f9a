/** Pure helpers of the Slurm views (tested in test/unit/ui-cluster.test.ts). */
import type { ClusterInfo, ClusterRunInfo, SlurmSubmitOptions } from '../../../shared/cluster'

/** Why tasks wait, most common first: "Priority (12), Resources (2)". */
export function pendingReasons(runs: readonly ClusterRunInfo[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const r of runs) {
    if (r.slurmState !== 'PENDING') continue
    const reason = r.slurmReason ?? 'None'
    counts.set(reason, (counts.get(reason) ?? 0) + 1)
  }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}

export interface SlurmDraft {
  enabled: boolean
  partition: string
  time: string
  cpusPerTask: string
  parallel: string
}

export const emptySlurmDraft: SlurmDraft = { enabled: false, partition: '', time: '', cpusPerTask: '', parallel: '' }

/** The form's fields as submit options, or the first problem in the form's words. */
export function slurmOptions(draft: SlurmDraft, info: ClusterInfo | null): { ok: true; options: SlurmSubmitOptions } | { ok: false; message: string } {
  const options: SlurmSubmitOptions = {}
  if (draft.partition) {
    if (info && info.partitions.length > 0 && !info.partitions.some((p) => p.name === draft.partition)) {
      return { ok: false, message: `There is no partition "${draft.partition}": choose one of ${info.partitions.map((p) => p.name).join(', ')}` }
    }
    options.partition = draft.partition
  }
  if (draft.time.trim()) {
    if (!/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(draft.time.trim())) return { ok: false, message: 'Time limit: write it as HH:MM:SS, e.g. 02:00:00' }
    options.time = draft.time.trim()
  }
  for (const [key, label] of [
    ['cpusPerTask', 'CPUs per task'],
    ['parallel', 'Parallel tasks']
  ] as const) {
    const text = draft[key].trim()
    if (!text) continue
    const n = Number(text)
    if (!Number.isInteger(n) || n < 1) return { ok: false, message: `${label}: a whole number of at least 1` }
    options[key] = n
  }
  return { ok: true, options }
}
