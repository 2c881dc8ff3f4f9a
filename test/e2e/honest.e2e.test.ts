/**
 * Honest results in Chromium (issue 16), on data the test makes, with real trainers behind a real host:
 * - a random walk, where persistence must win: the run page says the run does not beat it, the loss chart draws the
 *   baselines as dashed lines (and the toggle removes them), and the Compare view's statistics panel says "Neither GRU
 *   nor LSTM beats persistence on this data" before any ranking;
 * - a sine plus noise, where the cells must beat persistence: the run page shows a positive skill against it;
 * - Compare's own summary table: the floor verdict above it, each run's best baseline, skill and test RMSE in the
 *   data's unit;
 * - a YYYYMMDD column with gaps across month ends: the New run preview shows its date range, the windows per split and
 *   the small-split warning at the host's --min-split-windows (20 here); the run trains with it as the time column,
 *   its run page reports the irregular spacing, and the filled value is interpolated by calendar time;
 * - the bundled-series preview: dates, step and the small-split warning when the lookback leaves too few windows.
 * Screenshots go to test-results/ (copies in docs/screenshots were looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi } from '../helpers/host'
import { createRng } from '../../src/shared/random'

describe('baselines, skill and floor verdicts in the UI', () => {
  let lab: LabPage
  let page: Page
  const consoleErrors: string[] = []
  const ids = { walk: [] as string[], sine: [] as string[], gaps: [] as string[] }
  let gapsFile = ''
  /** Day numbers (since 2020-01-01) of the dates in gaps.csv; the value of each row is its own day number. */
  const gapDays: number[] = []

  const call = <T,>(method: string, args: unknown): Promise<T> => callApi<T>(lab.host, method, args)

  beforeAll(async () => {
    // The small-split figure is the host's setting: 20 here, so the UI must say 20, not the default 30.
    lab = await openLabPage(consoleErrors, { host: { args: ['--min-split-windows', '20'] } })
    page = lab.page
    // The host reads data only from its allowed folders: its lab data folder is one.
    const dir = join(dirname(lab.host.dbPath), 'data')
    mkdirSync(dir, { recursive: true })
    const rng = createRng(1)
    let v = 0
    const walk = ['t,level']
    for (let i = 0; i < 400; i++) walk.push(`${i},${(v += rng.normal()).toFixed(4)}`)
    writeFileSync(join(dir, 'walk.csv'), walk.join('\n') + '\n')
    const sine = ['t,y']
    for (let i = 0; i < 900; i++) sine.push(`${i},${(Math.sin((2 * Math.PI * i) / 12) + 0.1 * rng.normal()).toFixed(4)}`)
    writeFileSync(join(dir, 'sine.csv'), sine.join('\n') + '\n')
    // Daily YYYYMMDD dates with whole days missing across month ends (Jan 31–Feb 1, Feb 29–Mar 1, May 31–Jun 1) and one
    // empty cell on June 2, between May 30 and June 3: by calendar time it is day 153, by row it would be day 152.
    const day0 = Date.UTC(2020, 0, 1)
    const skip = new Set(['20200131', '20200201', '20200229', '20200301', '20200531', '20200601'])
    const gaps = ['date,level']
    for (let d = 0; gaps.length <= 150; d++) {
      const date = new Date(day0 + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
      if (skip.has(date)) continue
      gapDays.push(d)
      gaps.push(`${date},${date === '20200602' ? '' : d}`)
    }
    gapsFile = join(dir, 'gaps.csv')
    writeFileSync(gapsFile, gaps.join('\n') + '\n')
    const base = { time: 't', units: 8, epochs: 2, engine: 'fused' }
    const walkRuns = await call<{ runIds: string[] }>('startRuns', {
      configs: [1, 2].flatMap((seed) => ['lstm', 'gru'].map((cell) => ({ ...base, task: `csv:${join(dir, 'walk.csv')}`, lookback: 8, cell, seed })))
    })
    const sineRuns = await call<{ runIds: string[] }>('startRuns', {
      configs: ['lstm', 'gru'].map((cell) => ({ ...base, task: `csv:${join(dir, 'sine.csv')}`, lookback: 12, units: 16, epochs: 4, lr: 0.01, cell, seed: 1 }))
    })
    const gapRuns = await call<{ runIds: string[] }>('startRuns', {
      configs: [{ ...base, task: `csv:${gapsFile}`, time: 'date', target: 'level', missing: 'interpolate', lookback: 8, cell: 'lstm', seed: 1 }]
    })
    ids.walk = walkRuns.runIds
    ids.sine = sineRuns.runIds
    ids.gaps = gapRuns.runIds
    const all = [...ids.walk, ...ids.sine, ...ids.gaps]
    const deadline = Date.now() + 120_000
    for (;;) {
      const statuses = (await Promise.all(all.map((id) => call<{ status: string }>('getRun', { id })))).map((r) => r.status)
      if (statuses.every((s) => s === 'completed')) break
      if (statuses.some((s) => s === 'failed' || s === 'cancelled') || Date.now() > deadline) throw new Error(`runs did not all complete: ${statuses.join(', ')}`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  }, 180_000)
  afterAll(async () => {
    await lab?.close()
  })

  it('the run page of a random-walk run: the run does not beat persistence, with baselines on the loss chart', async () => {
    await page.goto(`${lab.host.url}#/runs/${ids.walk[0]}`)
    const card = page.getByTestId('baselines')
    await card.waitFor({ timeout: 20_000 })
    await expect(card.getByTestId('baseline-verdict').textContent()).resolves.toMatch(/^On the test split this run does not beat (persistence|AR\(8\)), the best baseline/)
    const rows = card.getByTestId('baselines-table').locator('tbody tr')
    await expect(rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-baseline')))).resolves.toEqual(['run', 'persistence', 'mean', 'ar'])
    // The run's skill against persistence is negative, and shown as such.
    await expect(card.locator('tr[data-baseline="persistence"] td').last().textContent()).resolves.toMatch(/^\u2212/)
    await expect(card.textContent()).resolves.toMatch(/RMSE \(level units\)/)
    await card.screenshot({ path: join(screenshotDir, 'honest-run-walk.png') })
    const chart = page.getByTestId('chart-valLoss')
    await chart.locator('canvas').first().waitFor()
    await page.waitForTimeout(400)
    const withLines = await chart.screenshot({ path: join(screenshotDir, 'honest-loss-baselines.png') })
    await page.getByTestId('toggle-baselines').uncheck()
    await page.waitForTimeout(400)
    const without = await chart.screenshot()
    expect(Buffer.compare(withLines, without)).not.toBe(0)
  })

  it('the run page of a sine run: the cell beats persistence (positive skill)', async () => {
    await page.goto(`${lab.host.url}#/runs/${ids.sine[0]}`)
    const card = page.getByTestId('baselines')
    await card.waitFor({ timeout: 20_000 })
    const skill = await card.locator('tr[data-baseline="persistence"] td').last().textContent()
    expect(skill).toMatch(/^\+0\.\d\d$/)
    expect(Number(skill!.slice(1))).toBeGreaterThan(0.5)
    await expect(card.textContent()).resolves.toMatch(/seasonal persistence \(12\)/)
    await card.screenshot({ path: join(screenshotDir, 'honest-run-sine.png') })
  })

  it('Compare on the random walk: the statistics panel says neither cell beats persistence before ranking', async () => {
    await page.goto(`${lab.host.url}#/compare?ids=${ids.walk.join(',')}`)
    const panel = page.getByTestId('stats-panel')
    const headline = panel.getByTestId('floor-headline')
    await expect.poll(() => headline.textContent(), { timeout: 30_000 }).toMatch(/^Neither GRU nor LSTM beats (persistence|AR\(8\)) on this data/)
    await expect(panel.getByTestId('verdict').textContent()).resolves.toMatch(/^Neither GRU nor LSTM beats .*Between them:/)
    await expect(panel.getByTestId('floor-table').locator('tbody tr').count()).resolves.toBe(2)
    await page.waitForTimeout(300)
    await panel.screenshot({ path: join(screenshotDir, 'honest-compare-floor.png') })
    expect(consoleErrors).toEqual([])
  })

  it("Compare's own summary table: the floor verdict, each run's best baseline, skill and test RMSE in the data's unit", async () => {
    await page.goto(`${lab.host.url}#/compare?ids=${ids.walk.join(',')}`)
    const card = page.locator('section[aria-labelledby="summary-h"]')
    const table = card.getByTestId('summary-table')
    await table.waitFor({ timeout: 20_000 })
    await expect(card.getByTestId('summary-floor').textContent()).resolves.toMatch(/^Neither GRU nor LSTM beats (persistence|AR\(8\)) on this data/)
    const head = await table.locator('thead th').allTextContents()
    expect(head).toEqual(expect.arrayContaining(['Best baseline (val.)', 'Skill vs best', 'Test RMSE (level units)']))
    const rows = table.locator('tbody tr')
    await expect(rows.count()).resolves.toBe(4)
    for (const skill of await rows.locator('td[data-col="skill-best"]').allTextContents()) expect(skill).toMatch(/^\u2212\d/)
    for (const best of await rows.locator('td[data-col="best-baseline"]').allTextContents()) expect(best).toMatch(/^(persistence|AR\(8\)) \d/)
    for (const rmse of await rows.locator('td[data-col="test-rmse"]').allTextContents()) expect(Number(rmse)).toBeGreaterThan(0)
    await card.screenshot({ path: join(screenshotDir, 'honest-compare-summary.png') })
  })

  it('the New run preview of a YYYYMMDD file: its dates, windows per split and the small-split warning at the host figure', async () => {
    await page.goto(`${lab.host.url}#/new`)
    await page.getByRole('radio', { name: 'CSV file' }).click()
    await page.getByLabel('CSV file', { exact: true }).fill(gapsFile)
    await page.getByLabel('Target column').selectOption('level', { timeout: 20_000 })
    await page.getByLabel('Lookback (steps)').fill('8')
    const slot = page.getByTestId('csv-import-slot')
    // The file has an empty cell: with the default "stop and list them" there is no import to preview.
    await page.getByLabel('Missing values').selectOption('interpolate', { timeout: 20_000 })
    const notes = slot.getByTestId('plan-notes')
    await notes.waitFor({ timeout: 20_000 })
    await expect(notes.getByTestId('split-windows').textContent()).resolves.toMatch(/train \d+ · validation 14 · test 14/)
    // The figure is the host's (--min-split-windows 20), and the advice is in the form's words.
    await expect(notes.getByTestId('small-split').textContent()).resolves.toMatch(/Only 14 validation and 14 test windows \(fewer than 20\).*shorter Lookback/)
    await expect(notes.getByTestId('unused-dates').textContent()).resolves.toMatch(/date looks like a time column \(dates YYYYMMDD, 2020-01-01 … 2020-06-\d\d\)/)
    await slot.screenshot({ path: join(screenshotDir, 'honest-preview-csv.png') })
    // Chosen as the time column, the same column is read as dates and its gaps across month ends are reported.
    await page.getByLabel('Time column').selectOption('date')
    await expect.poll(() => slot.getByTestId('plan-notes').textContent(), { timeout: 20_000 }).toMatch(/Irregular spacing: \d+ gaps? longer than 1\.5 × the typical step/)
    expect(await slot.getByTestId('unused-dates').count()).toBe(0)
  })

  it('the YYYYMMDD run: its run page reports the gaps as dates, and the empty cell is filled by calendar time', async () => {
    await page.goto(`${lab.host.url}#/runs/${ids.gaps[0]}`)
    const notes = page.getByTestId('run-time-notes')
    await notes.waitFor({ timeout: 20_000 })
    await expect(notes.getByTestId('time-facts').textContent()).resolves.toMatch(/date read as dates \(YYYYMMDD\), 2020-01-01 … 2020-06-\d\d, typical step 1 day/)
    await expect(notes.getByTestId('irregular-spacing').textContent()).resolves.toMatch(/^!Irregular spacing: 3 gaps longer than 1\.5 × the typical step, the largest from 2020-\d\d-\d\d to 2020-\d\d-\d\d/)
    await page.locator('section[aria-labelledby="data-h"]').screenshot({ path: join(screenshotDir, 'honest-run-gaps.png') })
    // The test split's targets in the data's units: each is the day number of a date in the file (the value of every
    // row), so June 2 (day 153) is among them; filled by row it would be 152, a day the file does not have.
    const p = await call<{ ok: boolean; truth: number[] }>('getPredictions', { id: ids.gaps[0] })
    expect(p.ok).toBe(true)
    for (const t of p.truth) expect(Math.min(...gapDays.map((d) => Math.abs(d - t)))).toBeLessThan(0.01)
    expect(p.truth.some((t) => Math.abs(t - 153) < 0.01)).toBe(true)
  })

  it('the bundled-series preview: dates and step, and the small-split warning once the lookback leaves too few windows', async () => {
    await page.goto(`${lab.host.url}#/new`)
    await page.getByRole('radio', { name: 'Bundled dataset' }).click()
    await page.getByRole('radio', { name: /CO₂ at Mauna Loa/ }).click()
    const preview = page.getByTestId('bundled-preview')
    await expect.poll(() => preview.getByTestId('time-facts').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/Date read as dates \(ISO 8601\), 1958-03-01 … 2020-04-01, typical step 1 month/)
    await expect(preview.getByTestId('irregular-spacing').textContent()).resolves.toMatch(/Irregular spacing: 3 gaps .* the largest from 1964-01-01 to 1964-05-01/)
    await expect(preview.getByTestId('small-split').count()).resolves.toBe(0)
    await page.getByLabel('Lookback (steps)').fill('100')
    await expect.poll(() => preview.getByTestId('small-split').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/Only 11 validation and 11 test windows \(fewer than 20\)/)
    await preview.screenshot({ path: join(screenshotDir, 'honest-preview-bundled.png') })
    expect(consoleErrors).toEqual([])
  })
})
