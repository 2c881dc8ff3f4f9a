/**
 * The training engine inside REAL trainer processes (the built bundle, spawned like the host spawns it): what a run
 * streams, reproducibility, divergence, cancel, early stopping with restored best weights, schedules, classification,
 * and the weights it sends reloading into a model that reproduces its test metrics.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { trainerMessageSchema, type MetricPoint } from '../../src/shared/protocol'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { generateTask } from '../../src/shared/data/tasks'
import { modelFromFiles, predict } from '../../src/main/engine/artifacts'
import { taskSpecFromConfig } from '../../src/main/engine/dataset'
import { series, stopTrainers, train } from './engine-harness'

afterAll(stopTrainers)

const base: RunConfigInput = { task: 'adding', seqLen: 10, samples: 128, valSamples: 64, testSamples: 64, units: 8, batch: 16, epochs: 3, lr: 0.01, seed: 5 }
/** Everything but wall-clock figures (epochMs, telemetryMs), which legitimately differ between identical runs. */
const deterministic = (points: MetricPoint[]) => points.filter((p) => !/Ms$/.test(p.name)).map(({ epoch, step, name, value }) => ({ epoch, step, name, value }))

// The training loop is the same for both engines; only the recurrent layers differ (fused WebAssembly kernels, the
// default, or tfjs-layers' cells). What one engine cannot do is tested where it applies.
describe.each(['fused', 'layers'] as const)('training engine in a trainer process (engine %s)', (engine) => {
  const small: RunConfigInput = { ...base, engine }

  it('streams run:started, per-batch and per-epoch metrics, progress, weights and run:finished echoing seq', async () => {
    const run = await train({ ...small, clip: 1 })
    const { started, finished, points } = run
    expect(started).toMatchObject({
      runId: 'run-1',
      engine,
      cellForm: 'lstm sigmoid unit-forget-bias',
      // CELLS.md: 4·(2·8 + 8·8 + 8) + dense 8·1 + 1
      paramCount: 4 * (2 * 8 + 64 + 8) + 9,
      totalSteps: 3 * 8,
      dataset: { name: 'adding', train: 128, val: 64, test: 64 }
    })
    expect(['tensorflow', 'wasm', 'cpu']).toContain(started!.backend)
    expect(started!.dataset.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(started!.dataset.meta).toMatchObject({ kind: 'regression', baselines: { oneValueMse: 1 / 12 } })
    expect(started!.versions.tfjs).toMatch(/^4\./)

    // One batchLoss (and gradNorm, with clipping) per optimizer step, in order.
    expect(points.filter((p) => p.name === 'batchLoss').map((p) => p.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    expect(series(points, 'gradNorm')).toHaveLength(24)
    for (const name of ['loss', 'valLoss', 'mae', 'valMae', 'lr', 'epochMs', 'numTensors']) {
      expect(points.filter((p) => p.name === name).map((p) => [p.epoch, p.step])).toEqual([[1, 8], [2, 16], [3, 24]])
    }
    expect(points.some((p) => p.name === 'acc' || p.name === 'mse')).toBe(false)
    // The epoch's training loss is the mean of its batch losses (equal batches here).
    const epoch1 = points.filter((p) => p.name === 'batchLoss' && p.epoch === 1).map((p) => p.value)
    expect(series(points, 'loss')[0]).toBeCloseTo(epoch1.reduce((s, v) => s + v, 0) / 8, 5)
    // wallMs never goes back.
    const walls = points.map((p) => p.wallMs)
    expect(walls).toEqual([...walls].sort((a, b) => a - b))

    // No tensor leak: the live tensor count at every epoch end is the same.
    const tensors = series(points, 'numTensors')
    expect(new Set(tensors).size).toBe(1)

    const last = run.progress.at(-1)!
    expect(last).toMatchObject({ epoch: 3, epochs: 3, batches: 8, step: 24, totalSteps: 24, etaMs: 0 })
    expect(run.progress.every((p) => p.elapsedMs >= 0 && Number.isFinite(p.loss))).toBe(true)

    expect(finished).toMatchObject({ type: 'run:finished', runId: 'run-1', status: 'completed', epochs: 3, steps: 24 })
    expect(finished.error).toBeUndefined()
    expect(Object.keys(finished.final).sort()).toEqual(['epochMs', 'loss', 'lr', 'mae', 'numTensors', 'valLoss', 'valMae'])
    expect(finished.final.valLoss).toBe(series(points, 'valLoss')[2])
    expect(Object.keys(finished.test).sort()).toEqual(['loss', 'mae'])
    expect(finished.best).toMatchObject({ metric: 'valLoss', value: Math.min(...series(points, 'valLoss')) })
    expect(run.artifacts.map((a) => [a.kind, a.name, a.mediaType])).toEqual([
      ['topology', 'model.json', 'application/json'],
      ['weights', 'weights.bin', 'application/octet-stream']
    ])
    expect(run.artifacts[1]!.data.byteLength).toBe(4 * started!.paramCount)
  })

  it('is reproducible: the same seed gives identical metrics (dropout included), another seed different ones', async () => {
    // Recurrent dropout exists only in tfjs-layers' cells; the fused layers apply input dropout.
    const config: RunConfigInput = { ...small, cell: 'gru', dropout: 0.2, recurrentDropout: engine === 'layers' ? 0.2 : 0, epochs: 2 }
    const a = await train(config)
    const b = await train(config)
    const c = await train({ ...config, seed: 6 })
    expect(a.finished.status).toBe('completed')
    expect(deterministic(b.points)).toEqual(deterministic(a.points))
    expect(b.finished.test).toEqual(a.finished.test)
    expect(Buffer.from(b.artifacts[1]!.data).equals(Buffer.from(a.artifacts[1]!.data))).toBe(true)
    expect(series(c.points, 'batchLoss')).not.toEqual(series(a.points, 'batchLoss'))
    expect(c.started!.dataset.contentHash).not.toBe(a.started!.dataset.contentHash)
    // Dropout masks are made and released every batch: still no tensor growth across epochs.
    expect(new Set(series(a.points, 'numTensors')).size).toBe(1)
  })

  it('stops a diverging run as failed, saying what to try', async () => {
    const { finished, points } = await train({ ...small, optimizer: 'sgd', momentum: 0.9, lr: 10, epochs: 5 })
    expect(finished.status).toBe('failed')
    expect(finished.error).toMatch(/Training diverged: the (validation )?loss became (NaN|Infinity|-Infinity)/)
    expect(finished.error).toMatch(/lower learning rate \(it was 10\).*gradient clipping/)
    expect(finished.steps).toBeLessThan(5 * 8)
    // Every batch loss recorded before the failure is finite: the bad one stops the run instead of being stored.
    expect(series(points, 'batchLoss').every(Number.isFinite)).toBe(true)
    // Nothing non-finite is ever sent: the host's message schema refuses it, and with it the epoch's finite points.
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true)
  })

  it('records the finite metrics of an epoch whose validation loss became non-finite, and fails saying so', async () => {
    // One batch per epoch: its loss is computed before the update that blows the weights up, so the batch loss is
    // finite and only the validation loss after it is not. The host refuses a metrics message with a non-finite
    // number (src/shared/protocol.ts), so sending that NaN used to lose the epoch's finite loss with it.
    // (Validation after update k runs on the same weights as batch k + 1, so with one batch per epoch a divergence
    // always shows first in the validation loss.)
    const { finished, points, messages } = await train({ ...small, optimizer: 'sgd', momentum: 0.9, lr: 10, batch: 128, epochs: 40 })
    expect(finished.status).toBe('failed')
    const failedAt = Number(/the validation loss became (?:NaN|Infinity|-Infinity) after epoch (\d+)/.exec(finished.error ?? '')?.[1])
    expect(failedAt, finished.error ?? '').toBeGreaterThanOrEqual(1)
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true)
    // The failing epoch's finite training loss is there; its validation loss is not (the reason states it).
    expect(series(points, 'loss')).toHaveLength(failedAt)
    expect(series(points, 'valLoss')).toHaveLength(failedAt - 1)
    for (const m of messages) expect(trainerMessageSchema.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true)
  })

  it('cancels within one batch, finishing as cancelled with the metrics so far', async () => {
    let cancelledAtStep = -1
    // The cancel is in transit while batches run, so the slack it gets is set by the work per batch: with the fused
    // engine's whole step a batch of the small model takes well under a millisecond, and a loaded machine could run
    // hundreds before the message arrives. A 64-unit LSTM over 100 steps of 32 sequences takes tens of milliseconds a
    // batch, so the bound below leaves a loaded machine hundreds of milliseconds. The TF.js step gets a 32-unit LSTM over
    // 50 steps (the small model's few-millisecond TF.js batches left a loaded machine only about 10 ms).
    const long: RunConfigInput = { ...small, batch: 32, samples: 256, ...(engine === 'fused' ? { seqLen: 100, units: 64 } : { seqLen: 50, units: 32 }) }
    const run = await train({ ...long, epochs: 500 }, {
      onMessage: (m, trainer) => {
        // Cancel as soon as the first epoch's validation loss has arrived.
        if (cancelledAtStep < 0 && m.type === 'metrics' && m.points.some((p) => p.name === 'valLoss')) {
          cancelledAtStep = Math.max(...m.points.map((p) => p.step))
          trainer.send({ type: 'cancel' })
        }
      }
    })
    expect(run.finished.status).toBe('cancelled')
    // The cancel may arrive while one batch is running; that batch finishes, the next never starts. The message is in
    // transit meanwhile, so a loaded machine may run a few more batches before it arrives (an epoch's 8 at most here).
    expect(run.finished.steps).toBeGreaterThanOrEqual(cancelledAtStep)
    expect(run.finished.steps).toBeLessThanOrEqual(cancelledAtStep + 8 + 2)
    expect(run.finished.epochs).toBeGreaterThanOrEqual(1)
    expect(run.finished.final.valLoss).toBeGreaterThan(0)
    expect(series(run.points, 'batchLoss').length).toBe(run.finished.steps)
    expect(run.finished.test).toEqual({})
  })

  it('stops early on the watched metric and saves the best weights, which reload to the best validation loss', async () => {
    const config: RunConfigInput = {
      ...small,
      task: 'noise',
      samples: 64,
      epochs: 40,
      lr: 0.05,
      earlyStopping: { metric: 'valLoss', patience: 2 },
      schedule: { kind: 'step', every: 1, factor: 0.9 }
    }
    const { finished, points, artifacts } = await train(config)
    expect(finished.status).toBe('completed')
    expect(finished.epochs).toBeLessThan(40)
    const valLoss = series(points, 'valLoss')
    expect(valLoss).toHaveLength(finished.epochs)
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1
    expect(finished.best).toEqual({ metric: 'valLoss', value: Math.min(...valLoss), epoch: bestEpoch })
    // Patience 2: training stopped two epochs after the last improvement.
    expect(finished.epochs).toBe(bestEpoch + 2)
    // The step schedule multiplied the rate by 0.9 after every epoch.
    series(points, 'lr').forEach((lr, i) => expect(lr).toBeCloseTo(0.05 * 0.9 ** i, 10))

    // The saved model is the best one, not the last: on the regenerated validation set it scores best.value.
    const normalized = normalizeRunConfig(config)
    if (!normalized.ok) throw new Error(normalized.message)
    const data = generateTask(taskSpecFromConfig(normalized.config as RunConfig & { task: 'noise' }))
    const model = await modelFromFiles({ topology: artifacts[0]!.data, weights: artifacts[1]!.data })
    const predictions = predict(model, data, data.val.x, data.val.n)
    const mse = predictions.reduce((s, p, i) => s + (p - data.val.y[i]!) ** 2, 0) / data.val.n
    expect(mse).toBeCloseTo(finished.best!.value, 4)
    const testMse = predict(model, data, data.test.x, data.test.n).reduce((s, p, i) => s + (p - data.test.y[i]!) ** 2, 0) / data.test.n
    expect(testMse).toBeCloseTo(finished.test.loss!, 4)
    model.dispose()
  })

  it('reduces the learning rate on a plateau of the watched metric', async () => {
    const schedule = { kind: 'plateau' as const, metric: 'valLoss', patience: 1, factor: 0.5, minLr: 0.004 }
    const { finished, points } = await train({ ...small, task: 'noise', epochs: 8, lr: 0.05, schedule })
    expect(finished.status).toBe('completed')
    const valLoss = series(points, 'valLoss')
    const lr = series(points, 'lr')
    // Patience 1: the rate for epoch e + 1 halves (not below minLr) whenever epoch e did not beat every earlier epoch.
    let expected = 0.05
    let bestSoFar = Infinity
    valLoss.forEach((v, e) => {
      expect(lr[e]).toBeCloseTo(expected, 12)
      if (v < bestSoFar) bestSoFar = v
      else expected = Math.max(0.004, expected * 0.5)
    })
    expect(Math.min(...lr)).toBeLessThan(0.05)
  })

  it('trains classification tasks with softmax cross-entropy, per step for copy, on the backend the config names', async () => {
    const order = await train({ ...small, task: 'order', seqLen: 12, cell: 'gru', epochs: 2, backend: 'cpu' })
    expect(order.started).toMatchObject({ backend: 'cpu', cellForm: engine === 'layers' ? 'gru reset-before sigmoid' : 'gru reset-after sigmoid', dataset: { meta: { kind: 'classification', outputSize: 4 } } })
    expect(Object.keys(order.finished.final)).toEqual(expect.arrayContaining(['acc', 'valAcc']))
    expect(order.finished.final.valLoss).toBeLessThan(3)
    expect(order.finished.test.acc).toBeGreaterThanOrEqual(0)
    expect(order.finished.test.acc).toBeLessThanOrEqual(1)

    const copy = await train({ ...small, task: 'copy', seqLen: 8, cell: 'rnn', epochs: 1, earlyStopping: { metric: 'valAcc', patience: 3 } })
    expect(copy.started).toMatchObject({ cellForm: 'rnn tanh', dataset: { meta: { perStep: true, outputSize: 9 } } })
    expect(copy.finished.best).toMatchObject({ metric: 'valAcc' })
    expect(copy.finished.status).toBe('completed')
  })

  // tfjs-layers computes GRU reset-before only; the fused kernels compute both forms (test/integration/fused-engine.test.ts).
  if (engine === 'layers')
    it('fails clearly on a configuration the engine cannot honour', async () => {
    const resetAfter = await train({ ...small, cell: 'gru', gruForm: 'reset-after' })
    expect(resetAfter.finished.status).toBe('failed')
    expect(resetAfter.finished.error).toMatch(/GRU reset-after cannot be computed with engine "layers"/)
    expect(resetAfter.started).toBeUndefined()
    const badMetric = await train({ ...small, earlyStopping: { metric: 'valAcc' } })
    expect(badMetric.finished.error).toMatch(/earlyStopping.metric "valAcc" is not a metric of this run; use one of loss, mae, valLoss, valMae/)
    const conflict = await train({ ...small, backend: 'cpu' }, { env: { GATELAB_BACKEND: 'wasm' } })
    expect(conflict.finished.error).toBe('The run asks for the cpu backend but GATELAB_BACKEND forces wasm; change one of them')
  })
})
