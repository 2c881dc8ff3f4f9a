// `npm run rebuild:electron`: builds better-sqlite3 for the installed Electron into native/electron-<abi>/, where the
// desktop app loads it through the nativeBinding option. node_modules keeps its Node build, so `npm test` and the CLI
// keep working: the two builds never overwrite each other.
//
// Needs network access once: a prebuilt binary from better-sqlite3's releases (prebuild-install), or else Electron's
// headers to compile against (node-gyp; honours npm_config_disturl / ELECTRON_HEADERS_URL for a mirror).
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const fail = (message) => {
  console.error(`rebuild:electron: ${message}`)
  process.exit(1)
}

const electronVersion =
  process.argv.find((a) => a.startsWith('--electron-version='))?.split('=')[1] ??
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
const abi = require('node-abi').getAbi(electronVersion, 'electron')
const target = join(root, 'native', `electron-${abi}`, 'better_sqlite3.node')
const headersUrl = process.env.ELECTRON_HEADERS_URL ?? process.env.npm_config_disturl ?? 'https://electronjs.org/headers'

const source = dirname(require.resolve('better-sqlite3/package.json'))
const work = mkdtempSync(join(tmpdir(), 'gatelab-rebuild-'))
cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) })
console.error(`Building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) in ${work}`)

// A machine-wide `nodedir` (npm config) would make node-gyp compile against Node's own headers and silently produce
// a Node-ABI binary under an Electron name; the build must use Electron's headers, so it is removed here.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'))
const run = (command, args) =>
  spawnSync(command, args, { cwd: work, stdio: 'inherit', env: { ...env, npm_config_runtime: 'electron', npm_config_target: electronVersion } })

const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion])
if (prebuilt.status !== 0) {
  console.error('No prebuilt binary could be downloaded; compiling against Electron headers with node-gyp…')
  const npmDir = dirname(dirname(process.env.npm_execpath ?? require.resolve('npm/package.json')))
  const gyp = [join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find(existsSync)
  if (!gyp) fail('node-gyp was not found (it ships with npm). Run this script through `npm run rebuild:electron`.')
  const compiled = run(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', `--dist-url=${headersUrl}`])
  if (compiled.status !== 0) {
    fail(
      `could not build better-sqlite3 for Electron ${electronVersion}. Both routes need network access: ` +
        `a prebuilt binary from GitHub, or Electron's headers from ${headersUrl} (set ELECTRON_HEADERS_URL for a mirror).`
    )
  }
}
const built = join(work, 'build', 'Release', 'better_sqlite3.node')
const gypConfig = join(work, 'build', 'config.gypi')
if (existsSync(gypConfig) && !readFileSync(gypConfig, 'utf8').includes(electronVersion)) {
  fail(`node-gyp compiled against headers other than Electron ${electronVersion} (see ${gypConfig}); refusing to install that binary`)
}
if (!existsSync(built)) fail(`the build finished but ${built} is missing`)
mkdirSync(dirname(target), { recursive: true })
copyFileSync(built, target)
rmSync(work, { recursive: true, force: true })
console.error(`Wrote ${target}`)
