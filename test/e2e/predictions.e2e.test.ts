/**
 * Predictions as data in Chromium (issue 16, item 8), with a real trainer behind a real host: a run on a CSV series
 * with a date column (a weekly seasonal series plus noise, made here) — its run page draws prediction and truth over
 * calendar time with persistence overlaid (the toggle removes it) and the residuals below, the axis titles naming the
 * unit, and "Download predictions (CSV)" downloads the same table the CLI writes. Screenshot:
 * test-results/predictions-over-time.png (the copy in docs/screenshots was looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi, waitForRunCompleted } from '../helpers/host'
import { createRng } from '../../src/shared/random'

describe('the run page draws and downloads predictions', () => {
  let lab: LabPage
  let page: Page
  const consoleErrors: string[] = []
  let runId = ''
  const rows = 420

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
    page = lab.page
    // The host reads data only from its allowed folders: its lab data folder is one.
    const dir = join(dirname(lab.host.dbPath), 'data')
    mkdirSync(dir, { recursive: true })
    const rng = createRng(4)
    const lines = ['date,load']
    for (let i = 0; i < rows; i++) {
      const date = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)
      lines.push(`${date},${(50 + 10 * Math.sin((2 * Math.PI * i) / 7) + rng.normal()).toFixed(3)}`)
    }
    writeFileSync(join(dir, 'load.csv'), lines.join('\n') + '\n')
    const started = await callApi<{ runIds: string[] }>(lab.host, 'startRuns', {
      configs: [{ task: `csv:${join(dir, 'load.csv')}`, time: 'date', lookback: 14, units: 12, epochs: 3, lr: 0.01, cell: 'gru', engine: 'fused', seed: 2 }]
    })
    runId = started.runIds[0]!
    await waitForRunCompleted(lab.host, runId)
  }, 180_000)
  afterAll(async () => {
    await lab?.close()
  })

  it('over time with persistence, residuals below, and a CSV download in original units', async () => {
    await page.goto(`${lab.host.url}#/runs/${runId}`)
    const card = page.getByTestId('predictions-over-time')
    await card.getByTestId('predictions-levels').locator('canvas').first().waitFor({ timeout: 30_000 })
    await expect(card.locator('h2').textContent()).resolves.toBe('Predictions over time')
    await expect(card.getByTestId('predictions-residuals').locator('canvas').count()).resolves.toBeGreaterThan(0)
    const table = await callApi<{ ok: boolean; table: { time: { kind: string; values: number[] }; columns: { id: string }[] } }>(lab.host, 'getPredictionTable', { id: runId })
    expect(table.ok).toBe(true)
    expect(table.table.time.kind).toBe('date')
    expect(table.table.columns.map((c) => c.id).slice(0, 3)).toEqual(['target', 'prediction', 'persistence'])
    const points = await card.getByTestId('predictions-levels').locator('[data-points]').getAttribute('data-points')
    expect(Number(points)).toBe(table.table.time.values.length)
    await expect(card.textContent()).resolves.toMatch(/in the data's original units \(load units\)/)
    await expect(card.textContent()).resolves.toMatch(/Residuals \(prediction − truth, load units\)/)

    await page.waitForTimeout(400)
    await card.screenshot({ path: join(screenshotDir, 'predictions-over-time.png') })
    const levels = card.getByTestId('predictions-levels')
    const withPersistence = await levels.screenshot()
    await card.getByTestId('toggle-persistence').uncheck()
    await page.waitForTimeout(400)
    expect(Buffer.compare(withPersistence, await levels.screenshot())).not.toBe(0)

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('download-predictions').click()])
    expect(download.suggestedFilename()).toBe(`gatelab-${runId}-predictions.csv`)
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n')
    expect(csv[0]).toMatch(/^date,load \[load units\],prediction \[load units\],persistence \[load units\]/)
    expect(csv).toHaveLength(table.table.time.values.length + 1)
    expect(csv[1]).toMatch(/^20(20|21)-\d\d-\d\d,\d+(\.\d+)?,/)
    await expect(card.getByText(/predictions\.csv downloaded/).count()).resolves.toBe(1)
    expect(consoleErrors).toEqual([])
  })
})
