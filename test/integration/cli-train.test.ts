/**
 * `gatelab train` as a researcher runs it: a real CLI process, a real trainer process, a real SQLite file.
 */
import { describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const tiny = ['--task', 'adding', '--seq-len', '8', '--samples', '256', '--val-samples', '64', '--test-samples', '64', '--units', '6', '--epochs', '2']
const run = (args: string[]) => spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8' })

describe('gatelab train', () => {
  it('trains, records the run, and prints exactly one JSON object with --json', () => {
    const db = join(tempDir(), 'lab.db')
    const result = run(['train', ...tiny, '--cell', 'gru', '--seed', '11', '--clip', '1', '--db', db, '--json'])
    expect(result.status).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const out = JSON.parse(lines[0]!)
    expect(out).toMatchObject({ status: 'completed', cell: 'gru', seed: 11, epochs: 2, backend: expect.stringMatching(/wasm|cpu|tensorflow/) })
    expect(out.paramCount).toBeGreaterThan(0)
    expect(out.durationMs).toBeGreaterThan(0)
    for (const key of ['loss', 'valLoss', 'testLoss']) expect(out.final[key]).toBeTypeOf('number')
    expect(out.best).toMatchObject({ valLoss: expect.any(Number), epoch: expect.any(Number) })
    // The progress bar went to stderr, never into the JSON.
    expect(result.stderr).toMatch(/epoch \d\/2 .*loss/)

    const store = Store.open(db, { owner: { kind: 'test' } })
    const stored = store.getRun(out.runId)
    expect(stored.status).toBe('completed')
    expect(stored.config).toMatchObject({ cell: 'gru', seed: 11, clip: 1, units: 6 })
    expect(stored.summary.valLoss?.last).toBeCloseTo(out.final.valLoss, 10)
    expect(stored.artifacts.map((a) => a.name)).toEqual(expect.arrayContaining(['model.json', 'weights.bin']))
    store.close()
  })

  it('is reproducible: the same seed gives the same metrics', () => {
    const db = join(tempDir(), 'lab.db')
    const a = JSON.parse(run(['train', ...tiny, '--seed', '5', '--db', db, '--json']).stdout)
    const b = JSON.parse(run(['train', ...tiny, '--seed', '5', '--db', db, '--json']).stdout)
    expect(b.runId).not.toBe(a.runId)
    // Every metric but wall time (epochMs) must match exactly.
    const { epochMs: _a, ...metricsA } = a.final
    const { epochMs: _b, ...metricsB } = b.final
    expect(metricsB).toEqual(metricsA)
    expect(Object.keys(metricsA).length).toBeGreaterThan(4)
  })

  it('exits 2 with one line and writes nothing for bad input', () => {
    const dir = tempDir()
    const db = join(dir, 'lab.db')
    for (const [args, message] of [
      [['--units', '0'], /invalid settings: units/],
      [['--cell', 'lstmm'], /invalid settings: cell/],
      [['--task', 'csv:' + join(dir, 'missing.csv'), '--target', 'y'], /missing\.csv/],
      [['--epochs'], /--epochs/]
    ] as const) {
      const result = run(['train', ...args, '--db', db])
      expect(result.status).toBe(2)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+/)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('exits 1 and records why when training diverges', () => {
    const db = join(tempDir(), 'lab.db')
    const result = run(['train', ...tiny, '--lr', '10', '--optimizer', 'sgd', '--momentum', '0.99', '--units', '16', '--epochs', '20', '--db', db, '--json'])
    expect(result.status).toBe(1)
    const out = JSON.parse(result.stdout)
    expect(out.status).toBe('failed')
    expect(out.error).toMatch(/NaN|infinite|diverg/i)
  })

  it('keeps every metric written before the host was killed (SIGKILL mid-training)', async () => {
    const db = join(tempDir(), 'lab.db')
    // 100,000 epochs (the most allowed): the run cannot complete before the kill, however fast the engine or slow the poll.
    const child = spawn(process.execPath, [cliEntry, 'train', ...tiny, '--samples', '4096', '--epochs', '100000', '--db', db], { cwd: repoRoot, stdio: 'ignore' })
    const reader = await waitForMetrics(db)
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    const before = reader.getRun(reader.listRuns({}).rows[0]!.id).summary.batchLoss!.count
    reader.close()

    // Reopening marks the run interrupted (its owner is dead), keeps its metrics, and the file is intact.
    const store = Store.open(db, { owner: { kind: 'test' }, staleAfterMs: 0 })
    expect(store.integrityCheck()).toEqual(['ok'])
    const runAfter = store.getRun(store.listRuns({}).rows[0]!.id)
    expect(runAfter.status).toBe('interrupted')
    expect(runAfter.summary.batchLoss!.count).toBeGreaterThanOrEqual(before)
    expect(store.getFullSeries(runAfter.id, ['batchLoss']).length).toBe(runAfter.summary.batchLoss!.count)
    store.close()
  })
})

async function waitForMetrics(db: string): Promise<Store> {
  const start = Date.now()
  while (Date.now() - start < 60_000) {
    if (existsSync(db)) {
      const store = Store.open(db, { owner: { kind: 'test' } })
      const row = store.listRuns({}).rows[0]
      if (row && (row.summary.batchLoss?.count ?? 0) >= 20) return store
      store.close()
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('no metrics within 60 s')
}
