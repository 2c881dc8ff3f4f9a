/**
 * The training loop of one run, inside a trainer process: data → model → batches → metrics, progress, weights.
 *
 * Metrics it emits (MetricPoint names; `step` counts optimizer steps from 1, `epoch` counts from 1):
 *   per batch:  batchLoss                     training loss of that batch (dropout active)
 *               gradNorm                      global gradient norm before clipping (only when `clip` is set)
 *   per epoch:  loss, valLoss                 mean training loss over the epoch's batches; loss on the validation split
 *               mae, valMae                   regression: mean absolute error
 *               mse, valMse                   regression, only when the loss is not already MSE (mae or huber)
 *               acc, valAcc                   classification: accuracy (per step for sequence-to-sequence tasks)
 *               lr                            learning rate used during the epoch (schedules change it)
 *               epochMs                       wall time of the epoch including validation
 *               numTensors                    live TF.js tensors at the epoch's end (flat across epochs = no leak)
 *               gate/…, grad/…, telemetryMs   gate telemetry on a probe batch (telemetry.ts), unless config.telemetry is false
 *   run:finished.test: loss and mae (+ mse) or acc on the test split, with the best weights restored
 *
 * Why our own loop rather than tfjs' model.fit: we need global gradient-norm clipping (fit has none), NaN detection
 * before a bad update is applied, a cancel that takes effect within one batch, per-batch streaming on our own
 * schedule, and full control of the random draws (shuffling from the run's seed). tf.variableGrads +
 * optimizer.applyGradients give all of that in a few lines.
 */
import * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../shared/config'
import type { SequenceDataset, Split } from '../../shared/data/types'
import type { BackendName, MetricPoint, TrainerMessage } from '../../shared/protocol'
import { createRng, deriveSeed } from '../../shared/random'
import { DataError } from '../../shared/data/errors'
import { modelToFiles, TOPOLOGY_FILE, WEIGHTS_FILE } from './artifacts'
import { loadDataset } from './dataset'
import { defaultKernelBuild } from './fused'
import { nativeKernelStatus } from './native'
import { buildModel } from './model'
import { seedMathRandom } from './seeding'
import { gatherArrays, WholeStep, wholeStepSupport, type ArrayBatch } from './step'
import { createTelemetry } from './telemetry'
import { createHeapKeeper } from './heap'

type RunFinished = Extract<TrainerMessage, { type: 'run:finished' }>

export interface TrainOptions {
  runId: string
  seq: number
  config: RunConfig
  backend: BackendName
  /** Why this backend (src/main/runner/log/backend.ts), recorded as versions['backend-why'] and shown in the run's log. */
  backendWhy?: string
  send(message: TrainerMessage): void
  /** True once the host asked to cancel; checked before every batch. */
  cancelRequested(): boolean
}

/** Metric points are sent at most this often (and at every epoch end), so the host writes in batches. */
const FLUSH_MS = 250
/** Sequences per forward pass when evaluating; bounds memory on large validation sets. */
const EVAL_CHUNK = 500

/** Which epoch metrics a run of this configuration reports (their names, without the `val` prefix). */
export function epochMetricNames(kind: SequenceDataset['kind'], loss: RunConfig['loss']): string[] {
  const quality = kind === 'classification' ? ['acc'] : loss === 'mse' ? ['mae'] : ['mae', 'mse']
  const split = ['loss', ...quality]
  return [...split, ...split.map((m) => `val${m[0]!.toUpperCase()}${m.slice(1)}`), 'lr', 'epochMs', 'numTensors']
}

/** Accuracy-like metrics improve upward; losses and errors downward. */
function higherIsBetter(metric: string): boolean {
  return /acc/i.test(metric)
}

/** One batch or split as tensors: inputs [n, T, in]; targets float [n, out] / [n, T, out], or int32 class indices. */
interface Batch {
  x: tf.Tensor3D
  y: tf.Tensor
}

