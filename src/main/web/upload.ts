/**
 * Browser mode's file upload (`POST /api/upload?name=FILE.csv`, the raw bytes as the body): a CSV file chosen or
 * dropped in the New run form is saved into the lab's data folder (`data/` beside the lab database, one of the folders
 * the API may read: src/main/access/dataPaths.ts), and the form then previews and trains on it by its path there.
 *
 * The server's token and Origin checks run first (server.ts). Here: at most MAX_UPLOAD_BYTES (413 beyond, said before
 * reading when the Content-Length says so, else as soon as the body passes it, with the partial file removed); the name
 * reduced to a plain file name (no folders, no leading dots, no control characters; `../../etc/passwd` becomes
 * `passwd.csv`); an existing file is never replaced (`name-2.csv`, `name-3.csv`, …), and the file is created with
 * O_EXCL, so nothing at that path — a symbolic link included — is followed or overwritten. Files are 0600 in a 0700
 * folder, like the lab's own.
 */
import { constants, lstatSync, mkdirSync, unlinkSync, type WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { labDataDir } from '../access/dataPaths'

/** The largest upload: a CSV of a few million rows. Bigger files belong in a data folder (GATELAB_DATA_DIRS). */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024

export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const dataExtensions = new Set(['.csv', '.tsv', '.txt'])

/** A safe file name for an uploaded file: the last path part only, plain characters, a data extension. */
export function sanitizeUploadName(raw: string): string {
  // Both separators: a Windows browser may send "C:\\data\\x.csv".
  let name = basename(raw.replace(/\\/g, '/'))
  name = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^[.\s_-]+/, '')
    .replace(/\s+/g, ' ')
    .trim()
  let ext = extname(name).toLowerCase()
  let stem = ext ? name.slice(0, -ext.length) : name
  if (!dataExtensions.has(ext)) {
    stem = name
    ext = '.csv'
  }
  stem = stem.replace(/[.\s]+$/, '').slice(0, 100)
  return `${stem || 'upload'}${ext}`
}

/** The lab's data folder, created 0700 when missing; refuses anything there that is not a folder. */
function dataFolder(dbPath: string): string {
  const dir = labDataDir(dbPath)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (!lstatSync(dir).isDirectory()) throw new UploadError(500, 'internal', `The lab's data folder ${dir} is not a folder`)
  return dir
}

export interface Uploaded {
  path: string
  name: string
  bytes: number
}

/** Saves the request body as a new file in the lab's data folder. */
export async function saveUpload(req: IncomingMessage, dbPath: string, rawName: string, maxBytes = MAX_UPLOAD_BYTES): Promise<Uploaded> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume()
    throw new UploadError(413, 'too_large', tooLarge(maxBytes))
  }
  if (rawName.includes('\0')) throw new UploadError(400, 'bad_request', 'A file name cannot contain a NUL character')
  const dir = dataFolder(dbPath)
  const wanted = sanitizeUploadName(rawName)
  const ext = extname(wanted)
  const stem = wanted.slice(0, -ext.length)
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? wanted : `${stem}-${n}${ext}`
    const path = join(dir, name)
    let stream
    try {
      stream = await openExclusive(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    }
    const bytes = await writeBody(req, stream, maxBytes).catch((error: unknown) => {
      try {
        unlinkSync(path)
      } catch {
        // Already gone.
      }
      throw error
    })
    return { path, name, bytes }
  }
  throw new UploadError(409, 'conflict', `The data folder already holds 1000 files named like ${wanted}`)
}

function tooLarge(maxBytes: number): string {
  return `The file is over ${Math.round(maxBytes / 2 ** 20)} MiB, the most GateLab takes as an upload. Put it in a folder GateLab reads (your home folder, or one listed in GATELAB_DATA_DIRS) and type its path instead.`
}

async function openExclusive(path: string): Promise<WriteStream> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  return handle.createWriteStream()
}

/** Streams the body into the file; past `maxBytes` it stops writing and fails with 413, reading the rest to discard it. */
function writeBody(req: IncomingMessage, stream: WriteStream, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0
    let failed = false
    const fail = (error: Error): void => {
      failed = true
      stream.end(() => reject(error))
    }
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > maxBytes) return fail(new UploadError(413, 'too_large', tooLarge(maxBytes)))
      if (!stream.write(chunk)) {
        req.pause()
        stream.once('drain', () => req.resume())
      }
    })
    req.on('end', () => {
      if (failed) return
      stream.end(() => (size === 0 ? reject(new UploadError(400, 'bad_request', 'The file is empty: choose a CSV file with a header line and rows of data')) : resolve(size)))
    })
    req.on('error', (error) => !failed && fail(error))
    stream.on('error', (error) => !failed && fail(error))
  })
}
