/**
 * The run store (src/main/store): metric ingestion rate, listing 10,000 runs, and fetching 50 runs × 10,000 points
 * downsampled to 1,000 each. Baselines, measured in the same run on the same file system: a bare better-sqlite3
 * insert loop into a table without indices or summaries (the floor the store's bookkeeping adds to), and for reads a
 * plain `select * from runs limit 100` / a plain fetch of every point.
 */
import { it } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../src/main/store/store'
import { tempDir } from '../test/helpers/host'
import { config, points, startInfo } from '../test/fixtures/store/helpers'
import type { MetricPoint } from '../src/shared/protocol'
import { median, quick, round, writeRows, type BenchRow } from './record'

const rows: BenchRow[] = []

function time(fn: () => void): number {
  const t = performance.now()
  fn()
  return performance.now() - t
}

it('metric ingestion', () => {
  const dir = tempDir('gatelab-bench-store-')
  const store = Store.open(join(dir, 'lab.db'), { owner: { kind: 'test' } })
  const run = store.createRun({ config: config() }).id
  store.startRun(run, startInfo())
  // Batches as a trainer sends them at scale: 5,000 points of two metrics per call.
  const batches = quick ? 20 : 100
  const batch = 5_000
  const data: MetricPoint[][] = []
  for (let b = 0; b < batches; b++) {
    const from = b * (batch / 2) + 1
    data.push([...points('loss', from, batch / 2), ...points('valLoss', from, batch / 2)])
  }
  const samples: number[] = []
  for (const pts of data) samples.push(time(() => store.appendMetrics(run, pts)))
  const storeRate = batch / (median(samples) / 1000)

  const bare = new Database(join(dir, 'bare.db'))
  bare.pragma('journal_mode = WAL')
  bare.pragma('synchronous = FULL')
  bare.exec('create table m (run integer, name integer, epoch integer, step integer, wall real, value real)')
  const insert = bare.prepare('insert into m values (?, ?, ?, ?, ?, ?)')
  const bareSamples: number[] = []
  for (const pts of data) {
    bareSamples.push(
      time(() =>
        bare.transaction(() => {
          for (const p of pts) insert.run(1, p.name === 'loss' ? 1 : 2, p.epoch, p.step, p.wallMs, p.value)
        })()
      )
    )
  }
  bare.close()
  const bareRate = batch / (median(bareSamples) / 1000)
  rows.push({ name: 'metric ingestion (5,000-point batches, summary kept)', value: round(storeRate), unit: 'rows/s', baseline: round(bareRate), ratio: round(storeRate / bareRate) })

  // Small batches, as a live trainer flushes every ~250 ms: the per-transaction cost (one fsync with synchronous=FULL).
  const small: number[] = []
  for (let i = 0; i < (quick ? 50 : 200); i++) small.push(time(() => store.appendMetrics(run, points('loss', 1_000_000 + i * 20, 20))))
  rows.push({ name: 'one 20-point batch (a live trainer flush)', value: round(median(small)), unit: 'ms' })
  store.close()
})

it('listing and series', () => {
  const dir = tempDir('gatelab-bench-store-')
  const path = join(dir, 'lab.db')
  // Setting up 10,000 runs commits 10,000 metric batches: without an fsync each ('normal'), or setup alone takes minutes.
  // Queries do not depend on it.
  const store = Store.open(path, { owner: { kind: 'test' }, synchronous: 'normal' })
  const runs = quick ? 2_000 : 10_000
  const cells = ['lstm', 'gru', 'rnn'] as const
  const ids = store.createRuns(
    Array.from({ length: runs }, (_, i) => ({
      config: config({ name: `run ${i}`, cell: cells[i % 3], tags: i % 10 === 0 ? ['tenth'] : [], notes: i % 7 === 0 ? 'promising' : '' })
    }))
  )
  for (const [i, id] of ids.entries()) {
    store.appendMetrics(id, [
      { epoch: 0, step: 1, name: 'loss', value: 1 + (i % 97) / 100, wallMs: 1 },
      { epoch: 0, step: 1, name: 'valLoss', value: 1 + (i % 89) / 100, wallMs: 1 }
    ])
  }
  const reps = quick ? 5 : 15
  const timeQuery = (q: Parameters<Store['listRuns']>[0]): number => median(Array.from({ length: reps }, () => time(() => store.listRuns(q))))
  const raw = new Database(path, { readonly: true })
  const baseline = median(Array.from({ length: reps }, () => time(() => raw.prepare('select * from runs limit 100').all())))
  raw.close()
  const label = `${runs.toLocaleString('en')} runs`
  const q1 = timeQuery({ limit: 100 })
  rows.push({ name: `listRuns, ${label}: newest 100 with summaries and total`, value: round(q1), unit: 'ms', baseline: round(baseline), ratio: round(q1 / baseline) })
  const q2 = timeQuery({ sort: 'summary:valLoss:min', order: 'asc', limit: 100 })
  rows.push({ name: `listRuns, ${label}: sorted by summary:valLoss:min`, value: round(q2), unit: 'ms', baseline: round(baseline), ratio: round(q2 / baseline) })
  const q3 = timeQuery({ cell: 'gru', tag: 'tenth', text: 'promis', limit: 100 })
  rows.push({ name: `listRuns, ${label}: cell + tag + free text`, value: round(q3), unit: 'ms', baseline: round(baseline), ratio: round(q3 / baseline) })

  // 50 runs × 10,000 points of one metric, downsampled to 1,000 each on shared buckets.
  const chosen = ids.slice(0, 50)
  for (const id of chosen) store.appendMetrics(id, points('curve', 2, 10_000, (s) => Math.sin(s / 50) + s / 10_000))
  const fetchReps = quick ? 3 : 7
  const series = median(Array.from({ length: fetchReps }, () => time(() => store.getSeries({ runIds: chosen, metric: 'curve', points: 1000 }))))
  const full = median(Array.from({ length: fetchReps }, () => time(() => chosen.forEach((id) => store.getFullSeries(id, ['curve'])))))
  rows.push({ name: 'getSeries: 50 runs × 10,000 points → 1,000 each (M4)', value: round(series), unit: 'ms', baseline: round(full), ratio: round(series / full) })
  store.close()
  writeRows('store', rows)
})
