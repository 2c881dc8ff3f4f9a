/**
 * The whole training step makes no new arrays from step to step (issue 18 item 5, "peak memory stays flat"): the
 * trainer refills one batch's arrays (gatherArrays' `into`), the last layer's output and every layer's input gradient
 * are read as views of the kernel's memory, and the weight gradients land in the step's own region. Before, each step
 * left three typed arrays behind (the batch, y and dx: about 21 KB at LSTM 64, T = 50, batch 32), and a trainer's
 * resident set rose by 40-80 MB over its first epochs until V8 collected them for their external memory.
 *
 * Measured as the growth of `process.memoryUsage().arrayBuffers` over 20 steps after a full collection: backing stores
 * are only freed by a collection, so every array a step leaves behind shows there. On the kernels this process chose
 * (native where built); CI reruns it with GATELAB_NATIVE_KERNELS=off.
 */
import { describe, expect, it } from 'vitest'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { loadDataset } from '../../src/main/engine/dataset'
import { buildModel } from '../../src/main/engine/model'
import { gatherArrays, WholeStep, type ArrayBatch } from '../../src/main/engine/step'
import { fullGc } from '../../src/main/engine/heap'

const STEPS = 20

function config(input: RunConfigInput): RunConfig {
  const result = normalizeRunConfig({ task: 'adding', samples: 320, valSamples: 32, testSamples: 32, seqLen: 50, units: 64, batch: 32, seed: 5, engine: 'fused', ...input })
  if (!result.ok) throw new Error(result.message)
  return result.config
}

describe('whole step: no new arrays per step', () => {
  const gc = fullGc()
  it.each([{ cell: 'lstm' as const }, { cell: 'gru' as const }, { cell: 'rnn' as const }, { cell: 'lstm' as const, loss: 'huber' as const, clip: 1 }])(
    '$cell: arrayBuffers grow by less than 8 KB over 20 steps (one step used to leave about 21 KB)',
    async (input) => {
      if (!gc) {
        console.log('skipped: this runtime does not allow a full garbage collection (V8 gc()), so garbage cannot be told from live arrays')
        return
      }
      const c = config(input)
      const data = await loadDataset(c)
      const { model } = buildModel(c, data)
      const whole = WholeStep.fromModel(c, data, model)
      const batches = data.train.n / c.batch
      const indicesOf = (s: number): number[] => Array.from({ length: c.batch }, (_, k) => ((s % batches) * c.batch + k) % data.train.n)
      let batch: ArrayBatch | undefined
      const step = (s: number): number[] => whole.train((batch = gatherArrays(data, data.train, indicesOf(s), batch)))
      for (let s = 0; s < 5; s++) step(s) // kernel memory, scratch and the batch's arrays reach their size
      const first = batch
      gc()
      const before = process.memoryUsage().arrayBuffers
      let loss = 0
      for (let s = 5; s < 5 + STEPS; s++) loss = step(s)[0]!
      const grown = process.memoryUsage().arrayBuffers - before
      expect(Number.isFinite(loss)).toBe(true)
      expect(batch!.x, 'the batch arrays are refilled, not replaced').toBe(first!.x)
      expect(grown, `arrayBuffers grew by ${grown} bytes over ${STEPS} steps`).toBeLessThan(8 * 1024)
    }
  )
})
