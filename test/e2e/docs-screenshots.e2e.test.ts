/**
 * Pictures in the docs retaken in Debian's Chromium: the New run form as it opens (docs/screenshots/new-run.png), and
 * the README's picture (compare-t40.png) and the user guide's dark-theme Compare (compare-dark.png) from real runs: an LSTM and a GRU on the adding problem at T = 40 with the same data
 * and seed (4), 20 epochs of the defaults, shown on the epoch axis with a log scale. The screenshots go to
 * test-results/; copy them to docs/screenshots after looking at them.
 *
 * It trains for about half a minute on a quiet machine only to take two pictures, so it runs when asked:
 * GATELAB_DOCS_SCREENSHOTS=1 npx vitest run test/e2e/docs-screenshots.e2e.test.ts (after `npm run build`).
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import { callApi, waitForRunCompleted, type RunningHost } from '../helpers/host'

const wanted = process.env.GATELAB_DOCS_SCREENSHOTS === '1'
if (!wanted) console.log('docs-screenshots: skipped (it only retakes docs pictures); run it with GATELAB_DOCS_SCREENSHOTS=1')

describe.runIf(wanted)('the docs’ New run and Compare pictures (Compare: real runs, adding, T = 40, seed 4)', () => {
  let host: RunningHost
  let page: Page
  const consoleErrors: string[] = []
  openLabPageForTests(
    consoleErrors,
    async (lab) => {
      ;({ host, page } = lab)
      // Epoch axis, log scale, the default smoothing: what the caption describes.
      await page.addInitScript(() => window.localStorage.setItem('gatelab.chartSettings', JSON.stringify({ smoothing: 0.6, x: 'epoch', logScale: true })))
    },
    { viewport: { width: 1440, height: 1000 } }
  )

  it('takes new-run.png: the form as it opens', async () => {
    await page.goto(`${host.url}#/new`)
    await page.getByText('Ready to train').waitFor({ timeout: 30_000 })
    await page.getByTestId('pair-models').waitFor({ timeout: 30_000 })
    await page.getByTestId('run-estimate').getByText(/^Estimate: /).waitFor({ timeout: 30_000 })
    await page.getByText(/host up/).waitFor({ timeout: 30_000 })
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: join(screenshotDir, 'new-run.png'), fullPage: true })
  })

  it('trains the pair and takes compare-t40.png and compare-dark.png', async () => {
    const { runIds } = await callApi<{ runIds: string[] }>(host, 'startRuns', {
      configs: (['lstm', 'gru'] as const).map((cell) => ({ name: `adding T40 ${cell.toUpperCase()}`, cell, task: 'adding', seqLen: 40, epochs: 20, seed: 4 }))
    })
    for (const id of runIds) await waitForRunCompleted(host, id, 600_000)
    const finals = await Promise.all(runIds.map((id) => callApi<{ cell: string; summary: { valLoss?: { min: number | null } } }>(host, 'getRun', { id })))
    console.log(`docs-screenshots: best valLoss ${finals.map((r) => `${r.cell} ${r.summary.valLoss?.min}`).join(', ')}`)

    await page.goto(`${host.url}#/compare?ids=${runIds.join(',')}`)
    const charts = page.locator('figure[data-testid^="chart-"]')
    await charts.first().waitFor({ timeout: 30_000 })
    // Every chart draws both runs before the picture is taken.
    const ids = [...runIds].sort().join(' ')
    await expect
      .poll(async () => (await charts.locator('[data-runs]').evaluateAll((els) => els.map((e) => (e.getAttribute('data-runs') ?? '').split(' ').filter(Boolean).sort().join(' ')))).every((r) => r === ids), { timeout: 30_000 })
      .toBe(true)
    await page.waitForTimeout(800)
    await page.screenshot({ path: join(screenshotDir, 'compare-t40.png') })

    for (let i = 0; i < 3 && (await page.locator('html').getAttribute('data-theme')) !== 'dark'; i++) await page.getByRole('button', { name: /Theme/ }).click()
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.waitForTimeout(800)
    await page.screenshot({ path: join(screenshotDir, 'compare-dark.png') })
    expect(consoleErrors).toEqual([])
  }, 900_000)
})
