// Builds the native fused kernels (src/main/engine/native/addon/, a Node-API module) with node-gyp, the way
// better-sqlite3 builds at install, and copies the result to native/gatelab_kernels.node, where trainers load it and
// from where electron-builder ships it (extraResources: native/). Run by `npm install` / `npm ci` (package.json
// "install") and by `npm run build:native`.
//
// A failed build never fails the install: the fused layers then run the WebAssembly kernels, and
// native/gatelab_kernels.build.json records why, which the System page and `--json` outputs show
// (src/main/engine/native/index.ts). GATELAB_NATIVE_KERNELS=off at install skips the build.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nativeSourceHash } from '../src/main/engine/native/sources.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// GATELAB_NATIVE_ADDON_DIR / GATELAB_NATIVE_OUT: build a copy elsewhere (the install test does, with no compiler).
const addonDir = process.env.GATELAB_NATIVE_ADDON_DIR ?? join(root, 'src', 'main', 'engine', 'native', 'addon')
const outDir = process.env.GATELAB_NATIVE_OUT ?? join(root, 'native')
const target = join(outDir, 'gatelab_kernels.node')
const record = join(outDir, 'gatelab_kernels.build.json')
const strict = process.argv.includes('--strict')

function finish(ok, detail) {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(record, JSON.stringify({ ok, date: new Date().toISOString(), node: process.version, ...detail }, null, 2) + '\n')
  if (ok) {
    console.log(`native kernels: built ${target}`)
  } else {
    console.warn(`native kernels: not built (${detail.error.split('\n')[0]}); the fused layers will use the WebAssembly kernels.`)
    console.warn('native kernels: to build them later: npm run build:native (needs a C compiler, make and python3)')
  }
  process.exit(ok || !strict ? 0 : 1)
}

if ((process.env.GATELAB_NATIVE_KERNELS ?? '').toLowerCase() === 'off') finish(false, { error: 'skipped: GATELAB_NATIVE_KERNELS=off at install' })
if (!['x64', 'arm64'].includes(process.arch)) finish(false, { error: `no native kernels for ${process.arch} (x64 and arm64 only)` })

// node-gyp: the one npm runs install scripts with (npm_config_node_gyp), else the project's, else on PATH.
const require = createRequire(join(root, 'package.json'))
let nodeGyp = process.env.npm_config_node_gyp
if (!nodeGyp || !existsSync(nodeGyp)) {
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
  } catch {
    nodeGyp = undefined
  }
}
const command = nodeGyp ? [process.execPath, nodeGyp] : ['node-gyp']
// Node's own headers when this Node installation ships them (Debian's nodejs, the official tarballs), so no download is needed.
const prefix = join(dirname(process.execPath), '..')
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : []
rmSync(target, { force: true })
const result = spawnSync(command[0], [...command.slice(1), 'rebuild', '--release', `--directory=${addonDir}`, ...nodedir], {
  cwd: root,
  encoding: 'utf8',
  timeout: 10 * 60_000
})
const built = join(addonDir, 'build', 'Release', 'gatelab_kernels.node')
if (result.status !== 0 || !existsSync(built)) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim()
  const lines = log.split('\n').filter((l) => /error|not found|No such file|command not found/i.test(l))
  const error = result.error ? result.error.message : (lines[0] ?? `node-gyp exited with ${result.status}`)
  finish(false, { error: error.trim(), log: log.split('\n').slice(-40).join('\n') })
}
// Check that it loads and say which targets this CPU runs.
try {
  const mod = { exports: {} }
  process.dlopen(mod, built)
  mkdirSync(outDir, { recursive: true })
  copyFileSync(built, target)
  // The sources' hash: index.ts compares it with a checkout's sources, so a module older than them is not used silently.
  finish(true, { targets: mod.exports.targets, path: target, sources: nativeSourceHash(addonDir) })
} catch (error) {
  finish(false, { error: `built but does not load: ${error.message}` })
}
