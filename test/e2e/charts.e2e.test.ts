/**
 * The lab's charts in Chromium (issue 17 items 3 and 9), read from the real ECharts instance in the page, on a lab of
 * six finished runs (three seeds of an LSTM and of a GRU) written through the store's own API, whose validation loss
 * lies between 0.145 and 0.19 — the case whose log axis once showed only "1" and "0.1":
 * - log scale: the y range is fitted to the drawn curves (not 0.1–1), at least three labels at multiples of one
 *   1-2-5 × 10ⁿ step, minor ticks between them, no label longer than 8 characters, no two labels overlapping;
 * - grouped by cell: a legend entry per group, the band fitted into the log range, and a real mouse move over a point
 *   of a group's mean line puts the tooltip value and the hover marker on the mean, not on a band edge.
 * Screenshots go to test-results/ (the docs/screenshots copies were looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { cliEntry, startHost, type RunningHost } from '../helpers/host'
import { seedRuns, type SeedRun } from '../helpers/lab-ui'
import { assertAxis, bandEdges, hoverMean, readChart as readDrawnChart, type Drawn } from '../helpers/charts'

const EPOCHS = 30
const LOW = 0.145
const HIGH = 0.19

/** Validation loss falling from 0.19 towards 0.145: GRUs a little faster, each seed a little apart. */
function valLoss(cell: 'lstm' | 'gru', seed: number): number[] {
  const tau = cell === 'lstm' ? 7 : 4
  return Array.from({ length: EPOCHS }, (_, e) => 0.1462 + 0.0428 * Math.exp(-e / tau) + 0.0005 * (seed - 2) + 0.0003 * Math.sin(e * seed))
}

