/**
 * Bad input and faults, on real files: a file that is not SQLite, somebody else's SQLite database, a file from a newer
 * GateLab, a corrupt file, a read-only folder and a full disk. Each gives a StoreError with a code and a message
 * that names the file; nothing is overwritten.
 *
 * The read-only folder and the full disk are real file systems: a tmpfs mounted read-only and a 2 MiB tmpfs. Mounting
 * needs root (as in this project's CI container); elsewhere a read-only folder is a chmod 555 folder and the full-disk
 * test says why it is skipped.
 */
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store, StoreError, type StoreErrorCode } from '../../src/main/store/store'
import { LATEST_VERSION } from '../../src/main/store/migrations'
import { canMountTmpfs, tempDir } from '../helpers/host'
import { config, openTemp, points, tempDbPath } from '../fixtures/store/helpers'

const isRoot = process.getuid?.() === 0
const canMount = isRoot && canMountTmpfs()

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function openError(path: string, options: Partial<Parameters<typeof Store.open>[1]> = {}): StoreError {
  try {
    Store.open(path, { owner: { kind: 'test' }, ...options }).close()
  } catch (error) {
    if (error instanceof StoreError) return error
    throw error
  }
  throw new Error(`expected ${path} to be refused`)
}

function expectRefused(path: string, code: StoreErrorCode, words: RegExp): StoreError {
  const before = sha(path)
  const error = openError(path)
  expect(error.code).toBe(code)
  expect(error.message).toContain(path)
  expect(error.message).toMatch(words)
  expect(error.message).not.toMatch(/\bat .*:\d+:\d+/)
  expect(sha(path)).toBe(before)
  return error
}

function withTmpfs<T>(options: string, fn: (dir: string) => T): T {
  const dir = tempDir('gatelab-tmpfs-')
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir])
  try {
    return fn(dir)
  } finally {
    execFileSync('umount', ['-l', dir])
  }
}

describe('files GateLab must not touch', () => {
  it('a file that is not SQLite', () => {
    const path = join(tempDir(), 'results.csv')
    writeFileSync(path, 'step,loss\n'.repeat(500))
    expectRefused(path, 'not_sqlite', /not an SQLite database.*--db/)
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it("somebody else's SQLite database", () => {
    const path = join(tempDir(), 'other.db')
    const db = new Database(path)
    db.exec('create table notes (id integer primary key, text text); insert into notes (text) values (\'mine\')')
    db.close()
    expectRefused(path, 'not_gatelab', /not a GateLab lab.*left untouched/)
    const check = new Database(path, { readonly: true })
    expect(check.prepare('select name from sqlite_master').pluck().all()).toEqual(['notes'])
    check.close()
  })

  it('a lab written by a newer GateLab', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    store.createRun({ config: config() })
    store.close()
    const db = new Database(path)
    db.pragma(`user_version = ${LATEST_VERSION + 1}`)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const error = expectRefused(path, 'newer_version', new RegExp(`schema ${LATEST_VERSION + 1}.*knows up to ${LATEST_VERSION}.*update GateLab`))
    expect(error.message).toContain('left untouched')
  })

  it('a corrupt file', () => {
    const path = tempDbPath()
    const store = openTemp({}, path)
    store.createRun({ config: config() })
    store.close()
    const bytes = readFileSync(path)
    // Page 1 holds the schema: scribble over it after the 100-byte header.
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 131) & 0xff
    writeFileSync(path, bytes)
    expectRefused(path, 'corrupt', /damaged.*gatelab doctor/)
  })

  it('a missing file when the caller must not create one', () => {
    const path = join(tempDir(), 'typo.db')
    const error = openError(path, { create: false })
    expect(error.code).toBe('not_found')
    expect(error.message).toContain(path)
    expect(existsSync(path)).toBe(false)
  })

  it('an Electron build of better-sqlite3 that was never made', () => {
    const error = openError(tempDbPath(), { nativeBinding: '/nonexistent/better_sqlite3.node' })
    expect(error.code).toBe('native_binding')
    expect(error.message).toContain('npm run rebuild:electron')
  })
})

