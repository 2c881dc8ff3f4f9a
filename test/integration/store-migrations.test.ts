/**
 * Schema migrations on real old files: the committed schema-1 lab (test/fixtures/store/schema-1.sqlite) and one built now with
 * migration 1 are upgraded with their data intact; a migration that fails rolls back to the version before.
 */
import { describe, expect, it } from 'vitest'
import { copyFileSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../../src/main/store/store'
import { LATEST_VERSION, migrate, migrations } from '../../src/main/store/migrations'
import { buildV1Lab, V1 } from '../fixtures/store/v1'
import { config, points, tempDbPath } from '../fixtures/store/helpers'

const fixture = join(__dirname, '..', 'fixtures', 'store', 'schema-1.sqlite')

function upgradeAndCheck(path: string): void {
  const raw = new Database(path, { readonly: true })
  expect(raw.pragma('user_version', { simple: true })).toBe(1)
  raw.close()

  const store = Store.open(path, { owner: { kind: 'test' } })
  expect(store.schemaVersion).toBe(LATEST_VERSION)

  // Every run, with its config, tags, notes, sweep, metrics, summary and artifact.
  const all = store.listRuns({ sort: 'createdAt', order: 'asc' })
  expect(all.rows.map((r) => r.id)).toEqual([V1.completed, V1.running, V1.queued])
  const done = store.getRun(V1.completed)
  expect(done).toMatchObject({ status: 'completed', name: 'lstm run', notes: 'kept notes', sweepId: V1.sweepId, paramCount: 353, tags: ['old'] })
  expect(done.config).toMatchObject({ cell: 'lstm', units: 8 })
  expect(done.best).toEqual({ metric: 'valLoss', value: 0.12, epoch: 2 })
  expect(done.summary.loss).toMatchObject({ count: 30, min: 1 / 30, minStep: 30, max: 1, maxStep: 1 })
  expect(store.getFullSeries(V1.completed)).toHaveLength(30)
  expect(Array.from(store.getArtifact(V1.completed, 'weights.bin').data)).toEqual([1, 2, 3, 4])
  expect(store.getSweep(V1.sweepId).spec).toEqual({ grid: { cell: ['lstm', 'gru'] } })

  // Runs left running or queued at schema 1 have no owner: the upgrade cannot know who trains them, so they are
  // interrupted on open, with their metrics kept.
  const running = store.getRun(V1.running)
  expect(running.status).toBe('interrupted')
  expect(running.error).toContain('unknown process')
  expect(store.getFullSeries(V1.running)).toHaveLength(12)
  expect(store.getRun(V1.queued).status).toBe('interrupted')

  // The new features work on old data: change tracking sees every old run, new runs and metrics go in.
  expect(store.changesSince(0).changed.map((r) => r.id).sort()).toEqual([V1.completed, V1.running, V1.queued])
  const fresh = store.createRun({ config: config() })
  store.appendMetrics(fresh.id, points('loss', 1, 10))
  store.appendMetrics(V1.running, points('loss', 13, 3))
  expect(store.getRun(V1.running).summary.loss!.count).toBe(15)
  expect(store.integrityCheck()).toEqual(['ok'])
  store.close()

  const after = new Database(path, { readonly: true })
  expect(after.prepare('select version, app_version from schema_migrations order by version').all()).toEqual(
    migrations.map((m) => ({ version: m.version, app_version: expect.any(String) }))
  )
  expect(after.pragma('foreign_key_check')).toEqual([])
  after.close()
}

describe('upgrading an old lab', () => {
  it('upgrades the committed schema-1 file with all its data (on a copy: the fixture stays as it is)', () => {
    const before = createHash('sha256').update(readFileSync(fixture)).digest('hex')
    const path = tempDbPath()
    copyFileSync(fixture, path)
    upgradeAndCheck(path)
    expect(createHash('sha256').update(readFileSync(fixture)).digest('hex')).toBe(before)
  })

  it('upgrades a schema-1 file built now with migration 1', () => {
    const path = tempDbPath()
    buildV1Lab(path)
    upgradeAndCheck(path)
  })

  it('rolls a failing migration back whole: the file stays at the version before', () => {
    const path = tempDbPath()
    Store.open(path, { owner: { kind: 'test' } }).close()
    const db = new Database(path)
    const failing = [
      ...migrations,
      {
        version: LATEST_VERSION + 1,
        name: 'fails half way',
        up(d: Database.Database) {
          d.exec('create table half_done (x integer)')
          throw new Error('boom')
        }
      }
    ]
    expect(() => migrate(db, 'test', LATEST_VERSION + 1, failing)).toThrow('boom')
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    expect(db.prepare("select count(*) from sqlite_master where name = 'half_done'").pluck().get()).toBe(0)
    expect(db.prepare('select max(version) from schema_migrations').pluck().get()).toBe(LATEST_VERSION)
    db.close()
    // And the file still opens normally.
    const store = Store.open(path, { owner: { kind: 'test' } })
    expect(store.schemaVersion).toBe(LATEST_VERSION)
    store.close()
  })
})
