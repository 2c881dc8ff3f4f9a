/**
 * Debian's Chromium driven by playwright-core, with the flags this sandbox needs (see docs/TESTING.md).
 * GATELAB_CHROMIUM points the tests at another Chromium or Chrome binary.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { repoRoot } from './host'

export const chromiumPath = process.env.GATELAB_CHROMIUM ?? '/usr/bin/chromium'
export const screenshotDir = join(repoRoot, 'test-results')

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's (apt-get install -y chromium) or set GATELAB_CHROMIUM to a Chromium/Chrome binary.`
    )
  }
  mkdirSync(screenshotDir, { recursive: true })
  return chromium.launch({ executablePath: chromiumPath, args: chromiumFlags })
}
