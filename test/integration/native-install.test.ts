/**
 * The native kernels' install step (scripts/native-kernels.mjs, package.json "install") with the compiler hidden: it
 * must not fail the install (exit 0), must leave no module behind, and must record why, which the loader then reports
 * (engine/native: "the native build failed at install (...)"). Runs on a copy of the sources in a temporary directory,
 * so the real build in native/ is untouched.
 */
import { afterAll, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'gatelab-native-install-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

it('a failed native build does not fail the install, and says why', { timeout: 180_000 }, () => {
  // The addon includes ../../fused/kernels/rnn.c: copy both with their relative layout.
  cpSync(join(root, 'src', 'main', 'engine', 'native', 'addon'), join(work, 'native', 'addon'), { recursive: true, filter: (p) => !p.includes(`addon${'/'}build`) })
  cpSync(join(root, 'src', 'main', 'engine', 'fused', 'kernels', 'rnn.c'), join(work, 'fused', 'kernels', 'rnn.c'))
  const out = join(work, 'out')
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'native-kernels.mjs')], {
    cwd: root,
    encoding: 'utf8',
    // "No compiler": every compiler make would call is `false`.
    env: { ...process.env, CC: 'false', CXX: 'false', LINK: 'false', GATELAB_NATIVE_ADDON_DIR: join(work, 'native', 'addon'), GATELAB_NATIVE_OUT: out, GATELAB_NATIVE_KERNELS: '' }
  })
  expect(run.status, run.stderr).toBe(0)
  expect(run.stderr).toMatch(/native kernels: not built .*WebAssembly kernels/)
  expect(existsSync(join(out, 'gatelab_kernels.node'))).toBe(false)
  const record = JSON.parse(readFileSync(join(out, 'gatelab_kernels.build.json'), 'utf8')) as { ok: boolean; error: string }
  expect(record.ok).toBe(false)
  expect(record.error.length).toBeGreaterThan(5)
})
