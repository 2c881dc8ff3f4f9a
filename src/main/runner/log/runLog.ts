/**
 * The trainer log of one run, built as the trainer's messages arrive (the queue calls `observe` with each of them):
 * start lines on run:started, one line per epoch once its epoch metrics are in (with a warning when clipping first acts
 * or a loss is not finite), and end lines from finished(), with the result the queue records. Lines come back from each call, for the queue to append to the
 * run's stored log at once, so the run page follows live; `text` composes the whole log at the end, with the trainer's
 * own output (TF.js notices collapsed) after it.
 */
import type { RunConfig } from '../../../shared/config'
import type { MetricPoint, TrainerMessage } from '../../../shared/protocol'
import type { RunEstimate } from '../../../shared/limits'
import type { RunFinished } from '../queue'
import { endLines, epochLine, epochWarnings, outputLines, startLines, type EpochRecord } from './format'
import { LOG_TAG_WIDTH, logTags } from '../../../shared/trainerLog'

export interface RunLogOptions {
  runId: string
  config: RunConfig
  /** Where the run's artifacts are kept, in words ("the lab /home/me/lab.db"). */
  artifactsWhere?: string
  /** The figure below which a validation or test split is called small. */
  minSplitWindows: number
  /** The run's estimate, when known by the time the trainer starts (read then). */
  estimate?: () => RunEstimate | undefined
  /** The clock, as ISO text (tests pass a fixed one). */
  now?: () => string
}

/** Epoch metrics the trainer sends at each epoch end; the line is written once `epochMs` (sent with them) is in. */
const EPOCH_DONE = 'epochMs'

export class RunLog {
  readonly lines: string[] = []
  private trainSamples = 0
  private readonly epochs = new Map<number, Record<string, number>>()
  private readonly clipping = new Map<number, { batches: number; of: number; largest: number }>()
  private best: number | null = null
  private lastLr: number | undefined
  private clippedBefore = false
  private ended = false
  private readonly artifacts: Array<{ kind: string; name: string; bytes: number }> = []

  constructor(private readonly options: RunLogOptions) {}

  /** The new lines this message gives (often none). A line that cannot be written says so; it never throws. */
  observe(message: TrainerMessage): string[] {
    return this.safely(message.type, () => this.lines0(message))
  }

  private lines0(message: TrainerMessage): string[] {
    switch (message.type) {
      case 'run:started': {
        this.trainSamples = message.dataset.train
        return this.add(
          startLines({
            runId: this.options.runId,
            startedAt: (this.options.now ?? (() => new Date().toISOString()))(),
            config: this.options.config,
            started: message,
            estimate: this.options.estimate?.(),
            minSplitWindows: this.options.minSplitWindows
          })
        )
      }
      case 'metrics':
        return this.add(this.metrics(message.points))
      case 'artifact':
        this.artifacts.push({ kind: message.kind, name: message.name, bytes: message.data.byteLength })
        return []
      // run:finished is not read here: the queue passes the result it records (a failed write or a plain
      // out-of-memory message can change it) to finished().
      default:
        return []
    }
  }

  /** The end lines of a run, whoever ended it (the trainer, or the host when the trainer died or never started). */
  finished(result: RunFinished): string[] {
    if (this.ended) return []
    this.ended = true
    const { config, runId, artifactsWhere } = this.options
    return this.safely('run:finished', () => this.add(endLines({ config, finished: result, artifacts: this.artifacts, artifactsWhere, runId })))
  }

  /** The log runs inside the host's message handler: a formatting bug must cost a line, never the host. */
  private safely(what: string, write: () => string[]): string[] {
    try {
      return write()
    } catch (error) {
      return this.add([`${logTags.warning.padEnd(LOG_TAG_WIDTH)}the log could not write its line for ${what}: ${error instanceof Error ? error.message : String(error)}`])
    }
  }

  /** The whole log: these lines, then the trainer's own output with TF.js's notices collapsed. */
  text(rawOutput: readonly string[] = []): string {
    const all = [...this.lines, ...outputLines(rawOutput)]
    return all.length > 0 ? `${all.join('\n')}\n` : ''
  }

  private add(lines: string[]): string[] {
    this.lines.push(...lines)
    return lines
  }

  private metrics(points: readonly MetricPoint[]): string[] {
    const clip = this.options.config.clip
    const done: number[] = []
    for (const p of points) {
      if (p.name === 'gradNorm' && clip !== null) {
        const c = this.clipping.get(p.epoch) ?? { batches: 0, of: 0, largest: 0 }
        c.of++
        if (p.value > clip) {
          c.batches++
          c.largest = Math.max(c.largest, p.value)
        }
        this.clipping.set(p.epoch, c)
        continue
      }
      if (p.name === 'batchLoss' || p.name.includes('/') || p.name === 'telemetryMs') continue
      const epoch = this.epochs.get(p.epoch) ?? {}
      epoch[p.name] = p.value
      this.epochs.set(p.epoch, epoch)
      if (p.name === EPOCH_DONE) done.push(p.epoch)
    }
    return done.flatMap((e) => this.epochLines(e))
  }

  private epochLines(epoch: number): string[] {
    const metrics = this.epochs.get(epoch)!
    this.epochs.delete(epoch)
    const config = this.options.config
    const watched = config.earlyStopping?.metric ?? 'valLoss'
    // The trainer's rule (engine/train.ts): better by more than minDelta, and a finite validation loss.
    const value = metrics[watched]
    const up = /acc/i.test(watched)
    const minDelta = config.earlyStopping?.minDelta ?? 0
    const improved =
      value !== undefined && Number.isFinite(value) && Number.isFinite(metrics.valLoss ?? 0) && (this.best === null || (up ? value > this.best + minDelta : value < this.best - minDelta))
    if (improved) this.best = value
    const record: EpochRecord = {
      epoch,
      epochs: config.epochs,
      metrics,
      trainSamples: this.trainSamples,
      best: improved,
      watched,
      ...(this.lastLr !== undefined && metrics.lr !== undefined && metrics.lr !== this.lastLr ? { previousLr: this.lastLr } : {}),
      ...(this.clipping.has(epoch) ? { clipped: this.clipping.get(epoch)! } : {})
    }
    if (metrics.lr !== undefined) this.lastLr = metrics.lr
    this.clipping.delete(epoch)
    const first = !this.clippedBefore && (record.clipped?.batches ?? 0) > 0
    if (first) this.clippedBefore = true
    return [epochLine(record), ...epochWarnings(record, config.clip, first)]
  }
}
