/**
 * Labs for UI tests, written straight into a store file through the store's own API (no trainers): finished runs with
 * per-epoch metrics. `seedRuns` writes the runs it is given; `seedLargeLab` makes `count` of them for the runs table
 * (alternating LSTM / GRU / RNN and a few tasks and tags, so filters have something to find).
 */
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { normalizeRunConfig, type RunConfig } from '../../src/shared/config'
import { tempDir } from './host'

const cells = ['lstm', 'gru', 'rnn'] as const
const tasks = ['adding', 'copy', 'sine'] as const

export interface SeedRun {
  /** Any settings normalizeRunConfig takes (name, cell, task, units, epochs, seed, tags, …). */
  config: Record<string, unknown>
  /** Per-epoch values of each metric: metrics.valLoss[e] is the value at epoch e + 1 (step e + 1, 10 ms apart). */
  metrics: Record<string, number[]>
  paramCount?: number
}

/** Writes finished runs into a new lab file; the best validation loss is the smallest valLoss. */
export function seedRuns(runs: readonly SeedRun[], name = 'seeded.db'): { dbPath: string; ids: string[] } {
  const dbPath = join(tempDir('gatelab-ui-'), name)
  const store = Store.open(dbPath, { owner: { kind: 'test' }, synchronous: 'normal' })
  try {
    const configs: RunConfig[] = runs.map((run) => {
      const r = normalizeRunConfig(run.config)
      if (!r.ok) throw new Error(r.message)
      return r.config
    })
    const ids = store.createRuns(configs.map((config) => ({ config })))
    ids.forEach((id, i) => {
      const { metrics, paramCount } = runs[i]!
      const epochs = Math.max(0, ...Object.values(metrics).map((v) => v.length))
      store.startRun(id, {
        backend: 'cpu',
        engine: 'layers',
        cellForm: configs[i]!.cell,
        paramCount: paramCount ?? 100 + i,
        versions: {},
        dataset: { name: configs[i]!.task, description: 'seeded for a UI test', contentHash: 'x', train: 10, val: 10, test: 10, meta: {} },
        totalSteps: epochs
      })
      store.appendMetrics(
        id,
        Object.entries(metrics).flatMap(([name, values]) => values.map((value, e) => ({ epoch: e + 1, step: e + 1, name, value, wallMs: 10 * (e + 1) })))
      )
      const val = metrics.valLoss ?? []
      const bestAt = val.reduce((b, v, e) => (v < val[b]! ? e : b), 0)
      const final: Record<string, number> = {}
      for (const [name, values] of Object.entries(metrics)) if (values.length > 0) final[name] = values[values.length - 1]!
      store.finishRun(id, {
        status: 'completed',
        final,
        test: {},
        best: val.length > 0 ? { metric: 'valLoss', value: val[bestAt]!, epoch: bestAt + 1 } : null,
        epochs,
        steps: epochs,
        durationMs: 10 * epochs
      })
    })
    return { dbPath, ids }
  } finally {
    store.close()
  }
}

export function seedLargeLab(count: number): { dbPath: string; ids: string[] } {
  const runs: SeedRun[] = []
  for (let i = 0; i < count; i++) {
    // A deterministic, distinct best validation loss per run (run i: 1 / (i + 2)), reached at epoch 2.
    const best = 1 / (i + 2)
    runs.push({
      config: {
        name: `bulk ${String(i).padStart(5, '0')}`,
        cell: cells[i % 3],
        task: tasks[Math.floor(i / 3) % 3],
        units: 8 * (1 + (i % 4)),
        epochs: 3,
        seed: i,
        tags: i % 10 === 0 ? ['tenth'] : []
      },
      metrics: { valLoss: [best * 3, best, best * 2] }
    })
  }
  return seedRuns(runs, 'large.db')
}
