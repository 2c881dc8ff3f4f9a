/**
 * Issue 14 §5: the cost of gate telemetry while training. Budget: at most 5% of epoch time at 32 and at 128 units,
 * both engines. Each row trains the adding problem (T = 50, the default 2,000 training and 1,000 validation sequences,
 * batch 32) in a real trainer process with telemetry on, and reads the trainer's own `telemetryMs` (the time the
 * telemetry took inside that epoch) against `epochMs` (the whole epoch, telemetry included): value = median over the
 * epochs after the first of telemetryMs / (epochMs − telemetryMs), in percent — the extra time telemetry adds to an
 * epoch. Measured in the same run, so machine load affects both sides alike.
 *
 * GATELAB_TELEMETRY_ENGINES=fused (comma-separated) runs a subset.
 */
import { it } from 'vitest'
import trainerPath from '../src/main/runner/trainerPath'
import { createNodeSpawner } from '../src/main/runner/spawner.node'
import { normalizeRunConfig, type RunConfigInput } from '../src/shared/config'
import type { MetricPoint, TrainerMessage } from '../src/shared/protocol'
import { median, quick, round, writeRows, type BenchRow } from './record'

const spawnTrainer = createNodeSpawner(trainerPath)
type Finished = Extract<TrainerMessage, { type: 'run:finished' }>

async function train(input: RunConfigInput): Promise<MetricPoint[]> {
  const result = normalizeRunConfig(input)
  if (!result.ok) throw new Error(result.message)
  const trainer = spawnTrainer({ name: 'bench telemetry' })
  const points: MetricPoint[] = []
  const off = trainer.onMessage((m) => {
    if (m.type === 'metrics') points.push(...m.points)
  })
  try {
    await trainer.ready()
    const finished = await trainer.request<Finished>((seq) => ({ type: 'train', seq, runId: 'bench', config: result.config }), Number.POSITIVE_INFINITY)
    if (finished.status === 'failed') throw new Error(finished.error ?? 'the run failed')
    return points
  } finally {
    off()
    await trainer.stop()
  }
}

it('gate telemetry: share of epoch time at 32 and 128 units, both engines', { timeout: 60 * 60_000 }, async () => {
  const rows: BenchRow[] = []
  const epochs = quick ? 3 : 4
  const only = (process.env.GATELAB_TELEMETRY_ENGINES ?? '').split(',').filter(Boolean)
  for (const engine of (['fused', 'layers'] as const).filter((e) => only.length === 0 || only.includes(e))) {
    for (const cell of ['lstm', 'gru'] as const) {
      for (const units of [32, 128]) {
        const name = `telemetry cost: ${engine} ${cell} ${units}u adding T50`
        // tfjs-layers at 128 units takes about a minute per epoch here; two epochs give one measured epoch.
        const n = engine === 'layers' && units === 128 ? 2 : epochs
        const points = await train({ task: 'adding', seqLen: 50, cell, units, epochs: n, seed: 1, engine })
        const at = (name: string): Map<number, number> => new Map(points.filter((p) => p.name === name).map((p) => [p.epoch, p.value]))
        const tele = at('telemetryMs')
        const epoch = at('epochMs')
        const shares = [...epoch.entries()].filter(([e]) => e > 1 && tele.has(e)).map(([e, ms]) => tele.get(e)! / (ms - tele.get(e)!))
        rows.push({
          name,
          value: round(100 * median(shares)),
          unit: '% of epoch',
          engine,
          cell,
          units,
          budget: 5,
          telemetryMs: round(median([...tele.entries()].filter(([e]) => e > 1).map(([, v]) => v))),
          epochMs: round(median([...epoch.entries()].filter(([e]) => e > 1).map(([, v]) => v))),
          metrics: new Set(points.filter((p) => /^(gate|grad)\//.test(p.name)).map((p) => p.name)).size
        })
      }
    }
  }
  writeRows('telemetry', rows)
})
