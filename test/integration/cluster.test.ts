/**
 * Sweeps on a real Slurm (scripts/slurm-local.sh: one node, 2 CPUs, MaxArraySize=8, no accounting): submit with
 * `gatelab sweep --slurm`, follow and merge with `gatelab import --wait`, and the ways a task can end. Every trial is
 * tiny (a few epochs of a 4-unit cell), except the two that must still be running when they are cancelled or time out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../../src/main/store/store'
import { pollClusterRuns } from '../../src/main/cluster/watcher'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'
import { slurm, slurmUnavailable } from '../helpers/slurm'

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliEntry, ...args], { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

const tiny = { task: 'adding', seqLen: 6, samples: 64, valSamples: 32, testSamples: 32, units: 4, epochs: 2, batch: 32, lr: 0.01 }

function writeSpec(dir: string, spec: object, name = 'spec.json'): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(spec))
  return path
}

/** Every metric point of a lab, by run: [name, epoch, step, value] rows in order (wall-clock timings, *Ms, left out). */
function metricRows(db: string): Map<string, [string, number, number, number | null][]> {
  const d = new Database(db, { readonly: true })
  const rows = d
    .prepare(
      `select r.id, n.name, m.epoch, m.step, m.value from metrics m join runs r on r.rid = m.run_rid join metric_names n on n.id = m.name_id
       where n.name not like '%Ms' order by r.id, n.name, m.seq`
    )
    .all() as { id: string; name: string; epoch: number; step: number; value: number | null }[]
  d.close()
  const out = new Map<string, [string, number, number, number | null][]>()
  for (const r of rows) {
    if (!out.has(r.id)) out.set(r.id, [])
    out.get(r.id)!.push([r.name, r.epoch, r.step, r.value])
  }
  return out
}

