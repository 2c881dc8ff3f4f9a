/**
 * Gate telemetry in the lab (issue 14 §5, §8), in Chromium: a run trained through the API shows its telemetry
 * curves folded into "Inside the cell: gate telemetry" on the run page (opened on demand, the gradient ratio on a log
 * axis), and the export menu offers the "Inside the cell" checkbox for reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { waitForRunCompleted } from '../helpers/host'

describe('gate telemetry in the lab', () => {
  let lab: LabPage | undefined
  const errors: string[] = []
  beforeAll(async () => {
    lab = await openLabPage(errors, { viewport: { width: 1280, height: 1000 } })
  })
  afterAll(async () => {
    await lab?.close()
  })

  it('folds the telemetry curves under "Inside the cell" and offers the export checkbox', async () => {
    const { host, page } = lab!
    const call = async <T>(name: string, args: unknown): Promise<T> => {
      const r = await fetch(`${host.origin}/api/call/${name}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: JSON.stringify(args) })
      return ((await r.json()) as { value: T }).value
    }
    const { runIds } = await call<{ runIds: string[] }>('startRuns', {
      configs: [{ task: 'adding', seqLen: 12, samples: 96, valSamples: 32, testSamples: 16, units: 8, epochs: 3, seed: 4, cell: 'lstm' }]
    })
    const id = runIds[0]!
    // Completed, or the test stops here saying how it ended (this loop used to go on after a minute as if it had).
    await waitForRunCompleted(host, id)
    await page.goto(`${host.url}#/runs/${id}`)
    const folded = page.locator('details.telemetry')
    await folded.waitFor({ timeout: 20_000 })
    await expect(folded.locator('summary').innerText()).resolves.toMatch(/Inside the cell: gate telemetry.*13 curves/)
    // Closed: no telemetry chart drawn yet; open: one chart per metric, titled in words.
    expect(await page.locator('figure[data-testid^="chart-gate/"]').count()).toBe(0)
    await folded.locator('summary').click()
    await page.locator('figure[data-testid="chart-gate/l0/f/mean"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('details.telemetry figure[data-testid^="chart-"]').count()).toBe(13)
    await expect(page.locator('figure[data-testid="chart-gate/l0/f/satRight"] .metric-name').innerText()).resolves.toContain('forget gate f, fraction right-saturated (layer 1)')
    const grad = page.locator('figure[data-testid="chart-grad/l0/h1OverhT"]')
    await grad.scrollIntoViewIfNeeded()
    // Every telemetry chart draws the run once its series has loaded.
    await expect
      .poll(async () => (await page.locator('details.telemetry [data-runs]').evaluateAll((els) => els.map((e) => e.getAttribute('data-runs')))).filter((r) => r === id).length, { timeout: 30_000 })
      .toBe(13)
    await folded.screenshot({ path: join(screenshotDir, 'run-page-telemetry.png') })

    // The export menu: the checkbox applies to reports and figures, not to data exports.
    const menu = page.getByRole('group', { name: 'Export' }).first()
    await expect(menu.getByLabel('Inside the cell').count()).resolves.toBe(1)
    await menu.locator('select').selectOption('csv')
    await expect(menu.getByLabel('Inside the cell').count()).resolves.toBe(0)
    expect(errors).toEqual([])
  })
})
