/**
 * The run queue: runs wait here until a trainer slot is free (concurrency limit, default: the number of cores), then
 * each trains in a trainer process: a new one, or the one whose run just completed when another run is waiting for
 * it (at most TRAINER_RUNS runs per process; see `handsOn`). Starting a trainer (Node, TF.js, the kernels) takes
 * about 0.7 s, which in a sweep of short runs was 40% of each run's time.
 * The queue turns the trainer's messages into records (through a RunRecorder —
 * the store) and live events, and makes sure every run ends in exactly one final state, whatever the trainer does:
 * completed, failed (with the reason: NaN loss, a crash, a kill, out of memory), or cancelled (metrics kept).
 */
import os from 'node:os'
import type { RunConfig } from '../../shared/config'
import type { MetricPoint, TrainerMessage } from '../../shared/protocol'
import type { TrainerProcess } from './trainerProcess'
import type { RunEstimate } from '../../shared/limits'
import { estimateConfig } from '../limits/check'
import { plainFailure } from '../limits/failure'
import { minSplitWindows } from '../../shared/baselines/splitSize'
import { RunLog } from './log'

export type RunStarted = Omit<Extract<TrainerMessage, { type: 'run:started' }>, 'type' | 'runId'>
export type RunFinished = Omit<Extract<TrainerMessage, { type: 'run:finished' }>, 'type' | 'runId' | 'seq'>
export type RunProgress = Omit<Extract<TrainerMessage, { type: 'progress' }>, 'type'>
export interface RunArtifact {
  kind: string
  name: string
  mediaType: string
  data: Uint8Array
}

/** What the queue writes; the Store implements it. Every call is synchronous (better-sqlite3). */
export interface RunRecorder {
  startRun(id: string, info: RunStarted): void
  appendMetrics(id: string, points: MetricPoint[]): void
  addArtifact(id: string, artifact: RunArtifact): void
  finishRun(id: string, result: RunFinished): void
  setRunLog(id: string, text: string): void
  /** Appends lines to the run's log while it trains (the trainer log, src/main/runner/log), so the run page follows. */
  appendRunLog?(id: string, text: string): void
  /** A trainer was started for the run and is building its data and model ("preparing", src/main/limits). */
  prepareRun?(id: string): void
}

export interface QueueEvents {
  /** The run's record changed (started, finished, cancelled while queued). */
  onRunChanged(id: string): void
  onProgress(progress: RunProgress): void
  onMetrics(id: string, points: MetricPoint[]): void
}

export interface QueueOptions {
  spawnTrainer: (name: string) => TrainerProcess
  recorder: RunRecorder
  events: QueueEvents
  concurrency?: number
  /** How long a running run may take to honour `cancel` before its trainer is killed (default CANCEL_GRACE_MS). */
  cancelGraceMs?: number
  /** At most this many progress events per run and second reach the UI. */
  progressPerSecond?: number
  /** Where the runs' artifacts are kept, in words for the trainer log ("the lab /home/me/lab.db"). */
  artifactsWhere?: string
}

interface Job {
  id: string
  config: RunConfig
  trainer?: TrainerProcess
  cancelRequested: boolean
  /** The trainer said run:started: its data and model are built (before that the run is "preparing"). */
  started?: boolean
  /** Its estimate (src/main/limits), for a plain out-of-memory message; filled in the background. */
  estimate?: RunEstimate
  /** The first write of this run that failed (a full disk): the run is stopped and ends failed with this reason. */
  writeError?: string
  /** The run's trainer log (src/main/runner/log), written as the trainer reports. */
  log?: RunLog
  finished: Promise<void>
  resolveFinished: () => void
}

export class RunQueue {
  private readonly waiting: Job[] = []
  private readonly running = new Map<string, Job>()
  private readonly concurrency: number
  private closed = false