function gather(data: SequenceDataset, split: Split, indices: ArrayLike<number>): Batch {
  const n = indices.length
  const xWidth = data.seqLen * data.inputSize
  const yWidth = split.y.length / split.n
  const x = new Float32Array(n * xWidth)
  const y = new Float32Array(n * yWidth)
  for (let k = 0; k < n; k++) {
    const i = indices[k]!
    x.set(split.x.subarray(i * xWidth, (i + 1) * xWidth), k * xWidth)
    y.set(split.y.subarray(i * yWidth, (i + 1) * yWidth), k * yWidth)
  }
  const xs = tf.tensor3d(x, [n, data.seqLen, data.inputSize])
  if (data.kind === 'classification') return { x: xs, y: tf.tensor1d(Int32Array.from(y), 'int32') }
  return { x: xs, y: tf.tensor(y, data.perStep ? [n, data.seqLen, data.outputSize] : [n, data.outputSize]) }
}

/**
 * The objective and the quality metrics of one forward pass, as scalars: [loss, ...quality] in the order of
 * epochMetricNames. Means over every target (every step for sequence-to-sequence tasks).
 */
function objective(data: SequenceDataset, config: RunConfig, output: tf.Tensor, y: tf.Tensor): tf.Scalar[] {
  if (data.kind === 'classification') {
    const logits = output.reshape([-1, data.outputSize])
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, data.outputSize), logits) as tf.Scalar
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar
    return [loss, acc]
  }
  const error = tf.sub(output, y)
  const mae = tf.mean(tf.abs(error)) as tf.Scalar
  const mse = tf.mean(tf.square(error)) as tf.Scalar
  if (config.loss === 'mse') return [mse, mae]
  if (config.loss === 'mae') return [mae, mae, mse]
  return [tf.losses.huberLoss(y, output, undefined, 1) as tf.Scalar, mae, mse]
}

/**
 * One training step through TF.js (the layers engine, and the fused layers when the whole-step path does not run):
 * returns [loss, ...quality] in the order of epochMetricNames, then the gradient norm before clipping when clipping is
 * on. A non-finite loss applies no update.
 */
export function tfjsTrainStep(
  model: tf.LayersModel,
  variables: tf.Variable[],
  optimizer: tf.Optimizer,
  data: SequenceDataset,
  config: RunConfig,
  indices: ArrayLike<number>
): number[] {
  return tf.tidy(() => {
    const batch = gather(data, data.train, indices)
    let quality: tf.Tensor | undefined
    const { value, grads } = tf.variableGrads(() => {
      const output = model.apply(batch.x, { training: true }) as tf.Tensor
      const [loss, ...rest] = objective(data, config, output, batch.y)
      quality = tf.keep(tf.stack(rest))
      return loss!
    }, variables)
    const parts: tf.Tensor[] = [value.reshape([1]), quality!]
    let update = grads
    if (config.clip !== null) {
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))
      // Scale every gradient by clip / max(norm, clip): unchanged below the threshold, norm = clip above it.
      const scale = tf.div(config.clip, tf.maximum(norm, config.clip))
      update = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]))
      parts.push(norm.reshape([1]))
    }
    const read = tf.concat(parts).dataSync()
    // Never apply an update computed from a non-finite loss: the weights stay those of the last good step.
    if (Number.isFinite(read[0]!)) optimizer.applyGradients(update)
    quality!.dispose()
    return Array.from(read)
  })
}

export function makeOptimizer(config: RunConfig): tf.Optimizer {
  if (config.optimizer === 'adam') return tf.train.adam(config.lr)
  if (config.optimizer === 'rmsprop') return tf.train.rmsprop(config.lr)
  return config.momentum > 0 ? tf.train.momentum(config.lr, config.momentum) : tf.train.sgd(config.lr)
}

/**
 * tfjs' SGD family caches the rate as a tensor (setLearningRate); Adam and RMSprop read the field at every step.
 * Duck-typed: tfjs optimizers override `instanceof` (any optimizer is an "instance" of every optimizer class).
 */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void }
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr)
  else o.learningRate = lr
}

