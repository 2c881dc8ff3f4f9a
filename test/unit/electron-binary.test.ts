import { describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findElectronBinary } from '../../scripts/lib/electron-binary.mjs'
import { tempDir } from '../helpers/host'

function fakeProject(options: { pathTxt?: string; binary?: boolean }): string {
  const root = tempDir('gatelab-electron-')
  writeFileSync(join(root, 'package.json'), '{"name":"x"}')
  const pkg = join(root, 'node_modules', 'electron')
  mkdirSync(join(pkg, 'dist'), { recursive: true })
  writeFileSync(join(pkg, 'package.json'), '{"name":"electron","version":"45.0.0"}')
  // index.js would download the binary; finding it must never load this file.
  writeFileSync(join(pkg, 'index.js'), 'throw new Error("index.js must not be loaded")')
  if (options.pathTxt) writeFileSync(join(pkg, 'path.txt'), options.pathTxt)
  if (options.binary) {
    writeFileSync(join(pkg, 'dist', 'electron'), '#!/bin/sh\n')
    chmodSync(join(pkg, 'dist', 'electron'), 0o755)
  }
  return root
}

describe('finding the Electron binary without requiring electron', () => {
  it('finds an installed binary', () => {
    const root = fakeProject({ pathTxt: 'electron', binary: true })
    expect(findElectronBinary({ root, env: {} })).toEqual({ found: true, path: join(root, 'node_modules', 'electron', 'dist', 'electron') })
  })

  it('says when the binary was never downloaded', () => {
    const result = findElectronBinary({ root: fakeProject({}), env: {} })
    expect(result.found).toBe(false)
    expect(!result.found && result.reason).toMatch(/has not been downloaded/)
  })

  it('says when path.txt points at a missing file', () => {
    const result = findElectronBinary({ root: fakeProject({ pathTxt: 'electron' }), env: {} })
    expect(!result.found && result.reason).toMatch(/is missing/)
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH and reports a wrong one', () => {
    const root = fakeProject({})
    const dist = tempDir('gatelab-dist-')
    writeFileSync(join(dist, 'electron'), '')
    expect(findElectronBinary({ root, env: { ELECTRON_OVERRIDE_DIST_PATH: dist } })).toEqual({ found: true, path: join(dist, 'electron') })
    const wrong = findElectronBinary({ root, env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' } })
    expect(!wrong.found && wrong.reason).toMatch(/ELECTRON_OVERRIDE_DIST_PATH is set, but \/nonexistent\/electron does not exist/)
  })

  it('says when the electron package itself is missing', () => {
    const root = tempDir('gatelab-empty-')
    writeFileSync(join(root, 'package.json'), '{}')
    const result = findElectronBinary({ root, env: {} })
    expect(!result.found && result.reason).toMatch(/not installed/)
  })
})
