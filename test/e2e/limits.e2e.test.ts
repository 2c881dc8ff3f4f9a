/**
 * Limits in the New run form (issue 19, item 4), in Chromium against a real host in browser mode: the form shows the
 * host's memory and time estimate; a configuration above the lab's memory limit shows the refusal as a form error
 * (the estimate, the limit, what to shrink in the form's words) and disables both Train buttons; the API refuses it too.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import { callApi, type RunningHost } from '../helpers/host'

describe('the New run form’s estimate (browser mode)', () => {
  let host: RunningHost
  let page: Page
  const consoleErrors: string[] = []
  openLabPageForTests(consoleErrors, (lab) => void ({ host, page } = lab))

  it('shows the estimate, and above the limit a form error with Train disabled', async () => {
    await page.goto(`${host.url}#/new`)
    const line = page.getByTestId('run-estimate')
    await expect.poll(() => line.textContent(), { timeout: 15_000 }).toMatch(/^Estimate: about [\d.]+ MiB of memory, [\d.]+ (ms|s) per epoch.*\(limit [\d.]+ GiB\)/)
    const trainPair = page.getByRole('button', { name: 'Train LSTM and GRU' })
    const trainOne = page.getByRole('button', { name: /^Train one/ })
    await expect(trainPair.isDisabled()).resolves.toBe(false)

    await page.getByLabel('Sequence length T').fill('100000') // ~200 GiB: above half of any machine CI runs on
    await page.getByLabel('Units per layer').fill('2048')
    const error = page.getByTestId('run-estimate-error')
    await expect.poll(() => error.textContent().catch(() => null), { timeout: 15_000 }).toMatch(
      /^This run needs about [\d.]+ GiB of memory \(.*\), above the limit of [\d.]+ GiB \(half of this machine’s memory\)\. Shrink (Units, Sequence length|Sequence length, Units)/
    )
    await expect(trainPair.isDisabled()).resolves.toBe(true)
    await expect(trainOne.isDisabled()).resolves.toBe(true)
    // The status line above does not say "Ready to train" beside a refusal.
    await expect(page.getByTestId('form-validation').textContent()).resolves.toBe('Too large to train here: see the estimate below')
    await page.locator('.form-side .card').screenshot({ path: join(screenshotDir, 'new-run-estimate-refused.png') })

    // The API refuses the same configuration with its own code, whatever a client does.
    const res = await fetch(`${host.origin}/api/call/startRuns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
      body: JSON.stringify({ configs: [{ seqLen: 100000, units: 2048 }] })
    })
    const body = (await res.json()) as { ok: boolean; error?: { code: string; message: string } }
    expect(body.ok).toBe(false)
    expect(body.error?.code).toBe('too_large')
    expect(body.error?.message).toMatch(/needs about [\d.]+ GiB of memory/)
    expect((await callApi<{ total: number }>(host, 'listRuns', {})).total).toBe(0)

    // Back within the limit: the error goes and Train comes back.
    await page.getByLabel('Units per layer').fill('32')
    await page.getByLabel('Sequence length T').fill('50')
    await expect.poll(() => trainPair.isDisabled(), { timeout: 15_000 }).toBe(false)
    await expect(error.count()).resolves.toBe(0)
    await expect(page.getByTestId('form-validation').textContent()).resolves.toBe('Ready to train')
    // No empty gaps in the Start panel (issue 17): between one block and the next only the panel's own 10 px gap, once
    // the parameter counts and the estimate are in (a reserved 40 px under "Ready to train" and the budget block's own
    // margins used to leave 20-30 px holes above and below its divider).
    await page.getByTestId('pair-models').waitFor({ timeout: 15_000 })
    await expect.poll(() => line.textContent(), { timeout: 15_000 }).toMatch(/^Estimate: /)
    const gaps = await page.locator('.form-side .sticky').evaluate((panel) => {
      const shown = [...panel.children].filter((k) => k.getBoundingClientRect().height > 0)
      return shown.slice(1).map((k, i) => Math.round(k.getBoundingClientRect().top - shown[i]!.getBoundingClientRect().bottom))
    })
    expect(gaps.length).toBeGreaterThanOrEqual(5)
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(12)
    await page.locator('.form-side .card').screenshot({ path: join(screenshotDir, 'new-run-estimate.png') })
    // The form's rows keep the fields' own 12 px row gap between them: the Training section's "Early stopping" label
    // used to sit right on the Seed hint of the row above.
    const seedHint = await page.getByText('Empty: chosen at random and recorded').boundingBox()
    const earlyStopping = await page.locator('label', { hasText: /^Early stopping$/ }).boundingBox()
    expect(Math.round(earlyStopping!.y - (seedHint!.y + seedHint!.height))).toBeGreaterThanOrEqual(10)
    await page.locator('section[aria-labelledby="train-h"]').screenshot({ path: join(screenshotDir, 'new-run-training.png') })
    expect(consoleErrors).toEqual([])
  }, 120_000)
})
