/**
 * Durability across processes: a real child process writes through the Store as a host does and is SIGKILLed in the
 * middle of writing metrics; another keeps a run alive while this process opens the same file. The child is the real
 * Store bundled for plain Node (test/fixtures/store/writer.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../../src/main/store/store'
import { bundleForNode } from '../fixtures/store/bundle'
import { tempDbPath } from '../fixtures/store/helpers'
import { BATCH } from '../fixtures/store/writer.constants'

let writer: string
const children: ChildProcess[] = []

beforeAll(async () => {
  writer = await bundleForNode(join(__dirname, '..', 'fixtures', 'store', 'writer.ts'))
})

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

interface Started {
  child: ChildProcess
  runId: string
  exited: Promise<NodeJS.Signals | null>
  /** Points the child has reported as committed. */
  committed: () => number
}

async function startWriter(dbPath: string, mode: 'write' | 'hold'): Promise<Started> {
  const child = fork(writer, [dbPath, mode], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  children.push(child)
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t))
  let committed = 0
  // 'close', not 'exit': it comes after every message the child sent before it died has been delivered, so
  // committed() is then exactly the last commit the child reported.
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)))
  const runId = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type: string; runId?: string; points?: number }) => {
      if (m.type === 'started') resolve(m.runId!)
      if (m.type === 'committed') committed = m.points!
    })
    void exited.then(() => reject(new Error(`writer exited early: ${stderr}`)))
  })
  return { child, runId, exited, committed: () => committed }
}

async function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('a host killed in the middle of writing metrics', () => {
  it('leaves a sound file with every committed batch, and its run becomes interrupted once its owner is gone', async () => {
    const dbPath = tempDbPath()
    const w = await startWriter(dbPath, 'write')
    await until(() => w.committed() >= 20_000)
    w.child.kill('SIGKILL')
    expect(await w.exited).toBe('SIGKILL')
    const reported = w.committed()

    // Right after the kill the owner's heartbeat is still fresh: the run is not declared dead yet (a live owner in
    // another pid namespace would look exactly like this).
    const early = Store.open(dbPath, { owner: { kind: 'test' } })
    expect(early.integrityCheck()).toEqual(['ok'])
    expect(early.getRun(w.runId).status).toBe('running')
    early.close()

    // Once the heartbeat is older than the limit and the pid is dead, opening recovers the run. The writer never beats
    // after opening; on a fast machine it may have written for less than the limit, so wait the limit out first.
    await new Promise((r) => setTimeout(r, 250))
    const store = Store.open(dbPath, { owner: { kind: 'test' }, staleAfterMs: 200 })
    const run = store.getRun(w.runId)
    expect(run.status).toBe('interrupted')
    expect(run.error).toMatch(/Interrupted: GateLab test process \d+ on .* stopped before the run finished/)
    expect(run.endedAt).not.toBeNull()

    const full = store.getFullSeries(w.runId)
    // Every reported commit is there; at most the batch in flight at the kill committed without being reported.
    expect(reported).toBeGreaterThanOrEqual(20_000)
    expect(full.length).toBeGreaterThanOrEqual(reported)
    expect(full.length).toBeLessThanOrEqual(reported + BATCH)
    // Batches are atomic: whole batches only, in order, and the summary agrees with the rows.
    expect(full.length % BATCH).toBe(0)
    expect(full.map((p) => p.step)).toEqual(Array.from({ length: full.length }, (_, i) => i + 1))
    expect(run.summary.loss).toMatchObject({ count: full.length, lastStep: full.length, max: 1, maxStep: 1 })
    store.close()

    const raw = new Database(dbPath, { readonly: true })
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(raw.pragma('foreign_key_check')).toEqual([])
    raw.close()
  })
})

describe('a run another live process is training', () => {
  it('is never marked interrupted, however stale the limit; it is once that process dies', async () => {
    const dbPath = tempDbPath()
    const h = await startWriter(dbPath, 'hold')
    const store = Store.open(dbPath, { owner: { kind: 'app' }, staleAfterMs: 0 })
    expect(store.getRun(h.runId).status).toBe('running')
    expect(store.heartbeat()).toEqual([])
    expect(store.getRun(h.runId).owner).toMatchObject({ pid: h.child.pid, kind: 'test' })

    h.child.kill('SIGKILL')
    await h.exited
    expect(store.heartbeat()).toEqual([h.runId])
    expect(store.getRun(h.runId).status).toBe('interrupted')
    store.close()
  })
})
