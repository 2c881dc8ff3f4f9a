/**
 * The desktop app itself, through Playwright's Electron driver. It runs wherever the Electron binary is installed
 * (`npx install-electron`); elsewhere it is skipped, and says why.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { _electron } from 'playwright-core'
import { findElectronBinary } from '../../scripts/lib/electron-binary.mjs'
import { repoRoot, tempDir } from '../helpers/host'

const electron = findElectronBinary({ root: repoRoot })
if (!electron.found) {
  console.log(`Skipping the Electron smoke test: ${electron.reason}. Install the binary with \`npx install-electron\` to run it.`)
}

describe.skipIf(!electron.found)('the desktop app (Electron)', () => {
  it('opens a window that shows what a trainer process reported', async () => {
    const app = await _electron.launch({
      executablePath: electron.found ? electron.path : '',
      args: [repoRoot, '--db', join(tempDir(), 'lab.db')]
    })
    try {
      const window = await app.firstWindow()
      await window.getByTestId('trainer-backend').waitFor({ timeout: 60_000 })
      expect(await window.getByTestId('trainer-backend').textContent()).toMatch(/^(tensorflow|wasm|cpu)/)
      expect(window.url()).toMatch(/^gatelab:\/\/app\//)
      await window.screenshot({ path: join(repoRoot, 'test-results', 'system-electron.png') })
    } finally {
      await app.close()
    }
  })
})