/** Mean of [loss, ...quality] over a whole split, evaluated in chunks without dropout. */
function evaluate(model: tf.LayersModel, data: SequenceDataset, config: RunConfig, split: Split): number[] {
  const sums: number[] = []
  for (let start = 0; start < split.n; start += EVAL_CHUNK) {
    const count = Math.min(EVAL_CHUNK, split.n - start)
    const values = tf.tidy(() => {
      const batch = gather(data, split, Array.from({ length: count }, (_, k) => start + k))
      const output = model.apply(batch.x, { training: false }) as tf.Tensor
      return tf.stack(objective(data, config, output, batch.y)).dataSync()
    })
    values.forEach((v, k) => (sums[k] = (sums[k] ?? 0) + v * count))
  }
  return sums.map((s) => s / split.n)
}

/** Copies of the current weights (they share storage until the optimizer writes new values). */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => tf.clone(w))
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export async function trainRun(options: TrainOptions): Promise<RunFinished> {
  const { runId, seq, config } = options
  const restoreRandom = seedMathRandom(deriveSeed(config.seed, 'tfjs'))
  try {
    return await trainSeeded(options)
  } catch (error) {
    // A data problem is stored place-neutral (src/shared/wording.ts): the CLI and the UI each name the fix their way.
    const message = error instanceof DataError ? error.neutral : error instanceof Error ? error.message : String(error)
    return { type: 'run:finished', seq, runId, status: 'failed', error: message, final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 }
  } finally {
    restoreRandom()
  }
}

