/**
 * Debian's Chromium driven by playwright-core, with the flags this sandbox needs (see docs/TESTING.md).
 * GATELAB_CHROMIUM points the tests at another Chromium or Chrome binary.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { repoRoot, startHost, type RunningHost } from './host'

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

export interface LabPage {
  host: RunningHost
  browser: Browser
  page: Page
  close(): Promise<void>
}

/**
 * A real host in browser mode and a Chromium page on it; the page's console errors and uncaught exceptions (CSP
 * violations, failed requests) go to `errors`, which the tests expect to stay empty.
 */
export async function openLabPage(errors: string[], options: { viewport?: { width: number; height: number }; host?: Parameters<typeof startHost>[0] } = {}): Promise<LabPage> {
  const [host, browser] = await Promise.all([startHost(options.host), launchChromium()])
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 }, colorScheme: 'light' })
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(e.message))
  return {
    host,
    browser,
    page,
    close: async () => {
      await browser.close()
      await host.stop()
    }
  }
}

/**
 * For a describe block: opens a lab page (openLabPage) before its tests, hands it to `ready` (which takes the host and
 * page it needs, and may set the page up), and closes it after them.
 */
export function openLabPageForTests(errors: string[], ready: (lab: LabPage) => void | Promise<void>, options: Parameters<typeof openLabPage>[1] = {}): void {
  let lab: LabPage | undefined
  beforeAll(async () => {
    lab = await openLabPage(errors, options)
    await ready(lab)
  }, 60_000)
  afterAll(async () => {
    await lab?.close()
  })
}
