/**
 * Forms that fail fast and settings that apply (issue 17 items 4 and 5), in Debian's Chromium against a real host in
 * browser mode with real trainers: whatever the preview knows is wrong (gaps in a co2-like file, a lookback that does
 * not fit a sunspots-like file, a path that does not exist) disables every Train button and is said once more in the
 * Start panel, in the form's words; a file uploaded or dropped lands in the lab's data folder and is previewed from
 * there; one target control; the features, time, scaling and split controls reach the run's stored config; the runs
 * table and the run page show the lookback and the real split, not seqLen. Screenshots go to test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi, tempDir, type RunningHost } from '../helpers/host'

/** A co2-like monthly series with gaps (empty cells), as in the issue. */
function co2Like(): string {
  const lines = ['Date,CO2,adjusted']
  for (let i = 0; i < 240; i++) {
    const d = `${1958 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, '0')}-01`
    const co2 = i === 30 || i === 31 || i === 100 ? '' : (315 + i * 0.1 + 3 * Math.sin((2 * Math.PI * i) / 12)).toFixed(2)
    lines.push(`${d},${co2},${(315 + i * 0.1).toFixed(2)}`)
  }
  return lines.join('\n') + '\n'
}

/** A sunspots-like yearly series of 309 rows (1700–2008): 50 steps of lookback do not fit its 46-row periods. */
function sunspotsLike(): string {
  const lines = ['year,spots,cycle']
  for (let i = 0; i < 309; i++) lines.push(`${1700 + i},${(80 + 70 * Math.sin((2 * Math.PI * i) / 11)).toFixed(1)},${(i % 11) / 10}`)
  return lines.join('\n') + '\n'
}

