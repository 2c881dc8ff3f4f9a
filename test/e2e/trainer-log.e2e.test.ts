/**
 * The run page's Trainer log card in Chromium (issue 17, item 8), with real trainers behind a real host: a finished
 * run's card shows the log the store holds — backend and kernels with their reasons, one line per epoch, the warnings
 * coloured, the end — and a long run's card follows live as epochs end, says how a cancel ended it, and shows the same
 * text after a reload. Screenshot: test-results/run-log.png (the copy in docs/screenshots was looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi } from '../helpers/host'

const base = { task: 'adding', seqLen: 8, samples: 256, testSamples: 64, units: 8, batch: 32, cell: 'lstm' }

async function waitForStatus(lab: LabPage, id: string, wanted: string[]): Promise<string> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const { status } = await callApi<{ status: string }>(lab.host, 'getRun', { id })
    if (wanted.includes(status)) return status
    if (['completed', 'failed', 'cancelled'].includes(status) || Date.now() > deadline) throw new Error(`run ${id} ended ${status}, not ${wanted.join('/')}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

/** The card's lines as the reader sees them (each line is its own block). */
async function cardLines(page: Page): Promise<string[]> {
  return page.getByTestId('run-log').locator('.log-line').allTextContents()
}

describe('the run page shows a trainer log a person can read', () => {
  let lab: LabPage
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
    page = lab.page
  }, 60_000)
  afterAll(async () => {
    await lab?.close()
  })

  it("shows a finished run's log: what ran and why, one line per epoch, warnings, the end", async () => {
    // A validation split of 24 sequences and clipping at 0.5 give the log two warnings to show.
    const { runIds } = await callApi<{ runIds: string[] }>(lab.host, 'startRuns', { configs: [{ ...base, name: 'log lstm', valSamples: 24, epochs: 4, clip: 0.5, seed: 7 }] })
    const id = runIds[0]!
    await waitForStatus(lab, id, ['completed'])
    const { text } = await callApi<{ text: string }>(lab.host, 'getRunLog', { id })
    const stored = text.replace(/\n$/, '').split('\n')

    await page.goto(`${lab.host.url}#/runs/${id}`)
    const card = page.locator('section.run-log-card')
    await card.getByTestId('run-log').waitFor({ timeout: 30_000 })
    const lines = await cardLines(page)
    expect(lines).toEqual(stored)
    expect(lines.find((l) => l.startsWith('backend '))).toMatch(/^backend {2}(wasm|cpu|tensorflow): \S.+/)
    expect(lines.find((l) => l.startsWith('kernels '))).toMatch(/^kernels {2}\S+: \S.+/)
    expect(lines.filter((l) => l.startsWith('epoch '))).toHaveLength(4)
    expect(lines.find((l) => l.startsWith('end '))).toMatch(/^end {6}completed 4 of 4 epochs/)

    // The first epoch's validation loss is the one the charts draw.
    const { series } = await callApi<{ series: Array<{ points: Array<[number, number]> }> }>(lab.host, 'getSeries', { runIds: [id], metric: 'valLoss', x: 'epoch' })
    const first = series[0]!.points.find(([epoch]) => epoch === 1)![1]
    const shown = Number(/val loss (\S+)/.exec(lines.find((l) => l.startsWith('epoch    1/4'))!)![1]!.replace('−', '-'))
    expect(Math.abs(shown - first)).toBeLessThanOrEqual(Math.abs(first) * 5e-4)

    // Warnings stand out; nothing is said twice; the box is monospace and scrolls rather than growing the page.
    const warnings = card.locator('.log-warning')
    await expect(warnings.allTextContents()).resolves.toEqual([expect.stringMatching(/^warning {2}small splits \(validation 24 sequences/), expect.stringMatching(/^warning {2}clipping active: /)])
    const look = await page.getByTestId('run-log').evaluate((el) => {
      const s = getComputedStyle(el)
      const w = getComputedStyle(el.querySelector('.log-warning')!)
      const p = getComputedStyle(el.querySelector('.log-line:not(.log-warning)')!)
      return { font: s.fontFamily, overflowY: s.overflowY, maxHeight: s.maxHeight, warn: w.color, plain: p.color }
    })
    expect(look.font).toMatch(/mono/i)
    expect(look.overflowY).toBe('auto')
    expect(look.maxHeight).toBe('420px')
    expect(look.warn).not.toBe(look.plain)
    await expect(card.getByTestId('run-log-live').count()).resolves.toBe(0)

    await card.scrollIntoViewIfNeeded()
    await page.waitForTimeout(200)
    await card.screenshot({ path: join(screenshotDir, 'run-log.png') })
    expect(consoleErrors).toEqual([])
  }, 150_000)

  it('follows a running run live, says how a cancel ended it, and shows the same log after a reload', async () => {
    expect(lab.host.child.exitCode, `the host stopped: ${lab.host.stderr()}`).toBe(null)
    // Long enough to still be training when the page has loaded, shown three epochs and been checked, however loaded
    // the machine: 400 epochs of a 48-unit LSTM over 60 steps (about half a second an epoch with the whole fused step;
    // the 8-unit, 8-step model ran all 400 in about 6 s, which a reload under load could outlast). It is cancelled.
    const { runIds } = await callApi<{ runIds: string[] }>(lab.host, 'startRuns', { configs: [{ ...base, name: 'log long', seqLen: 60, units: 48, samples: 512, valSamples: 64, epochs: 400, seed: 8 }] })
    const id = runIds[0]!
    await page.goto(`${lab.host.url}#/runs/${id}`)
    const card = page.locator('section.run-log-card')
    await card.getByTestId('run-log-live').waitFor({ timeout: 30_000 })
    // Epoch lines arrive without a reload: wait until the card itself shows the third one.
    await card.locator('.log-line', { hasText: /^epoch {2,}3\/400 / }).waitFor({ timeout: 90_000 })
    const live = await cardLines(page)
    expect(live[0]).toMatch(new RegExp(`^run {6}${id} · started `))
    expect(live.filter((l) => l.startsWith('epoch ')).length).toBeGreaterThanOrEqual(3)
    // It follows the bottom: the newest line is in view.
    const atBottom = await page.getByTestId('run-log').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 24)
    expect(atBottom).toBe(true)

    await callApi(lab.host, 'cancelRun', { id })
    await waitForStatus(lab, id, ['cancelled'])
    const end = card.locator('.log-error', { hasText: /^end {6}cancelled after \d+ of 400 epochs/ })
    await end.waitFor({ timeout: 30_000 })
    await expect(card.getByTestId('run-log-live').count()).resolves.toBe(0)

    const before = await cardLines(page)
    await page.reload()
    await card.getByTestId('run-log').waitFor({ timeout: 30_000 })
    await page.waitForTimeout(1700) // the card reads once more after the end, for the trainer's own output
    const { text } = await callApi<{ text: string }>(lab.host, 'getRunLog', { id })
    const after = await cardLines(page)
    expect(after).toEqual(text.replace(/\n$/, '').split('\n'))
    expect(after.slice(0, before.length)).toEqual(before)
    expect(consoleErrors).toEqual([])
  }, 180_000)
})
