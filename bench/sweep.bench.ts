/**
 * Issue 18 item 5, the sweep of 8: LSTM and GRU × 4 seeds (64 units, T = 50, 5 epochs, the adding problem at the
 * lab's default sizes — 2,000 / 1,000 / 1,000 sequences, batch 32, Adam 1e-3) trained as a real GateLab sweep, against
 * the same 8 runs in PyTorch at its best in a process pool of one one-thread process per core.
 *
 * GateLab side: `gatelab sweep --spec FILE --db LAB.db --json` (out/main/cli.js), i.e. the lab's own sweep runner with
 * its run queue at its default concurrency (one trainer process per core), real trainer processes, every metric
 * recorded in a real SQLite lab. Wall time: the command, from spawn to exit (Node start, the lab, every trainer's
 * start-up, training, validation, gate telemetry, test and artifacts included).
 * PyTorch side: bench/peers/torch_sweep.py through bench/peer.ts (OpenBLAS core pinning unset for it only; the BLAS,
 * core type and threads it loaded recorded in the row): multiprocessing.Pool of N one-thread processes, each run
 * generating its data, training 5 epochs with a validation pass per epoch and a test pass at the end. Wall time: the
 * command, from spawn to exit (Python start and importing torch included); the pool's own time is recorded too.
 *
 * Rounds alternate which side goes first (--quick: 2 rounds, else 4); the ratio is median GateLab wall / median PyTorch
 * wall. Issue 18's target: ≤ ½.
 */
import { it } from 'vitest'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Store } from '../src/main/store/store'
import { cliEntry, repoRoot, tempDir } from '../test/helpers/host'
import { allCores, peerFields, peerLabel, runPeer, type PeerRecord } from './peer'
import { median, quick, round, writeRows, type BenchRow } from './record'

const cells = ['lstm', 'gru'] as const
const seeds = [1, 2, 3, 4]
const settings = { task: 'adding', seqLen: 50, units: 64, epochs: 5, samples: 2000, valSamples: 1000, testSamples: 1000, batch: 32, lr: 1e-3 }

interface GateLabSweep {
  wallSeconds: number
  /** Each run's own duration as the lab recorded it (start to end), seconds. */
  runSeconds: number[]
  fusedStep: string[]
  kernels: string[]
  backend: string[]
}

function exitOf(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn(command, args, { cwd: repoRoot })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t) / 1000 }))
  })
}

async function gatelabSweep(): Promise<GateLabSweep> {
  const dir = tempDir('gatelab-bench-sweep-')
  const spec = join(dir, 'sweep.json')
  const db = join(dir, 'lab.db')
  writeFileSync(spec, JSON.stringify({ name: 'sweep of 8', base: settings, grid: { cell: [...cells] }, seeds }))
  const run = await exitOf(process.execPath, [cliEntry, 'sweep', '--spec', spec, '--db', db, '--json'])
  if (run.code !== 0) throw new Error(`gatelab sweep exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`)
  const out = JSON.parse(run.stdout) as { runs: Array<{ id: string; status: string }> }
  if (out.runs.length !== 8 || out.runs.some((r) => r.status !== 'completed')) throw new Error(`the sweep did not complete 8 runs: ${run.stdout}`)
  const store = Store.open(db, { owner: { kind: 'test' } })
  try {
    const details = out.runs.map((r) => store.getRun(r.id))
    return {
      wallSeconds: run.seconds,
      runSeconds: details.map((d) => round((d.durationMs ?? 0) / 1000)),
      fusedStep: details.map((d) => d.versions?.['fused-step'] ?? 'none'),
      kernels: details.map((d) => d.versions?.['fused-kernels'] ?? 'none'),
      backend: details.map((d) => d.backend ?? 'unknown')
    }
  } finally {
    store.close()
  }
}

interface TorchSweep {
  wallSeconds: number
  poolSeconds: number
  runSeconds: number[]
  record: PeerRecord
}