describe('the New run form fails fast, and runs show the settings that applied (Chromium, browser mode)', () => {
  let host: RunningHost
  let page: Page
  let lab: LabPage | undefined
  const consoleErrors: string[] = []
  const dir = tempDir('gatelab-forms-')
  const co2 = join(dir, 'co2.csv')
  const sunspots = join(dir, 'sunspots.csv')
  writeFileSync(co2, co2Like())
  writeFileSync(sunspots, sunspotsLike())

  const shot = async (name: string): Promise<void> => {
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: join(screenshotDir, name), fullPage: true })
  }
  const status = (): Promise<string | null> => page.getByTestId('form-validation').textContent()
  const trainButtons = async (): Promise<boolean[]> => [
    await page.getByRole('button', { name: 'Train LSTM and GRU' }).isDisabled(),
    await page.getByRole('button', { name: /^Train one/ }).isDisabled()
  ]
  const slot = (): ReturnType<Page['getByTestId']> => page.getByTestId('csv-import-slot')
  const api = <T,>(method: string, args: unknown): Promise<T> => callApi<T>(host, method, args)

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
    ;({ host, page } = lab)
    await page.goto(host.url)
    await page.getByRole('link', { name: 'New run' }).first().click()
    await page.getByRole('radio', { name: 'CSV file' }).click()
  })
  afterAll(async () => {
    await lab?.close()
  })

  it('asks for a file first, with Train disabled', async () => {
    await expect(status()).resolves.toMatch(/Choose a CSV file/)
    await expect(trainButtons()).resolves.toEqual([true, true])
    await shot('forms-new-run-empty.png')
  })

  it('gaps in a co2-like file: the preview and the Start panel say the same, in the form’s words, and Train stays disabled', async () => {
    await page.getByLabel('CSV file', { exact: true }).fill(co2)
    await expect.poll(() => slot().textContent(), { timeout: 20_000 }).toMatch(/240 rows/)
    await page.getByLabel('Target column').selectOption('CO2')
    await expect.poll(() => slot().textContent(), { timeout: 20_000 }).toMatch(/cannot import with these choices/)
    await expect.poll(status, { timeout: 10_000 }).toMatch(/3 missing values/)
    const message = (await status())!
    expect(message).toMatch(/“Missing values”: drop those rows, repeat the last value or interpolate linearly/)
    expect(message).not.toMatch(/--|Configuration is valid/)
    await expect(slot().locator('.problems').textContent()).resolves.toContain(message.replace(/^.*?: /, '').slice(0, 40))
    await expect(trainButtons()).resolves.toEqual([true, true])
    // No CLI flag anywhere on the form.
    await expect(page.getByTestId('new-run-form').textContent()).resolves.not.toMatch(/--missing|--lookback|--target/)
    await shot('forms-new-run-csv-error.png')
    await page.getByLabel('Missing values').selectOption('interpolate')
    await expect.poll(status, { timeout: 20_000 }).toBe('Ready to train')
    await expect(trainButtons()).resolves.toEqual([false, false])
  })

  it('a sunspots-like file gets a default lookback that fits; a lookback that does not fit blocks Train', async () => {
    await page.getByLabel('CSV file', { exact: true }).fill(sunspots)
    // Two numeric columns and no obvious target: the Start panel asks for one.
    await expect.poll(status, { timeout: 20_000 }).toMatch(/target/)
    await expect(trainButtons()).resolves.toEqual([true, true])
    await page.getByLabel('Target column').selectOption('spots')
    await expect.poll(() => page.getByTestId('csv-plan').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(
      /lookback 22 \(fitted to this file\), horizon 1 · train 195 \/ validation 24 \/ test 24/
    )
    await expect.poll(status, { timeout: 10_000 }).toBe('Ready to train')
    await expect(page.getByLabel('Lookback (steps)').getAttribute('placeholder')).resolves.toBe('22 (fits)')
    await shot('forms-new-run-csv-ok.png')
    await page.getByLabel('Lookback (steps)').fill('50')
    await expect.poll(status, { timeout: 20_000 }).toMatch(/Lower “Lookback” to 45 or less \(or “Horizon”\)/)
    await expect(trainButtons()).resolves.toEqual([true, true])
    await page.getByLabel('Lookback (steps)').fill('')
    await expect.poll(status, { timeout: 20_000 }).toBe('Ready to train')
  })

  it('a path that does not exist blocks Train with the host’s message', async () => {
    await page.getByLabel('CSV file', { exact: true }).fill(join(dir, 'no-such-file.csv'))
    await expect.poll(status, { timeout: 20_000 }).toMatch(/There is no file .*no-such-file\.csv/)
    await expect(trainButtons()).resolves.toEqual([true, true])
  })

  it('uploads a chosen file into the lab’s data folder and previews it from there', async () => {
    const dataDir = join(dirname(host.dbPath), 'data')
    await page.getByTestId('csv-upload-input').setInputFiles({ name: 'my sunspots.csv', mimeType: 'text/csv', buffer: Buffer.from(sunspotsLike()) })
    await expect.poll(() => page.getByLabel('CSV file', { exact: true }).inputValue(), { timeout: 20_000 }).toBe(join(dataDir, 'my sunspots.csv'))
    expect(readFileSync(join(dataDir, 'my sunspots.csv'), 'utf8')).toBe(sunspotsLike())
    await expect.poll(() => slot().textContent(), { timeout: 20_000 }).toMatch(/my sunspots\.csv · .* 309 rows/)
  })

  it('takes a file dropped on the form the same way', async () => {
    const dataDir = join(dirname(host.dbPath), 'data')
    await page.evaluate((text) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }))
      const form = document.querySelector('[data-testid="new-run-form"]')!
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }))
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
    }, co2Like())
    await expect.poll(() => page.getByLabel('CSV file', { exact: true }).inputValue(), { timeout: 20_000 }).toBe(join(dataDir, 'dropped.csv'))
    expect(existsSync(join(dataDir, 'dropped.csv'))).toBe(true)
    await expect.poll(() => slot().textContent(), { timeout: 20_000 }).toMatch(/dropped\.csv · .* 240 rows/)
  })

  it('has one target control, and the features, time, scaling and split controls reach the run’s config; the run shows what applied', async () => {
    await page.getByLabel('CSV file', { exact: true }).fill(sunspots)
    await expect.poll(() => slot().textContent(), { timeout: 20_000 }).toMatch(/309 rows/)
    await expect(page.getByLabel('Target column').count()).resolves.toBe(1)
    await page.getByLabel('Target column').selectOption('spots')
    await page.getByLabel('Time column').selectOption('year')
    const features = page.getByRole('group', { name: 'Input features' })
    await features.getByLabel('cycle').check()
    await page.getByLabel('Scaling').selectOption('minmax')
    await page.getByLabel('Validation %').fill('20')
    await page.getByLabel('Test %').fill('10')
    // 309 rows, 20% / 10%: validation 61 rows, test 30; the fitted lookback (30 − 1) / 2 = 14 → 204 / 47 / 16 windows.
    await expect.poll(() => page.getByTestId('csv-plan').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/lookback 14 .* train 204 \/ validation 47 \/ test 16/)
    await page.getByLabel('Units per layer').fill('4')
    await page.getByLabel('Epochs').fill('1')
    await page.getByLabel('Seed', { exact: true }).fill('3')
    await page.getByLabel('Name', { exact: true }).fill('sunspots settings')
    await expect.poll(status, { timeout: 20_000 }).toBe('Ready to train')
    await page.getByRole('button', { name: /^Train one/ }).click()
    await page.waitForURL(/#\/runs?\//, { timeout: 20_000 })
    const id = decodeURIComponent(page.url().split('/').pop()!)
    const run = await api<{ config: Record<string, unknown> }>('getRun', { id })
    expect(run.config).toMatchObject({ task: `csv:${sunspots}`, target: 'spots', time: 'year', features: ['spots', 'cycle'], scaling: 'minmax', valFraction: 0.2, testFraction: 0.1 })
    expect(run.config).not.toHaveProperty('lookback')

    // The run page: lookback, horizon, features and the real split — not seqLen or samples.
    await expect.poll(() => page.getByTestId('setting-split').textContent().catch(() => ''), { timeout: 90_000 }).toBe('Train/val/test204/47/16 windows')
    await expect(page.getByTestId('setting-lookback').textContent()).resolves.toBe('Lookback14')
    await expect(page.getByTestId('setting-features').textContent()).resolves.toBe('Input featuresspots, cycle')
    await page.locator('#data-h').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(screenshotDir, 'forms-run-settings.png') })

    // The runs table: L14 and the split, never T50.
    await page.getByRole('link', { name: 'Runs' }).first().click()
    const row = page.locator(`[data-run-id="${id}"]`)
    await expect.poll(() => row.getByTestId('run-settings').textContent(), { timeout: 20_000 }).toBe('L14 · 204/47/16')
    await expect(row.textContent()).resolves.not.toMatch(/T50/)
    // The one console error is the browser's note on the 400 the host answered for the file that does not exist.
    expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([])
  })
})