function tableCounts(db: string): Record<string, number> {
  const d = new Database(db, { readonly: true })
  const out: Record<string, number> = {}
  for (const t of ['runs', 'sweeps', 'metrics', 'metric_summary', 'artifacts', 'cluster_runs']) out[t] = d.prepare(`select count(*) from ${t}`).pluck().get() as number
  d.close()
  return out
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** Imports the bundle (in this process, through the store) until the run has metric points in the lab: it is training. */
async function waitUntilTraining(db: string, bundleDir: string, runId: string): Promise<void> {
  // Generous: the other tests' tasks share the node's two CPUs.
  await waitFor(`run ${runId} to train`, async () => {
    const store = Store.open(db, { owner: { kind: 'test' } })
    try {
      await pollClusterRuns(store, [bundleDir])
      const run = store.getRunSummary(runId)
      return run.status === 'running' && (run.summary.batchLoss?.count ?? 0) > 0
    } finally {
      store.close()
    }
  }, 240_000)
}

const skip = slurmUnavailable()

describe.skipIf(skip !== null)('Slurm sweeps (real one-node Slurm)', () => {
  let dir: string
  beforeAll(() => {
    dir = tempDir('gatelab-cluster-')
    if (!existsSync(cliEntry)) throw new Error('Build first: npm run build')
  })
  afterAll(() => {
    // Leave nothing of ours in the queue.
    const mine = slurm('squeue', ['-h', '-o', '%A|%o']).stdout.split('\n').filter((l) => l.includes(dir))
    const ids = [...new Set(mine.map((l) => l.split('|')[0]!))]
    if (ids.length) slurm('scancel', ids)
  })

  it.concurrent('a 20-trial sweep runs as two job arrays and is imported exactly once, with the results of local runs', async () => {
    const base = join(dir, 'twenty')
    const spec = writeSpec(dir, { name: 'twenty', base: tiny, grid: { cell: ['lstm', 'gru'] }, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, 'twenty.json')
    const db = join(dir, 'twenty.db')
    const localDb = join(dir, 'local.db')
    const [submitted, local] = await Promise.all([
      // --nice: the other tests' single tasks go first; these 20 fill the gaps.
      // Two trials per task: 10 tasks, more than MaxArraySize=8, so two arrays.
      cli(['sweep', '--spec', spec, '--slurm', '--parallel', '2', '--per-task', '2', '--sbatch-arg=--nice=100', '--dir', base, '--db', db, '--json']),
      cli(['sweep', '--spec', spec, '--db', localDb, '--concurrency', '1', '--json'])
    ])
    expect(submitted.stderr).toMatch(/20 runs submitted to Slurm as 2 job arrays .*MaxArraySize is 8/)
    expect(submitted.code).toBe(0)
    const out = JSON.parse(submitted.stdout) as { bundleDir: string; arrays: { jobId: string; tasks: number }[]; runs: { id: string; jobId: string; status: string }[] }
    expect(out.arrays.map((a) => a.tasks)).toEqual([8, 2])
    expect(out.runs).toHaveLength(20)
    // The runs are in the lab at once, queued, with their job ids.
    expect(out.runs.every((r) => r.status === 'queued' && /^\d+_\d$/.test(r.jobId))).toBe(true)
    expect(readFileSync(join(out.bundleDir, 'manifest.jsonl'), 'utf8').trim().split('\n')).toHaveLength(20)
    expect(JSON.parse(readFileSync(join(out.bundleDir, 'bundle.json'), 'utf8')).gatelabVersion).toMatch(/^\d+\.\d+\.\d+/)

    // Follow it (importing over and over while the tasks run) until every run is final.
    const followed = await cli(['import', out.bundleDir, '--wait', '--interval', '1', '--db', db, '--json'])
    expect(followed.stderr).toBe('')
    expect(followed.code).toBe(0)
    const report = JSON.parse(followed.stdout)
    expect(report.counts).toEqual({ completed: 20 })

    expect(local.code).toBe(0)
    const localRuns = (JSON.parse(local.stdout) as { runs: { id: string; cell: string; seed: number }[] }).runs
    const store = Store.open(db, { owner: { kind: 'test' } })
    const localStore = Store.open(localDb, { owner: { kind: 'test' } })
    const cluster = metricRows(db)
    const localPoints = metricRows(localDb)
    for (const r of out.runs) {
      const run = store.getRun(r.id)
      const twin = localRuns.find((l) => l.cell === run.cell && l.seed === run.seed)!
      const localRun = localStore.getRun(twin.id)
      // Same engine, same seed: the same numbers, bit for bit.
      expect(run.final!.loss).toBe(localRun.final!.loss)
      expect(run.test).toEqual(localRun.test)
      expect(run.paramCount).toBe(localRun.paramCount)
      expect(cluster.get(r.id)).toEqual(localPoints.get(twin.id))
      expect(run.artifacts.map((a) => [a.name, a.sha256])).toEqual(localRun.artifacts.map((a) => [a.name, a.sha256]))
    }
    localStore.close()
    store.close()

    // Importing again changes nothing.
    const before = tableCounts(db)
    const again = await cli(['import', out.bundleDir, '--db', db, '--json'])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ points: 0, finished: 0, created: 0 })
    expect(tableCounts(db)).toEqual(before)
    expect(metricRows(db)).toEqual(cluster)

    // Laptop + cluster: the bundle copied elsewhere (rsync) and imported into another lab brings the sweep and its
    // runs along, with the same ids and points.
    const copy = join(dir, 'copied-bundle')
    cpSync(out.bundleDir, copy, { recursive: true })
    const laptopDb = join(dir, 'laptop.db')
    const laptop = await cli(['import', copy, '--db', laptopDb, '--json'])
    expect(laptop.code).toBe(0)
    expect(JSON.parse(laptop.stdout)).toMatchObject({ created: 20, finished: 20, counts: { completed: 20 } })
    expect(metricRows(laptopDb)).toEqual(cluster)
    expect((await cli(['import', copy, '--db', laptopDb, '--json'])).stdout).toMatch(/"points":0,"finished":0/)

    // A summary naming an artifact that is not a plain file name in the attempt's folder: the import says it will not
    // read it (not that it is "missing", which waiting would fix) and leaves that run unfinished.
    const tampered = join(dir, 'tampered-bundle')
    cpSync(out.bundleDir, tampered, { recursive: true })
    const victim = out.runs[0]!.id
    const summaryPath = join(tampered, 'results', victim, 'summary.json')
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { artifacts: { name: string }[] }
    summary.artifacts[0]!.name = `../${summary.artifacts[0]!.name}`
    writeFileSync(summaryPath, JSON.stringify(summary))
    const refused = JSON.parse((await cli(['import', tampered, '--db', join(dir, 'tampered.db'), '--json'])).stdout) as { problems: string[]; incomplete: number; counts: Record<string, number> }
    expect(refused.problems).toEqual([expect.stringMatching(new RegExp(`^Run ${victim}: its summary\\.json in .* names an artifact GateLab will not read: The artifact name "\\.\\./\\S+" contains a folder`))])
    expect(refused.problems[0]).not.toMatch(/missing/)
    expect(refused.incomplete).toBe(1)
    expect(refused.counts.completed).toBe(19)
  }, 420_000)

  it.concurrent('a task cancelled with scancel ends cancelled, with the points it trained kept', async () => {
    const spec = writeSpec(dir, { name: 'cancel me', base: { ...tiny, epochs: 100_000 } }, 'cancel.json')
    const db = join(dir, 'cancel.db')
    const submitted = await cli(['sweep', '--spec', spec, '--slurm', '--dir', join(dir, 'cancel'), '--db', db, '--json'])
    expect(submitted.code).toBe(0)
    const out = JSON.parse(submitted.stdout) as { bundleDir: string; runs: { id: string; jobId: string }[] }
    const [run] = out.runs
    await waitUntilTraining(db, out.bundleDir, run!.id)
    expect(slurm('scancel', [run!.jobId]).status).toBe(0)
    const followed = await cli(['import', out.bundleDir, '--wait', '--interval', '1', '--db', db, '--json'])
    expect(followed.code).toBe(1)
    const store = Store.open(db, { owner: { kind: 'test' } })
    const after = store.getRunSummary(run!.id)
    expect(after.status).toBe('cancelled')
    expect(after.error).toMatch(/Cancelled in Slurm/)
    expect(after.summary.batchLoss!.count).toBeGreaterThan(0)
    expect(store.listClusterRuns({ ids: [run!.id] })[0]!.slurmState).toBe('CANCELLED')
    store.close()
    expect(existsSync(join(out.bundleDir, 'results', run!.id, 'summary.json'))).toBe(false)
  }, 300_000)

  it.concurrent('a task whose time limit is too short ends failed with TIMEOUT', async () => {
    const spec = writeSpec(dir, { name: 'too long', base: { ...tiny, epochs: 100_000 } }, 'timeout.json')
    const db = join(dir, 'timeout.db')
    // Slurm's smallest time limit is one minute, checked about once a minute: this test waits one to two minutes.
    const submitted = await cli(['sweep', '--spec', spec, '--slurm', '--time', '00:01:00', '--dir', join(dir, 'timeout'), '--db', db, '--json'])
    expect(submitted.code).toBe(0)
    const out = JSON.parse(submitted.stdout) as { bundleDir: string; runs: { id: string }[] }
    const followed = await cli(['import', out.bundleDir, '--wait', '--interval', '2', '--db', db, '--json'])
    expect(followed.code).toBe(1)
    const store = Store.open(db, { owner: { kind: 'test' } })
    const run = store.getRunSummary(out.runs[0]!.id)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^Slurm: TIMEOUT.*time limit/)
    expect(store.listClusterRuns({ ids: [run.id] })[0]!.slurmState).toBe('TIMEOUT')
    store.close()
  }, 300_000)

  it.concurrent('a requeued task starts its trial over as attempt 1 and nothing is duplicated', async () => {
    // Long enough to be caught while it trains: the whole fused step runs 60 epochs of this model in well under the
    // one-second poll, so a 60-epoch task could finish before it was ever seen running (and be requeued finished).
    const epochs = 2000
    const spec = writeSpec(dir, { name: 'requeue', base: { ...tiny, epochs }, seeds: [7] }, 'requeue.json')
    const db = join(dir, 'requeue.db')
    const submitted = await cli(['sweep', '--spec', spec, '--slurm', '--dir', join(dir, 'requeue'), '--db', db, '--json'])
    expect(submitted.code).toBe(0)
    const out = JSON.parse(submitted.stdout) as { bundleDir: string; runs: { id: string; jobId: string }[] }
    const [run] = out.runs
    await waitUntilTraining(db, out.bundleDir, run!.id)
    expect(slurm('scontrol', ['requeue', run!.jobId]).status).toBe(0)
    // Slurm holds a requeued job back for a while (BeginTime, about two minutes); let it start again now.
    await waitFor('the requeued task to be eligible', () => {
      const [state, reason] = slurm('squeue', ['-h', '-j', run!.jobId, '-o', '%T|%r']).stdout.trim().split('|')
      if (state === 'RUNNING' || (state === 'PENDING' && reason !== 'BeginTime')) return true
      if (state === 'PENDING') slurm('scontrol', ['update', `jobid=${run!.jobId}`, 'StartTime=now'])
      return null
    })
    const followed = await cli(['import', out.bundleDir, '--wait', '--interval', '1', '--db', db, '--json'])
    expect(followed.code).toBe(0)
    const summary = JSON.parse(readFileSync(join(out.bundleDir, 'results', run!.id, 'summary.json'), 'utf8'))
    expect(summary.attempt).toBe(1)
    expect(summary.slurm.restartCount).toBe(1)
    expect(existsSync(join(out.bundleDir, 'results', run!.id, 'attempt-0', 'stopped.json'))).toBe(true)
    const store = Store.open(db, { owner: { kind: 'test' } })
    const after = store.getRun(run!.id)
    expect(after.status).toBe('completed')
    expect(store.listClusterRuns({ ids: [run!.id] })[0]!.attempt).toBe(1)
    store.close()
    // Exactly the second attempt's points: one per line of its metrics file, every epoch's 2 batches of batchLoss.
    expect(tableCounts(db).metrics).toBe(summary.metricLines)
    expect(metricRows(db).get(run!.id)!.filter((p) => p[0] === 'batchLoss')).toHaveLength(epochs * 2)
    expect(tableCounts(db).runs).toBe(1)
    const again = await cli(['import', out.bundleDir, '--db', db, '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ points: 0, finished: 0 })
  }, 300_000)

  describe('bad input', () => {
    it('no sbatch on PATH: exit 2 and a clear message, nothing recorded', async () => {
      const spec = writeSpec(dir, { base: tiny }, 'nosbatch.json')
      const db = join(dir, 'nosbatch.db')
      const r = await cli(['sweep', '--spec', spec, '--slurm', '--db', db], { ...process.env, PATH: join(dir, 'empty-path') })
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^gatelab: Slurm is not available: sbatch, squeue, scontrol, scancel are not on PATH/)
      expect(existsSync(db)).toBe(false)
    })

    it("unknown partition: exit 2 with Slurm's own message, nothing submitted or recorded", async () => {
      const spec = writeSpec(dir, { base: tiny }, 'partition.json')
      const db = join(dir, 'partition.db')
      const r = await cli(['sweep', '--spec', spec, '--slurm', '--partition', 'no-such-partition', '--dir', join(dir, 'partition'), '--db', db])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/Slurm refused the job: invalid partition specified: no-such-partition\. Nothing was submitted/i)
      expect(tableCounts(db)).toMatchObject({ runs: 0, sweeps: 0 })
      expect(existsSync(join(dir, 'partition'))).toBe(false)
    })

    it('a spec too large for the submit limits is refused before anything is submitted', async () => {
      const lrs = Array.from({ length: 60 }, (_, i) => 0.001 * (i + 1))
      const spec = writeSpec(dir, { name: 'huge', base: tiny, grid: { lr: lrs }, seeds: Array.from({ length: 100 }, (_, i) => i) }, 'huge.json')
      const db = join(dir, 'huge.db')
      const r = await cli(['sweep', '--spec', spec, '--slurm', '--dir', join(dir, 'huge'), '--db', db])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/needs 6000 array tasks .*MaxJobCount=5000.*--per-task \d+ or more.*Nothing was submitted/)
      expect(tableCounts(db)).toMatchObject({ runs: 0, sweeps: 0 })
      expect(slurm('squeue', ['-h', '--states=all', '-o', '%j']).stdout).not.toMatch(/gatelab-huge/)
      expect(existsSync(join(dir, 'huge'))).toBe(false)
    })

    it('a bundle folder the nodes cannot read: its runs fail with that reason instead of staying queued', async () => {
      const spec = writeSpec(dir, { base: tiny, seeds: [1, 2] }, 'unreadable.json')
      const db = join(dir, 'unreadable.db')
      const submitted = await cli(['sweep', '--spec', spec, '--slurm', '--sbatch-arg=--hold', '--dir', join(dir, 'unreadable'), '--db', db, '--json'])
      expect(submitted.code).toBe(0)
      const out = JSON.parse(submitted.stdout) as { bundleDir: string; arrays: { jobId: string }[]; runs: { id: string }[] }
      // The folder vanishes from under the nodes (an unmounted or private file system) before the tasks start.
      renameSync(out.bundleDir, `${out.bundleDir}.gone`)
      expect(slurm('scontrol', ['release', out.arrays[0]!.jobId]).status).toBe(0)
      const store = Store.open(db, { owner: { kind: 'test' } })
      try {
        await waitFor('the runs to fail', async () => {
          await pollClusterRuns(store)
          return out.runs.every((r) => store.getRunSummary(r.id).status === 'failed')
        })
        for (const r of out.runs) expect(store.getRunSummary(r.id).error).toMatch(/Slurm: FAILED.*cannot be read \(ENOENT\).*file system the nodes share/)
      } finally {
        store.close()
      }
    }, 120_000)
  })
})
