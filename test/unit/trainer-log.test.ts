/**
 * The trainer log's formatter (src/main/runner/log) from messages shaped as a real trainer sends them: every fixture
 * goes through the protocol's own schema first, so a change to the messages breaks these tests rather than the log.
 */
import { describe, expect, it } from 'vitest'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { trainerMessageSchema, type MetricPoint, type TrainerMessage } from '../../src/shared/protocol'
import { RunLog, backendReason, epochLine, epochWarnings, outputLines } from '../../src/main/runner/log'
import { LOG_TAG_WIDTH, lineTone, tagOfLine } from '../../src/shared/trainerLog'
import type { RunFinished } from '../../src/main/runner/queue'

const RUN = '20261201-190410-8yzu'

function config(input: RunConfigInput): RunConfig {
  const parsed = normalizeRunConfig({ seed: 3, ...input })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.config
}

function message(m: unknown): TrainerMessage {
  return trainerMessageSchema.parse(m)
}

/** What engine/train.ts sends once the data and model are built (a fused, whole-step run on the adding task). */
function started(overrides: { train?: number; val?: number; test?: number; versions?: Record<string, string> } = {}): TrainerMessage {
  return message({
    type: 'run:started',
    runId: RUN,
    backend: 'wasm',
    engine: 'fused',
    cellForm: 'lstm sigmoid unit-forget-bias',
    paramCount: 223,
    versions: {
      tfjs: '4.22.0',
      'tfjs-layers': '4.22.0',
      node: '20.20.2',
      'backend-why': 'the fastest one available here; tensorflow is not used: @tensorflow/tfjs-node is not installed',
      'fused-kernels': 'native-avx2',
      'fused-kernels-why': 'native avx2 kernels (the widest of avx2, sse this CPU runs)',
      'fused-step': 'whole-step',
      'fused-step-why': 'forward, head, loss, backward, clipping and optimizer in one call per step (engine/step)',
      'fused-step-loops': 'native',
      ...overrides.versions
    },
    dataset: {
      name: 'adding',
      description: 'Adding problem, T = 8 (Hochreiter & Schmidhuber 1997)',
      contentHash: 'sha256:0123',
      train: overrides.train ?? 256,
      val: overrides.val ?? 64,
      test: overrides.test ?? 64,
      meta: { kind: 'regression', seqLen: 8, inputSize: 2, outputSize: 1, perStep: false }
    },
    totalSteps: 24
  })
}

/** One epoch's metric message: its batch losses (and gradient norms), then the epoch metrics and telemetry. */
function epoch(n: number, values: { loss: number; valLoss: number; lr?: number; epochMs?: number; gradNorms?: number[] }, batches = 8): TrainerMessage {
  const points: MetricPoint[] = []
  for (let b = 1; b <= batches; b++) {
    const at = { epoch: n, step: (n - 1) * batches + b, wallMs: n * 100 + b }
    points.push({ ...at, name: 'batchLoss', value: values.loss + b / 1000 })
    if (values.gradNorms) points.push({ ...at, name: 'gradNorm', value: values.gradNorms[b - 1]! })
  }
  const at = { epoch: n, step: n * batches, wallMs: n * 100 + 50 }
  const epochMetrics = { loss: values.loss, mae: values.loss / 2, valLoss: values.valLoss, valMae: values.valLoss / 2, lr: values.lr ?? 0.001, epochMs: values.epochMs ?? 64, numTensors: 22 }
  for (const [name, value] of Object.entries(epochMetrics)) points.push({ ...at, name, value })
  points.push({ ...at, name: 'gate/l0/f/mean', value: 0.7 }, { ...at, name: 'telemetryMs', value: 3 })
  return message({ type: 'metrics', runId: RUN, points })
}

function finished(result: Partial<RunFinished> = {}): RunFinished {
  const m = message({
    type: 'run:finished',
    seq: 1,
    runId: RUN,
    status: 'completed',
    final: { loss: 1.117, valLoss: 0.9862 },
    test: { loss: 1.2883, mae: 1.0512 },
    best: { metric: 'valLoss', value: 0.9862, epoch: 3 },
    epochs: 3,
    steps: 24,
    durationMs: 512,
    ...result
  })
  if (m.type !== 'run:finished') throw new Error('not a run:finished')
  const { type: _t, runId: _r, seq: _s, ...rest } = m
  return rest
}

function artifact(kind: 'weights' | 'topology', name: string, bytes: number): TrainerMessage {
  return message({ type: 'artifact', runId: RUN, kind, name, mediaType: 'application/octet-stream', data: new Uint8Array(bytes) })
}

