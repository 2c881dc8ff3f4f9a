/**
 * Which files the GateLab API may read on a caller's behalf (docs/RELIABILITY.md, "The local API"). Like Jupyter's
 * server, which serves files below one root folder: a data path given through the API (the browser UI, the desktop
 * IPC) must be a regular file whose real path (symbolic links followed) lies under
 *
 *   - the user's home folder,
 *   - the lab's data folder (`data/` beside the lab database, where uploaded CSV files go),
 *   - or a folder the user added: `dataRoots` in the Lab's options, and GATELAB_DATA_DIRS (a path list, like PATH).
 *
 * FIFOs, devices, sockets and folders are refused, as is anything outside those folders (`/etc/shadow` when the host
 * runs as root). The command line is the user's own shell and is not restricted.
 */
import { realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { GateLabError } from '../../shared/api'

/** The lab's own data folder: uploaded files live here. */
export function labDataDir(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'data')
}

/** The folders the API may read data from, for a lab at `dbPath`. */
export function dataRoots(dbPath: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.GATELAB_DATA_DIRS ?? '').split(delimiter).filter((p) => p.trim() !== '')
  return [homedir(), labDataDir(dbPath), ...extra, ...fromEnv].map((p) => resolve(p))
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

function kindOf(path: string): string {
  try {
    const s = statSync(path)
    if (s.isDirectory()) return 'a folder'
    if (s.isFIFO()) return 'a named pipe (FIFO)'
    if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device'
    if (s.isSocket()) return 'a socket'
    return 'not a regular file'
  } catch {
    return 'not a regular file'
  }
}

function bad(message: string): GateLabError {
  return new GateLabError({ code: 'bad_request', message })
}

/**
 * The real path of `path` when the API may read it; otherwise a bad_request GateLabError that says why and what to
 * do. `path` may be relative (to the host's working folder) — what matters is where it really points.
 */
export function checkDataPath(path: string, roots: readonly string[]): string {
  if (path.includes('\0')) throw bad('A data path cannot contain a NUL character.')
  const absolute = isAbsolute(path) ? path : resolve(path)
  const target = real(absolute)
  if (target === undefined) throw bad(`There is no file ${absolute}. Check the path.`)
  const stat = statSync(target)
  if (!stat.isFile()) throw bad(`${absolute} is ${kindOf(target)}, not a data file: choose a CSV file.`)
  const allowed = roots.map((r) => real(r) ?? r)
  if (!allowed.some((root) => target === root || target.startsWith(root.endsWith(sep) ? root : root + sep))) {
    throw bad(
      `${absolute} is outside the folders GateLab may read data from (${allowed.join(', ')}). ` +
        'Copy the file into one of them, or add its folder under Data folders on the System page (or to GATELAB_DATA_DIRS).'
    )
  }
  return target
}

/** Every `csv:PATH` task in an API request (configs, sweep grids), wherever it sits. */
export function csvTasksIn(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 12 || value === null || typeof value !== 'object') return found
  for (const [key, v] of Object.entries(value)) {
    if (key === 'task' || key === 'tasks') {
      for (const t of Array.isArray(v) ? v : [v]) if (typeof t === 'string' && t.startsWith('csv:')) found.push(t.slice(4))
    }
    if (typeof v === 'object') csvTasksIn(v, found, depth + 1)
  }
  return found
}
