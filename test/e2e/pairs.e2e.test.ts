/**
 * Fair pairs end to end (issue 17 item 7), in Debian's Chromium against a real host in browser mode with real trainer
 * processes: "Train LSTM and GRU" states matched units by default and the runs train with exactly those units and
 * parameter counts; turned off, the form says how far apart the budgets are. The sweep form builds a sweep whose JSON
 * view is the spec it made, and the sweep it starts runs with matched units. Screenshots go to test-results/ (copies in
 * docs/screenshots, looked at).
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { RunDetail } from '../../src/shared/api'
import { openLabPageForTests, screenshotDir } from '../helpers/browser'
import { callApi, type RunningHost } from '../helpers/host'

async function waitDone(host: RunningHost, ids: string[]): Promise<RunDetail[]> {
  const deadline = Date.now() + 240_000
  for (;;) {
    const runs = await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))
    if (runs.every((r) => r.status === 'completed')) return runs
    const bad = runs.find((r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted')
    if (bad) throw new Error(`run ${bad.id} ended ${bad.status}: ${bad.error}`)
    if (Date.now() > deadline) throw new Error(`runs did not finish: ${runs.map((r) => r.status).join(', ')}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

describe('fair pairs and the sweep form in Chromium (browser mode, real trainers)', () => {
  let host: RunningHost
  let page: Page
  const consoleErrors: string[] = []
  openLabPageForTests(consoleErrors, (lab) => void ({ host, page } = lab))

  it('"Train LSTM and GRU" states matched units by default, and the runs train with them', async () => {
    await page.goto(`${host.url}#/new`)
    await page.getByLabel('Sequence length T').fill('8')
    await page.getByLabel('Training sequences').fill('96')
    await page.getByLabel('Epochs').fill('1')
    await page.getByLabel('Seed', { exact: true }).fill('5')
    const budget = page.getByTestId('pair-budget')
    await expect(budget.getByLabel('Match parameter budgets').isChecked()).resolves.toBe(true)
    const models = page.getByTestId('pair-models')
    await expect.poll(() => models.textContent(), { timeout: 15_000 }).toMatch(/^LSTM 32 units, 4,513 parameters · GRU 37 units, 4,589 parameters/)
    await expect(page.getByTestId('pair-note').textContent()).resolves.toBe('Matched: 1.7% apart (within 5%)')
    await page.locator('.form-side .card').screenshot({ path: join(screenshotDir, 'pair-form-matched.png') })

    // Off: the form says how far apart the budgets are, and that statistics will say so.
    await budget.getByLabel('Match parameter budgets').uncheck()
    await expect.poll(() => models.textContent(), { timeout: 15_000 }).toMatch(/^LSTM 32 units, 4,513 parameters · GRU 32 units, 3,489 parameters/)
    await expect(page.getByTestId('pair-note').textContent()).resolves.toMatch(/^Budgets differ by 29%: LSTM 4,513 vs GRU 3,489 parameters\. Statistics over these runs will say so/)
    await page.locator('.form-side .card').screenshot({ path: join(screenshotDir, 'pair-form-unmatched.png') })

    // Matched again, to the GRU this time: the LSTM gets the units closest to the GRU's 32-unit budget.
    await budget.getByLabel('Match parameter budgets').check()
    await budget.getByLabel('Reference cell').selectOption('gru')
    await expect.poll(() => models.textContent(), { timeout: 15_000 }).toMatch(/^LSTM 28 units, [\d,]+ parameters · GRU 32 units, 3,489 parameters/)
    await budget.getByLabel('Reference cell').selectOption('lstm')
    await expect.poll(() => models.textContent(), { timeout: 15_000 }).toMatch(/GRU 37 units/)

    await page.getByRole('button', { name: 'Train LSTM and GRU' }).click()
    await page.waitForURL(/#\/compare\?ids=/, { timeout: 20_000 })
    const ids = decodeURIComponent(new URL(page.url()).hash.split('ids=')[1]!).split(',')
    const runs = await waitDone(host, ids)
    const byCell = Object.fromEntries(runs.map((r) => [r.cell, r]))
    // What the form stated is what trained: units in the configs, parameter counts as the trainers built them.
    expect([byCell.lstm!.config.units, byCell.lstm!.paramCount]).toEqual([32, 4513])
    expect([byCell.gru!.config.units, byCell.gru!.paramCount]).toEqual([37, 4589])
    expect(byCell.lstm!.seed).toBe(5)
    expect(byCell.gru!.seed).toBe(5)
    // Matched within 5%: the statistics carry no budget caveat.
    const c = await callApi<{ pairs: Array<{ verdict: string; budgetCaveat: string | null }> }>(host, 'compareRuns', { runIds: ids })
    expect(c.pairs[0]!.budgetCaveat).toBeNull()
    expect(consoleErrors).toEqual([])
  })

  it('the sweep form builds the spec the JSON view shows, states runs and parameters, and the sweep runs matched', async () => {
    await page.goto(`${host.url}#/sweeps`)
    const form = page.getByTestId('sweep-form')
    await form.getByLabel('Name').fill('form sweep')
    await form.getByLabel('Task or data').fill('adding')
    for (const [label, value] of [
      ['Units', '8'],
      ['Learning rate', '0.01, 0.003'],
      ['Epochs', '1'],
      ['Batch size', '32'],
      ['Sequence length T', '6'],
      ['Training sequences', '64'],
      ['Validation sequences', '32'],
      ['Test sequences', '32']
    ] as const) {
      await form.getByLabel(label, { exact: true }).fill(value)
    }
    await form.getByLabel('Seeds', { exact: true }).fill('1')
    await form.getByLabel('Matched budgets').selectOption('lstm')
    await expect(page.getByTestId('spec-preview').textContent()).resolves.toMatch(/^4 runs · LSTM 2, GRU 2 · varies cell, lr, units · 1 seed/)
    // Sizes from the host on the real data: LSTM 8 units = 361, the matched GRU (9 units) 361 too.
    await expect.poll(() => page.getByTestId('sweep-sizes').textContent(), { timeout: 15_000 }).toBe('Parameters: LSTM 361 × 2 runs · GRU 361 × 2 runs · 1,444 in all')
    await page.getByRole('button', { name: 'Start 4 runs' }).waitFor()
    await page.setViewportSize({ width: 1440, height: 1400 })
    await page.evaluate('window.scrollTo(0, 0)')
    await page.locator('.spec-editor').screenshot({ path: join(screenshotDir, 'sweep-form.png') })
    await page.setViewportSize({ width: 1440, height: 900 })

    // The JSON view is the spec the form made, exactly.
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click()
    const json = JSON.parse(await page.getByLabel('Sweep spec (JSON)').inputValue()) as Record<string, unknown>
    const expected = {
      name: 'form sweep',
      base: { task: 'adding', units: 8, batch: 32, epochs: 1, seqLen: 6, samples: 64, valSamples: 32, testSamples: 32 },
      grid: { cell: ['lstm', 'gru'], lr: [0.01, 0.003] },
      seeds: [1],
      matchParams: 'lstm'
    }
    expect(json).toEqual(expected)

    // JSON → form when the form can show it; a random search it cannot, and the form says so.
    const edited = { ...expected, seeds: [4, 9] }
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify(edited, null, 2))
    await page.getByRole('radio', { name: 'Form' }).click()
    await expect(form.getByLabel('Seeds as').inputValue()).resolves.toBe('list')
    await expect(form.getByLabel('Seeds', { exact: true }).inputValue()).resolves.toBe('4, 9')
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click()
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify({ ...edited, random: { dropout: { uniform: [0, 0.2] } }, trials: 2 }))
    await page.getByRole('radio', { name: 'Form' }).click()
    await expect(page.getByTestId('sweep-form-note').textContent()).resolves.toMatch(/cannot show this spec \(it uses a random search\); it is showing the JSON/)
    await expect(page.getByLabel('Sweep spec (JSON)').isVisible()).resolves.toBe(true)
    await page.getByRole('radio', { name: 'JSON (advanced)' }).click()
    await page.getByLabel('Sweep spec (JSON)').fill(JSON.stringify(expected, null, 2))
    await page.getByRole('radio', { name: 'Form' }).click()
    await expect(form.getByLabel('Learning rate', { exact: true }).inputValue()).resolves.toBe('0.01, 0.003')

    await page.getByRole('button', { name: 'Start 4 runs' }).click()
    await page.waitForURL(/#\/sweeps\/[^/]+$/, { timeout: 20_000 })
    const sweepId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!)
    const listed = await callApi<{ rows: Array<{ id: string }> }>(host, 'listRuns', { sweepId })
    const runs = await waitDone(
      host,
      listed.rows.map((r) => r.id)
    )
    expect(runs).toHaveLength(4)
    expect(runs.filter((r) => r.cell === 'lstm').map((r) => [r.config.units, r.paramCount])).toEqual([
      [8, 361],
      [8, 361]
    ])
    expect(runs.filter((r) => r.cell === 'gru').map((r) => [r.config.units, r.paramCount])).toEqual([
      [9, 361],
      [9, 361]
    ])
    expect(consoleErrors).toEqual([])
  })
})
