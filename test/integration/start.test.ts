/**
 * `npm start` where the Electron binary is absent (as on this machine and CI): a short message saying what is
 * missing and how to get it, then browser mode; Ctrl-C stops it cleanly.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { repoRoot, startHost, tempDir } from '../helpers/host'

describe('npm start without the Electron binary', () => {
  it('explains what is missing, falls back to browser mode and stops on Ctrl-C', async () => {
    const host = await startHost({
      command: [join(repoRoot, 'scripts', 'start.mjs')],
      // Point the detection at a folder with no Electron, so the test means the same wherever it runs.
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron', GATELAB_DB: join(tempDir(), 'lab.db') }
    })
    const health = await fetch(`${host.origin}/api/health?token=${host.token}`)
    expect(health.status).toBe(200)
    const message = host.stderr()
    expect(message).toContain('the desktop app cannot start because ELECTRON_OVERRIDE_DIST_PATH is set, but /nonexistent-electron/electron does not exist')
    expect(message).toContain('npx install-electron')
    expect(message).toContain('ELECTRON_MIRROR')
    expect(message).toContain('Starting browser mode instead')
    expect(await host.stop('SIGINT')).toBe(0)
    expect(host.stderr()).toContain('GateLab stopped.')
    expect(host.stderr()).not.toMatch(/\bat .*:\d+:\d+/)
  })
})
