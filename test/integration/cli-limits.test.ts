/**
 * `gatelab train` and `gatelab sweep` refuse a run whose estimate is above the memory limit (issue 19, item 4): exit 2,
 * a message with the estimate, the limit and what to shrink, and nothing created in the lab. `gatelab settings` sets
 * the lab's limit; `--memory-limit` overrides it for one command.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { cliEntry, repoRoot, tempDir } from '../helpers/host'

const run = (args: string[]) => spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8' })

function runCount(db: string): number {
  const store = Store.open(db, { owner: { kind: 'cli' } })
  try {
    return store.listRuns({}).total
  } finally {
    store.close()
  }
}

describe('gatelab train / sweep: limits before a run starts', () => {
  it('refuses the issue’s huge run with exit 2, the estimate, the limit and what to shrink', () => {
    const db = join(tempDir(), 'lab.db')
    const r = run(['train', '--seq-len', '2000', '--units', '2048', '--db', db, '--json'])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^gatelab: This run needs about [\d.]+ GiB of memory \(activations kept for backpropagation through time/)
    expect(r.stderr).toMatch(/above the limit of [\d.]+ GiB \(half of this machine’s memory; raise it with --memory-limit SIZE\)/)
    expect(r.stderr).toMatch(/Shrink --units, --seq-len/)
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(runCount(db)).toBe(0)
  })

  it('checks against --memory-limit, and against the lab’s setting from `gatelab settings`', () => {
    const db = join(tempDir(), 'lab.db')
    const small = ['train', '--samples', '200', '--epochs', '1', '--db', db]
    const low = run([...small, '--memory-limit', '50M'])
    expect(low.status).toBe(2)
    expect(low.stderr).toMatch(/above the limit of 50.0 MiB \(--memory-limit\)/)
    expect(run([...small, '--memory-limit', 'lots']).stderr).toMatch(/--memory-limit must be a size such as 8G/)

    const set = run(['settings', '--memory-limit', '60M', '--db', db, '--json'])
    expect(set.status).toBe(0)
    expect(JSON.parse(set.stdout).memoryLimit).toEqual({ bytes: 60 * 2 ** 20, source: 'setting' })
    const bySetting = run(small)
    expect(bySetting.status).toBe(2)
    expect(bySetting.stderr).toMatch(/above the limit of 60.0 MiB \(the lab’s memory-limit setting\)/)
    expect(run(['settings', '--memory-limit', 'default', '--db', db]).stdout).toMatch(/memory limit: [\d.]+ GiB \(the default: half of this machine’s memory\)/)
    expect(runCount(db)).toBe(0)
  })

  it('refuses a sweep before anything is created when one of its runs is too large', () => {
    const dir = tempDir()
    const db = join(dir, 'lab.db')
    const spec = join(dir, 'sweep.json')
    writeFileSync(spec, JSON.stringify({ base: { task: 'adding', seqLen: 1000, epochs: 1 }, grid: { units: [8, 1024] }, seeds: [1, 2] }))
    const r = run(['sweep', '--spec', spec, '--db', db, '--memory-limit', '2G'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^gatelab: This run \(run 3 of 4: lstm, 1024 units\) needs about [\d.]+ GiB of memory .* above the limit of 2.00 GiB \(--memory-limit\)\. Shrink --units/)
    expect(runCount(db)).toBe(0)
  })
})
