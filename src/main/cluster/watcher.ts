/**
 * Following Slurm sweeps from the lab: for every bundle with unfinished runs, ask the scheduler for its tasks'
 * states (squeue, which includes recently finished tasks; sacct where accounting exists for older ones), import
 * what the result folders hold (live curves while tasks train, the summary when a trial ends), and end the runs whose
 * task ended without a summary with Slurm's state and reason (states.ts). The lab runs `poll` on a timer; `gatelab
 * import --wait` runs it in a loop.
 */
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'
import type { ImportReport } from '../../shared/cluster'
import { BundleError, MANIFEST_FILE } from './bundle'
import type { ClusterStore } from './clusterStore'
import { importBundle } from './importer'
import { readSummary } from './results'
import { sacct, scancel, scontrolJobs, slurmMissingReason, squeue, type JobTask } from './slurm'
import { endedWithoutSummary, slurmPhase } from './states'

export interface PollResult {
  bundles: number
  /** Runs whose record changed (imported points, a new state, a final outcome). */
  changed: string[]
  reports: ImportReport[]
  problems: string[]
}

function bundleProblem(bundleDir: string): string | null {
  try {
    accessSync(join(bundleDir, MANIFEST_FILE), constants.R_OK)
    return null
  } catch (error) {
    return `the sweep bundle ${bundleDir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
  }
}

/** Asks Slurm about the arrays of these job ids; tasks it no longer knows are absent from the map. */
async function slurmTasks(jobIds: readonly string[]): Promise<Map<string, JobTask>> {
  const arrays = [...new Set(jobIds.map((id) => id.split('_')[0]!))]
  const tasks = new Map<string, JobTask>()
  if (arrays.length === 0 || slurmMissingReason() !== null) return tasks
  for (const t of await squeue(arrays)) tasks.set(t.id, t)
  // squeue has no exit codes: scontrol adds them (and restart counts) for arrays with ended tasks.
  const ended = new Set([...tasks.values()].filter((t) => slurmPhase(t.state) === 'ended').map((t) => t.arrayJobId))
  for (const array of ended) {
    for (const t of await scontrolJobs(array)) {
      const known = tasks.get(t.id)
      if (known) tasks.set(t.id, { ...known, exitCode: t.exitCode, restarts: t.restarts })
    }
  }
  const unknown = jobIds.filter((id) => !tasks.has(id))
  if (unknown.length > 0) {
    for (const t of (await sacct([...new Set(unknown.map((id) => id.split('_')[0]!))])) ?? []) if (!tasks.has(t.id)) tasks.set(t.id, t)
  }
  return tasks
}

/** One round over every bundle with unfinished runs (or the given ones). */
export async function pollClusterRuns(store: ClusterStore, bundleDirs?: readonly string[]): Promise<PollResult> {
  const result: PollResult = { bundles: 0, changed: [], reports: [], problems: [] }
  for (const bundleDir of bundleDirs ?? store.activeClusterBundles()) {
    result.bundles++
    const before = store.listClusterRuns({ bundleDir })
    const open = before.filter((r) => r.status === 'queued' || r.status === 'running' || r.status === 'interrupted')
    // Also followed: finished runs whose task Slurm last showed as not ended (a trial's summary comes before its task
    // exits), so the sweep page ends with Slurm's final word on every task.
    const watch = before.filter((r) => open.includes(r) || (r.jobId !== null && r.slurmState !== null && slurmPhase(r.slurmState) !== 'ended'))
    if (watch.length === 0) continue
    // The scheduler first, then the files: a task Slurm reports as ended wrote its summary before it ended.
    let tasks = new Map<string, JobTask>()
    try {
      tasks = await slurmTasks(watch.flatMap((r) => (r.jobId ? [r.jobId] : [])))
    } catch (error) {
      result.problems.push((error as Error).message)
    }
    const unreadable = bundleProblem(bundleDir)
    if (unreadable) result.problems.push(unreadable)
    else {
      try {
        const report = importBundle(store, bundleDir, { runIds: open.map((r) => r.id) })
        result.reports.push(report)
        result.problems.push(...report.problems)
      } catch (error) {
        if (!(error instanceof BundleError)) throw error
        result.problems.push(error.message)
      }
    }
    store.setClusterStates(watch.flatMap((r) => (r.jobId && tasks.has(r.jobId) ? [{ id: r.id, state: tasks.get(r.jobId)!.state, reason: tasks.get(r.jobId)!.reason }] : [])))
    const after = new Map(store.listClusterRuns({ bundleDir }).map((r) => [r.id, r]))
    for (const r of open) {
      const now = after.get(r.id)
      if (!now) continue
      const task = r.jobId ? tasks.get(r.jobId) : undefined
      if (task && slurmPhase(task.state) === 'ended' && (now.status === 'queued' || now.status === 'running' || now.status === 'interrupted')) {
        // The task is over and this trial has no (whole) summary: Slurm's state decides.
        const summary = unreadable ? null : readSummary(bundleDir, r.id)
        let { status, error } = endedWithoutSummary(task.state, task.reason, task.exitCode)
        if (summary?.kind === 'broken') error = `${error}; its summary is half-written (${summary.problem})`
        if (unreadable || task.reason === 'JobLaunchFailure' || task.exitCode === '3:0') {
          status = 'failed'
          error = `${error}. The task could not use ${unreadable ? unreadable.replace(/^the sweep bundle /, 'the bundle ') : `the sweep bundle ${bundleDir}`} on its node: put the bundle on a file system the nodes share (--dir)`
        }
        store.finishRun(r.id, { status, error, final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 })
      }
    }
    const final = store.listClusterRuns({ bundleDir })
    const old = new Map(before.map((r) => [r.id, r]))
    for (const r of final) {
      const o = old.get(r.id)
      if (!o || o.status !== r.status || o.jobId !== r.jobId || o.importedBytes !== r.importedBytes || o.slurmState !== r.slurmState || o.slurmReason !== r.slurmReason || o.attempt !== r.attempt) {
        result.changed.push(r.id)
      }
    }
  }
  return result
}

/**
 * Cancels cluster runs in Slurm: their array tasks (a task with several trials stops all of them), or whole arrays
 * when every run of the array is asked for. Returns the runs that are cluster runs (the others are not touched).
 */
export async function cancelClusterRuns(store: ClusterStore, runIds: readonly string[]): Promise<string[]> {
  const rows = store.listClusterRuns({ ids: runIds }).filter((r) => r.status === 'queued' || r.status === 'running')
  if (rows.length === 0) return []
  const jobIds = [...new Set(rows.flatMap((r) => (r.jobId ? [r.jobId] : [])))]
  // Whole arrays in one word when every task of the array is being cancelled.
  const byArray = new Map<string, Set<string>>()
  for (const id of jobIds) {
    const array = id.split('_')[0]!
    if (!byArray.has(array)) byArray.set(array, new Set())
    byArray.get(array)!.add(id)
  }
  const targets: string[] = []
  for (const [array, ids] of byArray) {
    const all = new Set(store.listClusterRuns({ bundleDir: rows[0]!.bundleDir }).flatMap((r) => (r.jobId && r.jobId.split('_')[0] === array ? [r.jobId] : [])))
    if (all.size === ids.size) targets.push(array)
    else targets.push(...ids)
  }
  await scancel(targets)
  // Runs not submitted yet (no job id) end here.
  for (const r of rows) {
    if (!r.jobId) store.finishRun(r.id, { status: 'cancelled', error: 'Cancelled before it was submitted to Slurm', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 })
  }
  return rows.map((r) => r.id)
}
