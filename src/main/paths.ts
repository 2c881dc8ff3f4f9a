/**
 * Where GateLab keeps its files when no --db/GATELAB_DB says otherwise. Mirrors Electron's `app.getPath('userData')`
 * (appData/productName) so the desktop app, browser mode and the CLI open the same lab by default.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export const productName = 'GateLab'
export const dbFileName = 'gatelab.db'

export function defaultUserDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir()
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), productName)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', productName)
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), productName)
}

/** The database path for the CLI and browser mode: `--db`, then GATELAB_DB, then the desktop app's default. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.GATELAB_DB ?? join(defaultUserDataDir(process.platform, env), dbFileName)
}