async function trainSeeded({ runId, seq, config, backend, backendWhy, send, cancelRequested }: TrainOptions): Promise<RunFinished> {
  const data = await loadDataset(config)
  const { model, cellForm, paramCount } = buildModel(config, data)
  const optimizer = makeOptimizer(config)
  const names = epochMetricNames(data.kind, config.loss)
  const splitNames = names.slice(0, names.indexOf('lr')).filter((n) => !n.startsWith('val'))
  const watched = config.earlyStopping?.metric ?? 'valLoss'
  for (const [what, metric] of [['earlyStopping.metric', watched], ['schedule.metric', config.schedule?.kind === 'plateau' ? config.schedule.metric : 'valLoss']]) {
    if (!names.includes(metric!)) {
      model.dispose()
      throw new Error(`${what} "${metric}" is not a metric of this run; use one of ${names.filter((n) => n !== 'numTensors').join(', ')}`)
    }
  }

  // The whole training step in one call (engine/step) where this configuration allows it; it starts from the model's weights.
  const wholeStep = wholeStepSupport(config)
  const whole = wholeStep.ok ? WholeStep.fromModel(config, data, model) : null

  const batches = Math.ceil(data.train.n / config.batch)
  const totalSteps = batches * config.epochs
  const { description: _description, contentHash: _contentHash, ...extraMeta } = data.meta
  send({
    type: 'run:started',
    runId,
    backend,
    engine: config.engine,
    cellForm,
    paramCount,
    versions: {
      tfjs: tf.version.tfjs,
      'tfjs-layers': tf.version_layers,
      node: process.versions.node,
      ...(backendWhy ? { 'backend-why': backendWhy } : {}),
      // Which fused kernels ran: native-avx512/-avx2/-sse/-neon (engine/native), else the WebAssembly build
      // (relaxed-simd: fused multiply-add; simd128: the baseline).
      ...(config.engine === 'fused' ? { 'fused-kernels': defaultKernelBuild(), 'fused-kernels-why': nativeKernelStatus().reason } : {}),
      // Which training step ran: 'whole-step' (engine/step: one call per step) or 'tfjs' (TF.js head, loss, optimizer).
      ...(config.engine === 'fused' ? { 'fused-step': whole ? 'whole-step' : 'tfjs', 'fused-step-why': wholeStep.reason } : {}),
      // Where the whole step's own loops (head, clipping, optimizer: engine/step/loops.ts) ran: 'native' or a WebAssembly build.
      ...(whole ? { 'fused-step-loops': whole.loopsBuild } : {})
    },
    dataset: {
      name: data.name,
      description: data.meta.description,
      contentHash: data.meta.contentHash,
      train: data.train.n,
      val: data.val.n,
      test: data.test.n,
      // Everything the data source says about itself (baselines, source, licence, scaling, columns…) plus its shape.
      meta: { kind: data.kind, seqLen: data.seqLen, inputSize: data.inputSize, outputSize: data.outputSize, perStep: data.perStep, ...extraMeta }
    },
    totalSteps
  })

  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  // Gate telemetry (telemetry.ts): gate/…, grad/… and telemetryMs at every epoch end, unless the config turns it off.
  const telemetry = createTelemetry(config, data)
  // Collects V8's old generation at an epoch's end once it grew by a few MB, so peak memory stays flat (heap.ts).
  const heap = createHeapKeeper()
  const shuffleRng = createRng(deriveSeed(config.seed, 'shuffle'))
  const order = Array.from({ length: data.train.n }, (_, i) => i)
  const started = performance.now()
  const wallMs = (): number => Math.round(performance.now() - started)

  let points: MetricPoint[] = []
  let lastFlush = performance.now()
  let step = 0
  let epoch = 0
  let epochsDone = 0
  let lastLoss = NaN
  const flush = (batch: number): void => {
    // A non-finite value (a validation loss that became NaN) is not a metric point: the protocol's numbers are finite
    // and the host would refuse the whole message, losing the epoch's finite points. The failure reason states it.
    points = points.filter((p) => Number.isFinite(p.value))
    if (points.length > 0) send({ type: 'metrics', runId, points })
    points = []
    lastFlush = performance.now()
    const elapsedMs = wallMs()
    send({
      type: 'progress',
      runId,
      epoch,
      epochs: config.epochs,
      batch,
      batches,
      step,
      totalSteps,
      loss: Number.isFinite(lastLoss) ? lastLoss : 0,
      elapsedMs,
      etaMs: step > 0 ? Math.round((elapsedMs / step) * (totalSteps - step)) : null
    })
  }

  let lr = config.lr
  let final: Record<string, number> = {}
  let best: { metric: string; value: number; epoch: number } | null = null
  let bestWeights: tf.Tensor[] | null = null
  let sinceBest = 0
  let batchArrays: ArrayBatch | undefined
  let plateauBest = Infinity
  let sinceImprovement = 0
  // Widened on purpose: TS cannot see the assignments made from the callbacks below.
  let status = 'completed' as RunFinished['status']
  let error: string | undefined
  const finishFailed = (message: string): void => {
    status = 'failed'
    error = message
  }

  // An error in the middle of training (out of memory, a kernel failure) still ends the run with what it measured.
  try {
    training: for (epoch = 1; epoch <= config.epochs; epoch++) {
      const epochStart = performance.now()
      shuffleRng.shuffle(order)
      const sums = new Array<number>(splitNames.length).fill(0)
      for (let b = 0; b < batches; b++) {
        if (cancelRequested()) {
          status = 'cancelled'
          flush(b)
          break training
        }
        const indices = order.slice(b * config.batch, (b + 1) * config.batch)
        // The whole step in one call where the configuration allows (engine/step), else TF.js around the fused layers.
        // The whole step reuses one batch's arrays from step to step (gatherArrays' `into`): no new arrays per step.
        const values = whole ? whole.train((batchArrays = gatherArrays(data, data.train, indices, batchArrays))) : tfjsTrainStep(model, variables, optimizer, data, config, indices)
        const loss = values[0]!
        step++
        lastLoss = loss
        if (!Number.isFinite(loss)) {
          finishFailed(
            `Training diverged: the loss became ${loss} at epoch ${epoch}, batch ${b + 1} (step ${step}). ` +
              `Try a lower learning rate (it was ${lr}) or gradient clipping (e.g. clip 1${config.clip !== null ? `, now ${config.clip}` : ''}).`
          )
          flush(b + 1)
          break training
        }
        for (let k = 0; k < splitNames.length; k++) sums[k]! += values[k]! * indices.length
        const at = { epoch, step, wallMs: wallMs() }
        points.push({ ...at, name: 'batchLoss', value: loss })
        if (config.clip !== null) points.push({ ...at, name: 'gradNorm', value: values[splitNames.length]! })
        if (performance.now() - lastFlush >= FLUSH_MS) flush(b + 1)
        // Let the host's messages (cancel) in between batches.
        await nextTick()
      }

      const trainValues = sums.map((s) => s / data.train.n)
      whole?.syncToModel(model)
      const valValues = evaluate(model, data, config, data.val)
      const metrics: Record<string, number> = {}
      splitNames.forEach((name, k) => {
        metrics[name] = trainValues[k]!
        metrics[`val${name[0]!.toUpperCase()}${name.slice(1)}`] = valValues[k]!
      })
      metrics.lr = lr
      const inside = telemetry && Number.isFinite(valValues[0]!) ? telemetry.measure(model) : {}
      metrics.epochMs = Math.round(performance.now() - epochStart)
      final = metrics
      epochsDone = epoch
      const diverged = !Number.isFinite(metrics.valLoss!)

      // Best weights (the early-stopping metric, else valLoss), kept for the test metrics and the saved model.
      const value = metrics[watched]!
      const minDelta = config.earlyStopping?.minDelta ?? 0
      const improved = best === null || (higherIsBetter(watched) ? value > best.value + minDelta : value < best.value - minDelta)
      if (improved && !diverged) {
        best = { metric: watched, value, epoch }
        bestWeights?.forEach((t) => t.dispose())
        bestWeights = snapshot(model)
        sinceBest = 0
      } else sinceBest++

      // Counted after the best-weights snapshot, so an epoch's count includes everything the loop holds on to.
      metrics.numTensors = tf.memory().numTensors
      const at = { epoch, step, wallMs: wallMs() }
      for (const name of names) points.push({ ...at, name, value: metrics[name]! })
      for (const [name, value] of Object.entries(inside)) points.push({ ...at, name, value })
      flush(batches)
      heap?.afterEpoch()

      if (diverged) {
        finishFailed(`Training diverged: the validation loss became ${metrics.valLoss} after epoch ${epoch}. Try a lower learning rate (it was ${lr}) or gradient clipping (e.g. clip 1).`)
        break
      }
      if (config.earlyStopping && sinceBest >= config.earlyStopping.patience) break

      // Learning-rate schedules act between epochs.
      if (config.schedule?.kind === 'step' && epoch % config.schedule.every === 0) lr *= config.schedule.factor
      if (config.schedule?.kind === 'plateau') {
        const sign = higherIsBetter(config.schedule.metric) ? -1 : 1
        const v = sign * metrics[config.schedule.metric]!
        if (v < plateauBest) {
          plateauBest = v
          sinceImprovement = 0
        } else if (++sinceImprovement >= config.schedule.patience) {
          lr = Math.max(config.schedule.minLr, lr * config.schedule.factor)
          sinceImprovement = 0
        }
      }
      if (lr !== metrics.lr) setLearningRate(optimizer, lr)
      whole?.setLearningRate(lr)
    }
  } catch (thrown) {
    finishFailed(`Training stopped at epoch ${epoch}, step ${step}: ${thrown instanceof Error ? thrown.message : String(thrown)}`)
    flush(0)
  }

  // A run stopped mid-epoch (cancel, divergence, error) keeps the weights its last good step left.
  whole?.syncToModel(model)
  let test: Record<string, number> = {}
  if (status !== 'failed' && bestWeights && (config.earlyStopping?.restoreBest ?? true)) model.setWeights(bestWeights)
  if (status === 'completed') {
    const values = evaluate(model, data, config, data.test)
    test = Object.fromEntries(splitNames.map((name, k) => [name, values[k]!]))
  }
  if (status !== 'failed' && best) {
    const files = await modelToFiles(model)
    send({ type: 'artifact', runId, kind: 'topology', name: TOPOLOGY_FILE, mediaType: 'application/json', data: files.topology })
    send({ type: 'artifact', runId, kind: 'weights', name: WEIGHTS_FILE, mediaType: 'application/octet-stream', data: files.weights })
  }
  bestWeights?.forEach((t) => t.dispose())
  model.dispose()
  optimizer.dispose()
  return {
    type: 'run:finished',
    seq,
    runId,
    status,
    ...(error !== undefined ? { error } : {}),
    // Only finite numbers cross the protocol: a diverged epoch's NaN/Infinity would make the host refuse the whole
    // message and never learn how the run ended. The failure reason states the non-finite value.
    final: finiteOnly(final),
    test: finiteOnly(test),
    best,
    epochs: epochsDone,
    steps: step,
    durationMs: wallMs()
  }
}

function finiteOnly(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)))
}