function torchSweep(): TorchSweep | { reason: string; record?: PeerRecord } {
  const runs = cells.flatMap((cell) => seeds.map((seed) => `${cell}:${seed}`)).join(',')
  const args = ['--runs', runs, '--units', '64', '--seq-len', '50', '--samples', '2000', '--val', '1000', '--test', '1000', '--batch', '32', '--epochs', '5', '--lr', '1e-3', '--processes', String(allCores)]
  const t = performance.now()
  const result = runPeer<{ wallSeconds: number; runs: Array<{ seconds: number }> }>('torch_sweep.py', args, 1)
  const wallSeconds = (performance.now() - t) / 1000
  if (!('ok' in result)) return result
  return { wallSeconds, poolSeconds: result.ok.wallSeconds, runSeconds: result.ok.runs.map((r) => round(r.seconds)), record: result.ok }
}

it('sweep of 8: a GateLab sweep against the same 8 PyTorch runs in a process pool of one per core', { timeout: 60 * 60_000 }, async () => {
  const rounds = quick ? 2 : 4
  const ours: GateLabSweep[] = []
  const theirs: TorchSweep[] = []
  let missing: { reason: string; record?: PeerRecord } | undefined
  for (let r = 0; r < rounds; r++) {
    // Alternate who goes first, so both sides see the same drift in the machine's load.
    const order = r % 2 === 0 ? ['gatelab', 'torch'] : ['torch', 'gatelab']
    for (const side of order) {
      if (side === 'gatelab') {
        const g = await gatelabSweep()
        ours.push(g)
        console.log(`sweep of 8, round ${r + 1}: GateLab ${round(g.wallSeconds)} s (${g.fusedStep[0]}, ${g.kernels[0]})`)
      } else {
        const p = torchSweep()
        if ('reason' in p) missing = p
        else theirs.push(p)
        console.log(`sweep of 8, round ${r + 1}: PyTorch ${'reason' in p ? `no figure: ${p.reason}` : `${round(p.wallSeconds)} s (pool ${round(p.poolSeconds)} s)`}`)
      }
    }
  }
  const wall = median(ours.map((o) => o.wallSeconds))
  const torchWall = theirs.length ? median(theirs.map((t) => t.wallSeconds)) : null
  const record = theirs[0]?.record ?? missing?.record
  const row: BenchRow = {
    name: `sweep of 8: LSTM+GRU × 4 seeds, 64u T50 5 epochs, GateLab sweep (${allCores} trainers at once) vs PyTorch pool of ${allCores}`,
    value: round(wall),
    unit: `s wall for all 8 (median of ${rounds} alternating rounds)`,
    ...(torchWall !== null && !missing ? { baseline: round(torchWall), ratio: round(wall / torchWall) } : {}),
    target: '≤ 0.5',
    cores: allCores,
    settings,
    gatelabWallSeconds: ours.map((o) => round(o.wallSeconds)),
    gatelabRunSeconds: ours.map((o) => o.runSeconds),
    fusedStep: [...new Set(ours.flatMap((o) => o.fusedStep))].join(', '),
    fusedKernels: [...new Set(ours.flatMap((o) => o.kernels))].join(', '),
    backend: [...new Set(ours.flatMap((o) => o.backend))].join(', '),
    torchWallSeconds: theirs.map((t) => round(t.wallSeconds)),
    torchPoolSeconds: theirs.map((t) => round(t.poolSeconds)),
    torchRunSeconds: theirs.map((t) => t.runSeconds),
    torchProcesses: allCores,
    ...(missing ? { torchMissing: missing.reason } : {}),
    ...(record ? peerFields(record) : {})
  }
  console.log(
    `${row.name}: GateLab ${row.value} s | PyTorch ${torchWall === null ? '—' : round(torchWall)} s` +
      (row.ratio !== undefined ? ` → ${row.ratio} (${peerLabel(record!)} per process)` : ` (no ratio: ${missing?.reason})`)
  )
  writeRows('training-sweep', [row])
})
