/**
 * Opens the lab's SQLite file. The host is its single writer; trainer processes never open it.
 *
 * Node (tests, CLI, browser mode) and Electron need better-sqlite3 built for different ABIs. Node uses the build in
 * node_modules; Electron loads a separate build from native/electron-<abi>/ (made by `npm run rebuild:electron`)
 * through the `nativeBinding` option, so the two never overwrite each other.
 *
 * Opening happens in two steps so that a file we must not change stays byte-for-byte untouched: `openConnection`
 * only reads (it proves the file is SQLite and lets the caller check whose file it is and its schema version), and
 * `configureConnection` then sets the pragmas, the first of which (WAL) writes to the file's header.
 */
import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { StoreError, toStoreError } from './errors'

export type Db = Database.Database

/** Where the Electron-ABI build of better-sqlite3 lives below `root` (the app folder, or resources when packaged). */
export function electronBindingPath(root: string, abi: string = process.versions.modules): string {
  return join(root, 'native', `electron-${abi}`, 'better_sqlite3.node')
}

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for this runtime's ABI; omitted under Node. */
  nativeBinding?: string
  /** Create the file (and its folder) when missing. Default true; false gives a `not_found` StoreError instead. */
  create?: boolean
  /** Told about each folder or file this open created (so a failed creation can remove them again). */
  onCreated?: (path: string) => void
}

/** Opens the file without writing to it, and reads its header (so a non-SQLite file fails here, unchanged). */
export function openConnection(path: string, options: OpenOptions = {}): Db {
  if (options.nativeBinding && !existsSync(options.nativeBinding)) {
    throw new StoreError(
      'native_binding',
      `better-sqlite3 has no build for this Electron (ABI ${process.versions.modules}) at ${options.nativeBinding}. ` +
        "Run `npm run rebuild:electron` once (it needs network access to Electron's headers), then start GateLab again."
    )
  }
  const memory = path === ':memory:'
  const exists = memory || existsSync(path)
  if (!exists && options.create === false) {
    throw new StoreError('not_found', `There is no GateLab database at ${path}. Check the path given with --db or GATELAB_DB.`, { path })
  }
  if (!exists) {
    try {
      // A new lab's folder is 0700 and its file 0600 (notes, logs and weights are nobody else's business); SQLite gives
      // the -wal and -shm files the database file's mode.
      const made = mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      if (made !== undefined) options.onCreated?.(made)
      // SQLite reports an unwritable folder as a vague "unable to open database file"; ask the OS first for a clear answer.
      accessSync(dirname(path), constants.W_OK)
      writeFileSync(path, '', { mode: 0o600, flag: 'wx' })
      options.onCreated?.(path)
    } catch (error) {
      throw toStoreError(error, path, 'create the lab database')
    }
  }
  let db: Db | undefined
  try {
    db = new Database(path, {
      fileMustExist: !memory && options.create === false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    })
    // The first statement reads page 1: a file that is not SQLite fails here with SQLITE_NOTADB, before any write.
    db.pragma('schema_version', { simple: true })
    return db
  } catch (error) {
    db?.close()
    throw toStoreError(error, path, 'open the lab database')
  }
}

/**
 * The pragmas every connection runs with. WAL lets readers (another GateLab window, the CLI) work while a host writes;
 * synchronous=FULL makes every committed transaction survive a power cut, not only a crash; foreign keys keep
 * metrics and artifacts from outliving their run; the busy timeout lets several processes share the file.
 */
export function configureConnection(db: Db, path: string): void {
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('cache_size = -16000') // 16 MiB page cache: metric indices of a busy lab stay in memory
    db.pragma('temp_store = MEMORY')
  } catch (error) {
    throw toStoreError(error, path, 'open the lab database')
  }
}
