/**
 * A full disk (docs/RELIABILITY.md, "A full disk"). Three things the store needs when the file system runs out:
 *
 * - Recognising it: SQLite reports a full disk as SQLITE_FULL, but also as SQLITE_IOERR_* (SHMSIZE when the -shm file
 *   cannot be sized, WRITE, FSYNC…). An I/O error on a file system with (almost) no space left is a full disk.
 * - A reserve: `<db>-reserve`, a small file of zeros made when the lab opens with room to spare. The first disk-full
 *   error deletes it, so the writes that end the affected runs as failed ("disk full: …") still fit — like
 *   PostgreSQL, which stops and says so rather than carrying on with failing writes. It is made again on the next
 *   open that has the room.
 * - Reading while full: a lab whose -shm file cannot be created cannot be opened, even read-only. Then a read-only
 *   copy is made in the temporary folder (another file system, usually) and read instead.
 */
import Database from 'better-sqlite3'
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Below this many free bytes an I/O error counts as a full disk. */
const NEARLY_FULL_BYTES = 256 * 1024
export const RESERVE_BYTES = 128 * 1024

export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir)
    return Number(s.bavail) * Number(s.bsize)
  } catch {
    return undefined
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(0)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(1)} GiB`
}

/** True for an error code that means (or, with no space left, most likely means) the disk is full. */
export function isDiskFullCode(code: string, path: string): boolean {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true
  if (code.startsWith('SQLITE_IOERR')) {
    const free = freeBytes(dirname(path))
    return free !== undefined && free < NEARLY_FULL_BYTES
  }
  return false
}

/** "disk full: 0 bytes free at /mnt/lab" — the words every disk-full message starts with. */
export function diskFullWords(path: string): string {
  const dir = dirname(path)
  const free = freeBytes(dir)
  return `disk full: ${free === undefined ? 'no space' : formatBytes(free)} free at ${dir}`
}

export function reservePath(dbPath: string): string {
  return `${dbPath}-reserve`
}

/** Makes the reserve when it is missing and there is clearly room for it. Never fails. */
export function ensureReserve(dbPath: string): void {
  if (dbPath === ':memory:') return
  const file = reservePath(dbPath)
  try {
    if (existsSync(file) && statSync(file).size === RESERVE_BYTES) return
    const free = freeBytes(dirname(dbPath))
    if (free === undefined || free < RESERVE_BYTES * 4) return
    const fd = openSync(file, 'w', 0o600)
    try {
      writeSync(fd, Buffer.alloc(RESERVE_BYTES))
    } finally {
      closeSync(fd)
    }
  } catch {
    try {
      rmSync(file, { force: true })
    } catch {
      // nothing more to do
    }
  }
}

/** Frees the reserve; true when there was one to free. */
export function releaseReserve(dbPath: string): boolean {
  try {
    unlinkSync(reservePath(dbPath))
    return true
  } catch {
    return false
  }
}

/** A read-only connection to a lab; on a full disk, to a copy of it in the temporary folder. */
export function openReadOnly(path: string): { db: Database.Database; cleanup: () => void; copied: boolean } {
  const had = { shm: existsSync(`${path}-shm`), wal: existsSync(`${path}-wal`) }
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true })
    db.pragma('schema_version', { simple: true })
    return { db, cleanup: () => undefined, copied: false }
  } catch (error) {
    removeStubs(path, had)
    const code = String((error as { code?: unknown }).code ?? '')
    if (!isDiskFullCode(code, path)) throw error
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatelab-readonly-'))
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    const copy = join(dir, 'lab.db')
    copyFileSync(path, copy)
    if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) copyFileSync(`${path}-wal`, `${copy}-wal`)
    const db = new Database(copy, { fileMustExist: true })
    db.pragma('query_only = ON')
    return { db, cleanup, copied: true }
  } catch (error) {
    cleanup()
    throw error
  }
}

/** Deletes the -shm / -wal files a failed open left behind, when they did not exist before and hold nothing. */
export function removeStubs(path: string, had: { shm: boolean; wal: boolean; db?: boolean }): void {
  for (const [suffix, existed] of [
    ['-shm', had.shm],
    ['-wal', had.wal]
  ] as const) {
    const file = `${path}${suffix}`
    try {
      if (!existed && existsSync(file) && (suffix === '-shm' || statSync(file).size === 0)) unlinkSync(file)
    } catch {
      // best effort
    }
  }
}