function logOf(c: RunConfig, messages: TrainerMessage[], end?: RunFinished, minSplitWindows = 30): { log: RunLog; lines: string[] } {
  const log = new RunLog({ runId: RUN, config: c, minSplitWindows, artifactsWhere: 'the lab /labs/lab.db', now: () => '2026-12-01T19:04:13.123Z' })
  const lines = messages.flatMap((m) => log.observe(m))
  if (end) lines.push(...log.finished(end))
  return { log, lines }
}

const byTag = (lines: string[], tag: string): string[] => lines.filter((l) => tagOfLine(l) === tag)
const valueAfter = (l: string, label: string): number => Number(new RegExp(`${label} (\\S+)`).exec(l)![1]!.replace('−', '-'))

describe('trainer log', () => {
  it('starts with what runs and on what: engine, backend and kernels with their reasons, the step, the data, the plan', () => {
    const { lines } = logOf(config({ task: 'adding', seqLen: 8, samples: 256, valSamples: 64, testSamples: 64, units: 6, epochs: 3 }), [started()])
    expect(lines.map(tagOfLine)).toEqual(['run', 'model', 'engine', 'backend', 'kernels', 'step', 'data', null, 'train'])
    expect(lines[0]).toBe(`run      ${RUN} · started 2026-12-01 19:04:13 UTC · seed 3`)
    expect(byTag(lines, 'model')[0]).toBe('model    LSTM (lstm sigmoid unit-forget-bias), 6 units, 223 parameters')
    expect(byTag(lines, 'backend')[0]).toMatch(/^backend {2}wasm: the fastest one available here; tensorflow is not used: @tensorflow\/tfjs-node is not installed$/)
    expect(byTag(lines, 'kernels')[0]).toBe('kernels  native-avx2: native avx2 kernels (the widest of avx2, sse this CPU runs)')
    expect(byTag(lines, 'step')[0]).toMatch(/^step {5}whole step fused: forward, head, loss, backward.*; head, clipping and optimizer loops native; TF\.js only evaluates$/)
    expect(byTag(logOf(config({ task: 'adding' }), [started({ versions: { 'fused-step-loops': 'simd128' } })]).lines, 'step')[0]).toMatch(/loops in WebAssembly \(simd128\); TF\.js only evaluates$/)
    expect(byTag(lines, 'data')[0]).toBe('data     adding: 256/64/64 sequences (train/val/test), sequence length 8')
    expect(byTag(lines, 'train')[0]).toBe('train    3 epochs × 8 batches of 32 = 24 steps · adam, learning rate 0.001 · loss MSE · no clipping · no early stopping')
    for (const l of lines) if (tagOfLine(l)) expect(l.slice(0, LOG_TAG_WIDTH)).toMatch(/^[a-z]+ +$/)
  })

  it('says why the whole step is not fused (dropout) and what the layers engine runs', () => {
    const dropout = logOf(config({ task: 'adding', dropout: 0.1 }), [
      started({ versions: { 'fused-step': 'tfjs', 'fused-step-why': 'dropout 0.1: its masks are drawn by TF.js, so the step keeps the fused layers' } })
    ]).lines
    expect(byTag(dropout, 'step')[0]).toBe('step     TF.js step around the fused layers: dropout 0.1: its masks are drawn by TF.js, so the step keeps the fused layers')
    const wasm = logOf(config({ task: 'adding' }), [started({ versions: { 'fused-kernels': 'relaxed-simd', 'fused-kernels-why': 'GATELAB_NATIVE_KERNELS=off' } })]).lines
    expect(byTag(wasm, 'kernels')[0]).toBe('kernels  relaxed-simd (WebAssembly relaxed SIMD, fused multiply-add): GATELAB_NATIVE_KERNELS=off')
    const layers = message({ ...started(), engine: 'layers', versions: { tfjs: '4.22.0', node: '20.20.2', 'backend-why': 'GATELAB_BACKEND=cpu asks for it' }, backend: 'cpu' })
    const lines = logOf(config({ task: 'adding', engine: 'layers' }), [layers]).lines
    expect(byTag(lines, 'kernels')[0]).toBe('kernels  TF.js cpu ops (the layers engine runs no fused kernels)')
    expect(byTag(lines, 'backend')[0]).toBe('backend  cpu: GATELAB_BACKEND=cpu asks for it')
    expect(byTag(lines, 'step')).toEqual([])
  })

  it('writes one line per epoch with rounded metrics, the best so far marked, time and samples per second', () => {
    const c = config({ task: 'adding', epochs: 3 })
    const { lines } = logOf(c, [
      started(),
      epoch(1, { loss: 1.223456789, valLoss: 1.0123456, epochMs: 64 }),
      epoch(2, { loss: 1.15, valLoss: 1.1, epochMs: 1250 }),
      epoch(3, { loss: 1.117, valLoss: 0.98621234, epochMs: 80 })
    ])
    const epochs = byTag(lines, 'epoch')
    expect(epochs).toHaveLength(3)
    expect(epochs[0]).toBe('epoch    1/3  loss 1.223     val loss 1.012    best    64 ms    4,000 samples/s')
    expect(epochs[1]).toBe('epoch    2/3  loss 1.15      val loss 1.1              1.3 s      205 samples/s')
    expect(epochs[2]).toContain('val loss 0.9862   best')
    expect(valueAfter(epochs[2]!, 'val loss')).toBeCloseTo(0.98621234, 4)
    // Columns line up: the time column ends at the same place on every line.
    expect(new Set(epochs.map((l) => l.indexOf('samples/s'))).size).toBe(1)
    // No telemetry or batch points leak into the log.
    expect(lines.join('\n')).not.toMatch(/gate\/|batchLoss|numTensors|undefined/)
  })

  it('shows a changed learning rate, clipping at work (warned once) and a non-finite loss', () => {
    const c = config({ task: 'adding', epochs: 4, clip: 1, schedule: { kind: 'step', every: 1, factor: 0.5 } })
    const { lines } = logOf(c, [
      started(),
      epoch(1, { loss: 1.2, valLoss: 1.1, lr: 0.001, gradNorms: [3.5, 0.5, 1.2, 0.9, 0.2, 0.1, 0.3, 0.4] }),
      epoch(2, { loss: 1.1, valLoss: 1.0, lr: 0.0005, gradNorms: [1.5, 0.5, 0.2, 0.9, 0.2, 0.1, 0.3, 0.4] }),
      epoch(3, { loss: 1.0, valLoss: 1.05, lr: 0.00025, gradNorms: new Array(8).fill(0.5) })
    ])
    const epochs = byTag(lines, 'epoch')
    expect(epochs[0]).toContain('clipped 2/8 batches')
    expect(epochs[0]).not.toContain('lr ')
    expect(epochs[1]).toContain('lr 5e−4 (was 0.001)')
    expect(epochs[1]).toContain('clipped 1/8 batches')
    expect(epochs[2]).not.toContain('clipped')
    expect(epochs[2]).not.toContain('best')
    const warnings = byTag(lines, 'warning')
    expect(warnings).toEqual(['warning  clipping active: the gradient norm was above 1 in 2 of 8 batches of epoch 1 (largest 3.5); those updates were scaled down to norm 1'])
    expect(warnings.map(lineTone)).toEqual(['warning'])
    // A non-finite epoch loss (the protocol carries finite numbers only, so this is the formatter on its own).
    const nan = { epoch: 3, epochs: 4, metrics: { loss: 1, valLoss: NaN }, trainSamples: 256, best: false, watched: 'valLoss' }
    expect(epochLine(nan)).toBe('epoch    3/4  loss 1         val loss NaN')
    expect(epochWarnings(nan, null, false)).toEqual(['warning  val loss is NaN after epoch 3: training diverged'])
    expect(byTag(lines, 'train')[0]).toContain('learning rate 0.001 (× 0.5 every epoch)')
    expect(byTag(lines, 'train')[0]).toContain('clipping at gradient norm 1')
  })

  it('warns about small splits with the figure in force', () => {
    const small = logOf(config({ task: 'adding' }), [started({ val: 24, test: 12 })]).lines
    expect(byTag(small, 'warning')).toEqual(['warning  small splits (validation 24, test 12 sequences; fewer than 30): differences measured on so few are mostly noise'])
    expect(byTag(logOf(config({ task: 'adding' }), [started({ val: 24, test: 12 })], undefined, 10).lines, 'warning')).toEqual([])
  })

  it('ends with the outcome, the best epoch, the total time, test metrics and where the weights are', () => {
    const c = config({ task: 'adding', epochs: 3 })
    const { lines, log } = logOf(
      c,
      [started(), epoch(1, { loss: 1.2, valLoss: 1.1 }), epoch(2, { loss: 1.1, valLoss: 1.0 }), epoch(3, { loss: 1.0, valLoss: 0.9862 }), artifact('topology', 'model.json', 1393), artifact('weights', 'weights.bin', 892)],
      finished()
    )
    const end = lines.slice(lines.findIndex((l) => tagOfLine(l) === 'end'))
    expect(end).toEqual([
      'end      completed 3 of 3 epochs (24 steps) in 512 ms; best val loss 0.9862 at epoch 3',
      'test     loss 1.288, MAE 1.051 (test split, weights of epoch 3)',
      'weights  model.json (1.36 KiB) and weights.bin (892 B) stored in the lab /labs/lab.db',
      `         download them from the run page's Artifacts card, or \`gatelab export --runs ${RUN} --format weights --out DIR\``
    ])
    // finished() speaks once, whoever calls it second (the trainer's message, then the host's fallback).
    expect(log.finished(finished({ status: 'failed', error: 'late' }))).toEqual([])
    expect(log.text()).toBe(`${log.lines.join('\n')}\n`)
  })

  it('says why a run stopped early, failed or was cancelled', () => {
    const early = logOf(config({ task: 'adding', epochs: 50, earlyStopping: { patience: 5 } }), [started()], finished({ epochs: 12, steps: 96, best: { metric: 'valLoss', value: 0.5, epoch: 7 } })).lines
    expect(byTag(early, 'warning')).toEqual(['warning  early stop: val loss did not improve for 5 epochs after epoch 7; stopped after epoch 12 of 50'])
    expect(byTag(early, 'train')[0]).toContain('early stopping on val loss (patience 5)')

    const error = 'Training diverged: the loss became NaN at epoch 2, batch 3 (step 11). Try a lower learning rate (it was 0.1) or gradient clipping (e.g. clip 1).'
    const failed = logOf(config({ task: 'adding' }), [started()], finished({ status: 'failed', error, test: {}, best: null, epochs: 1, steps: 11 })).lines
    expect(byTag(failed, 'end')).toEqual([`end      failed after 1 of 10 epochs (11 steps) in 512 ms: ${error}`])
    expect(lineTone(byTag(failed, 'end')[0]!)).toBe('error')
    expect(byTag(failed, 'weights')[0]).toMatch(/^weights {2}none saved/)

    const cancelled = logOf(config({ task: 'adding' }), [started()], finished({ status: 'cancelled', error: 'Cancelled', test: {}, epochs: 2, steps: 16 })).lines
    expect(byTag(cancelled, 'end')[0]).toBe('end      cancelled after 2 of 10 epochs (16 steps) in 512 ms; best val loss 0.9862 at epoch 3; the metrics so far are kept')
  })

  it('never throws into the host: a message it cannot format costs one warning line', () => {
    const log = new RunLog({ runId: RUN, config: config({ task: 'adding' }), minSplitWindows: 30 })
    const broken = { ...started(), dataset: undefined } as unknown as TrainerMessage
    expect(log.observe(broken)).toEqual([expect.stringMatching(/^warning {2}the log could not write its line for run:started: /)])
  })

  it('collapses TF.js notices into one line and keeps any other trainer output', () => {
    const raw = [
      '[stderr] ============================',
      '[stderr] Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. ',
      '[stderr] ============================',
      '[stderr] Platform node has already been set. Overwriting the platform with node.',
      '[stderr] RangeError: something real went wrong'
    ]
    expect(outputLines(raw)).toEqual([
      'output   TF.js printed 4 lines of notices, hidden: "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically,…" (the backend line above says what ran)',
      'output   [stderr] RangeError: something real went wrong'
    ])
    expect(outputLines([])).toEqual([])
  })

  it('explains the backend choice: forced, asked for by the config, or the fastest present', () => {
    const reports = [
      { name: 'tensorflow' as const, package: '@tensorflow/tfjs-node', available: false, reason: '@tensorflow/tfjs-node is not installed' },
      { name: 'wasm' as const, package: '@tensorflow/tfjs-backend-wasm', available: true },
      { name: 'cpu' as const, package: '@tensorflow/tfjs', available: true }
    ]
    expect(backendReason({ backend: 'wasm', reports }, 'auto')).toBe('the fastest one available here; tensorflow is not used: @tensorflow/tfjs-node is not installed')
    expect(backendReason({ backend: 'cpu', reports }, 'auto', 'cpu')).toBe('GATELAB_BACKEND=cpu asks for it')
    expect(backendReason({ backend: 'cpu', reports }, 'cpu')).toBe("the run's configuration asks for it (backend cpu)")
    expect(backendReason({ backend: 'tensorflow', reports: [{ ...reports[0]!, available: true, reason: undefined }] }, 'auto')).toBe('the fastest backend, and it is installed')
  })
})
