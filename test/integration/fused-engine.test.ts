/**
 * Engine "fused" in a REAL trainer process (the built bundle, which loads out/main/gatelab_fused_relaxed.wasm, or
 * gatelab_fused.wasm when told to): runs complete, record the engine, the kernel build and the exact cell form (GRU
 * reset-after by default), keep the tensor count flat across epochs, learn, and reload from their files. (Numerical
 * equality with tfjs-layers for the same weights is in fused-layers.test.ts; both engines start from the same weights
 * for one seed, which engine-same-start.test.ts checks.)
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfigInput } from '../../src/shared/config'
import { modelFromFiles } from '../../src/main/engine/artifacts'
import { series, stopTrainers, train } from './engine-harness'
import { nativeKernelStatus } from '../../src/main/engine/native'

afterAll(stopTrainers)

const small: RunConfigInput = { task: 'adding', seqLen: 10, samples: 128, valSamples: 64, testSamples: 64, units: 8, batch: 16, epochs: 3, lr: 0.01, seed: 5 }

describe('engine "fused" in a trainer process', () => {
  it('trains an LSTM: the validation loss falls, the run records engine and form, the files reload', async () => {
    const fused = await train({ ...small, engine: 'fused' })
    expect(fused.started).toMatchObject({ engine: 'fused', cellForm: 'lstm sigmoid unit-forget-bias', paramCount: 4 * (2 * 8 + 64 + 8) + 9 })
    // The native kernels where they are built (engine/native; the trainer finds the same module as this process),
    // else the relaxed-SIMD build (fused multiply-add), which runs in a trainer under Node 20 too; the run says which.
    const native = nativeKernelStatus()
    expect(fused.started?.versions['fused-kernels']).toBe(native.used ? `native-${native.target}` : 'relaxed-simd')
    expect(fused.finished).toMatchObject({ status: 'completed', epochs: 3, steps: 24 })
    // The whole training step in one call (engine/step), and the run says so.
    expect(fused.started?.versions['fused-step']).toBe('whole-step')
    expect(fused.started?.versions['fused-step-why']).toContain('one call per step')
    // Its own loops (head, clipping, optimizer) beside the kernels: native beside native kernels, else WebAssembly.
    expect(fused.started?.versions['fused-step-loops']).toBe(native.used ? 'native' : 'relaxed-simd')
    const valLoss = series(fused.points, 'valLoss')
    expect(valLoss).toHaveLength(3)
    expect(valLoss[2]!).toBeLessThan(valLoss[0]!)
    expect(new Set(series(fused.points, 'numTensors')).size).toBe(1)

    const topology = fused.artifacts.find((m) => m.kind === 'topology')!
    const weights = fused.artifacts.find((m) => m.kind === 'weights')!
    expect(new TextDecoder().decode(topology.data)).toContain('GateLabFusedLSTM')
    const model = await modelFromFiles({ topology: new Uint8Array(topology.data), weights: new Uint8Array(weights.data) })
    expect(model.countParams()).toBe(fused.started!.paramCount)
    model.dispose()
  })

  it('GRU: reset-after by default (with its second bias), reset-before when asked; stacked bidirectional RNN runs', async () => {
    const after = await train({ ...small, epochs: 1, cell: 'gru', engine: 'fused' })
    expect(after.started).toMatchObject({ cellForm: 'gru reset-after sigmoid', paramCount: 3 * (2 * 8 + 64 + 8) + 3 * 8 + 9 })
    expect(after.finished.status).toBe('completed')
    // On the baseline SIMD128 build (native kernels off, GATELAB_FUSED_KERNELS=simd128), recorded as such.
    const before = await train({ ...small, epochs: 1, cell: 'gru', gruForm: 'reset-before', engine: 'fused' }, { env: { GATELAB_FUSED_KERNELS: 'simd128', GATELAB_NATIVE_KERNELS: 'off' } })
    expect(before.started).toMatchObject({ cellForm: 'gru reset-before sigmoid', paramCount: 3 * (2 * 8 + 64 + 8) + 9 })
    expect(before.started?.versions['fused-kernels']).toBe('simd128')
    expect(before.finished.status).toBe('completed')
    const rnn = await train({ ...small, epochs: 1, cell: 'rnn', layers: 2, bidirectional: true, dropout: 0.1, engine: 'fused' })
    expect(rnn.started?.cellForm).toBe('rnn tanh bidirectional')
    // Dropout masks come from TF.js, so this run keeps the TF.js step around the fused layers, and records why.
    expect(rnn.started?.versions['fused-step']).toBe('tfjs')
    expect(rnn.started?.versions['fused-step-why']).toContain('dropout 0.1')
    expect(rnn.finished.status).toBe('completed')
    expect(Number.isFinite(rnn.finished.final.valLoss)).toBe(true)
  })

  it('a seeded run repeats exactly on the same kernels', async () => {
    const config: RunConfigInput = { ...small, epochs: 2, cell: 'gru', engine: 'fused' }
    const [a, b] = [await train(config), await train(config)]
    expect(b.started?.versions['fused-kernels']).toBe(a.started?.versions['fused-kernels'])
    expect(a.started?.versions['fused-step']).toBe('whole-step')
    const losses = (r: typeof a): number[] => [...series(r.points, 'loss'), ...series(r.points, 'valLoss')]
    expect(losses(a).length).toBeGreaterThan(2)
    expect(losses(b)).toEqual(losses(a))
  })
})