  constructor(private readonly options: QueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? os.availableParallelism())
  }

  get size(): { queued: number; running: number } {
    return { queued: this.waiting.length, running: this.running.size }
  }

  has(id: string): boolean {
    return this.running.has(id) || this.waiting.some((j) => j.id === id)
  }

  /** Queues a run that the store already holds as `queued`; resolves when the run has reached its final state. */
  enqueue(id: string, config: RunConfig): Promise<void> {
    if (this.closed) throw new Error('The run queue is shut down')
    let resolveFinished!: () => void
    const finished = new Promise<void>((resolve) => (resolveFinished = resolve))
    this.waiting.push({ id, config, cancelRequested: false, finished, resolveFinished })
    this.pump()
    return finished
  }

  /** The promise that settles when a run in this queue reaches its final state; undefined for runs not here. */
  enqueued(id: string): Promise<void> | undefined {
    return (this.running.get(id) ?? this.waiting.find((j) => j.id === id))?.finished
  }

  /**
   * Cancels a queued run at once; asks a running one to stop within one batch, and kills its trainer if it has not
   * stopped after the grace period. Returns false when the run is not in this queue.
   */
  cancel(id: string): boolean {
    const index = this.waiting.findIndex((j) => j.id === id)
    if (index >= 0) {
      const [job] = this.waiting.splice(index, 1)
      this.record(job!, (r) =>
        r.finishRun(id, { status: 'cancelled', error: 'Cancelled before it started', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 })
      )
      this.options.events.onRunChanged(id)
      job!.resolveFinished()
      return true
    }
    const job = this.running.get(id)
    if (!job) return false
    job.cancelRequested = true
    const trainer = job.trainer
    if (trainer?.running) {
      try {
        trainer.send({ type: 'cancel' })
      } catch {
        // The trainer is already gone; its exit handler settles the run.
      }
      // A trainer building data or a model (preparing) cannot read messages until it is done: it is stopped at once.
      // A training one stops within a batch; one whose batch runs longer is killed, so a cancel takes under 2 s.
      const grace = job.started ? (this.options.cancelGraceMs ?? CANCEL_GRACE_MS) : PREPARING_CANCEL_MS
      const timer = setTimeout(() => trainer.kill(), grace)
      void trainer.exited.then(() => clearTimeout(timer))
    }
    return true
  }

  /** Cancels everything (queued and running) and waits until every run has a final state. */
  async shutdown(): Promise<void> {
    this.closed = true
    const all = [...this.waiting, ...this.running.values()]
    for (const job of all) this.cancel(job.id)
    await Promise.all(all.map((j) => j.finished))
  }

  /** `spare`: the trainer of a run that just completed, kept for the next waiting run (stopped if none takes it). */
  private pump(spare?: Spare): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!
      this.running.set(job.id, job)
      const given = spare && spare.trainer.running && handsOn(spare.config, job.config) ? spare : undefined
      if (given) spare = undefined
      void this.run(job, given).then((left) => {
        this.running.delete(job.id)
        job.resolveFinished()
        this.pump(left)
      })
    }
    if (spare) void spare.trainer.stop()
  }

  private async run(job: Job, given?: Spare): Promise<Spare | undefined> {
    const { events } = this.options
    const started = Date.now()
    let finished = false
    let completed = false
    let trainer: TrainerProcess
    if (given) {
      trainer = given.trainer
      trainer.name = `gatelab-trainer ${job.id}`
    } else {
      try {
        trainer = this.options.spawnTrainer(`gatelab-trainer ${job.id}`)
      } catch (error) {
        this.fail(job, `The trainer process could not be started: ${(error as Error).message}`, started)
        return undefined
      }
    }
    const runs = (given?.runs ?? 0) + 1
    // This run's part of the trainer's own output (a handed-on trainer's log holds its earlier runs' lines too).
    const logFrom = trainer.logged
    job.trainer = trainer
    const runLog = new RunLog({ runId: job.id, config: job.config, artifactsWhere: this.options.artifactsWhere, minSplitWindows: minSplitWindows(), estimate: () => job.estimate })
    job.log = runLog
    this.record(job, (r) => r.prepareRun?.(job.id))
    events.onRunChanged(job.id)
    void estimateConfig(job.config, { bytes: Number.POSITIVE_INFINITY, source: 'default' })
      .then((estimate) => (job.estimate = estimate))
      .catch(() => undefined)
    const lastProgress = { at: 0 }
    const minProgressGap = 1000 / (this.options.progressPerSecond ?? 4)
    const off = trainer.onMessage((message) => {
      if (!('runId' in message) || message.runId !== job.id) return
      this.say(job, runLog.observe(message)) // before the record and its event, so a page that reloads on it has the lines
      switch (message.type) {
        case 'run:started':
          job.started = true
          this.record(job, (r) => r.startRun(job.id, message))
          events.onRunChanged(job.id)
          break
        case 'metrics':
          if (job.writeError) break // stopping: nothing more is written for this run
          this.record(job, (r) => r.appendMetrics(job.id, message.points))
          events.onMetrics(job.id, message.points)
          break
        case 'artifact':
          this.record(job, (r) => r.addArtifact(job.id, message))
          break
        case 'progress': {
          const now = Date.now()
          if (now - lastProgress.at >= minProgressGap || message.step === message.totalSteps) {
            lastProgress.at = now
            events.onProgress(message)
          }
          break
        }
        case 'run:finished': {
          finished = true
          completed = message.status === 'completed' && !job.writeError && !job.cancelRequested
          const result = job.writeError ? { ...message, status: 'failed' as const, error: job.writeError } : message.error ? { ...message, error: plainFailure(message.error, job.estimate) } : message
          this.say(job, runLog.finished(result))
          this.record(job, (r) => r.finishRun(job.id, result))
          events.onRunChanged(job.id)
          break
        }
      }
    })
    try {
      if (!given) await trainer.ready()
      if (job.cancelRequested) throw new CancelledBeforeTraining()
      await trainer.request((seq) => ({ type: 'train', seq, runId: job.id, config: job.config }), Number.POSITIVE_INFINITY)
    } catch (error) {
      if (!finished) {
        if (job.writeError) {
          this.fail(job, job.writeError, started)
        } else if (job.cancelRequested) {
          const result: RunFinished = { status: 'cancelled', error: 'Cancelled', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: Date.now() - started }
          this.say(job, runLog.finished(result))
          this.record(job, (r) => r.finishRun(job.id, result))
          events.onRunChanged(job.id)
        } else {
          const exit = trainer.running ? undefined : await trainer.exited
          this.fail(job, exit ? exit.message : (error as Error).message, started)
        }
        finished = true
      }
    } finally {
      off()
    }
    // Handed on only to a run already waiting (else a finished run would leave an idle process behind it).
    const next = this.waiting[0]
    const handOn = completed && !this.closed && trainer.running && runs < TRAINER_RUNS && next !== undefined && handsOn(job.config, next.config)
    if (!handOn) await trainer.stop()
    // The whole log: the trainer log, then the trainer's own output with TF.js's notices collapsed (src/main/runner/log).
    this.record(job, (r) => r.setRunLog(job.id, runLog.text(trainer.logSince(logFrom))))
    return handOn ? { trainer, runs, config: job.config } : undefined
  }

  private fail(job: Job, message: string, started: number): void {
    const result: RunFinished = { status: 'failed', error: plainFailure(message, job.estimate), final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: Date.now() - started }
    if (job.log) this.say(job, job.log.finished(result))
    this.record(job, (r) => r.finishRun(job.id, result))
    this.options.events.onRunChanged(job.id)
  }

  /** Appends trainer-log lines to the run's stored log (nothing more is written once a write failed). */
  private say(job: Job, lines: string[]): void {
    if (lines.length === 0 || job.writeError) return
    this.record(job, (r) => r.appendRunLog?.(job.id, `${lines.join('\n')}\n`))
  }

  /**
   * A failing write (a full disk) must not take the queue down, nor go on failing batch after batch: the first one
   * stops the run (its trainer is asked to stop, and killed after CANCEL_KILL_MS), is logged once, and the run ends
   * failed with that reason. The other runs carry on (each stops at its own first failed write).
   */
  private record(job: Job, write: (recorder: RunRecorder) => void): void {
    try {
      write(this.options.recorder)
    } catch (error) {
      if (job.writeError) return // already said
      const message = (error as Error).message
      job.writeError = `Stopped: ${message}`
      console.error(`GateLab: run ${job.id} stopped, its data could not be written: ${message}`)
      const trainer = job.trainer
      if (trainer?.running) {
        try {
          trainer.send({ type: 'cancel' })
        } catch {
          // already gone
        }
        const timer = setTimeout(() => trainer.kill(), WRITE_FAILURE_KILL_MS)
        void trainer.exited.then(() => clearTimeout(timer))
      }
    }
  }
}

