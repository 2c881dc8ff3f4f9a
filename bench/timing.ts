/**
 * Timing a trainer process from the outside, for the all-cores row (bench/training.bench.ts): its training-loop rate
 * from its own batch timestamps, and its CPU time per thread from /proc (Linux).
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { MetricPoint } from '../src/shared/protocol'
import { round } from './record'

/** CPU time of one thread of a process so far (Linux /proc/PID/task/TID/stat: utime + stime, in ms). */
export interface ThreadCpu {
  tid: number
  /** The thread's name (comm): "node" for the main thread, "V8Worker"/"DelayedTaskSch…" for V8's platform threads, "libuv-worker" for libuv's pool. */
  name: string
  cpuMs: number
}

/** Every thread of a process with its CPU time so far (Linux); [] elsewhere or once the process is gone. */
export function threadCpu(pid: number | undefined): ThreadCpu[] {
  if (pid === undefined) return []
  const tick = 10 // ms per clock tick (USER_HZ = 100 on Linux)
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return []
  }
  const threads: ThreadCpu[] = []
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      // "TID (comm) state …": comm may hold spaces and parentheses, so split after its last ')'.
      const close = stat.lastIndexOf(')')
      const fields = stat.slice(close + 2).split(' ')
      // Fields after comm start at field 3 (state); utime and stime are fields 14 and 15.
      threads.push({ tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, close), cpuMs: (Number(fields[11]) + Number(fields[12])) * tick })
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads
}

/** Where a process's CPU time went between two readings of threadCpu: its main thread and all the others. */
export interface CpuSplit {
  /** Host wall time between the two readings, ms. */
  wallMs: number
  /** CPU time of the main thread (tid = pid) in that time, ms. */
  mainMs: number
  /** CPU time of every other thread, ms, and the busiest of them by name. */
  otherMs: number
  others: Array<{ name: string; cpuMs: number }>
}

export function cpuSplit(pid: number, before: ThreadCpu[], after: ThreadCpu[], wallMs: number): CpuSplit {
  const was = new Map(before.map((t) => [t.tid, t.cpuMs]))
  const used = after.map((t) => ({ ...t, cpuMs: t.cpuMs - (was.get(t.tid) ?? 0) }))
  const byName = new Map<string, number>()
  for (const t of used) if (t.tid !== pid) byName.set(t.name, (byName.get(t.name) ?? 0) + t.cpuMs)
  return {
    wallMs: round(wallMs),
    mainMs: used.find((t) => t.tid === pid)?.cpuMs ?? 0,
    otherMs: used.filter((t) => t.tid !== pid).reduce((sum, t) => sum + t.cpuMs, 0),
    others: [...byName].filter(([, ms]) => ms > 0).map(([name, cpuMs]) => ({ name, cpuMs })).sort((a, b) => b.cpuMs - a.cpuMs)
  }
}

/**
 * A trainer's training-loop rate, like the peer's step timing: for every epoch after the first (the warm-up), the wall
 * time from its first batch's step to its last (the `wallMs` of their batchLoss points) over the steps between them.
 * That covers the training step itself (batch gathered from the dataset, forward, head, loss, backward, optimizer
 * update) and the loop's own per-batch work (a batchLoss point, a yield to the event loop, a metrics message every
 * 250 ms); not the epoch-end work (validation pass, gate telemetry, best-weights snapshot, epoch metrics).
 * Returns ms per step and the steps it is taken over.
 */
export function trainingStepMs(points: MetricPoint[]): { msPerStep: number; steps: number } | null {
  const byEpoch = new Map<number, MetricPoint[]>()
  for (const p of points) if (p.name === 'batchLoss' && p.epoch > 1) byEpoch.set(p.epoch, [...(byEpoch.get(p.epoch) ?? []), p])
  let ms = 0
  let steps = 0
  for (const batchPoints of byEpoch.values()) {
    if (batchPoints.length < 2) continue
    ms += batchPoints[batchPoints.length - 1]!.wallMs - batchPoints[0]!.wallMs
    steps += batchPoints[batchPoints.length - 1]!.step - batchPoints[0]!.step
  }
  return steps > 0 ? { msPerStep: ms / steps, steps } : null
}
