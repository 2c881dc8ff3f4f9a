/**
 * `gatelab worker --bundle DIR --first N [--task T]`: what a Slurm array task runs (the bundle's job.sh calls it).
 * Trains the task's trials with GateLab's own trainer and writes their results into DIR/results/ (docs/CLUSTER.md).
 */
import { createNodeSpawner } from '../runner/spawner.node'
import trainerPath from '../runner/trainerPath'
import { runWorker } from '../cluster/worker'
import { BundleError } from '../cluster/bundle'
import { UsageError, intFlag, parseCommandArgs } from './args'

export const workerUsage = 'gatelab worker --bundle DIR --first N [--task T]   run a Slurm array task of a sweep bundle (job.sh calls it)'

export async function worker(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('worker', argv, {
    bundle: { type: 'string' },
    first: { type: 'string' },
    task: { type: 'string' }
  })
  if (positionals.length > 0) throw new UsageError(`worker: unexpected argument "${positionals[0]}"`)
  if (!values.bundle) throw new UsageError('worker: --bundle DIR is required (the sweep bundle folder)')
  const firstTrial = intFlag('first', values.first ?? '0', 0, 10_000_000)!
  const env = process.env
  const taskId = intFlag('task', values.task ?? env.SLURM_ARRAY_TASK_ID, 0, 10_000_000)
  if (taskId === undefined) throw new UsageError('worker: no array task: run it as a Slurm array task (SLURM_ARRAY_TASK_ID) or give --task T')
  const restartCount = Number(env.SLURM_RESTART_COUNT ?? 0) || 0
  const spawn = createNodeSpawner(trainerPath)
  try {
    return await runWorker({
      bundleDir: values.bundle,
      firstTrial,
      taskId,
      restartCount,
      spawnTrainer: (name) => spawn({ name }),
      slurm: { jobId: env.SLURM_JOB_ID ?? null, arrayJobId: env.SLURM_ARRAY_JOB_ID ?? null, arrayTaskId: env.SLURM_ARRAY_TASK_ID ?? null }
    })
  } catch (error) {
    if (error instanceof BundleError) throw new UsageError(error.message)
    throw error
  }
}
