/**
 * `gatelab compare` knows the floor (issue 16), through the CLI on data the test makes, with real trainer processes:
 * - a random walk, where persistence is the best forecast there is: compare must say first that neither cell beats
 *   it (text and --json), prefix the ranking with that, and `show --json` must give negative skill;
 * - a sine plus noise, where the cells must win: both runs' skill against persistence is positive.
 * Also the small-split setting: --min-split-windows changes the figure `inspect-csv` warns at, and a bad value is a
 * usage error (exit 2) naming the flag.
 */
import { describe, expect, it, beforeAll } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRng } from '../../src/shared/random'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } })

function train(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, 'train', ...args, '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { runId: string }).runId) : reject(new Error(`train exited ${code}: ${out}`))))
  })
}

describe('gatelab compare against the baselines', () => {
  const dir = tempDir('gatelab-floor-')
  const db = join(dir, 'lab.db')
  const walk: string[] = []
  const sine: string[] = []

  beforeAll(async () => {
    const rng = createRng(7)
    let v = 0
    const w = ['t,level']
    for (let i = 0; i < 400; i++) w.push(`${i},${(v += rng.normal()).toFixed(4)}`)
    writeFileSync(join(dir, 'walk.csv'), w.join('\n') + '\n')
    const s = ['t,y']
    for (let i = 0; i < 900; i++) s.push(`${i},${(Math.sin((2 * Math.PI * i) / 12) + 0.1 * rng.normal()).toFixed(4)}`)
    writeFileSync(join(dir, 'sine.csv'), s.join('\n') + '\n')
    const common = ['--time', 't', '--units', '8', '--epochs', '2', '--engine', 'fused', '--db', db]
    // Two trainers at a time: the machine has two cores.
    for (const seed of [1, 2]) walk.push(...(await Promise.all(['lstm', 'gru'].map((cell) => train([...common, '--task', `csv:${join(dir, 'walk.csv')}`, '--lookback', '8', '--epochs', '12', '--lr', '0.01', '--cell', cell, '--seed', String(seed)])))))
    sine.push(
      ...(await Promise.all(['lstm', 'gru'].map((cell) => train([...common, '--task', `csv:${join(dir, 'sine.csv')}`, '--lookback', '12', '--units', '16', '--epochs', '4', '--lr', '0.01', '--cell', cell, '--seed', '1'])))))
  }, 180_000)

  it('on a random walk: neither cell beats persistence, said before any ranking, in text and JSON', () => {
    const text = cli(['compare', '--runs', walk.join(','), '--db', db])
    expect(text.status).toBe(0)
    const lines = text.stdout.split('\n')
    const floorLine = lines.findIndex((l) => /^Neither GRU nor LSTM beats (persistence|AR\(8\)) on this data/.test(l))
    expect(floorLine, text.stdout).toBeGreaterThan(0)
    const ranking = lines.findIndex((l) => l.startsWith('GRU vs LSTM:'))
    expect(ranking).toBeGreaterThan(floorLine)
    expect(lines[ranking]).toMatch(/^GRU vs LSTM: Neither GRU nor LSTM beats .*, so this only orders two models worse than a baseline\. Between them:/)
    const json = JSON.parse(cli(['compare', '--runs', walk.join(','), '--db', db, '--json']).stdout) as { floor: { headline: string; groups: Array<{ status: string; better: number; n: number }> } }
    expect(json.floor.headline).toMatch(/^Neither GRU nor LSTM beats/)
    for (const g of json.floor.groups) expect(g).toMatchObject({ status: 'worse', better: 0, n: 2 })
    for (const id of walk) {
      const shown = JSON.parse(cli(['show', id, '--db', db, '--json']).stdout) as { skill: { test: { vsPersistence: number } } }
      expect(shown.skill.test.vsPersistence).toBeLessThan(0)
    }
  })

  it('on a sine plus noise: both cells beat persistence (positive skill on the test split)', () => {
    for (const id of sine) {
      const shown = JSON.parse(cli(['show', id, '--db', db, '--json']).stdout) as { skill: { test: { vsPersistence: number } } }
      expect(shown.skill.test.vsPersistence).toBeGreaterThan(0.3)
    }
    const json = JSON.parse(cli(['compare', '--runs', sine.join(','), '--db', db, '--json']).stdout) as { floor: { headline: string } }
    expect(json.floor.headline).not.toMatch(/plateau/)
  })

  it('--min-split-windows sets the small-split figure (flag or variable); a bad value names the flag', () => {
    const file = join(dir, 'walk.csv')
    // 400 rows, lookback 8: 52 validation and 52 test windows.
    expect(cli(['inspect-csv', file, '--target', 'level', '--lookback', '8']).stdout).not.toMatch(/few windows/)
    expect(cli(['inspect-csv', file, '--target', 'level', '--lookback', '8', '--min-split-windows', '60']).stdout).toMatch(/warning: few windows \(validation 52, test 52; fewer than 60/)
    expect(cli(['inspect-csv', file, '--target', 'level', '--lookback', '8'], { GATELAB_MIN_SPLIT_WINDOWS: '53' }).stdout).toMatch(/fewer than 53/)
    const bad = cli(['inspect-csv', file, '--min-split-windows', 'many'])
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim()).toBe('gatelab: --min-split-windows must be a whole number of windows from 1 to 1000000 (not "many")')
  })
})
