/**
 * Submitting a sweep to Slurm: expand the spec as a local sweep would, check the cluster's limits (MaxArraySize,
 * MaxJobCount, and per-user MaxSubmitJobs where accounting exists) and test the job with `sbatch --test-only` before
 * anything is created, then record the sweep and its runs (queued), write the bundle, and submit one job array per
 * MaxArraySize trials (`sbatch --parsable --array=0-(N-1)%K job.sh FIRST`).
 */
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import packageJson from '../../../package.json'
import { slurmSubmitSchema, type BundleArray, type BundleInfo, type ManifestLine, type SlurmSubmit, type SlurmSubmitOptions } from '../../shared/cluster'
import { describeIssues } from '../../shared/issues'
import { planSweep } from '../sweeps'
import { checkRunLimits } from '../limits/check'
import { slurmMemoryLimit, type SettingsStore } from '../limits/settings'
import { defaultGatelabCommand, jobIdOfTrial, JOB_SCRIPT, writeBundle, writeBundleInfo, type GatelabCommand } from './bundle'
import { findOnPath, jobsInController, sbatch, showConfig, slurmCommand, slurmMessage, slurmMissingReason, SlurmError } from './slurm'
import type { ClusterStore } from './clusterStore'

export class ClusterError extends Error {
  override readonly name = 'ClusterError'
  /** 'unavailable': no Slurm here; 'refused': Slurm (or its limits) said no before anything was submitted; 'invalid': bad input. */
  constructor(
    message: string,
    readonly code: 'unavailable' | 'refused' | 'invalid' | 'failed'
  ) {
    super(message)
  }
}

export interface SubmitResult {
  sweepId: string
  name: string
  bundleDir: string
  runIds: string[]
  arrays: BundleArray[]
  /** Run ids whose array could not be submitted (they are failed with Slurm's message). */
  failed: string[]
  maxArraySize: number
}

/** The array layout of N trials: tasks of perTask trials, at most maxArraySize tasks per array. */
export function planArrays(trials: number, perTask: number, maxArraySize: number): BundleArray[] {
  const tasks = Math.ceil(trials / perTask)
  const arrays: BundleArray[] = []
  for (let first = 0; first < tasks; first += maxArraySize) {
    arrays.push({ jobId: null, firstTrial: first * perTask, tasks: Math.min(maxArraySize, tasks - first) })
  }
  return arrays
}

/** sbatch's options for one array of the bundle (everything except the script and its argument). */
export function sbatchArgs(submit: SlurmSubmit, bundleDir: string, array: BundleArray, jobName: string): string[] {
  const args = [`--array=0-${array.tasks - 1}${submit.parallel ? `%${submit.parallel}` : ''}`, `--job-name=${jobName}`, `--output=${join(bundleDir, 'logs', '%A_%a.out')}`]
  if (submit.partition) args.push(`--partition=${submit.partition}`)
  if (submit.time) args.push(`--time=${submit.time}`)
  if (submit.cpusPerTask) args.push(`--cpus-per-task=${submit.cpusPerTask}`)
  if (submit.mem) args.push(`--mem=${submit.mem}`)
  args.push(...submit.sbatchArgs)
  return args
}

/** Per-user job limits from the accounting database, where there is one (sacctmgr); null otherwise. */
async function userSubmitLimit(): Promise<number | null> {
  if (!findOnPath('sacctmgr')) return null
  const user = process.env.USER ?? process.env.LOGNAME ?? 'root'
  const r = await slurmCommand('sacctmgr', ['-n', '-P', 'show', 'assoc', `user=${user}`, 'format=MaxSubmitJobs'], { timeoutMs: 10_000 }).catch(() => null)
  if (!r || r.code !== 0) return null
  const limits = r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
  return limits.length ? Math.min(...limits) : null
}

export interface SubmitOptions {
  /** How the nodes start GateLab; default: this Node and this checkout's bin/gatelab.cjs. */
  command?: GatelabCommand
  /** `--memory-limit SIZE` (src/main/limits); else Slurm's --mem, else the lab's setting, else half this machine's memory. */
  memoryLimit?: string
}

