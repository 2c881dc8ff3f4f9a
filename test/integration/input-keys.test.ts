/**
 * Input never reaches code as a key, terminal output escapes user text, lab files are private, exports never
 * overwrite silently, and a killed run keeps what its metrics show (docs/RELIABILITY.md, "Hostile input"). The CLI
 * parts use the built CLI (`npm run build` first).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Store, StoreError } from '../../src/main/store/store'
import { expandSweep } from '../../src/shared/sweep'
import { compareRuns, metricLabel, runKey } from '../../src/shared/comparison'
import { terminalText } from '../../src/main/cli/terminal'
import type { RunDetail } from '../../src/shared/api'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'
import { config, finishInfo, openTemp, points, startInfo, tempDbPath } from '../fixtures/store/helpers'

const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

function gatelab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('names from input are looked up as own properties only', () => {
  it('sort keys: every prototype name is an invalid sort (StoreError invalid; CLI exit 2), never SQL or "internal"', () => {
    const store = openTemp()
    store.createRun({ config: config() })
    for (const name of [...prototypeNames, 'summary:loss:constructor', 'summary:loss:__proto__']) {
      let error: unknown
      try {
        store.listRuns({ sort: name })
      } catch (e) {
        error = e
      }
      expect(error, name).toBeInstanceOf(StoreError)
      expect((error as StoreError).code, name).toBe('invalid')
    }
    // A metric called __proto__ is just a metric name.
    expect(store.listRuns({ sort: 'summary:__proto__:last' }).rows).toHaveLength(1)
    const path = store.path
    store.close()
    const r = gatelab(['runs', '--db', path, '--sort', 'constructor'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Cannot sort runs by "constructor"/)
  })

  it('sweep grid, random and base keys must be run settings: __proto__ is reported, not dropped; constructor gets the right error', () => {
    for (const name of prototypeNames) {
      for (const part of ['grid', 'random', 'base']) {
        const value = part === 'random' ? `{"choice": [1, 2]}` : part === 'grid' ? '[1, 2]' : '1'
        const spec = JSON.parse(`{"${part}": {"${name}": ${value}, "cell": ${part === 'base' ? '"gru"' : part === 'random' ? '{"choice": ["lstm"]}' : '["lstm"]'}}${part === 'random' ? ', "trials": 2' : ''}}`) as unknown
        const result = expandSweep(spec)
        expect(result.ok, `${part}.${name}`).toBe(false)
        if (!result.ok) expect(result.message, `${part}.${name}`).toContain(`"${name}" in ${part} is not a run setting`)
      }
    }
    expect(expandSweep({ grid: { cell: ['lstm', 'gru'], units: [8] } })).toMatchObject({ ok: true })
  })

  it('compareRuns: a metric or group key named like a prototype member is unknown, never "[object Object]"', () => {
    for (const name of prototypeNames) {
      expect(metricLabel(name, 'best')).toBe(`best ${name}`)
    }
    const run = { id: 'r1', config: config(), summary: {}, cell: 'lstm' } as unknown as RunDetail
    for (const name of prototypeNames) expect(runKey(run, name), name).toBeNull()
    const result = compareRuns([run, { ...run, id: 'r2' }], { groupBy: ['constructor'], metric: '__proto__', stat: 'best' })
    expect(result.metricLabel).toBe('best __proto__')
    expect(JSON.stringify(result)).not.toContain('[object Object]')
  })
})

describe('terminal output', () => {
  it('escapes control characters in user text (runs, show)', () => {
    expect(terminalText('a\x1b]0;owned\x07b\x1b[2J\r\u202e')).toBe('a\\e]0;owned\\x07b\\e[2J\\r\\u202e')
    const path = tempDbPath()
    const store = openTemp({}, path)
    const evil = 'evil\x1b]0;owned\x07\x1b[2J name'
    const id = store.createRun({ config: config({ name: evil, notes: 'line one\nline two\x1b[31m red' }) }).id
    store.close()
    for (const args of [['runs', '--db', path], ['show', id, '--db', path]]) {
      const r = gatelab(args)
      expect(r.code, args[0]).toBe(0)
      expect(/[\u0007\u001b]/u.test(r.stdout), args[0]).toBe(false) // eslint-disable-line no-control-regex
      expect(r.stdout, args[0]).toContain('evil\\e]0;owned\\x07\\e[2J name')
    }
    expect(gatelab(['show', id, '--db', path]).stdout).toMatch(/line one\n\s+line two\\e\[31m red/)
  })
})

describe('files', () => {
  it('a new lab is created 0600 in a 0700 folder (and its -wal/-shm 0600)', () => {
    const path = join(tempDir(), 'fresh', 'lab.db')
    const store = Store.open(path, { owner: { kind: 'test' } })
    store.createRun({ config: config() })
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(f).mode & 0o777, f).toBe(0o600)
    store.close()
  })

  it('export and report refuse to overwrite without --force', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    const id = store.createRun({ config: config() }).id
    store.startRun(id, startInfo())
    store.appendMetrics(id, points('loss', 1, 5))
    store.finishRun(id, finishInfo())
    store.close()
    const out = join(tempDir(), 'runs.csv')
    writeFileSync(out, 'precious')
    const refused = gatelab(['export', '--runs', id, '--format', 'csv', '--out', out, '--db', path])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/already exists; add --force/)
    expect(readFileSync(out, 'utf8')).toBe('precious')
    const forced = gatelab(['export', '--runs', id, '--format', 'csv', '--out', out, '--db', path, '--force'])
    expect(forced.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('loss')
    const html = join(tempDir(), 'report.html')
    writeFileSync(html, 'precious')
    const report = gatelab(['report', '--runs', id, '--out', html, '--db', path])
    expect(report.code).toBe(2)
    expect(report.stderr).toMatch(/already exists; add --force/)
    expect(readFileSync(html, 'utf8')).toBe('precious')
  })
})

describe('a killed run', () => {
  it('keeps epochs, steps and best from its recorded metrics (failed by the queue, or interrupted)', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    const perEpoch = (n: number): ReturnType<typeof points> =>
      Array.from({ length: n }, (_, i) => [
        { epoch: i + 1, step: (i + 1) * 10, name: 'loss', value: 1 / (i + 1), wallMs: i },
        { epoch: i + 1, step: (i + 1) * 10, name: 'valLoss', value: i === 40 ? 0.001 : 1 / (i + 1) + 0.01, wallMs: i }
      ]).flat()
    const failed = store.createRun({ config: config() }).id
    store.startRun(failed, startInfo())
    store.appendMetrics(failed, perEpoch(75))
    // What the run queue records when a trainer is killed: no counts of its own.
    store.finishRun(failed, { status: 'failed', error: 'killed', final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 1 })
    expect(store.getRun(failed)).toMatchObject({ epochs: 75, steps: 750, best: { metric: 'valLoss', value: 0.001, epoch: 41 } })
    const orphan = store.createRun({ config: config() }).id
    store.startRun(orphan, startInfo())
    store.appendMetrics(orphan, perEpoch(12))
    store.close() // closing marks the unfinished run interrupted
    const reopened = Store.open(path, { owner: { kind: 'test' } })
    expect(reopened.getRun(orphan)).toMatchObject({ status: 'interrupted', epochs: 12, steps: 120 })
    reopened.close()
    const shown = gatelab(['show', failed, '--db', path])
    expect(shown.stdout).toMatch(/Epochs:\s+75 \(750 steps\)/)
  })
})
