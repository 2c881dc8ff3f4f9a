// Finds the Electron binary the way the `electron` npm package would, without requiring that package: its index.js
// starts a download when the binary is missing, which must never happen in plain Node (no network here).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * @param {{ root?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {{ found: true, path: string } | { found: false, reason: string }}
 */
export function findElectronBinary({ root = process.cwd(), env = process.env } = {}) {
  let packageDir
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return { found: false, reason: 'the `electron` npm package is not installed (run `npm install`)' }
  }
  const pathFile = join(packageDir, 'path.txt')
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron')
    return existsSync(path)
      ? { found: true, path }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${path} does not exist` }
  }
  if (!executable) {
    return { found: false, reason: `the Electron binary has not been downloaded into ${join(packageDir, 'dist')}` }
  }
  const path = join(packageDir, 'dist', executable)
  return existsSync(path) ? { found: true, path } : { found: false, reason: `${path} is missing` }
}

export const electronHelp = [
  'To get the desktop app, download the Electron binary once, with one of:',
  '  • network access to GitHub:            npx install-electron',
  '  • a mirror you can reach:              ELECTRON_MIRROR=https://your.mirror/electron/ npx install-electron',
  '  • an Electron you already have:        ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-folder npm start'
].join('\n')
