/**
 * Opens the lab's SQLite file. The host is its single writer; trainer processes never open it.
 *
 * Node (tests, CLI, browser mode) and Electron need better-sqlite3 built for different ABIs. Node uses the build in
 * node_modules; Electron loads a separate build from native/electron-<abi>/ (made by `npm run rebuild:electron`)
 * through the `nativeBinding` option, so the two never overwrite each other.
 */
import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'

export type Db = Database.Database

/** Where the Electron-ABI build of better-sqlite3 lives below `root` (the app folder, or resources when packaged). */
export function electronBindingPath(root: string, abi: string = process.versions.modules): string {
  return join(root, 'native', `electron-${abi}`, 'better_sqlite3.node')
}

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for this runtime's ABI; omitted under Node. */
  nativeBinding?: string
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (options.nativeBinding && !existsSync(options.nativeBinding)) {
    throw new Error(
      `better-sqlite3 has no build for this Electron (ABI ${process.versions.modules}) at ${options.nativeBinding}. ` +
        'Run `npm run rebuild:electron` once (it needs network access to Electron\'s headers), then start GateLab again.'
    )
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  return db
}

export function sqliteVersion(db: Db): string {
  return (db.prepare('select sqlite_version() as v').get() as { v: string }).v
}
