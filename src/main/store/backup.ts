/**
 * Rolling backups of the lab database through SQLite's online backup API (better-sqlite3's `db.backup`), which copies
 * a consistent snapshot page by page while the lab stays in use (docs/RELIABILITY.md, "Backups").
 *
 * - Where: `backups/` beside the database (0700), files `NAME-YYYYMMDD-HHMMSS.db` (0600).
 * - When: when a host opens the lab and it changed since the newest backup (its change counter differs; not again
 *   within MIN_GAP_MS, so a series of CLI commands does not copy the lab each time), and every `everyHours` while it
 *   stays open. The newest `keep` are kept. Each is written as `….partial` and renamed when complete.
 * - Configurable: GATELAB_BACKUP_HOURS (0 turns backups off; default 6) and GATELAB_BACKUP_KEEP (default 5).
 * - `gatelab restore` (src/main/cli/restore.ts) lists them and brings one back.
 */
import Database from 'better-sqlite3'
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Store } from './store'

export interface BackupPolicy {
  /** Hours between backups while the lab is open; 0 = no backups at all. */
  everyHours: number
  /** How many backups to keep (the newest). */
  keep: number
}

export function backupPolicy(env: NodeJS.ProcessEnv = process.env): BackupPolicy {
  const number = (value: string | undefined, fallback: number): number => {
    const n = value === undefined || value.trim() === '' ? NaN : Number(value)
    return Number.isFinite(n) && n >= 0 ? n : fallback
  }
  return { everyHours: number(env.GATELAB_BACKUP_HOURS, 6), keep: Math.max(1, Math.floor(number(env.GATELAB_BACKUP_KEEP, 5))) }
}

export function backupDir(dbPath: string): string {
  return join(dirname(dbPath), 'backups')
}

export interface BackupInfo {
  path: string
  /** When it was taken (from its name). */
  takenAt: Date
  bytes: number
}

function stem(dbPath: string): string {
  return basename(dbPath).replace(/\.(db|sqlite3?)$/i, '')
}

/** The lab's backups, newest first. */
export function listBackups(dbPath: string): BackupInfo[] {
  const dir = backupDir(dbPath)
  if (!existsSync(dir)) return []
  const pattern = new RegExp(`^${stem(dbPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8})-(\\d{6})(?:-(\\d+))?\\.db$`)
  const out: BackupInfo[] = []
  for (const name of readdirSync(dir)) {
    const m = pattern.exec(name)
    if (!m) continue
    const [d, t] = [m[1]!, m[2]!]
    const takenAt = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}Z`)
    const path = join(dir, name)
    out.push({ path, takenAt, bytes: statSync(path).size })
  }
  return out.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.path.localeCompare(a.path))
}

/** The change counter recorded in a lab file (or backup), or undefined when it cannot be read. */
export function changeCounter(path: string): number | undefined {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true })
    try {
      return db.prepare("select value from counters where name = 'change_seq'").pluck().get() as number
    } finally {
      db.close()
    }
  } catch {
    return undefined
  }
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

/** Takes a backup now (online: the lab stays usable) and prunes to `keep`. Returns its path. */
export async function takeBackup(store: Store, keep: number, now = new Date()): Promise<string> {
  const dir = backupDir(store.path)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  let target = join(dir, `${stem(store.path)}-${stamp(now)}.db`)
  for (let i = 2; existsSync(target); i++) target = join(dir, `${stem(store.path)}-${stamp(now)}-${i}.db`)
  // Written under a temporary name and renamed when complete: a process that exits mid-way (a short CLI command)
  // never leaves a partial file that looks like a backup.
  const partial = `${target}.partial`
  try {
    await store.backup(partial)
    chmodSync(partial, 0o600)
    renameSync(partial, target)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
  for (const old of listBackups(store.path).slice(keep)) rmSync(old.path, { force: true })
  return target
}

/** Opening a lab again within this time (a series of CLI commands) makes no new backup on open. */
export const MIN_GAP_MS = 10 * 60_000

/** A backup is due when there is none, or the lab changed since the newest one (and that one is not too recent). */
export function backupDue(store: Store, now = Date.now()): boolean {
  const newest = listBackups(store.path)[0]
  if (!newest) return store.currentCursor() > 0
  if (now - newest.takenAt.getTime() < MIN_GAP_MS) return false
  return changeCounter(newest.path) !== store.currentCursor()
}

/**
 * Backups for a host: one on open when the lab changed, then every `everyHours`. Failures are logged (once per
 * attempt) and never stop the host. Returns a stop function.
 */
export function scheduleBackups(store: Store, policy: BackupPolicy = backupPolicy(), log: (line: string) => void = (l) => console.error(l)): () => void {
  if (policy.everyHours <= 0 || store.path === ':memory:' || store.readOnly) return () => undefined
  let running = false
  const attempt = async (force: boolean): Promise<void> => {
    if (!store.isOpen) {
      clearInterval(timer) // the lab was closed: nothing left to back up
      return
    }
    if (running) return
    if (!force && !backupDue(store)) return
    running = true
    try {
      await takeBackup(store, policy.keep)
    } catch (error) {
      log(`GateLab: could not back up ${store.path}: ${(error as Error).message}`)
    } finally {
      running = false
    }
  }
  void attempt(false)
  const timer = setInterval(() => void attempt(false), policy.everyHours * 3600_000)
  timer.unref()
  return () => clearInterval(timer)
}
