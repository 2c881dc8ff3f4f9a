// The all-cores row's timing of a trainer (bench/timing.ts, issue 18): its training-step time comes from its own batch
// timestamps, epochs after the first only and without the epoch-end work, and its CPU time is read per thread from
// /proc. Pure logic plus this process's own /proc (the bench itself is not run in CI).
import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../src/shared/protocol'
import { cpuSplit, threadCpu, trainingStepMs } from '../../bench/timing'

/** An epoch of `batches` steps of `stepMs` each starting at `startMs`, then `endMs` of epoch-end work. */
function epoch(n: number, firstStep: number, startMs: number, batches: number, stepMs: number, endMs: number): MetricPoint[] {
  const points: MetricPoint[] = []
  for (let b = 0; b < batches; b++) points.push({ name: 'batchLoss', epoch: n, step: firstStep + b, wallMs: startMs + (b + 1) * stepMs, value: 0.5 })
  points.push({ name: 'epochMs', epoch: n, step: firstStep + batches - 1, wallMs: startMs + batches * stepMs + endMs, value: batches * stepMs + endMs })
  return points
}

describe('all-cores timing of a trainer', () => {
  it('times the steps of every epoch after the first, leaving out the epoch-end work', () => {
    // Epoch 1 (warm-up) is slow; epochs 2 and 3 take 10 ms a step and 300 ms of validation and telemetry each.
    const points = [...epoch(1, 1, 0, 8, 40, 900), ...epoch(2, 9, 1220, 8, 10, 300), ...epoch(3, 17, 1600, 8, 10, 300)]
    const timed = trainingStepMs(points)
    expect(timed).toEqual({ msPerStep: 10, steps: 14 })
    // The whole-epoch figure would have said (80 + 300) / 8 = 47.5 ms per batch.
  })

  it('has no figure when no epoch after the first has two batches', () => {
    expect(trainingStepMs(epoch(1, 1, 0, 8, 10, 100))).toBeNull()
    expect(trainingStepMs([...epoch(1, 1, 0, 8, 10, 100), ...epoch(2, 9, 200, 1, 10, 100)])).toBeNull()
  })

  it("reads this process's threads from /proc and splits CPU time between the main thread and the rest", () => {
    const before = threadCpu(process.pid)
    expect(before.find((t) => t.tid === process.pid)).toBeDefined()
    const started = performance.now()
    const cpu = process.cpuUsage()
    let x = 0
    // 100 ms of this thread's CPU time (not wall time: on a loaded machine it may wait for a core).
    while (process.cpuUsage(cpu).user < 100_000) for (let i = 0; i < 1e4; i++) x += Math.sqrt(x + 1)
    const after = threadCpu(process.pid)
    const split = cpuSplit(process.pid, before, after, performance.now() - started)
    // 100 ms of busy work on this thread: the main thread's clock (10 ms ticks) moved, and no thread's went backwards.
    expect(split.mainMs).toBeGreaterThan(0)
    expect(split.otherMs).toBeGreaterThanOrEqual(0)
    expect(split.others.every((o) => o.cpuMs > 0)).toBe(true)
    expect(threadCpu(2 ** 22 + 12345)).toEqual([])
    expect(x).toBeGreaterThan(0)
  })
})
