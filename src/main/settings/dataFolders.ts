/**
 * Data folders the user added in the lab's settings (System page, "Data folders"): the local API reads data files only
 * under the user's home folder, the lab's data folder, GATELAB_DATA_DIRS and these (src/main/access/dataPaths.ts).
 * Stored in the lab database (table `settings` — shared with the memory limit, src/main/limits/settings.ts — key
 * `dataFolders`, a JSON list of absolute real paths), so they travel
 * with the lab and its backups.
 *
 * A folder is accepted when it exists, is a folder (symbolic links followed) and is neither the root of the file
 * system nor a system folder or one inside it: /etc, /proc, /sys, /dev, /boot, /run, /bin, /sbin, /lib, /lib32,
 * /lib64, /usr, /var, /root, /snap (on Windows: the Windows folder and Program Files). Such folders hold secrets and
 * devices, never a user's data.
 */
import { realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, parse, resolve, sep } from 'node:path'
import { GateLabError, type DataFolders } from '../../shared/api'
import { labDataDir } from '../access/dataPaths'
import type { SettingsStore } from '../limits/settings'

export const dataFoldersKey = 'dataFolders'
export const maxDataFolders = 50

const systemFolders = ['/etc', '/proc', '/sys', '/dev', '/boot', '/run', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/var', '/root', '/snap']
const windowsSystem = [/^[a-z]:\\windows(\\|$)/i, /^[a-z]:\\program files( \(x86\))?(\\|$)/i]

function bad(message: string): GateLabError {
  return new GateLabError({ code: 'bad_request', message })
}

/** The folder's real absolute path when it may be added; otherwise a bad_request saying why. */
export function checkDataFolder(path: string): string {
  const given = path.trim()
  if (given === '') throw bad('Give the path of a folder.')
  if (given.includes('\0')) throw bad('A folder path cannot contain a NUL character.')
  if (!isAbsolute(given)) throw bad(`${given} is not an absolute path: give the full path of the folder (starting with ${sep === '/' ? '/' : 'a drive letter'}).`)
  let real: string
  try {
    real = realpathSync(given)
  } catch {
    throw bad(`There is no folder ${given}. Check the path.`)
  }
  if (!statSync(real).isDirectory()) throw bad(`${given} is a file, not a folder: give the folder that holds your data files.`)
  if (real === parse(real).root) throw bad(`${given} is the root of the file system: GateLab reads data only from folders you choose, not the whole disk. Give the folder that holds your data files.`)
  const system = systemFolders.find((s) => real === s || real.startsWith(s + '/')) ?? (windowsSystem.some((r) => r.test(real)) ? real : undefined)
  if (system !== undefined && !(real === homedir() || real.startsWith(homedir() + sep))) {
    throw bad(`${given} is a system folder (${system}): it holds system files, not data. Give a folder of your own.`)
  }
  return real
}

/** The folders added in this lab's settings (never throws: a damaged value reads as none). */
export function addedDataFolders(store: SettingsStore | undefined): string[] {
  let value: unknown
  try {
    value = store?.getSetting(dataFoldersKey)
  } catch {
    return []
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** Checks every folder, removes repeats and saves the list; returns it. */
export function saveDataFolders(store: SettingsStore | undefined, folders: readonly string[]): string[] {
  if (!store) throw new GateLabError({ code: 'internal', message: 'This lab has no settings store.' })
  if (folders.length > maxDataFolders) throw bad(`At most ${maxDataFolders} data folders can be added.`)
  const checked = [...new Set(folders.map(checkDataFolder))]
  store.setSetting(dataFoldersKey, checked)
  return checked
}

/** Every folder the API may read data from, and where each comes from (for the System page). */
export function describeDataFolders(dbPath: string, store: SettingsStore | undefined, env: NodeJS.ProcessEnv = process.env): DataFolders {
  const fromEnv = (env.GATELAB_DATA_DIRS ?? '').split(process.platform === 'win32' ? ';' : ':').filter((p) => p.trim() !== '').map((p) => resolve(p))
  return { home: homedir(), labData: labDataDir(dbPath), fromEnvironment: fromEnv, added: addedDataFolders(store) }
}
