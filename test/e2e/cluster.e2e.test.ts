/**
 * Slurm sweeps in the lab UI (browser mode, real store, real one-node Slurm): the sweep form offers "Run on Slurm"
 * when sbatch is on the host's PATH and says why not otherwise; a sweep submitted from the form is followed by the lab
 * itself (squeue + result folders), its page shows each trial's job id and Slurm state, and its runs complete live.
 * Screenshots go to test-results/ (cluster-*.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { startHost, type RunningHost } from '../helpers/host'
import { slurmUnavailable } from '../helpers/slurm'

const spec = {
  name: 'slurm from the UI',
  base: { task: 'adding', seqLen: 6, samples: 64, valSamples: 32, testSamples: 32, units: 4, epochs: 2, batch: 32 },
  grid: { cell: ['lstm', 'gru'] },
  seeds: [1, 2]
}

const skip = slurmUnavailable()

describe.skipIf(skip !== null)('Slurm sweeps in the lab UI', () => {
  let browser: Browser
  let host: RunningHost
  let page: Page
  const errors: string[] = []
  beforeAll(async () => {
    ;[host, browser] = await Promise.all([startHost({ env: { GATELAB_CLUSTER_POLL_MS: '1000' } }), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
    page.on('pageerror', (e) => errors.push(e.message))
  })
  afterAll(async () => {
    await browser?.close()
    await host?.stop()
  })

  it('submits a sweep with Run on Slurm and follows it to the end on its page', async () => {
    await page.goto(`${host.url}#/sweeps`)
    const toggle = page.getByLabel('Run on Slurm')
    await toggle.waitFor({ timeout: 30_000 })
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click() // the form is the default view
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify(spec, null, 2))
    await toggle.check()
    await page.getByLabel('Parallel tasks').fill('2')
    await page.getByLabel('Time limit').fill('00:10:00')
    await expect(page.getByLabel('Partition').locator('option').allTextContents()).resolves.toEqual(['default (debug)', 'debug', 'short · max 00:10:00'])
    await page.screenshot({ path: join(screenshotDir, 'cluster-form.png'), fullPage: true })
    await page.getByRole('button', { name: 'Submit 4 runs to Slurm' }).click()
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 30_000 })

    const card = page.getByTestId('cluster-runs')
    await card.waitFor({ timeout: 30_000 })
    const rows = card.locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(4)
    const jobIds = await rows.locator('td:nth-child(3)').allTextContents()
    expect(jobIds.every((j) => /^\d+_[0-3]$/.test(j))).toBe(true)
    await page.screenshot({ path: join(screenshotDir, 'cluster-sweep-running.png'), fullPage: true })

    // The lab's watcher imports each trial as its task ends: every run completes, every task shows COMPLETED.
    const runs = page.getByTestId('sweep-runs').locator('tbody tr')
    await expect
      .poll(async () => (await runs.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).join(','), { timeout: 300_000, interval: 2000 })
      .toBe('completed,completed,completed,completed')
    await expect
      .poll(async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-slurm-state')))).join(','), { timeout: 60_000 })
      .toBe('COMPLETED,COMPLETED,COMPLETED,COMPLETED')
    await page.screenshot({ path: join(screenshotDir, 'cluster-sweep-done.png'), fullPage: true })
    expect(errors).toEqual([])
  }, 420_000)

  it('says why Run on Slurm is hidden when sbatch is not on the host’s PATH', async () => {
    const bare = await startHost({ env: { PATH: '/nonexistent' } })
    try {
      const other = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      await other.goto(`${bare.url}#/sweeps`)
      const note = other.getByTestId('slurm-hidden')
      await note.waitFor({ timeout: 30_000 })
      await expect(note.textContent()).resolves.toMatch(/^Run on Slurm is hidden: sbatch, squeue, scontrol, scancel are not on PATH/)
      await expect(other.getByLabel('Run on Slurm').count()).resolves.toBe(0)
      await other.close()
    } finally {
      await bare.stop()
    }
  })
})
