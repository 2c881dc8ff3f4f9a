/**
 * Issue 18 item 5, "peak memory stays flat over epochs", for the TF.js training step (runs with dropout): a real
 * trainer process trains 80 short epochs and its peak resident set (VmHWM, reset every epoch through
 * /proc/PID/clear_refs) is read at every epoch's end, then judged by the bench's own rule (bench/memory-flat.ts):
 * after the warm-up (epochs 1–20) the fitted growth must stay within max(5 MB, 2%), and the live tensor count constant.
 *
 * Why this catches the old growth: the TF.js step promotes about 12 KB of per-op JavaScript objects per step to V8's old
 * generation, which V8 collects only at up to ~4× the live heap (src/main/engine/heap.ts). Before the heap keeper, this
 * very test measured +0.25 MB per epoch, i.e. ~15 MB over the 60 judged epochs (the same run with
 * GATELAB_HEAP_KEEPER=off shows it: 0.22–0.26 MB per epoch, 12.7–15.1 MB); with the keeper 0.04–0.05 MB per epoch. The
 * sizes are small (16 units, T = 20, 20 batches per epoch, no telemetry) so 80 epochs take ~15 s; the growth is per
 * step, not per byte of model, so small steps show it as well as large ones.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { judgeFlat } from '../../bench/memory-flat'
import { series, stopTrainers, train } from './engine-harness'

afterAll(stopTrainers)

const linux = process.platform === 'linux'

/** Peak resident set since the last reset, MB, and resets it (Linux ≥ 4.0); null where /proc does not allow it. */
function peakSinceLastReading(pid: number | undefined): number | null {
  if (pid === undefined) return null
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1])
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return kb / 1024
  } catch {
    return null
  }
}

describe.runIf(linux)('peak memory over epochs (TF.js step)', () => {
  it('a dropout run of 80 epochs keeps its peak resident set flat after the warm-up, with a constant tensor count', { timeout: 120_000 }, async () => {
    const peaks: Array<{ epoch: number; peakMb: number }> = []
    const epochs = 80
    const result = await train(
      { task: 'adding', seqLen: 20, units: 16, samples: 640, valSamples: 64, testSamples: 32, batch: 32, epochs, seed: 1, engine: 'fused', dropout: 0.1, telemetry: false },
      {
        timeoutMs: 110_000,
        ...(process.env.GATELAB_HEAP_KEEPER ? { env: { GATELAB_HEAP_KEEPER: process.env.GATELAB_HEAP_KEEPER } } : {}),
        onMessage: (m, trainer) => {
          if (m.type !== 'metrics') return
          const end = m.points.find((p) => p.name === 'epochMs')
          if (!end) return
          const peakMb = peakSinceLastReading(trainer.pid)
          if (peakMb !== null) peaks.push({ epoch: end.epoch, peakMb })
        }
      }
    )
    expect(result.finished.status).toBe('completed')
    expect(result.started?.versions['fused-step']).toBe('tfjs')
    const tensors = series(result.points, 'numTensors')
    expect(tensors).toHaveLength(epochs)
    expect(Math.max(...tensors.slice(1))).toBe(tensors[1])
    expect(peaks.length, 'VmHWM per epoch from /proc (resettable through clear_refs)').toBeGreaterThanOrEqual(epochs - 2)
    const verdict = judgeFlat(peaks)!
    const line =
      `peak ${verdict.first.toFixed(1)} MB at epoch 1, +${verdict.warmUpRiseMb.toFixed(1)} MB over the warm-up (epochs 1-${verdict.warmUp}); ` +
      `over epochs ${verdict.warmUp + 1}-${verdict.lastEpoch}: ${verdict.slopeMbPerEpoch.toFixed(3)} MB/epoch, ${verdict.fittedGrowthMb.toFixed(1)} MB fitted growth ` +
      `(allowed ${verdict.allowanceMb.toFixed(1)} MB; before the heap keeper this run grew ~15 MB)`
    console.log(`memory-flat: ${line}`)
    expect(verdict.fittedGrowthMb, line).toBeLessThanOrEqual(verdict.allowanceMb)
  })
})
