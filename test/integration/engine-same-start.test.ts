/**
 * Same seed, same start (issue 16, item 7), in REAL trainer processes: one seed, one epoch, engine "layers" and engine
 * "fused" — the first batch's loss agrees to 1e-5 (both start from the same weights, see init.ts and
 * test/unit/init.test.ts for the bit-identical weights), and the epoch's losses stay close. Dropout is off: the two
 * engines draw dropout masks differently (fused/layers.ts), which is a real difference, not a starting one.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfigInput } from '../../src/shared/config'
import { series, stopTrainers, train } from './engine-harness'

afterAll(stopTrainers)

const small: RunConfigInput = { task: 'adding', seqLen: 10, samples: 96, valSamples: 32, testSamples: 32, units: 8, batch: 16, epochs: 1, lr: 0.01, seed: 21, telemetry: false }

describe('the two engines start equal from one seed', () => {
  for (const [label, input] of [
    ['LSTM', { cell: 'lstm' }],
    ['GRU reset-before, stacked', { cell: 'gru', gruForm: 'reset-before', layers: 2 }]
  ] as const) {
    it(`${label}: first batch losses agree to 1e-5 and the epoch follows`, async () => {
      const [layers, fused] = [await train({ ...small, ...input, engine: 'layers' }), await train({ ...small, ...input, engine: 'fused' })]
      expect(layers.finished.status).toBe('completed')
      expect(fused.finished.status).toBe('completed')
      const [a, b] = [series(layers.points, 'batchLoss'), series(fused.points, 'batchLoss')]
      expect(a).toHaveLength(6)
      expect(b).toHaveLength(6)
      expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-5)
      // Same data order (shuffling is seeded apart from the engine) and the same start: the whole epoch stays close.
      a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThan(1e-3))
      if (label !== 'LSTM') return
      // Another seed starts elsewhere: the agreement is not because every start is the same.
      const other = await train({ ...small, ...input, engine: 'fused', seed: 22 })
      expect(Math.abs(series(other.points, 'batchLoss')[0]! - b[0]!)).toBeGreaterThan(1e-5)
    })
  }
})