describe('another process holding the write lock', () => {
  it('makes a write wait for the busy timeout, then fail with locked; nothing half-written, and it works once free', () => {
    const path = tempDbPath()
    const store = openTemp({ busyTimeoutMs: 300 }, path)
    const run = store.createRun({ config: config() }).id
    const other = new Database(path)
    other.exec('begin immediate')
    const started = Date.now()
    let error: unknown
    try {
      store.appendMetrics(run, points('loss', 1, 10))
    } catch (e) {
      error = e
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('locked')
    expect((error as StoreError).message).toContain(path)
    expect(store.getFullSeries(run)).toEqual([]) // reads are not blocked by a writer (WAL)
    other.exec('rollback')
    other.close()
    store.appendMetrics(run, points('loss', 1, 10))
    expect(store.getFullSeries(run)).toHaveLength(10)
    store.close()
  })
})

describe('a read-only folder', () => {
  const readOnly = <T>(fn: (dir: string) => T, prepare: (dir: string) => void = () => {}): T => {
    if (canMount) {
      return withTmpfs('size=8m', (dir) => {
        prepare(dir)
        execFileSync('mount', ['-o', 'remount,ro', dir])
        return fn(dir)
      })
    }
    const dir = tempDir()
    prepare(dir)
    chmodSync(dir, 0o555)
    try {
      return fn(dir)
    } finally {
      chmodSync(dir, 0o755)
    }
  }

  it.skipIf(isRoot && !canMount)('refuses to create a new lab there, saying what to do', () => {
    readOnly((dir) => {
      const error = openError(join(dir, 'lab.db'))
      expect(error.code).toBe('readonly')
      expect(error.message).toContain(join(dir, 'lab.db'))
      expect(error.message).toMatch(/read-only.*--db/)
    })
  })

  it.skipIf(isRoot && !canMount)('refuses to open an existing lab for writing, and leaves it intact', () => {
    readOnly(
      (dir) => {
        const path = join(dir, 'lab.db')
        const before = sha(path)
        const error = openError(path)
        expect(error.code).toBe('readonly')
        expect(sha(path)).toBe(before)
      },
      (dir) => {
        const store = Store.open(join(dir, 'lab.db'), { owner: { kind: 'test' } })
        store.createRun({ config: config() })
        store.close()
      }
    )
  })
})

describe('a full disk', () => {
  it.skipIf(!canMount)('fails the batch that does not fit with disk_full, keeps every earlier batch, and stays usable', () => {
    withTmpfs('size=2m', (dir) => {
      const path = join(dir, 'lab.db')
      // Ballast that the "researcher" deletes later to free some space.
      const ballast = join(dir, 'ballast')
      writeFileSync(ballast, new Uint8Array(512 * 1024))
      const store = Store.open(path, { owner: { kind: 'test' } })
      const run = store.createRun({ config: config() }).id
      let written = 0
      let failure: StoreError | undefined
      for (let i = 0; i < 1000 && !failure; i++) {
        try {
          store.appendMetrics(run, points('loss', written + 1, 1000))
          written += 1000
        } catch (error) {
          if (!(error instanceof StoreError)) throw error
          failure = error
        }
      }
      expect(failure?.code).toBe('disk_full')
      expect(failure?.message).toContain(path)
      expect(failure?.message).toMatch(/disk full: .* free at .*rolled back.*free some space/)
      expect(written).toBeGreaterThan(0)
      // Still usable: reads work, and the rolled-back batch left nothing behind.
      expect(store.getFullSeries(run)).toHaveLength(written)
      expect(store.getRun(run).summary.loss!.count).toBe(written)
      store.close()
      rmSync(ballast)
      const reopened = Store.open(path, { owner: { kind: 'test' } })
      expect(reopened.integrityCheck()).toEqual(['ok'])
      expect(reopened.getFullSeries(run)).toHaveLength(written)
      reopened.close()
    })
  })
})
