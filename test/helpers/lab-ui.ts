/**
 * A large lab for UI tests: `count` finished runs written straight into a store file (no trainers), with per-epoch
 * metrics so the runs table has summaries to sort by. Runs alternate LSTM / GRU / RNN and a few tasks and tags, so
 * filters have something to find.
 */
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { normalizeRunConfig, type RunConfig } from '../../src/shared/config'
import { tempDir } from './host'

const cells = ['lstm', 'gru', 'rnn'] as const
const tasks = ['adding', 'copy', 'sine'] as const

export function seedLargeLab(count: number): { dbPath: string; ids: string[] } {
  const dbPath = join(tempDir('gatelab-ui-'), 'large.db')
  const store = Store.open(dbPath, { owner: { kind: 'test' }, synchronous: 'normal' })
  try {
    const configs: RunConfig[] = []
    for (let i = 0; i < count; i++) {
      const r = normalizeRunConfig({
        name: `bulk ${String(i).padStart(5, '0')}`,
        cell: cells[i % 3],
        task: tasks[Math.floor(i / 3) % 3],
        units: 8 * (1 + (i % 4)),
        epochs: 3,
        seed: i,
        tags: i % 10 === 0 ? ['tenth'] : []
      })
      if (!r.ok) throw new Error(r.message)
      configs.push(r.config)
    }
    const ids = store.createRuns(configs.map((config) => ({ config })))
    ids.forEach((id, i) => {
      store.startRun(id, {
        backend: 'cpu',
        engine: 'layers',
        cellForm: configs[i]!.cell,
        paramCount: 100 + i,
        versions: {},
        dataset: { name: configs[i]!.task, description: 'seeded for a UI test', contentHash: 'x', train: 10, val: 10, test: 10, meta: {} },
        totalSteps: 3
      })
      // A deterministic, distinct best validation loss per run (run i: 1 / (i + 2)), reached at epoch 2.
      const best = 1 / (i + 2)
      store.appendMetrics(id, [
        { epoch: 1, step: 1, name: 'valLoss', value: best * 3, wallMs: 10 },
        { epoch: 2, step: 2, name: 'valLoss', value: best, wallMs: 20 },
        { epoch: 3, step: 3, name: 'valLoss', value: best * 2, wallMs: 30 }
      ])
      store.finishRun(id, {
        status: 'completed',
        final: { valLoss: best * 2 },
        test: {},
        best: { metric: 'valLoss', value: best, epoch: 2 },
        epochs: 3,
        steps: 3,
        durationMs: 30
      })
    })
    return { dbPath, ids }
  } finally {
    store.close()
  }
}
