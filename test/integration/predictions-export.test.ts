/**
 * Predictions as data (issue 16, item 8) through the built CLI on real runs: `gatelab export RUN --format predictions`
 * writes the test split as CSV in the data's original units, and its numbers are the stored ones — persistence's
 * RMSE recomputed from the CSV equals the stored persistence RMSE in ppm that `show --json` reports, and so does every
 * other baseline's and the run's own; persistence is the previous row's value; dates are dates. Built-in tasks export
 * with their own baselines (adding: training mean, one value); classification with classes, the predicted class's
 * probability and the majority class. Exit codes and --force follow the rest of `export`.
 * Needs `npm run build` (the CLI and the trainer bundle).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const gatelab = (args: string[]) => {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, GATELAB_DEBUG: '' } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

interface Csv {
  header: string[]
  rows: string[][]
  column(name: string): number[]
}
function readCsv(path: string): Csv {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n')
  const header = head!.split(',')
  const rows = lines.map((l) => l.split(','))
  return {
    header,
    rows,
    column(name) {
      const k = header.indexOf(name)
      if (k < 0) throw new Error(`no column "${name}" in ${header.join(', ')}`)
      return rows.map((r) => Number(r[k]))
    }
  }
}
const rmse = (a: number[], b: number[]): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length)

interface Shown {
  baselines: {
    windows: { test: number }
    target?: { name: string; unit: string | null }
    entries: { id: string; label: string; test: { mse?: number; acc?: number }; original?: { test: { rmse: number } } }[]
    run: { test: { mse?: number; acc?: number }; original?: { test: { rmse: number } } }
  }
}

describe('gatelab export RUN --format predictions', () => {
  const dir = tempDir()
  const db = join(dir, 'lab.db')
  const ids: Record<'co2' | 'adding' | 'order', string> = { co2: '', adding: '', order: '' }
  const trainRun = (args: string[]): string => {
    const r = gatelab(['train', ...args, '--units', '6', '--epochs', '1', '--seed', '3', '--db', db, '--json'])
    expect(r.status, r.stderr).toBe(0)
    return (JSON.parse(r.stdout) as { runId: string }).runId
  }
  const show = (id: string): Shown => JSON.parse(gatelab(['show', id, '--db', db, '--json']).stdout) as Shown

  beforeAll(() => {
    if (!existsSync(cliEntry)) throw new Error(`No built CLI at ${cliEntry}: run \`npm run build\` before the tests`)
    ids.co2 = trainRun(['--task', 'data:co2-concentration', '--lookback', '12', '--engine', 'fused'])
    ids.adding = trainRun(['--task', 'adding', '--seq-len', '8', '--samples', '128', '--val-samples', '32', '--test-samples', '40'])
    ids.order = trainRun(['--task', 'order', '--seq-len', '8', '--samples', '128', '--val-samples', '32', '--test-samples', '48'])
  }, 240_000)

  it('a bundled series: dates, ppm in the header, every column in original units with the stored errors', () => {
    const out = join(dir, 'co2.csv')
    const r = gatelab(['export', ids.co2, '--format', 'predictions', '--out', out, '--db', db])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(out)
    const csv = readCsv(out)
    const shown = show(ids.co2).baselines
    expect(csv.header.slice(0, 3)).toEqual(['Date', 'CO2 [ppm]', 'prediction [ppm]'])
    const labels = shown.entries.filter((e) => e.original).map((e) => `${e.label} [ppm]`)
    expect(csv.header.slice(3)).toEqual(labels)
    expect(labels).toContain('persistence [ppm]')
    expect(csv.rows).toHaveLength(shown.windows.test)
    // Dates, in order, monthly.
    const dates = csv.rows.map((row) => row[0]!)
    dates.forEach((d) => expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/))
    expect([...dates].sort()).toEqual(dates)
    // Original units: CO₂ at Mauna Loa in the test years is far above 300 ppm (z-scores would be near 0).
    const truth = csv.column('CO2 [ppm]')
    expect(Math.min(...truth)).toBeGreaterThan(300)
    // Persistence: each row's forecast is the previous row's value (lookback window ends at the previous row).
    const persistence = csv.column('persistence [ppm]')
    for (let i = 1; i < truth.length; i++) expect(persistence[i]!).toBeCloseTo(truth[i - 1]!, 3)
    // Each baseline's RMSE from the CSV is the stored one `show --json` reports in ppm, and so is the run's.
    for (const e of shown.entries.filter((x) => x.original)) {
      const fromCsv = rmse(csv.column(`${e.label} [ppm]`), truth)
      expect(Math.abs(fromCsv / e.original!.test.rmse - 1), e.label).toBeLessThan(1e-5)
    }
    const run = rmse(csv.column('prediction [ppm]'), truth)
    expect(Math.abs(run / shown.run.original!.test.rmse - 1)).toBeLessThan(1e-4)
  })

  it('built-in tasks: the task’s own baselines (adding), classes and probabilities (order)', () => {
    const adding = join(dir, 'adding.csv')
    expect(gatelab(['export', '--runs', ids.adding, '--format', 'predictions', '--out', adding, '--db', db]).status).toBe(0)
    const a = readCsv(adding)
    expect(a.header).toEqual(['sequence', 'target', 'prediction', 'training mean', 'one value'])
    expect(a.rows).toHaveLength(40)
    const shownAdding = show(ids.adding).baselines
    for (const e of shownAdding.entries.filter((x) => x.id === 'mean' || x.id === 'oneValue')) {
      expect(rmse(a.column(e.label), a.column('target')) ** 2).toBeCloseTo(e.test.mse!, 5)
    }
    expect(rmse(a.column('prediction'), a.column('target')) ** 2).toBeCloseTo(shownAdding.run.test.mse!, 4)

    const order = join(dir, 'order.csv')
    expect(gatelab(['export', ids.order, '--format', 'predictions', '--out', order, '--db', db]).status).toBe(0)
    const o = readCsv(order)
    expect(o.header).toEqual(['sequence', 'target class', 'predicted class', 'probability', 'majority class'])
    expect(o.rows).toHaveLength(48)
    const [target, predicted, probability] = [o.column('target class'), o.column('predicted class'), o.column('probability')]
    probability.forEach((p) => expect(p).toBeGreaterThanOrEqual(1 / 4 - 1e-6))
    const acc = target.filter((t, i) => t === predicted[i]).length / target.length
    expect(acc).toBeCloseTo(show(ids.order).baselines.run.test.acc!, 6)
  })

  it('exit codes: refuses to overwrite without --force, one run at a time, unknown runs; --out defaults to a name', () => {
    const out = join(dir, 'again.csv')
    writeFileSync(out, 'keep me\n')
    const refused = gatelab(['export', ids.adding, '--format', 'predictions', '--out', out, '--db', db])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toMatch(/again\.csv already exists; add --force to overwrite it/)
    expect(readFileSync(out, 'utf8')).toBe('keep me\n')
    expect(gatelab(['export', ids.adding, '--format', 'predictions', '--out', out, '--db', db, '--force']).status).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^sequence,target,prediction/)

    const two = gatelab(['export', '--runs', `${ids.adding},${ids.order}`, '--format', 'predictions', '--out', join(dir, 'two.csv'), '--db', db])
    expect(two.status).toBe(2)
    expect(two.stderr).toMatch(/one run at a time/)
    const unknown = gatelab(['export', 'no-such-run', '--format', 'predictions', '--out', join(dir, 'none.csv'), '--db', db])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/no-such-run/)
    expect(existsSync(join(dir, 'none.csv'))).toBe(false)

    const named = spawnSync(process.execPath, [cliEntry, 'export', ids.order, '--format', 'predictions', '--db', db], { cwd: dir, encoding: 'utf8' })
    expect(named.status, named.stderr).toBe(0)
    expect(existsSync(join(dir, `gatelab-${ids.order}-predictions.csv`))).toBe(true)
  })
})