describe('the app charts: log axis, group legend and hover on the mean line', () => {
  let host: RunningHost
  let browser: Browser
  let page: Page
  let ids: string[] = []
  const consoleErrors: string[] = []
  const runs: SeedRun[] = (['lstm', 'gru'] as const).flatMap((cell) =>
    [1, 2, 3].map((seed) => {
      const v = valLoss(cell, seed)
      return { config: { name: `${cell} seed ${seed}`, cell, task: 'adding', seqLen: 20, units: 16, epochs: EPOCHS, seed }, metrics: { valLoss: v, loss: v.map((x) => x * 0.97) } }
    })
  )

  beforeAll(async () => {
    const seeded = seedRuns(runs, 'charts.db')
    ids = seeded.ids
    ;[host, browser] = await Promise.all([startHost({ command: [cliEntry, 'serve', '--db', seeded.dbPath] }), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await host?.stop()
  })

  it('seeds validation losses between 0.145 and 0.19', () => {
    const all = runs.flatMap((r) => r.metrics.valLoss!)
    expect(Math.min(...all)).toBeGreaterThanOrEqual(LOW)
    expect(Math.max(...all)).toBeLessThanOrEqual(HIGH)
  })

  const readChart = (metric: string): Promise<Drawn> => readDrawnChart(page, metric)

  const toolbar = (): ReturnType<Page['getByRole']> => page.getByRole('toolbar', { name: 'Chart settings' })

  /** Compare of the six runs on a log axis, grouped by cell or not, once the chart draws it. */
  const openCompare = async (grouped: boolean): Promise<void> => {
    await page.goto(`${host.url}#/compare?ids=${ids.join(',')}`)
    await page.getByTestId('chart-valLoss').locator('canvas').first().waitFor({ timeout: 20_000 })
    await toolbar().getByLabel('Log scale').check()
    if (grouped) await toolbar().getByLabel('Group by').selectOption('cell')
    await expect
      .poll(async () => {
        const d = await readChart('valLoss')
        return d.yTicks.length > 3 && d.series.some((s) => s.id.startsWith('mean:')) === grouped
      }, { timeout: 10_000 })
      .toBe(true)
  }

  it('log scale: the y range fitted to the curves, 1-2-5 × 10ⁿ labels, minor ticks between them, short labels that do not overlap', async () => {
    await openCompare(false)
    const chart = page.getByTestId('chart-valLoss')
    const d = await readChart('valLoss')
    const drawn = d.series.filter((s) => s.id.startsWith('run:') || s.id.startsWith('raw:')).flatMap((s) => s.data.map((p) => p[1]))
    expect(drawn.length).toBe(6 * EPOCHS * 2)
    const lo = Math.min(...drawn)
    const hi = Math.max(...drawn)
    // Fitted: the range holds every drawn point and is not much wider than the data (not 0.1 to 1).
    expect(d.yMin).toBeLessThanOrEqual(lo)
    expect(d.yMax).toBeGreaterThanOrEqual(hi)
    expect(d.yMin).toBeGreaterThan(lo * 0.9)
    expect(d.yMax).toBeLessThan(hi * 1.1)
    // ...with room: neither the lowest nor the highest point sits on the frame (at least 3 px inside it).
    const px = (a: number, b: number): number => (Math.log(b / a) / Math.log(d.yMax / d.yMin)) * d.rect.height
    expect(px(d.yMin, lo)).toBeGreaterThanOrEqual(3)
    expect(px(hi, d.yMax)).toBeGreaterThanOrEqual(3)
    assertAxis(d)
    await chart.screenshot({ path: join(screenshotDir, 'charts-log.png') })
  })

  it('grouped by cell: a legend entry per group, the band inside the log range, and a hover on the mean line shows the mean', async () => {
    await openCompare(true)
    const chart = page.getByTestId('chart-valLoss')
    const legend = chart.getByTestId('group-legend')
    await expect.poll(() => legend.locator('.group-legend-item').allTextContents(), { timeout: 10_000 }).toEqual(['LSTM mean of 3 ± 95% CI', 'GRU mean of 3 ± 95% CI'])
    const d = await readChart('valLoss')
    const series = new Map(d.series.map((s) => [s.id, s.data]))
    const edges = ['LSTM', 'GRU'].flatMap((g) => [...bandEdges(d, g).lower, ...bandEdges(d, g).upper])
    expect(d.yMin).toBeLessThanOrEqual(Math.min(...edges))
    expect(d.yMax).toBeGreaterThanOrEqual(Math.max(...edges))
    expect(d.yMax / d.yMin).toBeLessThan(1.6)
    assertAxis(d)

    // A real mouse move over a point of the LSTM mean line, halfway along.
    const i = Math.floor(EPOCHS / 2)
    const { values, markers } = await hoverMean(page, 'valLoss', d, 'LSTM', i, ['LSTM', 'GRU'])
    for (const g of ['LSTM', 'GRU']) {
      const m = series.get(`mean:${g}`)![i]![1]
      const lower = bandEdges(d, g).lower[i]!
      const up = bandEdges(d, g).upper[i]!
      // The band is wide enough here to tell the mean from its edges at the tooltip's four digits.
      expect(up - lower).toBeGreaterThan(0.002)
      expect(Math.abs(values[g]! - m)).toBeLessThan(m * 5e-4)
      expect(Math.abs(values[g]! - lower)).toBeGreaterThan(0.0005)
      expect(Math.abs(values[g]! - up)).toBeGreaterThan(0.0005)
    }
    // The hover markers: one per group, at the hovered x, each on its group's mean line and none on a band edge.
    expect(markers).toHaveLength(2)
    const meanYs = ['LSTM', 'GRU'].map((g) => d.pixels.find((p) => p.id === `mean:${g}`)!.px[i]!)
    for (const m of markers) expect(Math.min(...meanYs.map((y) => Math.abs(y - m.y)))).toBeLessThan(1)
    await chart.screenshot({ path: join(screenshotDir, 'charts-grouped-hover.png') })
    expect(consoleErrors).toEqual([])
  })

  it('at device pixel ratio 2 the same chart draws sharp, with no label clipped or overlapping', async () => {
    const sharp = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2, colorScheme: 'light' })
    const previous = page
    page = sharp
    try {
      await openCompare(true)
      const d = await readChart('valLoss')
      expect(d.dpr).toBe(2)
      assertAxis(d)
      await page.getByTestId('chart-valLoss').screenshot({ path: join(screenshotDir, 'charts-grouped-2x.png') })
    } finally {
      page = previous
      await sharp.close()
    }
  })
})
