/**
 * StoreError: every failure of the run store, with a code a caller can branch on and a message that names the file and
 * says what to do. SQLite and file-system errors are translated here once, so no caller ever has to read a raw
 * SQLITE_* code or show a stack trace.
 */
import { accessSync, constants } from 'node:fs'
import { dirname } from 'node:path'
import { diskFullWords, isDiskFullCode } from './diskspace'

export const storeErrorCodes = [
  'not_sqlite', // the file exists but is not an SQLite database
  'not_gatelab', // an SQLite database that belongs to something else: we refuse to add our tables to it
  'corrupt', // SQLite reports corruption (a damaged page, a failed integrity check)
  'readonly', // the file or its folder cannot be written
  'disk_full', // the disk (or the file's page limit) is full; the failed transaction was rolled back
  'newer_version', // written by a newer GateLab (schema version above ours): left untouched
  'locked', // another process held the write lock longer than the busy timeout
  'not_found', // no such database file (when asked not to create one), run, sweep or artifact
  'invalid', // the request itself is wrong (a bad sort key, a run in the wrong state, too many runs)
  'native_binding', // better-sqlite3 is not built for this runtime's ABI
  'io' // any other I/O error from the operating system
] as const
export type StoreErrorCode = (typeof storeErrorCodes)[number]

export class StoreError extends Error {
  override readonly name = 'StoreError'
  readonly code: StoreErrorCode
  /** The database file concerned, when there is one. */
  readonly path: string | undefined
  constructor(code: StoreErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.path = options.path
  }
}

interface ErrorWithCode {
  code?: unknown
  message?: unknown
}

/**
 * Turns what SQLite or the file system threw into a StoreError about `path`. StoreErrors pass through unchanged, and so
 * does anything without an SQLite or errno code (a programming error must keep its own type and stack).
 * `doing` completes the sentence "GateLab could not …", e.g. "open the lab database".
 */
export function toStoreError(error: unknown, path: string, doing: string): unknown {
  if (error instanceof StoreError) return error
  const { code, message } = (error ?? {}) as ErrorWithCode
  const raw = typeof code === 'string' ? code : ''
  const detail = typeof message === 'string' ? message : String(error)
  const make = (c: StoreErrorCode, advice: string): StoreError =>
    new StoreError(c, `GateLab could not ${doing} ${path}: ${advice}`, { path, cause: error })

  if (raw === 'SQLITE_NOTADB') {
    return make('not_sqlite', 'the file is not an SQLite database. Choose another file with --db or GATELAB_DB; this one was not changed.')
  }
  if (raw.startsWith('SQLITE_CORRUPT')) {
    // Never "nothing was written" here: this error can come after writes (the open check, which can say so, is in
    // integrity.ts). The Store stops all further writes to the file once it has seen this.
    return make('corrupt', `the database is damaged (${detail}). GateLab stopped writing to it. ${recoveryAdvice(path)}`)
  }
  if (isDiskFullCode(raw, path)) {
    return make('disk_full', `${diskFullWords(path)}. The last change was rolled back and earlier data is safe; free some space and try again.`)
  }
  if (raw.startsWith('SQLITE_READONLY') || raw === 'EROFS' || raw === 'EACCES' || raw === 'EPERM') {
    return make(
      'readonly',
      'the file or its folder is read-only. SQLite needs to write the file and, beside it, its -wal and -shm files: ' +
        'make the folder writable or choose another file with --db.'
    )
  }
  if (raw.startsWith('SQLITE_BUSY') || raw.startsWith('SQLITE_LOCKED')) {
    return make('locked', 'another process kept the database locked for too long. Try again; if it persists, close other GateLab windows or commands.')
  }
  if ((raw.startsWith('SQLITE_CANTOPEN') || raw.startsWith('SQLITE_IOERR')) && !writable(dirname(path))) {
    // An existing WAL database needs its -wal and -shm files beside it: SQLite only says "unable to open".
    return make(
      'readonly',
      'its folder is read-only. SQLite needs to create the -wal and -shm files beside the database: ' +
        'make the folder writable or choose another file with --db.'
    )
  }
  if (raw.startsWith('SQLITE_CANTOPEN') || raw === 'ENOENT' || raw === 'ENOTDIR') {
    return make('io', `the file cannot be opened (${detail}). Check that the path and its folder exist and are accessible.`)
  }
  if (raw.startsWith('SQLITE_IOERR') || /^E[A-Z]+$/.test(raw)) {
    return make('io', `the operating system reported an I/O error (${raw}: ${detail}). Check the disk, then try again.`)
  }
  if (raw.startsWith('SQLITE_CONSTRAINT')) return error
  if (raw.startsWith('SQLITE_')) return make('io', `SQLite reported ${raw}: ${detail}`)
  return error
}

/** How to recover a damaged lab, the same words everywhere it is reported. */
export function recoveryAdvice(path: string): string {
  return (
    `Keep a copy of the file, then run \`gatelab doctor --db "${path}"\` (full check; it salvages what is readable into a new file), ` +
    `or \`gatelab restore --db "${path}"\` to bring back one of its backups.`
  )
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}
