/**
 * Sweeps end to end, in Debian's Chromium against a real host in browser mode (real store, real trainer processes):
 * the spec editor validates as you type with the shared expandSweep; a tiny sweep (LSTM and GRU with matched
 * parameter budgets × 3 seeds on the adding task) starts from the UI and its 6 runs complete live on the sweep's page;
 * the parallel-coordinates and scatter charts draw every run in its cell's colour; the statistics panel shows both
 * groups, a paired test and a verdict, and follows the metric and stat pickers; the Compare view carries the same
 * panel; "cancel remaining" stops a second sweep's unfinished runs. Screenshots go to test-results/.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import type { RunningHost } from '../helpers/host'

const tinySpec = {
  name: 'tiny cells',
  base: { task: 'adding', seqLen: 8, samples: 192, valSamples: 64, testSamples: 64, units: 6, epochs: 2 },
  grid: { cell: ['lstm', 'gru'] },
  seeds: [1, 2, 3],
  matchParams: 'lstm'
}

async function attrs(locator: Locator, name: string): Promise<Array<string | null>> {
  const n = await locator.count()
  return Promise.all(Array.from({ length: n }, (_, i) => locator.nth(i).getAttribute(name)))
}

/**
 * Pixels of a chart's canvas in the LSTM blue and GRU orange families (lines are drawn semi-transparent, so hues are
 * tested, not exact colours). Runs in the page; the node side of the tests has no DOM types, hence the string.
 */
