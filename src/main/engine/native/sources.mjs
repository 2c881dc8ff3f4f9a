// The sha256 of what the native kernels are compiled from (src/main/engine/native/addon/: addon.c, the per-ISA
// targets, native_target.h, the shim, binding.gyp; and the kernel sources they include or link, fused/kernels/rnn.c
// and step.c). scripts/native-kernels.mjs records it in native/gatelab_kernels.build.json when a build succeeds, and
// src/main/engine/native/index.ts compares it with the sources beside a checkout, so a module built before the kernels
// changed (a `git pull` without `npm run build:native`) is not used without a word. Plain JavaScript: the install
// script runs it with Node alone.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The files of a native build, relative to addonDir, in a fixed order; missing ones are left out. */
export function nativeSourceFiles(addonDir) {
  const listed = (dir, rel) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => /\.(c|h|gyp)$/.test(f)).map((f) => (rel ? `${rel}/${f}` : f)) : []
  const files = [...listed(addonDir, ''), ...listed(join(addonDir, 'shim'), 'shim'), '../../fused/kernels/rnn.c', '../../fused/kernels/step.c']
  return files.filter((f) => existsSync(join(addonDir, f))).sort()
}

/** sha256 (hex) over every source file's name and bytes; null where the sources are not there (a packaged app). */
export function nativeSourceHash(addonDir) {
  const files = nativeSourceFiles(addonDir)
  if (!files.includes('addon.c')) return null
  const hash = createHash('sha256')
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(addonDir, f))).update('\0')
  return hash.digest('hex')
}
