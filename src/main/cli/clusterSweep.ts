/**
 * `gatelab sweep --spec FILE --slurm …`: sends the sweep to Slurm as job arrays (src/main/cluster/submit.ts) and
 * returns once it is submitted: the runs are in the lab, queued, with their job ids; `gatelab import DIR --wait` or
 * the lab itself follows them. Exit 0 submitted, 2 bad input or Slurm refused the job (its own message), 1 otherwise.
 */
import { Store } from '../store/store'
import { resolveDbPath } from '../paths'
import { ClusterError, submitSlurmSweep } from '../cluster/submit'
import type { SlurmSubmitOptions } from '../../shared/cluster'
import { slurmMissingReason } from '../cluster/slurm'
import { UsageError, intFlag } from './args'

export const slurmSweepFlags = {
  slurm: { type: 'boolean' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  mem: { type: 'string' },
  parallel: { type: 'string' },
  'per-task': { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
  dir: { type: 'string' }
} as const

export const slurmSweepUsage = `gatelab sweep --spec FILE.json --slurm [--partition P] [--time HH:MM:SS] [--cpus-per-task N] [--mem M]
                [--parallel K] [--per-task N] [--sbatch-arg ARG]... [--dir SHARED_DIR] [--db PATH] [--json]
                send a sweep to Slurm as job arrays (docs/CLUSTER.md)`

export interface SlurmSweepValues {
  partition?: string
  time?: string
  'cpus-per-task'?: string
  mem?: string
  parallel?: string
  'per-task'?: string
  'sbatch-arg'?: string[]
  dir?: string
  db?: string
  json?: boolean
  'memory-limit'?: string
}

export async function slurmSweep(spec: Record<string, unknown>, specFile: string, values: SlurmSweepValues): Promise<number> {
  const options: SlurmSubmitOptions = {
    partition: values.partition,
    time: values.time,
    cpusPerTask: intFlag('cpus-per-task', values['cpus-per-task'], 1, 1024),
    mem: values.mem,
    parallel: intFlag('parallel', values.parallel, 1, 100_000),
    perTask: intFlag('per-task', values['per-task'], 1, 100_000),
    sbatchArgs: values['sbatch-arg'] ?? [],
    dir: values.dir
  }
  // Before the lab is even opened: without Slurm nothing is recorded.
  const missing = slurmMissingReason()
  if (missing) throw new UsageError(`Slurm is not available: ${missing}`)
  const store = Store.open(resolveDbPath(values.db), { owner: { kind: 'cli' } })
  try {
    const result = await submitSlurmSweep(store, spec, options, values['memory-limit'] !== undefined ? { memoryLimit: values['memory-limit'] } : {})
    const jobIds = result.arrays.flatMap((a) => (a.jobId ? [a.jobId] : []))
    console.error(
      `Sweep ${result.sweepId} "${result.name}": ${result.runIds.length} runs submitted to Slurm as ${jobIds.length} job array${jobIds.length === 1 ? '' : 's'} (${jobIds.join(', ')})` +
        (result.arrays.length > 1 ? `, split because MaxArraySize is ${result.maxArraySize}` : '') +
        `\n  bundle: ${result.bundleDir}\n  follow it: gatelab import ${result.bundleDir} --wait   (or open the lab: it watches Slurm sweeps)`
    )
    if (result.failed.length > 0) console.error(`  ${result.failed.length} runs failed: Slurm refused their array`)
    if (values.json) {
      process.stdout.write(
        JSON.stringify({
          sweepId: result.sweepId,
          name: result.name,
          bundleDir: result.bundleDir,
          arrays: result.arrays,
          runs: result.runIds.map((id, trial) => ({ id, trial, jobId: store.listClusterRuns({ ids: [id] })[0]?.jobId ?? null, status: store.getRunSummary(id).status }))
        }) + '\n'
      )
    }
    return result.failed.length > 0 ? 1 : 0
  } catch (error) {
    if (error instanceof ClusterError && error.code !== 'failed') throw new UsageError(error.message.replace(/^Invalid sweep spec: /, `${specFile}: `))
    throw error
  } finally {
    store.close()
  }
}
