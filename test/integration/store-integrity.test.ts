/**
 * A damaged lab is caught before anything writes (docs/RELIABILITY.md): the open check refuses a file damaged in its
 * middle and leaves it byte-for-byte unchanged (sha256 of the file and its -wal before and after); corruption met
 * later stops every further write of that store; `salvage` (gatelab doctor) copies what is readable into a new lab.
 */
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, copyFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { Store, StoreError } from '../../src/main/store/store'
import { quickCheck } from '../../src/main/store/integrity'
import { salvage } from '../../src/main/store/salvage'
import { config, points, startInfo, tempDbPath } from '../fixtures/store/helpers'
import { makeLab, pagesOf, scribble } from '../fixtures/store/damage'

function sha(path: string): string {
  // A missing -wal and an empty one are the same content (SQLite deletes an empty WAL on close).
  const part = (p: string): string => createHash('sha256').update(existsSync(p) ? readFileSync(p) : '').digest('hex')
  return `${part(path)} ${part(`${path}-wal`)}`
}

function refusal(path: string): StoreError {
  try {
    Store.open(path, { owner: { kind: 'test' } }).close()
  } catch (error) {
    if (error instanceof StoreError) return error
    throw error
  }
  throw new Error('expected the damaged lab to be refused')
}

describe('the open check', () => {
  it('refuses a lab with pages 60-69 overwritten, names what is damaged and how to recover, and changes no byte', () => {
    const { path } = makeLab()
    scribble(path, [60, 61, 62, 63, 64, 65, 66, 67, 68, 69])
    const before = sha(path)
    const error = refusal(path)
    expect(error.code).toBe('corrupt')
    expect(error.message).toContain(path)
    expect(error.message).toMatch(/damaged: .*metrics \(recorded metric points/)
    expect(error.message).toContain('has not changed the file')
    expect(error.message).toContain(`gatelab doctor --db "${path}"`)
    expect(sha(path)).toBe(before)
  })

  it('each damaged table is found before any write, for pages of every table', () => {
    const { path: good } = makeLab(3, 2000)
    for (const table of ['runs', 'metrics', 'metric_summary', 'artifacts', 'run_tags', 'owners']) {
      const copy = tempDbPath()
      copyFileSync(good, copy)
      const pages = pagesOf(copy, table)
      expect(pages.length, table).toBeGreaterThan(0)
      scribble(copy, [pages[Math.floor(pages.length / 2)]!], 4096, () => 0)
      const before = sha(copy)
      const error = refusal(copy)
      expect(error.code, table).toBe('corrupt')
      expect(error.message, table).toContain(table)
      expect(sha(copy), table).toBe(before)
    }
  })

  it('fault suite: 20 copies with 1-4 random b-tree pages overwritten with garbage are each refused before any write', () => {
    const { path: good } = makeLab(4, 2000)
    const all = ['runs', 'metrics', 'metric_summary', 'artifacts', 'run_tags', 'owners', 'metric_names', 'sweeps', 'counters', 'schema_migrations'].flatMap((t) =>
      pagesOf(good, t)
    )
    let seed = 19
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const trials = 20
    for (let trial = 0; trial < trials; trial++) {
      const copy = tempDbPath()
      copyFileSync(good, copy)
      const pages = Array.from({ length: 1 + Math.floor(random() * 4) }, () => all[Math.floor(random() * all.length)]!)
      scribble(copy, pages, 4096, (i) => (i * 2654435761 + trial * 97) & 0xff)
      const before = sha(copy)
      const error = refusal(copy)
      expect(error.code, `trial ${trial}, pages ${pages.join(',')}`).toBe('corrupt')
      expect(sha(copy), `trial ${trial}`).toBe(before)
    }
    console.log(`fault suite: ${trials} damaged copies, every one refused before any write`)
  })

  it('the sized check (files above the whole-file limit) finds a damaged metrics page and a damaged runs page', () => {
    const { path } = makeLab(3, 2000)
    const db = new Database(path, { readonly: true })
    expect(quickCheck(db, path, 0)).toMatchObject({ ok: true, kind: 'sized' })
    db.close()
    for (const table of ['metrics', 'runs']) {
      const copy = tempDbPath()
      copyFileSync(path, copy)
      const pages = pagesOf(copy, table)
      scribble(copy, [pages[pages.length - 1]!], 4096, () => 0)
      const c = new Database(copy, { readonly: true })
      const result = quickCheck(c, copy, 0)
      c.close()
      expect(result.ok, table).toBe(false)
      expect(result.kind).toBe('sized')
      expect(result.damaged.join(' '), table).toContain(table)
    }
  })
})

describe('corruption met while a lab is open', () => {
  it('stops every later write of that store; the message does not claim nothing was written; close writes nothing', () => {
    const { path, ids } = makeLab(3, 4000)
    const store = Store.open(path, { owner: { kind: 'test' } })
    const run = store.createRun({ config: config({ name: 'live' }) }).id
    store.startRun(run, startInfo())
    // Damage metric pages behind the store's back, then let another connection commit so the store drops its cache.
    const db = new Database(path)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const pages = pagesOf(path, 'metrics')
    scribble(path, pages.slice(2, pages.length - 2), 4096, () => 0)
    db.prepare("update counters set value = value where name = 'change_seq'").run()
    db.close()

    let first: StoreError | undefined
    try {
      store.getFullSeries(ids[0]!)
    } catch (error) {
      first = error as StoreError
    }
    expect(first?.code).toBe('corrupt')
    expect(first?.message).toContain('GateLab stopped writing to it')
    expect(first?.message).not.toMatch(/nothing was written|not changed/i)
    const before = sha(path)
    expect(() => store.appendMetrics(run, points('loss', 1, 10))).toThrow(/stopped writing/)
    expect(() => store.setNotes(ids[1]!, 'x')).toThrow(/stopped writing/)
    expect(() => store.heartbeat()).toThrow(/stopped writing/)
    expect(store.damaged?.code).toBe('corrupt')
    store.close()
    expect(sha(path)).toBe(before)
  })
})

describe('salvage (gatelab doctor)', () => {
  it('copies every readable run, metric point and artifact into a new sound lab that opens and takes new runs', () => {
    const { path, ids } = makeLab(6, 3000)
    const metricPages = pagesOf(path, 'metrics')
    const damaged = metricPages.slice(5, 8)
    scribble(path, damaged, 4096, () => 0)
    const before = sha(path)
    const out = tempDbPath()
    const result = salvage(path, out)
    expect(sha(path)).toBe(before) // the damaged file is only read
    expect(result.targetCheck).toEqual(['ok'])
    expect(result.runs).toBe(6)
    const metrics = result.tables.find((t) => t.table === 'metrics')!
    const total = 6 * (3000 + 300)
    // Three 4 KiB pages hold a few hundred points; everything else survives.
    expect(metrics.copied).toBeGreaterThan(total - 3 * 300)
    expect(metrics.copied).toBeLessThan(total)
    expect(metrics.skipped).toBeGreaterThan(0)
    expect(result.tables.find((t) => t.table === 'artifacts')!.copied).toBe(6)

    const store = Store.open(out, { owner: { kind: 'test' } })
    const rows = store.listRuns({ limit: 100 }).rows
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort())
    for (const id of ids) {
      const series = store.getFullSeries(id, ['loss'])
      const summary = store.getRunSummary(id).summary.loss!
      expect(summary.count).toBe(series.length)
      expect(summary.last).toBe(series[series.length - 1]!.value)
    }
    // The salvaged lab takes new points for an old run and new runs.
    const run = store.createRun({ config: config() }).id
    store.startRun(run, startInfo())
    store.appendMetrics(run, points('loss', 1, 10))
    store.close()
    expect(() => salvage(path, out)).toThrow(/already exists/)
  })
})
