// `npm start` (and `npm run dev`): the desktop app when the Electron binary is installed, otherwise browser mode.
// Builds first when the build is missing or older than the sources. Never a stack trace: each failure says what
// is missing and what to do.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronHelp, findElectronBinary } from './lib/electron-binary.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const dev = args.includes('--dev')
const forceBrowser = args.includes('--browser') || process.env.GATELAB_BROWSER === '1'
const passThrough = args.filter((a) => a !== '--dev' && a !== '--browser')

function newestMtime(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function buildIfStale() {
  const marker = join(root, 'out', 'main', 'cli.js')
  const sources = ['src', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p))
  if (existsSync(marker) && statSync(marker).mtimeMs >= Math.max(...sources.map(newestMtime))) return
  console.error('Building GateLab (electron-vite build)…')
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  if (result.status !== 0) {
    console.error('gatelab: the build failed (see above). Fix the error, or run `npm run build` to see the full output.')
    process.exit(1)
  }
}

/** Runs a child with our stdio; Ctrl-C goes to the whole process group, so we only wait for the child to finish. */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env })
  // A terminal's Ctrl-C reaches the child too; forwarding covers a SIGINT sent to this process alone (stop is idempotent).
  process.on('SIGINT', () => child.kill('SIGINT'))
  process.on('SIGTERM', () => child.kill('SIGTERM'))
  child.on('error', (error) => {
    console.error(`gatelab: could not start ${command}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
}

const electron = forceBrowser ? { found: false, reason: 'browser mode was requested' } : findElectronBinary({ root })
if (electron.found && dev) {
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'dev', '--', ...passThrough], {
    ...process.env,
    ELECTRON_EXEC_PATH: electron.path
  })
} else if (electron.found) {
  buildIfStale()
  run(electron.path, [root, ...passThrough])
} else {
  if (!forceBrowser) {
    console.error(`GateLab: the desktop app cannot start because ${electron.reason}.`)
    console.error(electronHelp)
    console.error('Starting browser mode instead: open the URL below in your browser.\n')
  }
  buildIfStale()
  run(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...passThrough])
}