class CancelledBeforeTraining extends Error {}

/** A trainer between two runs: how many runs it has trained, and the configuration of the last. */
interface Spare {
  trainer: TrainerProcess
  runs: number
  config: RunConfig
}

/**
 * Whether the trainer of a run that completed (`done`) may train the `next` one. Only a run that completed normally
 * hands its trainer on (a failed, cancelled or stopped run's trainer is stopped, so a crash or a kill never reaches
 * another run), and only between runs of the fused engine on the same backend: a fused run leaves nothing behind in
 * its trainer (its live tensor count, a metric every run records, is the same in a fresh and a handed-on trainer, and
 * so is every other number: test/integration/runner.test.ts), while a run of the TF.js layers engine leaves 3 tensors
 * alive, which the next run's numTensors would count.
 */
const handsOn = (done: RunConfig, next: RunConfig): boolean => done.engine === 'fused' && next.engine === 'fused' && done.backend === next.backend

/**
 * Runs one trainer process trains before it is replaced by a fresh one: bounds what a long sweep's trainer can
 * accumulate (V8's heap, TF.js's kernel caches) while keeping most of the start-up saved (7 of 8 starts).
 */
export const TRAINER_RUNS = 8

/** How long a training run may take to honour a cancel before its trainer is killed (issue 19: under 2 s in all). */
const CANCEL_GRACE_MS = 1_500
/** A preparing trainer cannot read the cancel until its build ends: it is killed after this long. */
const PREPARING_CANCEL_MS = 200

/** After a failed write, how long a trainer may take to stop by itself before it is killed. */
const WRITE_FAILURE_KILL_MS = 2_000
