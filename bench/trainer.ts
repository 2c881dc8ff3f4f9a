/**
 * One real trainer process, as a run would have it, for the training benchmarks (training.bench.ts, memory.bench.ts):
 * spawned by the lab's own Node spawner, sent one `train` request, its metric points collected, its memory read from
 * /proc while it trains.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import trainerPath from '../src/main/runner/trainerPath'
import { createNodeSpawner } from '../src/main/runner/spawner.node'
import type { TrainerProcess } from '../src/main/runner/trainerProcess'
import { normalizeRunConfig, type RunConfigInput } from '../src/shared/config'
import type { MetricPoint, TrainerMessage } from '../src/shared/protocol'
import { round } from './record'
import { cpuSplit, threadCpu, type CpuSplit, type ThreadCpu } from './timing'

export { cpuSplit, threadCpu, trainingStepMs, type CpuSplit, type ThreadCpu } from './timing'

export const spawnTrainer = createNodeSpawner(trainerPath)

type Finished = Extract<TrainerMessage, { type: 'run:finished' }>

/** A process's resident set now (VmRSS) and its peak so far (VmHWM), in MB (Linux); null elsewhere. */
export function rssOf(pid: number | undefined): { rssMb: number; peakMb: number } | null {
  if (pid === undefined) return null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string): number | null => {
      const match = new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)
      return match ? Number(match[1]) : null
    }
    const rss = kb('VmRSS')
    const peak = kb('VmHWM')
    return rss === null || peak === null ? null : { rssMb: round(rss / 1024), peakMb: round(peak / 1024) }
  } catch {
    return null
  }
}

/** Peak resident set size of a process so far (Linux); null elsewhere. */
export function peakRssMb(pid: number | undefined): number | null {
  return rssOf(pid)?.peakMb ?? null
}

/**
 * Resets a process's peak resident set (VmHWM) to its current RSS (Linux ≥ 4.0: "5" to /proc/PID/clear_refs), so the
 * next reading is the peak since now. False where that is not allowed.
 */
export function resetPeakRss(pid: number | undefined): boolean {
  if (pid === undefined) return false
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export interface TrainOutcome {
  finished: Finished
  points: MetricPoint[]
  peakRssMb: number | null
  /** Wall time from the train request to the run's end, in ms. */
  wallMs: number
  /** The backend the trainer reported in run:started. */
  backend: string
  /** Which training step ran (run:started versions 'fused-step': whole-step or tfjs; engine/step). */
  step: string
  /** Which fused kernels ran (run:started versions 'fused-kernels'), or 'none'. */
  kernels: string
  /** The trainer's CPU time per thread from the end of its first epoch (the warm-up) to the end of its last. */
  cpu: CpuSplit | null
}

export interface TrainHooks {
  /** Stops the run early (cancel) once a point satisfies it (time to solve). */
  stopWhen?: (p: MetricPoint) => boolean
  /** Called when an epoch's end reaches the host (the message with its epochMs point), with the trainer's pid. */
  onEpochEnd?: (epoch: number, points: MetricPoint[], pid: number | undefined) => void
}

/** Trains one run in its own trainer process. */
export async function trainOnce(input: RunConfigInput, env: Record<string, string> = {}, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const result = normalizeRunConfig(input)
  if (!result.ok) throw new Error(result.message)
  const trainer: TrainerProcess = spawnTrainer({ name: 'bench', env })
  const points: MetricPoint[] = []
  let peak: number | null = null
  let backend = 'unknown'
  let step = 'tfjs'
  let kernels = 'none'
  let firstEpochEnd: { at: number; threads: ThreadCpu[] } | null = null
  let lastEpochEnd: { at: number; threads: ThreadCpu[] } | null = null
  const off = trainer.onMessage((m) => {
    if (m.type === 'run:started') {
      backend = m.backend
      step = m.versions['fused-step'] ?? 'tfjs'
      kernels = m.versions['fused-kernels'] ?? 'none'
    }
    if (m.type !== 'metrics') return
    points.push(...m.points)
    peak = peakRssMb(trainer.pid) ?? peak
    const end = m.points.find((p) => p.name === 'epochMs')
    if (end) {
      const reading = { at: performance.now(), threads: threadCpu(trainer.pid) }
      if (end.epoch === 1) firstEpochEnd = reading
      else lastEpochEnd = reading
    }
    if (end && hooks.onEpochEnd) hooks.onEpochEnd(end.epoch, m.points, trainer.pid)
    if (hooks.stopWhen && m.points.some(hooks.stopWhen)) trainer.send({ type: 'cancel' })
  })
  try {
    await trainer.ready()
    const t = performance.now()
    const finished = await trainer.request<Finished>((seq) => ({ type: 'train', seq, runId: 'bench', config: result.config }), Number.POSITIVE_INFINITY)
    const wallMs = performance.now() - t
    peak = peakRssMb(trainer.pid) ?? peak
    if (finished.status === 'failed') throw new Error(finished.error ?? 'the run failed')
    const first = firstEpochEnd as { at: number; threads: ThreadCpu[] } | null
    const last = lastEpochEnd as { at: number; threads: ThreadCpu[] } | null
    const cpu = first && last && trainer.pid !== undefined ? cpuSplit(trainer.pid, first.threads, last.threads, last.at - first.at) : null
    return { finished, points, peakRssMb: peak, wallMs, backend, step, kernels, cpu }
  } finally {
    off()
    await trainer.stop()
  }
}

