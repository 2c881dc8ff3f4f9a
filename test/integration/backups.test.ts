/**
 * Rolling backups through SQLite's online backup API and `gatelab restore` (docs/RELIABILITY.md, "Backups"). The
 * restore part uses the built CLI (`npm run build` first).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../../src/main/store/store'
import { backupDir, backupDue, backupPolicy, listBackups, scheduleBackups, takeBackup } from '../../src/main/store/backup'
import { cliEntry, repoRoot } from '../helpers/host'
import { config, finishInfo, openTemp, points, startInfo, tempDbPath } from '../fixtures/store/helpers'
import { pagesOf, scribble } from '../fixtures/store/damage'

function gatelab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { cwd: repoRoot, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function addRun(store: Store, name: string): string {
  const id = store.createRun({ config: config({ name }) }).id
  store.startRun(id, startInfo())
  store.appendMetrics(id, points('loss', 1, 2000))
  store.finishRun(id, finishInfo())
  return id
}

describe('backups', () => {
  it('takes consistent online copies while the lab is open, keeps the newest K, and knows when one is due', async () => {
    const store = openTemp()
    addRun(store, 'first')
    const t0 = Date.parse('2026-12-01T10:00:00Z')
    for (let i = 0; i < 7; i++) {
      if (i === 1) addRun(store, 'second')
      await takeBackup(store, 5, new Date(t0 + i * 3600_000))
    }
    const backups = listBackups(store.path)
    expect(backups).toHaveLength(5)
    expect(backups[0]!.takenAt.toISOString()).toBe('2026-12-01T16:00:00.000Z')
    expect(statSync(backupDir(store.path)).mode & 0o777).toBe(0o700)
    for (const b of backups) {
      expect(statSync(b.path).mode & 0o777).toBe(0o600)
      const db = new Database(b.path, { readonly: true })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.prepare('select count(*) from runs').pluck().get()).toBe(2)
      db.close()
    }
    expect(readdirSync(backupDir(store.path)).some((f) => f.endsWith('.partial'))).toBe(false)
    const later = Date.now() + 24 * 3600_000
    expect(backupDue(store, later)).toBe(false) // nothing changed since the newest
    store.setNotes(store.listRuns({}).rows[0]!.id, 'changed')
    expect(backupDue(store, later)).toBe(true)
    expect(backupDue(store, backups[0]!.takenAt.getTime() + 60_000)).toBe(false) // too soon after the last one
    store.close()
  })

  it('a host backs up on open when the lab changed; GATELAB_BACKUP_HOURS=0 turns it off', async () => {
    expect(backupPolicy({ GATELAB_BACKUP_HOURS: '0' }).everyHours).toBe(0)
    expect(backupPolicy({ GATELAB_BACKUP_HOURS: '2', GATELAB_BACKUP_KEEP: '3' })).toEqual({ everyHours: 2, keep: 3 })
    expect(backupPolicy({})).toEqual({ everyHours: 6, keep: 5 })
    const store = openTemp()
    addRun(store, 'x')
    const off = scheduleBackups(store, { everyHours: 0, keep: 5 })
    off()
    expect(listBackups(store.path)).toHaveLength(0)
    const stop = scheduleBackups(store, { everyHours: 6, keep: 5 })
    for (let i = 0; i < 400 && listBackups(store.path).length === 0; i++) await new Promise((r) => setTimeout(r, 50)) // up to 20 s under load
    stop()
    expect(listBackups(store.path)).toHaveLength(1)
    store.close()
  })

  it('gatelab restore lists backups and brings the newest back over a damaged lab, keeping the damaged file aside', async () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    const ids = [addRun(store, 'a'), addRun(store, 'b')]
    await takeBackup(store, 5)
    store.close()
    const db = new Database(path)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const pages = pagesOf(path, 'metrics')
    scribble(path, pages.slice(1, 4), 4096, () => 0)
    expect(gatelab(['runs', '--db', path]).code).toBe(2) // refused: damaged

    const list = gatelab(['restore', '--db', path, '--list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(listBackups(path)[0]!.path)
    const r = gatelab(['restore', '--db', path, '--latest'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Restored .* The file it replaced is kept as .*before-restore/)
    const aside = readdirSync(dirname(path)).filter((f) => f.includes('before-restore'))
    expect(aside).toHaveLength(1)
    expect(existsSync(join(dirname(path), aside[0]!))).toBe(true)
    const reopened = Store.open(path, { owner: { kind: 'test' } })
    expect(reopened.integrityCheck()).toEqual(['ok'])
    expect(reopened.listRuns({}).rows.map((x) => x.id).sort()).toEqual([...ids].sort())
    reopened.close()
    expect(gatelab(['restore', '--db', path, '--from', join(dirname(path), 'nope.db')]).code).toBe(2)
  })
})
