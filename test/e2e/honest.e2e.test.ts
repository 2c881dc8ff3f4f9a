/**
 * Honest results in Chromium (issue 16), on data the test makes, with real trainers behind a real host:
 * - a random walk, where persistence must win: the run page says the run does not beat it, the loss chart draws the
 *   baselines as dashed lines (and the toggle removes them), and the Compare view's statistics panel says "Neither GRU
 *   nor LSTM beats persistence on this data" before any ranking;
 * - a sine plus noise, where the cells must beat persistence: the run page shows a positive skill against it.
 * Screenshots go to test-results/ (copies in docs/screenshots were looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { createRng } from '../../src/shared/random'

describe('baselines, skill and floor verdicts in the UI', () => {
  let lab: LabPage
  let page: Page
  const consoleErrors: string[] = []
  const ids = { walk: [] as string[], sine: [] as string[] }

  const call = async <T,>(method: string, args: unknown): Promise<T> => {
    const res = await fetch(`${lab.host.origin}/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lab.host.token}` },
      body: JSON.stringify(args)
    })
    const body = (await res.json()) as { ok: boolean; value?: T; result?: T; error?: { message: string } }
    if (!body.ok) throw new Error(body.error?.message)
    return (body.value ?? body.result) as T
  }

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
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
    const base = { time: 't', units: 8, epochs: 2, engine: 'fused' }
    const walkRuns = await call<{ runIds: string[] }>('startRuns', {
      configs: [1, 2].flatMap((seed) => ['lstm', 'gru'].map((cell) => ({ ...base, task: `csv:${join(dir, 'walk.csv')}`, lookback: 8, cell, seed })))
    })
    const sineRuns = await call<{ runIds: string[] }>('startRuns', {
      configs: ['lstm', 'gru'].map((cell) => ({ ...base, task: `csv:${join(dir, 'sine.csv')}`, lookback: 12, units: 16, epochs: 4, lr: 0.01, cell, seed: 1 }))
    })
    ids.walk = walkRuns.runIds
    ids.sine = sineRuns.runIds
    const all = [...ids.walk, ...ids.sine]
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
})
