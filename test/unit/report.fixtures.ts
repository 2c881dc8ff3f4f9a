/**
 * Realistic runs for the report builders' unit tests: RunDetail records shaped like the store's, with the metrics a
 * trainer streams (batchLoss per step; loss, valLoss, lr, epochMs, numTensors per epoch) generated from a seed.
 */
import type { MetricSummary, RunDetail } from '../../src/shared/api'
import { normalizeRunConfig, type RunConfigInput } from '../../src/shared/config'
import type { MetricPoint } from '../../src/shared/protocol'
import type { RunData } from '../../src/main/report/source'
import type { ReportEnvironment } from '../../src/main/report/model'
import { mulberry32 } from '../helpers/random'

/** A small deterministic PRNG, so every fixture is the same on every run. */
const prng = mulberry32

export interface FixtureOptions {
  id: string
  cell?: 'lstm' | 'gru' | 'rnn'
  seed?: number
  epochs?: number
  batchesPerEpoch?: number
  /** Multiplies the losses: lower is a better run. */
  quality?: number
  config?: RunConfigInput
  notes?: string
  name?: string
  /** Make the last valLoss NaN (a diverged run). */
  diverge?: boolean
}

export function makeRun(options: FixtureOptions): RunData {
  const cell = options.cell ?? 'lstm'
  const seed = options.seed ?? 1
  const epochs = options.epochs ?? 8
  const batches = options.batchesPerEpoch ?? 8
  const quality = options.quality ?? 1
  const normalized = normalizeRunConfig({ task: 'adding', seqLen: 10, samples: 256, units: 8, epochs, cell, seed, ...options.config })
  if (!normalized.ok) throw new Error(normalized.message)
  const config = normalized.config
  const random = prng(seed * 7919 + cell.length)
  const points: MetricPoint[] = []
  let step = 0
  let wall = 0
  const epochValues: Array<{ epoch: number; step: number; wall: number; loss: number; valLoss: number }> = []
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let b = 0; b < batches; b++) {
      step++
      wall += 3 + random()
      points.push({ epoch, step, name: 'batchLoss', value: quality * (0.17 * Math.exp(-step / 20) + 0.005 * random()), wallMs: wall })
    }
    const loss = quality * (0.16 * Math.exp(-epoch / 3) + 0.004 * random())
    const valLoss = options.diverge && epoch === epochs ? NaN : quality * (0.165 * Math.exp(-epoch / 3) + 0.006 * random())
    epochValues.push({ epoch, step, wall, loss, valLoss })
  }
  // The store orders full series by metric, then step.
  for (const name of ['epochMs', 'loss', 'lr', 'numTensors', 'valLoss']) {
    for (const e of epochValues) {
      const value = name === 'loss' ? e.loss : name === 'valLoss' ? e.valLoss : name === 'lr' ? config.lr : name === 'epochMs' ? 30 + e.epoch : 42
      points.push({ epoch: e.epoch, step: e.step, name, value, wallMs: e.wall })
    }
  }
  points.sort((a, b) => a.name.localeCompare(b.name) || a.step - b.step)
  const finite = epochValues.filter((e) => Number.isFinite(e.valLoss))
  const best = finite.reduce((a, b) => (b.valLoss < a.valLoss ? b : a))
  const last = epochValues[epochValues.length - 1]!
  const run: RunDetail = {
    datasetName: 'adding',
    groupKey: null,
    id: options.id,
    name: options.name ?? `${cell} seed ${seed}`,
    status: options.diverge ? 'failed' : 'completed',
    cell,
    task: config.task,
    createdAt: '2026-11-28T06:00:00.000Z',
    startedAt: '2026-11-28T06:00:01.000Z',
    endedAt: '2026-11-28T06:00:03.000Z',
    durationMs: Math.round(wall),
    paramCount: cell === 'lstm' ? 329 : cell === 'gru' ? 249 : 89,
    backend: 'cpu',
    engine: 'layers',
    cellForm: cell === 'lstm' ? 'lstm sigmoid unit-forget-bias' : cell === 'gru' ? 'gru reset-before sigmoid' : 'rnn tanh',
    seed,
    sweepId: null,
    archived: false,
    tags: ['fixture'],
    hp: { units: config.units, layers: config.layers, lr: config.lr, batch: config.batch, epochs: config.epochs, optimizer: config.optimizer, seqLen: config.seqLen },
    summary: summarize(points),
    best: { metric: 'valLoss', value: best.valLoss, epoch: best.epoch },
    error: options.diverge ? 'Training diverged: the validation loss became NaN after epoch 8.' : null,
    config,
    notes: options.notes ?? '',
    versions: { gatelab: '0.1.0', tfjs: '4.22.0', node: '20.20.2' },
    dataset: {
      name: 'adding',
      description: 'Adding problem: two marked values in U[0,1], target their sum (Hochreiter & Schmidhuber 1997).',
      contentHash: 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      train: 256,
      val: 1000,
      test: 1000,
      meta: { seqLen: 10, inputSize: 2 }
    },
    final: { loss: last.loss, valLoss: last.valLoss, lr: config.lr },
    test: options.diverge ? {} : { loss: best.valLoss * 1.02 },
    epochs,
    steps: step,
    artifacts: []
  }
  return { run, points }
}

/** The per-metric summary the store keeps (last, min, max with where they happened; NaN points counted, not used). */
function summarize(points: readonly MetricPoint[]): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {}
  for (const p of points) {
    const s = (out[p.name] ??= { count: 0, last: null, lastStep: null, lastEpoch: null, min: null, minStep: null, minEpoch: null, max: null, maxStep: null, maxEpoch: null })
    s.count++
    s.last = p.value
    s.lastStep = p.step
    s.lastEpoch = p.epoch
    if (!Number.isFinite(p.value)) continue
    if (s.min === null || p.value < s.min) Object.assign(s, { min: p.value, minStep: p.step, minEpoch: p.epoch })
    if (s.max === null || p.value > s.max) Object.assign(s, { max: p.value, maxStep: p.step, maxEpoch: p.epoch })
  }
  return out
}

export const fixedEnv: ReportEnvironment = {
  generatedAt: new Date('2026-11-28T07:00:00.000Z'),
  gatelabVersion: '0.1.0',
  machine: { platform: 'Linux 6.1', arch: 'x64', cpuModel: 'Test CPU', cpus: 2, memoryMb: 24576, node: '20.20.2' }
}

/** Three LSTM and three GRU runs on seeds 1–3, GRU slightly better: the grouped comparison has something to find. */
export function lstmVsGru(): RunData[] {
  const runs: RunData[] = []
  for (const seed of [1, 2, 3]) runs.push(makeRun({ id: `lstm-${seed}`, cell: 'lstm', seed, quality: 1 }))
  for (const seed of [1, 2, 3]) runs.push(makeRun({ id: `gru-${seed}`, cell: 'gru', seed, quality: 0.8 }))
  return runs
}
