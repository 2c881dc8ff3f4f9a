/**
 * The runs table with 10,000 runs, in Chromium against a real host: the host filters, sorts and pages; the table keeps
 * only the rows in view in the page, scrolls to the last run, and sorts by a stored summary metric.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { cliEntry, startHost, type RunningHost } from '../helpers/host'
import { seedLargeLab } from '../helpers/lab-ui'

const COUNT = 10_000

describe('the runs table with 10,000 runs', () => {
  let host: RunningHost
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const { dbPath } = seedLargeLab(COUNT)
    ;[host, browser] = await Promise.all([startHost({ command: [cliEntry, 'serve', '--db', dbPath] }), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
  }, 180_000)
  afterAll(async () => {
    if (process.env.GATELAB_DEBUG_UI) console.log(host?.stdout(), host?.stderr(), consoleErrors)
    await browser?.close()
    await host?.stop()
  })

  it('renders only the rows in view and reaches the last run', async () => {
    await page.goto(host.url)
    await page.getByTestId('runs-count').waitFor()
    await page.goto(`${host.origin}/#/runs?sort=name&order=asc`)
    await expect.poll(() => page.getByTestId('runs-count').textContent(), { timeout: 20_000 }).toBe('10,000 runs')
    const rows = page.locator('.run-row')
    const rendered = await rows.count()
    // Windowed: a screenful plus overscan, not ten thousand.
    expect(rendered).toBeGreaterThan(10)
    expect(rendered).toBeLessThan(80)
    await expect(page.getByRole('grid', { name: 'Runs' }).getAttribute('aria-rowcount')).resolves.toBe(String(COUNT + 1))

    // End jumps to the last row by keyboard: the table scrolls, fetches the last page, and focuses the last name.
    await rows.first().focus()
    await page.keyboard.press('End')
    const last = page.locator(`.run-row[aria-rowindex="${COUNT + 1}"]`)
    await last.waitFor({ timeout: 10_000 })
    await expect(last.locator('.run-name').textContent()).resolves.toBe('bulk 09999')
    expect(await rows.count()).toBeLessThan(80)
    await expect(page.locator(':focus').getAttribute('aria-rowindex')).resolves.toBe(String(COUNT + 1))
    // Home goes back to the first.
    await page.keyboard.press('Home')
    await expect.poll(() => page.locator(':focus .run-name').textContent(), { timeout: 10_000 }).toBe('bulk 00000')
  })

  it('sorts by the stored best validation loss and filters on the host', async () => {
    await page.goto(`${host.origin}/#/runs?sort=summary%3AvalLoss%3Amin&order=asc`)
    const first = page.locator('.run-row[aria-rowindex="2"]')
    // Run i has best valLoss 1 / (i + 2): the lowest is the last one created.
    await expect.poll(() => first.locator('.run-name').textContent(), { timeout: 10_000 }).toBe(`bulk ${String(COUNT - 1).padStart(5, '0')}`)
    await expect(first.getAttribute('data-status')).resolves.toBe('completed')

    await page.goto(`${host.origin}/#/runs?cell=gru&tag=tenth`)
    // Every tenth run is tagged, every third is a GRU: i ≡ 0 (mod 10) and i ≡ 1 (mod 3) → 333 of 10,000.
    await expect.poll(() => page.getByTestId('runs-count').textContent(), { timeout: 10_000 }).toBe('333 runs match')
    await page.screenshot({ path: join(screenshotDir, 'lab-runs-10k.png') })
    expect(consoleErrors).toEqual([])
  })
})
