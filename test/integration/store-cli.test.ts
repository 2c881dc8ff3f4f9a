/**
 * `gatelab runs` and `gatelab show` through the built CLI (out/main/cli.js; `npm run build` first) on a real lab file
 * written with the Store: the JSON contract, the human output, and bad input (exit 2, one line, no stack trace).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'
import { config, finishInfo, openTemp, points, startInfo, tempDbPath } from '../fixtures/store/helpers'

function gatelab(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function makeLab(): { path: string; done: string; queued: string } {
  const path = tempDbPath()
  const store = openTemp({}, path)
  const done = store.createRun({ config: config({ name: 'lstm baseline', cell: 'lstm', tags: ['cli'] }) }).id
  store.startRun(done, startInfo({ paramCount: 4353 }))
  store.appendMetrics(done, [...points('loss', 1, 20), ...points('valLoss', 1, 5, (s) => 0.5 / s)])
  store.addArtifact(done, { kind: 'weights', name: 'weights.bin', mediaType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]) })
  store.setNotes(done, 'looks right')
  store.finishRun(done, finishInfo())
  const queued = store.createRun({ config: config({ name: 'gru next', cell: 'gru' }) }).id
  store.close()
  return { path, done, queued }
}

describe('gatelab runs', () => {
  it('--json prints an array of runs with id, name, status, cell, createdAt, paramCount and summary', () => {
    const lab = makeLab()
    const r = gatelab(['runs', '--db', lab.path, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[]
    expect(rows.map((x) => x.id)).toEqual([lab.queued, lab.done]) // newest first
    const done = rows[1]!
    expect(done).toMatchObject({ id: lab.done, name: 'lstm baseline', status: 'completed', cell: 'lstm', paramCount: 4353, tags: ['cli'] })
    expect(Date.parse(done.createdAt as string)).toBeGreaterThan(0)
    expect(done.summary).toMatchObject({ loss: { count: 20, last: 1 / 20 }, valLoss: { min: 0.1, minStep: 5 } })
    // Still queued when the store that created it closed: nobody will train it, so it reads as interrupted.
    expect(rows[0]).toMatchObject({ status: 'interrupted', paramCount: null, summary: {} })
  })

  it('filters, and prints a table a person can read', () => {
    const lab = makeLab()
    const filtered = JSON.parse(gatelab(['runs', '--db', lab.path, '--json', '--status', 'completed']).stdout) as { id: string }[]
    expect(filtered.map((x) => x.id)).toEqual([lab.done])
    const table = gatelab(['runs', '--db', lab.path])
    expect(table.code).toBe(0)
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+CELL\s+TASK\s+PARAMS\s+RESULT\s+SKILL\s+CREATED\s+NAME$/)
    expect(lines[2]).toContain(lab.done)
    expect(lines[2]).toMatch(/completed\s+lstm\s+adding\s+4,353\s+valLoss 0\.1000/)
    expect(gatelab(['runs', '--db', lab.path, '--search', 'nothing like this']).stdout).toContain('No runs match.')
  })

  it('refuses bad input with exit 2 and one line on stderr', () => {
    const lab = makeLab()
    const missing = join(tempDir(), 'typo.db')
    const notSqlite = join(tempDir(), 'notes.txt')
    writeFileSync(notSqlite, 'hello\n'.repeat(100))
    for (const [args, message] of [
      [['runs', '--db', missing], /no GateLab database at .*typo\.db/],
      [['runs', '--db', notSqlite], /not an SQLite database/],
      [['runs', '--db', lab.path, '--status', 'paused'], /--status must be one of/],
      [['runs', '--db', lab.path, '--sort', 'bogus'], /Cannot sort runs by "bogus"/],
      [['runs', '--db', lab.path, '--limit', '0'], /--limit must be a whole number/],
      [['runs', '--db', lab.path, '--frobnicate'], /Unknown option/]
    ] as const) {
      const r = gatelab([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/)
    }
    expect(existsSync(missing)).toBe(false) // listing never creates a database
  })
  it('writes its whole output into a pipe (no cut at 64 KiB), and stops quietly when the reader closes it early', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    for (let i = 0; i < 300; i++) store.createRun({ config: config({ name: `run ${i}`, cell: i % 2 ? 'gru' : 'lstm', tags: ['pipe'] }) })
    store.close()
    // `gatelab runs --json | jq`: a reader slower than the writer fills the pipe's 64 KiB buffer, so the rest waits in
    // Node's queue; exiting before it drained cut the JSON off there.
    const piped = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${cliEntry}" runs --db "${path}" --json --limit 300 | (sleep 0.5; cat)`], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20
    })
    expect(piped.stderr).toBe('')
    expect(piped.status).toBe(0)
    expect(piped.stdout.length).toBeGreaterThan(128 * 1024)
    expect(JSON.parse(piped.stdout)).toHaveLength(300)
    // `gatelab runs --json | head -c 100`: no EPIPE stack trace, exit 0.
    const early = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${cliEntry}" runs --db "${path}" --json --limit 300 | head -c 100 > /dev/null`], { encoding: 'utf8' })
    expect(early.stderr).toBe('')
    expect(early.status).toBe(0)
  })
})

describe('gatelab show', () => {
  it('shows one run by id or unique prefix, as JSON with its config and summary, or as text', () => {
    const lab = makeLab()
    const json = gatelab(['show', lab.done, '--db', lab.path, '--json'])
    expect(json.code).toBe(0)
    const run = JSON.parse(json.stdout) as Record<string, unknown>
    expect(run).toMatchObject({ id: lab.done, status: 'completed', notes: 'looks right', config: { cell: 'lstm', name: 'lstm baseline', seed: 42 } })
    expect(run.summary).toMatchObject({ valLoss: { min: 0.1 } })
    expect(run.artifacts).toMatchObject([{ name: 'weights.bin', bytes: 3 }])

    const text = gatelab(['show', lab.done.slice(0, 18), '--db', lab.path])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`Run:         ${lab.done}`)
    expect(text.stdout).toMatch(/Status:\s+completed/)
    expect(text.stdout).toMatch(/valLoss\s+5\s+0\.1000\s+0\.1000 @5\s+0\.5000 @1/)
    expect(text.stdout).toContain('weights.bin (weights, application/octet-stream, 3 bytes')
    expect(text.stdout).toContain('"units": 32')
  })

  it('an unknown run, an ambiguous prefix or no id at all is bad input (exit 2)', () => {
    const lab = makeLab()
    for (const [args, message] of [
      [['show', '19990101-000000-aaaa', '--db', lab.path], /no run "19990101-000000-aaaa"/],
      [['show', lab.done.slice(0, 4), '--db', lab.path], /matches several runs/],
      [['show', '--db', lab.path], /give exactly one run id/]
    ] as const) {
      const r = gatelab([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(message)
    }
  })
})
