/**
 * Pictures in the docs retaken in Debian's Chromium: the New run form as it opens (docs/screenshots/new-run.png), and
 * the README's picture (compare-t40.png) and the user guide's dark-theme Compare (compare-dark.png) from real runs: an LSTM and a GRU on the adding problem at T = 40 with the same data
 * and seed (4), 20 epochs of the defaults, shown on the epoch axis with a log scale; and the user guide's grouped
 * Compare (compare-grouped.png) and its validation-loss chart (compare-log-hover.png) from six real runs: an LSTM and
 * a GRU × seeds 1–3 on the adding problem at T = 50, 6 epochs at lr 0.003, grouped by cell on a log scale with member
 * curves and a hover on the mean lines — checked before each picture (the log axis holds every band with room to the
 * frame; the tooltip shows each group's mean; the hover markers sit on the mean lines). The screenshots go to
 * test-results/; copy them to docs/screenshots after looking at them.
 *
 * It trains for about a minute on a quiet machine only to take pictures, so it runs when asked:
 * GATELAB_DOCS_SCREENSHOTS=1 npx vitest run test/e2e/docs-screenshots.e2e.test.ts (after `npm run build`).
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import { callApi, waitForRunCompleted, type RunningHost } from '../helpers/host'
import { assertAxis, bandEdges, hoverMean, readChart } from '../helpers/charts'

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

  it('trains six runs (LSTM and GRU × seeds 1–3, adding T = 50) and takes compare-grouped.png and compare-log-hover.png', async () => {
    const { runIds } = await callApi<{ runIds: string[] }>(host, 'startRuns', {
      configs: (['gru', 'lstm'] as const).flatMap((cell) => [1, 2, 3].map((seed) => ({ name: `adding T50 ${cell.toUpperCase()} seed ${seed}`, cell, task: 'adding', seqLen: 50, epochs: 6, lr: 0.003, seed })))
    })
    for (const id of runIds) await waitForRunCompleted(host, id, 600_000)
    const finals = await Promise.all(runIds.map((id) => callApi<{ name: string; summary: { valLoss?: { min: number | null; last?: number | null } } }>(host, 'getRun', { id })))
    console.log(`docs-screenshots: best valLoss ${finals.map((r) => `${r.name} ${r.summary.valLoss?.min}`).join(', ')}`)

    await page.goto(`${host.url}#/compare?ids=${runIds.join(',')}`)
    const toolbar = page.getByRole('toolbar', { name: 'Chart settings' })
    await toolbar.getByRole('radio', { name: 'Step' }).click()
    await toolbar.getByLabel('Log scale').check()
    await toolbar.getByLabel('Group by').selectOption('cell')
    await toolbar.getByLabel('Member curves').check()
    const groups = ['GRU', 'LSTM']
    await expect
      .poll(async () => {
        const d = await readChart(page, 'valLoss')
        return d.yTicks.length > 3 && groups.every((g) => d.series.some((s) => s.id === `mean:${g}`)) && d.series.filter((s) => s.id.startsWith('member:')).length === 6
      }, { timeout: 30_000 })
      .toBe(true)
    await page.waitForTimeout(800)
    const d = await readChart(page, 'valLoss')
    // The log axis is fitted to what is drawn: every band edge and member curve inside it, with room to the frame.
    const edges = groups.flatMap((g) => [...bandEdges(d, g).lower, ...bandEdges(d, g).upper])
    const members = d.series.filter((s) => s.id.startsWith('member:')).flatMap((s) => s.data.map((p) => p[1]))
    const lo = Math.min(...edges, ...members)
    const hi = Math.max(...edges, ...members)
    const px = (a: number, b: number): number => (Math.log(b / a) / Math.log(d.yMax / d.yMin)) * d.rect.height
    console.log(`docs-screenshots: valLoss log axis ${d.yMin.toFixed(4)}–${d.yMax.toFixed(4)}, drawn ${lo.toFixed(4)}–${hi.toFixed(4)}, labels ${d.texts.filter((t) => t.x + t.width <= d.rect.x).map((t) => t.text).join(' ')}`)
    expect(px(d.yMin, lo)).toBeGreaterThanOrEqual(2)
    expect(px(hi, d.yMax)).toBeGreaterThanOrEqual(2)
    expect(d.yMax / d.yMin).toBeLessThan((hi / lo) * 1.2)
    assertAxis(d)

    // Hover on the GRU mean at the last epoch's end (the tooltip then sits below the curves rather than on them): the
    // tooltip shows each group's mean, and the markers sit on the mean lines.
    const i = d.series.find((s) => s.id === 'mean:GRU')!.data.length - 1
    expect(i).toBe(5)
    const { values, markers } = await hoverMean(page, 'valLoss', d, 'GRU', i, groups)
    console.log(`docs-screenshots: hover at step ${d.series.find((s) => s.id === 'mean:GRU')!.data[i]![0]}: ${groups.map((g) => `${g} ${values[g]}`).join(', ')}`)
    for (const g of groups) {
      const m = d.series.find((s) => s.id === `mean:${g}`)!.data[i]![1]
      expect(Math.abs(values[g]! - m)).toBeLessThan(m * 5e-4)
    }
    expect(markers).toHaveLength(2)
    const meanYs = groups.map((g) => d.pixels.find((p) => p.id === `mean:${g}`)!.px[i]!)
    for (const m of markers) expect(Math.min(...meanYs.map((y) => Math.abs(y - m.y)))).toBeLessThan(1)

    // The page down to the last chart's card.
    const bottom = await page.locator('figure[data-testid^="chart-"]').evaluateAll((els) => Math.max(...els.map((e) => (e.closest('.card') ?? e).getBoundingClientRect().bottom + window.scrollY)))
    await page.screenshot({ path: join(screenshotDir, 'compare-grouped.png'), clip: { x: 0, y: 0, width: 1440, height: Math.ceil(bottom) + 12 }, fullPage: true })
    await page.getByTestId('chart-valLoss').screenshot({ path: join(screenshotDir, 'compare-log-hover.png') })
    expect(consoleErrors).toEqual([])
  }, 900_000)
})
