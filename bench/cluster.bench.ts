/**
 * Slurm sweeps (docs/CLUSTER.md), issue 15's two scale targets:
 *   - a 1,000-trial sweep's bundle written and submitted (< 5 s): on the one-node Slurm of scripts/slurm-local.sh,
 *     submitted held (--hold) and cancelled right after, so nothing trains. Its MaxArraySize is 8 on purpose (tests
 *     must split arrays), so 1,000 one-trial tasks take 125 sbatch calls; a real cluster's default 1001 takes one.
 *     The row with 8 trials per task (16 arrays) is the closer analogue of one array on a real cluster.
 *   - 1,000 finished runs × 1,000 metric points imported into a new lab (< 30 s): result folders written as tasks
 *     write them (summary, metrics.jsonl), then `importBundle` creates the sweep, the runs and every point.
 * Skips with a printed reason where Slurm does not answer (the import row runs anyway: it needs no Slurm).
 */
import { it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { Store } from '../src/main/store/store'
import { submitSlurmSweep } from '../src/main/cluster/submit'
import { importBundle } from '../src/main/cluster/importer'
import { writeBundle } from '../src/main/cluster/bundle'
import { attemptDir, metricLines, trialDir } from '../src/main/cluster/results'
import { scancel } from '../src/main/cluster/slurm'
import type { BundleInfo, ManifestLine, TrialSummary } from '../src/shared/cluster'
import { tempDir } from '../test/helpers/host'
import { config } from '../test/fixtures/store/helpers'
import { quick, round, writeRows, type BenchRow } from './record'
import packageJson from '../package.json'

const rows: BenchRow[] = []
const slurmUp = spawnSync('sinfo', ['-h'], { encoding: 'utf8' }).status === 0

const spec = { name: 'bench', base: { task: 'adding', seqLen: 6, samples: 64, units: 4, epochs: 1 }, grid: { lr: Array.from({ length: 10 }, (_, i) => 0.001 * (i + 1)) }, seeds: Array.from({ length: 100 }, (_, i) => i) }

for (const perTask of [1, 8]) {
  it.skipIf(!slurmUp)(`1,000-trial bundle written and submitted, ${perTask} per task`, async () => {
    const dir = tempDir('gatelab-bench-cluster-')
    const store = Store.open(join(dir, 'lab.db'), { owner: { kind: 'test' } })
    const t = performance.now()
    const result = await submitSlurmSweep(store, spec, { dir: join(dir, 'bundles'), perTask, sbatchArgs: ['--hold'] })
    const ms = performance.now() - t
    await scancel(result.arrays.map((a) => a.jobId!))
    store.close()
    rows.push({ name: `Slurm: 1,000-trial sweep bundle written + submitted (${perTask}/task, ${result.arrays.length} arrays at MaxArraySize ${result.maxArraySize})`, value: round(ms / 1000), unit: 's', target: 5 })
  })
}
if (!slurmUp) console.warn('cluster bench: Slurm does not answer here (sinfo failed): the submit rows are skipped; run sudo bash scripts/slurm-local.sh')

it('1,000 runs × 1,000 points imported', () => {
  const runs = quick ? 200 : 1000
  const points = 1000
  const dir = tempDir('gatelab-bench-import-')
  const bundleDir = join(dir, 'bundle')
  const base = config({ task: 'adding', seqLen: 6, samples: 64, units: 4, epochs: 250 })
  const lines: ManifestLine[] = Array.from({ length: runs }, (_, trial) => ({
    trial,
    runId: `20261201-000000-${String(trial).padStart(4, '0')}`,
    config: { ...base, seed: trial } as unknown as Record<string, unknown>,
    groupKey: '{}'
  }))
  const info: BundleInfo = {
    format: 1,
    sweepId: 'sweep-20261201-000000-bnch',
    name: 'bench',
    spec: {},
    gatelabVersion: packageJson.version,
    createdAt: new Date().toISOString(),
    trials: runs,
    perTask: 1,
    arrays: [{ jobId: '1', firstTrial: 0, tasks: runs }],
    submit: { perTask: 1, sbatchArgs: [] }
  }
  writeBundle(bundleDir, info, lines, { node: process.execPath, cli: 'gatelab' })
  for (const line of lines) {
    const attempt = attemptDir(bundleDir, line.runId, 0)
    mkdirSync(attempt, { recursive: true })
    // 250 epochs × (2 batchLoss + loss + valLoss): 1,000 points.
    const pts = []
    for (let e = 1; e <= points / 4; e++) {
      pts.push({ epoch: e, step: 2 * e - 1, name: 'batchLoss', value: 1 / e, wallMs: e * 10 })
      pts.push({ epoch: e, step: 2 * e, name: 'batchLoss', value: 1 / e, wallMs: e * 10 + 5 })
      pts.push({ epoch: e, step: 2 * e, name: 'loss', value: 1 / e, wallMs: e * 10 + 5 })
      pts.push({ epoch: e, step: 2 * e, name: 'valLoss', value: 1.1 / e, wallMs: e * 10 + 6 })
    }
    writeFileSync(join(attempt, 'metrics.jsonl'), metricLines(pts))
    writeFileSync(
      join(attempt, 'started.json'),
      JSON.stringify({ backend: 'wasm', engine: 'fused', cellForm: 'lstm', paramCount: 100, versions: {}, dataset: { name: 'adding', description: '', contentHash: 'x', train: 64, val: 32, test: 32, meta: {} }, totalSteps: 500 })
    )
    const summary: TrialSummary = {
      format: 1,
      runId: line.runId,
      attempt: 0,
      status: 'completed',
      final: { loss: 0.004 },
      test: { loss: 0.005 },
      best: { metric: 'valLoss', value: 0.0044, epoch: 250 },
      epochs: 250,
      steps: 500,
      durationMs: 2500,
      metricLines: pts.length,
      artifacts: [],
      slurm: { jobId: null, arrayJobId: '1', arrayTaskId: String(line.trial), restartCount: 0, host: 'node' }
    }
    writeFileSync(join(trialDir(bundleDir, line.runId), 'summary.json'), JSON.stringify(summary))
  }
  // As `gatelab import` opens the lab: synchronous 'normal' (an import can always be repeated).
  const store = Store.open(join(dir, 'lab.db'), { owner: { kind: 'test' }, synchronous: 'normal' })
  const t = performance.now()
  const report = importBundle(store, bundleDir)
  const ms = performance.now() - t
  const t2 = performance.now()
  const again = importBundle(store, bundleDir)
  const msAgain = performance.now() - t2
  store.close()
  if (report.points !== runs * points || again.points !== 0) throw new Error(`imported ${report.points} points, then ${again.points}`)
  rows.push({ name: `Slurm: ${runs.toLocaleString('en')} finished runs × 1,000 points imported into a new lab`, value: round(ms / 1000), unit: 's', target: 30, pointsPerSecond: Math.round((runs * points) / (ms / 1000)) })
  rows.push({ name: `Slurm: the same bundle imported again (nothing new)`, value: round(msAgain / 1000), unit: 's' })
})

it('writes the rows', () => writeRows('cluster', rows))