async function cellPixels(page: Page, testid: string): Promise<{ blue: number; orange: number; width: number }> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testid}"] canvas')
    if (!canvas) return { blue: 0, orange: 0, width: 0 }
    const ctx = canvas.getContext('2d')
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    let blue = 0, orange = 0
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3]
      if (a < 128) continue
      if (b > r + 60 && b > g + 30) blue++
      else if (r > b + 80 && r > g + 30 && g > b) orange++
    }
    return { blue, orange, width: canvas.width }
  })()`)
}

describe('sweeps in the lab UI (browser mode, real store, real trainers)', () => {
  let host: RunningHost
  let page: Page
  let sweepUrl = ''
  let runIds: string[] = []
  const consoleErrors: string[] = []
  const shot = (name: string, fullPage = true): Promise<Buffer> => page.screenshot({ path: join(screenshotDir, name), fullPage })

  openLabPageForTests(consoleErrors, (lab) => void ({ host, page } = lab))

  it('opens Sweeps from the top navigation with an empty list and a valid example spec', async () => {
    await page.goto(host.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps' }).click()
    await page.waitForURL(/#\/sweeps$/)
    await page.getByText('No sweeps yet').waitFor({ timeout: 20_000 })
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps' }).getAttribute('aria-current')).resolves.toBe('page')
    // The example: LSTM vs GRU × 3 seeds.
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/^6 runs · LSTM 3, GRU 3/)
    await expect(page.getByRole('button', { name: 'Start 6 runs' }).isEnabled()).resolves.toBe(true)
    expect(await page.title()).toBe('Sweeps · GateLab')
  })

  it('validates the spec live with the exact message, and disables Start while it is wrong', async () => {
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click() // the form is the default view
    const editor = page.getByLabel('Sweep spec (JSON)')
    await editor.fill('{"grid": {"cell": ["lstm", "gru"]')
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/^Not valid JSON/)
    await expect(editor.getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).resolves.toBe(true)
    await editor.fill('{"grid": {"cell": ["lstm", "gru"], "units": [8, 16]}, "random": {"lr": {"logUniform": [0.0001, 0.01]}}}')
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toBe('Invalid sweep spec: "random" needs "trials" (how many draws)')
    await editor.fill('{"grid": {"cell": ["lstm", "gru"], "units": [8, 16]}, "random": {"lr": {"logUniform": [0.0001, 0.01]}}, "trials": 3, "seeds": [1, 2]}')
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/^24 runs · LSTM 12, GRU 12 · varies cell, units, lr · 2 seeds/)
    await editor.fill(JSON.stringify({ ...tinySpec, base: { ...tinySpec.base, units: 0 } }))
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/units/)
    await expect(page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).resolves.toBe(true)
  })

  it('starts a tiny sweep from the UI and shows its 6 runs completing live', async () => {
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click() // the form is the default view
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify(tinySpec, null, 2))
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/^6 runs · LSTM 3, GRU 3 · varies cell, units · 3 seeds/)
    await page.getByRole('button', { name: 'Start 6 runs' }).click()
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 20_000 })
    sweepUrl = page.url()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe('tiny cells')

    const rows = page.getByTestId('sweep-runs').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(6)
    runIds = (await attrs(rows, 'data-run-id')) as string[]
    const first = await attrs(rows, 'data-status')
    expect(first.every((s) => s === 'completed')).toBe(false)
    await shot('sweeps-running.png')

    const deadline = Date.now() + 300_000
    for (;;) {
      const statuses = await attrs(rows, 'data-status')
      if (statuses.every((s) => s === 'completed')) break
      expect(statuses.some((s) => s === 'failed' || s === 'cancelled' || s === 'interrupted')).toBe(false)
      if (Date.now() > deadline) throw new Error(`The sweep did not complete in time: ${statuses.join(', ')}`)
      await page.waitForTimeout(250)
    }
    await expect(page.getByTestId('sweep-progress').getAttribute('data-finished')).resolves.toBe('6')
    await expect(page.getByRole('button', { name: /^Cancel remaining/ }).isDisabled()).resolves.toBe(true)

    // Matched budgets: every LSTM has the base's 6 units, every GRU more (3 gates instead of 4).
    const cellTexts = await rows.locator('.cell-chip').allTextContents()
    const unitTexts = await rows.locator('td:nth-child(5)').allTextContents()
    const cellsAndUnits = cellTexts.map((c, i) => [c, unitTexts[i] ?? ''])
    expect(cellsAndUnits.filter(([c]) => c === 'LSTM').map(([, u]) => u)).toEqual(['6', '6', '6'])
    const gruUnits = cellsAndUnits.filter(([c]) => c === 'GRU').map(([, u]) => Number(u))
    expect(gruUnits).toHaveLength(3)
    expect(gruUnits.every((u) => u > 6)).toBe(true)
  }, 360_000)

  it('draws parallel coordinates and a scatter plot per swept setting, every run in its cell colour', async () => {
    const parallel = page.getByTestId('parallel-chart')
    await expect.poll(async () => ((await parallel.getAttribute('data-runs')) ?? '').split(' ').sort(), { timeout: 20_000 }).toEqual([...runIds].sort())
    await expect(parallel.getAttribute('data-axes')).resolves.toBe('cell units')
    await expect(page.getByTestId('scatter-cell').locator('[data-points]').getAttribute('data-points')).resolves.toBe('6')
    await expect(page.getByTestId('scatter-units').locator('[data-points]').getAttribute('data-points')).resolves.toBe('6')
    await expect(page.getByTestId('scatter-units').textContent()).resolves.toContain('best validation loss vs units')
    await page.waitForTimeout(300)
    for (const id of ['parallel-chart', 'scatter-cell', 'scatter-units']) {
      const px = await cellPixels(page, id)
      expect(px.width, id).toBeGreaterThan(0)
      expect(px.blue, `${id}: LSTM blue pixels`).toBeGreaterThan(20)
      expect(px.orange, `${id}: GRU orange pixels`).toBeGreaterThan(20)
    }
  })

  it('shows both groups, a paired test and a verdict in the statistics panel, and follows its pickers', async () => {
    const panel = page.getByTestId('stats-panel')
    const groups = panel.getByTestId('stats-groups').locator('tbody tr')
    await expect.poll(() => groups.count(), { timeout: 20_000 }).toBe(2)
    // Groups come in the order of their key values (compareRuns sorts them): gru before lstm.
    await expect(groups.locator('th .cell-chip').allTextContents()).resolves.toEqual(['GRU', 'LSTM'])
    // The panel recomputes as each run's final summary arrives; it settles on every run counted.
    await expect.poll(() => groups.locator('td:nth-child(2)').allTextContents(), { timeout: 20_000 }).toEqual(['3', '3'])
    const verdict = panel.getByTestId('verdict')
    await expect(verdict.count()).resolves.toBe(1)
    await expect(verdict.textContent()).resolves.toMatch(/best validation loss .*paired by seed/)
    await expect(verdict.textContent()).resolves.toMatch(/(LSTM|GRU) (and (LSTM|GRU) reached the same|reached a (lower|higher) best validation loss than (LSTM|GRU))/)
    const pair = panel.getByTestId('stats-pairs').locator('tbody tr')
    await expect(pair.count()).resolves.toBe(1)
    // Both groups share seeds 1-3: the paired p is a number, not "not paired"; two groups need no Holm column.
    await expect(pair.locator('td').nth(3).textContent()).resolves.toMatch(/^(< 0\.001|0\.\d+|1\.000)$/)
    await expect(panel.getByRole('columnheader', { name: 'Holm p' }).count()).resolves.toBe(0)
    await shot('sweeps-sweep.png')

    // Final training loss instead: the panel recomputes and says so.
    await panel.getByLabel('Metric').selectOption('loss')
    await panel.getByRole('group', { name: 'Value per run' }).getByRole('button', { name: 'Last' }).click()
    await expect.poll(() => verdict.textContent(), { timeout: 20_000 }).toMatch(/final training loss/)
    await expect(panel.locator('.stats-what').textContent()).resolves.toContain('final training loss')

    // Grouped by seed: three groups of two, three pairs with Holm-adjusted p-values.
    await panel.getByLabel('Group by').selectOption('seed')
    await expect.poll(() => groups.count(), { timeout: 20_000 }).toBe(3)
    await expect(panel.getByRole('columnheader', { name: 'Holm p' }).count()).resolves.toBe(1)
    await expect(panel.getByTestId('verdict').count()).resolves.toBe(3)
    // Two runs per group: the n < 3 warning is there.
    await expect(panel.getByTestId('stats-warnings').textContent()).resolves.toMatch(/fewer than 3 runs per group/)
    await panel.getByLabel('Group by').selectOption('cell')
  })

  it('lists the finished sweep with its progress', async () => {
    await page.getByRole('link', { name: 'Sweeps', exact: true }).first().click()
    const row = page.getByTestId('sweeps-table').locator('tbody tr')
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1)
    await expect(row.first().textContent()).resolves.toContain('6 of 6 finished')
    await expect(row.first().getByRole('img').getAttribute('aria-label')).resolves.toBe('Runs: 6 completed')
    await shot('sweeps-list.png')
  })

  it('carries the statistics panel into the Compare view', async () => {
    await page.goto(sweepUrl)
    await page.getByTestId('parallel-chart').waitFor({ timeout: 20_000 })
    await page.getByRole('button', { name: /Theme/ }).click() // system → light
    await page.getByRole('button', { name: /Theme/ }).click() // light → dark
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark')
    await page.waitForTimeout(500)
    const dark = await cellPixels(page, 'parallel-chart')
    expect(dark.blue).toBeGreaterThan(20)
    expect(dark.orange).toBeGreaterThan(20)
    await shot('sweeps-sweep-dark.png')
    await page.getByRole('button', { name: /Theme/ }).click() // dark → system (light here)
    await page.getByRole('link', { name: 'Curves in Compare' }).click()
    await page.waitForURL(/#\/compare\?ids=/)
    const panel = page.getByTestId('stats-panel')
    await expect.poll(() => panel.getByTestId('stats-groups').locator('tbody tr').count(), { timeout: 30_000 }).toBe(2)
    await expect(panel.getByTestId('verdict').textContent()).resolves.toMatch(/paired by seed/)
    await panel.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(screenshotDir, 'sweeps-compare-stats.png'), clip: (await panel.boundingBox()) ?? undefined })
  })

  it('cancels the remaining runs of a sweep', async () => {
    await page.getByRole('link', { name: 'Sweeps', exact: true }).first().click()
    // 100,000 epochs (the most allowed): no run can finish before the cancel, however fast the engine or slow the page.
    const longer = { ...tinySpec, name: 'to cancel', base: { ...tinySpec.base, samples: 2048, epochs: 100_000 }, seeds: [1, 2, 3, 4] }
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click() // the form is the default view
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify(longer))
    await page.getByRole('button', { name: 'Start 8 runs' }).click()
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 20_000 })
    expect(page.url()).not.toBe(sweepUrl)
    const rows = page.getByTestId('sweep-runs').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(8)
    await page.getByRole('button', { name: /^Cancel remaining \(\d+\)$/ }).click()
    await page.getByRole('group', { name: 'Confirm cancel' }).getByRole('button', { name: 'Yes, cancel' }).click()
    await expect
      .poll(async () => (await attrs(rows, 'data-status')).filter((s) => s === 'queued' || s === 'preparing' || s === 'running').length, { timeout: 60_000 })
      .toBe(0)
    const statuses = await attrs(rows, 'data-status')
    expect(statuses).toEqual(Array(8).fill('cancelled'))
    await expect(page.getByRole('button', { name: /^Cancel remaining/ }).isDisabled()).resolves.toBe(true)
    expect(consoleErrors).toEqual([])
  }, 120_000)
})