export async function submitSlurmSweep(store: ClusterStore, spec: unknown, input: SlurmSubmitOptions, options: SubmitOptions = {}): Promise<SubmitResult> {
  const missing = slurmMissingReason()
  if (missing) throw new ClusterError(`Slurm is not available: ${missing}`, 'unavailable')
  const parsedSubmit = slurmSubmitSchema.safeParse(input)
  if (!parsedSubmit.success) throw new ClusterError(describeIssues('Slurm options', parsedSubmit.error.issues), 'invalid')
  const submit = parsedSubmit.data
  const plan = await planSweep(spec)
  if (!plan.ok) throw new ClusterError(plan.message, 'invalid')
  const command = options.command ?? defaultGatelabCommand()
  // Every trial's memory estimate (src/main/limits), against the memory each task gets, before anything is submitted.
  await checkRunLimits(plan.runs.map((r) => r.config), slurmMemoryLimit('getSetting' in store ? (store as unknown as SettingsStore) : undefined, options.memoryLimit, submit.mem))

  // Limits, before anything is created or submitted.
  const config = await showConfig()
  const maxArraySize = Number(config.MaxArraySize ?? 1001)
  const maxJobCount = Number(config.MaxJobCount ?? 10000)
  const trials = plan.runs.length
  const arrays = planArrays(trials, submit.perTask, maxArraySize)
  const tasks = arrays.reduce((n, a) => n + a.tasks, 0)
  const held = await jobsInController()
  const perTaskHint = (room: number): string => (room > 0 ? `use --per-task ${Math.ceil(trials / room)} or more (trials per array task)` : 'wait until jobs finish')
  if (held + tasks > maxJobCount) {
    throw new ClusterError(
      `The sweep needs ${tasks} array tasks (${trials} trials, ${submit.perTask} per task), but this cluster holds at most MaxJobCount=${maxJobCount} jobs and already holds ${held}: ${perTaskHint(maxJobCount - held)}. Nothing was submitted.`,
      'refused'
    )
  }
  const userLimit = await userSubmitLimit()
  if (userLimit !== null && tasks > userLimit) {
    throw new ClusterError(
      `The sweep needs ${tasks} array tasks, but your account may submit at most MaxSubmitJobs=${userLimit}: ${perTaskHint(userLimit)}. Nothing was submitted.`,
      'refused'
    )
  }

  // Let Slurm check the job itself (partition, time limit, CPUs, memory, extra arguments) without submitting it.
  const root = resolve(submit.dir ?? 'gatelab-sweeps')
  const jobName = `gatelab-${plan.name.replace(/[^\w.-]+/g, '_').slice(0, 40)}`
  const probeArray = arrays[0]!
  const tested = await slurmCommand('sbatch', ['--test-only', ...sbatchArgs(submit, root, probeArray, jobName), '--wrap=true'])
  if (tested.code !== 0) throw new ClusterError(`Slurm refused the job: ${slurmMessage(tested.stderr) || `sbatch exited with code ${tested.code}`}. Nothing was submitted.`, 'refused')

  // The sweep and its runs appear at once (queued), then the bundle is written, then the arrays are submitted.
  const { id: sweepId } = store.createSweep({ name: plan.name, spec })
  const bundleDir = join(root, sweepId)
  if (existsSync(bundleDir)) throw new ClusterError(`${bundleDir} already exists`, 'failed')
  const runIds = store.createRuns(
    plan.runs.map(({ config, varied }) => {
      const { seed: _seed, ...group } = varied
      return { config, sweepId, groupKey: JSON.stringify(group) }
    })
  )
  const info: BundleInfo = {
    format: 1,
    sweepId,
    name: plan.name,
    spec,
    gatelabVersion: packageJson.version,
    createdAt: new Date().toISOString(),
    trials,
    perTask: submit.perTask,
    arrays,
    submit
  }
  const lines: ManifestLine[] = plan.runs.map((run, trial) => ({
    trial,
    runId: runIds[trial]!,
    config: run.config as unknown as Record<string, unknown>,
    groupKey: JSON.stringify((({ seed: _s, ...g }) => g)(run.varied))
  }))
  try {
    writeBundle(bundleDir, info, lines, command)
  } catch (error) {
    failRuns(store, runIds, `The sweep bundle could not be written to ${bundleDir}: ${(error as Error).message}`)
    throw new ClusterError(`Cannot write the sweep bundle to ${bundleDir}: ${(error as Error).message}`, 'failed')
  }
  store.addClusterRuns(runIds.map((id, trial) => ({ id, bundleDir, trial, jobId: null })))

  const failed: string[] = []
  let refusal: string | null = null
  // A few sbatch calls at a time: a sweep split into many arrays (a small MaxArraySize) is submitted in seconds.
  let next = 0
  const submitNext = async (): Promise<void> => {
    for (;;) {
      const array = arrays[next++]
      if (!array) return
      const ids = runIds.slice(array.firstTrial, Math.min(trials, array.firstTrial + array.tasks * submit.perTask))
      if (refusal === null) {
        try {
          // The job script's argument is the array's first trial (sbatch passes what follows the script to it).
          array.jobId = await sbatch(sbatchArgs(submit, bundleDir, array, jobName), join(bundleDir, JOB_SCRIPT), [String(array.firstTrial)])
          store.setClusterStates(ids.map((id, i) => ({ id, jobId: jobIdOfTrial(info, array.firstTrial + i), state: 'PENDING', reason: null })))
          continue
        } catch (error) {
          refusal ??= error instanceof SlurmError ? error.message : (error as Error).message
        }
      }
      failRuns(store, ids, `Slurm refused the job array: ${refusal}`)
      failed.push(...ids)
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, arrays.length) }, submitNext))
  writeBundleInfo(bundleDir, info)
  if (refusal !== null && failed.length === runIds.length) throw new ClusterError(`Slurm refused the job: ${refusal}`, 'refused')
  return { sweepId, name: plan.name, bundleDir, runIds, arrays, failed, maxArraySize }
}

function failRuns(store: ClusterStore, ids: readonly string[], error: string): void {
  for (const id of ids) {
    store.finishRun(id, { status: 'failed', error, final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 })
  }
}
