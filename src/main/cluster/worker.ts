/**
 * The array task's side (`gatelab worker`, started by the bundle's job.sh): runs the task's trials one after another
 * with GateLab's own trainer process and run queue — the same engine and the same code path as a local run, so the
 * same seed gives the same result — and records each into its result folder (results.ts) instead of SQLite.
 *
 * Requeued or preempted tasks (SLURM_RESTART_COUNT > 0) skip the trials that already have a summary and start the
 * others over in a new attempt folder. A signal (scancel, a time limit, a requeue) stops the current trial within a
 * batch; it then gets stopped.json, never a summary, so Slurm's own state decides its outcome.
 */
import { hostname } from 'node:os'
import { existsSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { join } from 'node:path'
import packageJson from '../../../package.json'
import type { TrialSummary } from '../../shared/cluster'
import type { RunConfig } from '../../shared/config'
import type { MetricPoint } from '../../shared/protocol'
import { RunQueue, type RunArtifact, type RunFinished, type RunRecorder, type RunStarted } from '../runner/queue'
import type { TrainerProcess } from '../runner/trainerProcess'
import { readBundleInfo, readManifest, trialsOfTask } from './bundle'
import {
  attemptDir,
  ensureDir,
  LOG_FILE,
  METRICS_FILE,
  metricLines,
  readSummary,
  sha256,
  STARTED_FILE,
  STOPPED_FILE,
  SUMMARY_FILE,
  trialDir,
  writeFileAtomic
} from './results'

export interface WorkerOptions {
  bundleDir: string
  /** The first manifest trial of this task's array (job.sh's argument). */
  firstTrial: number
  /** SLURM_ARRAY_TASK_ID. */
  taskId: number
  /** SLURM_RESTART_COUNT (0 for a first run). */
  restartCount: number
  spawnTrainer: (name: string) => TrainerProcess
  log?: (line: string) => void
  slurm?: { jobId: string | null; arrayJobId: string | null; arrayTaskId: string | null }
}

/** Writes one trial's attempt into its folder; the queue calls it exactly as it calls the store for a local run. */
class FileRecorder implements RunRecorder {
  lines = 0
  finished: RunFinished | null = null
  readonly artifacts: TrialSummary['artifacts'] = []

  constructor(readonly dir: string) {}

  startRun(_id: string, info: RunStarted): void {
    writeFileAtomic(join(this.dir, STARTED_FILE), JSON.stringify(info))
  }

  appendMetrics(_id: string, points: MetricPoint[]): void {
    if (points.length === 0) return
    // One write per batch: a reader sees whole lines, or a last line still without its newline (not read yet).
    appendFileSync(join(this.dir, METRICS_FILE), metricLines(points))
    this.lines += points.length
  }

  addArtifact(_id: string, artifact: RunArtifact): void {
    ensureDir(join(this.dir, 'artifacts'))
    writeFileAtomic(join(this.dir, 'artifacts', artifact.name), artifact.data)
    const entry = { name: artifact.name, kind: artifact.kind, mediaType: artifact.mediaType, bytes: artifact.data.byteLength, sha256: sha256(artifact.data) }
    const at = this.artifacts.findIndex((a) => a.name === artifact.name)
    if (at >= 0) this.artifacts[at] = entry
    else this.artifacts.push(entry)
  }

  finishRun(_id: string, result: RunFinished): void {
    this.finished = result
  }

  setRunLog(_id: string, text: string): void {
    writeFileAtomic(join(this.dir, LOG_FILE), text)
  }
}

/** Runs the task's trials; resolves with the process exit code (0 all done, 1 a trial failed, 143 stopped by a signal). */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line))
  const { bundleDir, restartCount } = options
  const info = readBundleInfo(bundleDir)
  const manifest = readManifest(bundleDir)
  const trials = trialsOfTask(info, options.firstTrial, options.taskId)
  const slurm = { jobId: null, arrayJobId: null, arrayTaskId: null, ...options.slurm, restartCount, host: hostname() }
  log(`gatelab worker ${packageJson.version}: sweep ${info.sweepId}, task ${options.taskId} (trials ${trials.join(', ') || 'none'}), attempt ${restartCount}, on ${slurm.host}`)

  const writeSummary = (runId: string, summary: Omit<TrialSummary, 'format' | 'runId' | 'attempt' | 'slurm'>): void => {
    const full: TrialSummary = { format: 1, runId, attempt: restartCount, slurm, ...summary }
    writeFileAtomic(join(trialDir(bundleDir, runId), SUMMARY_FILE), JSON.stringify(full, null, 1) + '\n')
  }

  if (info.gatelabVersion !== packageJson.version) {
    // A permanent mismatch: every trial of this task fails with the reason, so nothing waits for it.
    const error = `The bundle was written by GateLab ${info.gatelabVersion} but the node runs GateLab ${packageJson.version}: run the sweep with one version`
    for (const trial of trials) {
      const runId = manifest[trial]!.runId
      if (readSummary(bundleDir, runId).kind === 'ok') continue
      ensureDir(trialDir(bundleDir, runId))
      writeSummary(runId, { status: 'failed', error, final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0, metricLines: 0, artifacts: [] })
    }
    log(error)
    return 1
  }

  let stopping: string | null = null
  let queue: RunQueue | null = null
  let currentRun: string | null = null
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = signal
    log(`gatelab worker: ${signal} received (scancel, time limit, requeue or preemption): stopping trial ${currentRun ?? '-'}`)
    if (queue && currentRun) queue.cancel(currentRun)
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  process.on('SIGUSR1', onSignal)

  let failures = 0
  try {
    for (const trial of trials) {
      const line = manifest[trial]!
      const runId = line.runId
      if (stopping) break
      if (readSummary(bundleDir, runId).kind === 'ok') {
        log(`trial ${trial} (run ${runId}): has its summary already, skipped`)
        continue
      }
      const dir = attemptDir(bundleDir, runId, restartCount)
      // Starting over: this attempt's folder from an earlier try with the same restart count (a manual rerun) goes.
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
      ensureDir(dir)
      const recorder = new FileRecorder(dir)
      currentRun = runId
      queue = new RunQueue({
        spawnTrainer: options.spawnTrainer,
        recorder,
        concurrency: 1,
        events: { onRunChanged: () => undefined, onProgress: () => undefined, onMetrics: () => undefined }
      })
      log(`trial ${trial} (run ${runId}): training ${String(line.config.cell)} on ${String(line.config.task)}, seed ${String(line.config.seed)}`)
      await queue.enqueue(runId, line.config as unknown as RunConfig)
      const result = recorder.finished
      currentRun = null
      // The signal reaches the trainer too (Slurm signals every process of the job): whatever it ended with, a trial
      // stopped by a signal gets no summary.
      if (stopping && result?.status !== 'completed') {
        writeFileSync(join(dir, STOPPED_FILE), JSON.stringify({ signal: stopping, at: new Date().toISOString() }) + '\n')
        break
      }
      const finished = result ?? { status: 'failed' as const, error: 'The trainer ended without a result', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 }
      if (finished.status !== 'completed') failures++
      const { status, error, final, test, best, epochs, steps, durationMs } = finished
      writeSummary(runId, { status, ...(error ? { error } : {}), final, test, best, epochs, steps, durationMs, metricLines: recorder.lines, artifacts: recorder.artifacts })
      log(`trial ${trial} (run ${runId}): ${status}${error ? `: ${error}` : ''}`)
    }
  } finally {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    process.off('SIGUSR1', onSignal)
  }
  if (stopping) return 143
  return failures > 0 ? 1 : 0
}
