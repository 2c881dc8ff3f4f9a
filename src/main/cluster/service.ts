/**
 * The lab's cluster side (the Lab calls it from lab.ts): the API handlers for Slurm sweeps and the watcher that
 * follows every bundle with unfinished runs on a timer — Slurm states, live curves from the result folders, final
 * outcomes — publishing the runs that changed.
 */
import { realpathSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { GateLabError, type ApiHandlers } from '../../shared/api'
import type { ClusterInfo, ClusterRunInfo } from '../../shared/cluster'
import { BundleError } from './bundle'
import type { ClusterStore } from './clusterStore'
import { importBundle } from './importer'
import { showConfig, showPartitions, slurmMissingReason } from './slurm'
import { ClusterError, submitSlurmSweep } from './submit'
import { cancelClusterRuns, pollClusterRuns } from './watcher'

type ClusterHandlers = Pick<ApiHandlers, 'getClusterInfo' | 'startSlurmSweep' | 'listClusterRuns' | 'importClusterResults' | 'cancelClusterSweep'>

export interface ClusterServiceOptions {
  /** Absent when the lab's store has no cluster support (then every cluster request says so). */
  store: ClusterStore | undefined
  /** Runs whose record the watcher changed. */
  onRunsChanged: (ids: string[]) => void
  /** How often bundles with unfinished runs are followed (default 5 s; GATELAB_CLUSTER_POLL_MS overrides). */
  intervalMs?: number
  /** Folders API callers may name (src/main/access/dataPaths.ts): bundle folders must lie below one of them. */
  roots?: () => string[]
}

function badRequest(error: unknown): never {
  if (error instanceof ClusterError && error.code !== 'failed') throw new GateLabError({ code: 'bad_request', message: error.message })
  if (error instanceof BundleError) throw new GateLabError({ code: 'bad_request', message: error.message })
  throw error
}

export class ClusterService {
  private readonly timer: NodeJS.Timeout
  private polling = false
  private closed = false

  constructor(private readonly options: ClusterServiceOptions) {
    const interval = options.intervalMs ?? (Number(process.env.GATELAB_CLUSTER_POLL_MS) || 5000)
    this.timer = setInterval(() => void this.poll(), interval)
    this.timer.unref()
  }

  private get store(): ClusterStore {
    if (!this.options.store) throw new GateLabError({ code: 'bad_request', message: 'This lab cannot run Slurm sweeps (its store has no cluster support)' })
    return this.options.store
  }

  /** One watcher round; overlapping rounds are skipped. */
  async poll(): Promise<void> {
    if (this.polling || this.closed || !this.options.store) return
    this.polling = true
    try {
      if (this.options.store.activeClusterBundles().length === 0) return
      const result = await pollClusterRuns(this.options.store)
      if (result.changed.length > 0 && !this.closed) this.options.onRunsChanged(result.changed)
    } catch (error) {
      if (!this.closed) console.error(`GateLab: following Slurm sweeps failed: ${(error as Error).message}`)
    } finally {
      this.polling = false
    }
  }

  /** Cancels cluster runs with scancel; returns the ids that were cluster runs (others are the queue's). */
  async cancel(ids: readonly string[]): Promise<string[]> {
    if (!this.options.store) return []
    const rows = this.options.store.listClusterRuns({ ids })
    if (rows.length === 0) return []
    try {
      return await cancelClusterRuns(this.options.store, ids)
    } catch (error) {
      throw new GateLabError({ code: 'bad_request', message: (error as Error).message })
    }
  }

  /** Like the API's data paths: a folder named through the API must lie below home, the lab's folder or GATELAB_DATA_DIRS. */
  private checkFolder(dir: string, what: string): void {
    if (!this.options.roots) return
    const target = realOrSelf(resolve(dir))
    const roots = [...this.options.roots(), dirname(this.store.path)].map((r) => realOrSelf(resolve(r)))
    if (!roots.some((root) => target === root || target.startsWith(root.endsWith(sep) ? root : root + sep))) {
      throw new GateLabError({
        code: 'bad_request',
        message: `${what} ${dir} is outside the folders GateLab may use (${roots.join(', ')}): choose one below them, or add its folder to GATELAB_DATA_DIRS.`
      })
    }
  }

  close(): void {
    this.closed = true
    clearInterval(this.timer)
  }

  readonly handlers: ClusterHandlers = {
    getClusterInfo: async () => clusterInfo(),
    startSlurmSweep: async ({ spec, slurm }) => {
      // The lab's default bundle folder sits next to its database (often a home folder the nodes share).
      if (slurm.dir !== undefined) this.checkFolder(slurm.dir, 'The folder for the sweep bundle')
      const dir = slurm.dir ?? join(dirname(this.store.path), 'gatelab-sweeps')
      const result = await submitSlurmSweep(this.store, spec, { ...slurm, dir }).catch(badRequest)
      this.options.onRunsChanged(result.runIds)
      return {
        sweepId: result.sweepId,
        name: result.name,
        runIds: result.runIds,
        bundleDir: result.bundleDir,
        jobIds: result.arrays.flatMap((a) => (a.jobId ? [a.jobId] : []))
      }
    },
    listClusterRuns: async ({ sweepId }) => ({
      runs: this.store.listClusterRuns({ sweepId }).map(
        (r): ClusterRunInfo => ({
          runId: r.id,
          sweepId: r.sweepId,
          bundleDir: r.bundleDir,
          trial: r.trial,
          jobId: r.jobId,
          slurmState: r.slurmState,
          slurmReason: r.slurmReason,
          attempt: r.attempt,
          status: r.status
        })
      )
    }),
    importClusterResults: async ({ dir }) => {
      this.checkFolder(dir, 'The bundle folder')
      const report = (() => {
        try {
          return importBundle(this.store, dir)
        } catch (error) {
          return badRequest(error)
        }
      })()
      this.options.onRunsChanged(this.store.listClusterRuns({ bundleDir: report.bundleDir }).map((r) => r.id))
      return report
    },
    cancelClusterSweep: async ({ sweepId }) => {
      const open = this.store.listClusterRuns({ sweepId }).filter((r) => r.status === 'queued' || r.status === 'running')
      if (open.length === 0) return { cancelled: 0 }
      const ids = await this.cancel(open.map((r) => r.id))
      return { cancelled: ids.length }
    }
  }
}

/** What the sweep form needs to offer "Run on Slurm", or why it does not. */
export async function clusterInfo(): Promise<ClusterInfo> {
  const missing = slurmMissingReason()
  if (missing) return { available: false, reason: missing.replace(/^/, 'Run on Slurm is hidden: '), partitions: [], maxArraySize: null, maxJobCount: null }
  try {
    const [config, partitions] = await Promise.all([showConfig(), showPartitions()])
    return {
      available: true,
      reason: null,
      partitions,
      maxArraySize: Number(config.MaxArraySize) || null,
      maxJobCount: Number(config.MaxJobCount) || null
    }
  } catch (error) {
    return { available: false, reason: `Run on Slurm is hidden: Slurm does not answer here (${(error as Error).message})`, partitions: [], maxArraySize: null, maxJobCount: null }
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}
