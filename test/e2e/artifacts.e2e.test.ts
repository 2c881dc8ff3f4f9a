/**
 * Artifact downloads on the run page in Chromium (issue 17, item 8), with a real trainer behind a real host: a tiny run
 * trains; its run page lists the files it stored with sizes and words; clicking weights.bin downloads bytes whose
 * sha256 equals the bytes in the lab file (read with a second SQLite connection) and the recorded one; "Download all"
 * gives a zip of the same files; a traversal attempt through the API is refused with its reason. Screenshot:
 * test-results/run-artifacts.png and run-page.png (the copies in docs/screenshots, run-artifacts.png and run-detail.png,
 * were looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { unzipSync } from 'fflate'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi, waitForRunCompleted } from '../helpers/host'

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

describe('the run page downloads a run\'s stored files', () => {
  let lab: LabPage
  let page: Page
  const consoleErrors: string[] = []
  let runId = ''

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
    page = lab.page
    const started = await callApi<{ runIds: string[] }>(lab.host, 'startRuns', {
      configs: [{ name: 'adding T8 LSTM (artifacts e2e)', task: 'adding', seqLen: 8, samples: 256, valSamples: 64, testSamples: 64, units: 8, epochs: 6, batch: 32, lr: 0.01, cell: 'lstm', seed: 5 }]
    })
    runId = started.runIds[0]!
    await waitForRunCompleted(lab.host, runId)
  }, 180_000)
  afterAll(async () => {
    await lab?.close()
  })

  it('lists the files, downloads weights.bin with the bytes in the lab file, and all of them as a zip', async () => {
    await page.goto(`${lab.host.url}#/runs/${runId}`)
    const card = page.getByTestId('run-artifacts')
    const link = card.getByTestId('artifact-download-weights.bin')
    await link.waitFor({ timeout: 30_000 })
    await expect(card.getByTestId('artifact-model.json').textContent()).resolves.toMatch(/Model topology and weights manifest/)
    await expect(card.getByTestId('artifact-weights.bin').textContent()).resolves.toMatch(/Best weights.*float32.*\d+(\.\d)? (B|KiB)/)

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).toBe('weights.bin')
    const got = readFileSync((await download.path())!)
    const db = new Database(lab.host.dbPath, { readonly: true, fileMustExist: true })
    const row = db.prepare("select a.data, a.sha256 from artifacts a join runs r on r.rid = a.run_rid where r.id = ? and a.name = 'weights.bin'").get(runId) as { data: Buffer; sha256: string }
    db.close()
    expect(got.byteLength).toBeGreaterThan(0)
    expect(sha(got)).toBe(sha(row.data))
    expect(sha(got)).toBe(row.sha256)
    // saveBlob runs before the status is set, so the download can arrive before React shows it: poll
    await expect.poll(() => card.getByTestId('artifact-status').textContent(), { timeout: 10_000 }).toMatch(/weights\.bin downloaded, sha256 checked/)
    await page.waitForTimeout(300)
    await card.screenshot({ path: join(screenshotDir, 'run-artifacts.png') })

    const [zip] = await Promise.all([page.waitForEvent('download'), card.getByTestId('artifacts-download-all').click()])
    expect(zip.suggestedFilename()).toBe(`gatelab-${runId}-artifacts.zip`)
    const files = unzipSync(readFileSync((await zip.path())!))
    expect(Object.keys(files).sort()).toEqual(['model.json', 'weights.bin'])
    expect(sha(files['weights.bin']!)).toBe(row.sha256)
    await expect.poll(() => card.getByTestId('artifact-status').textContent(), { timeout: 10_000 }).toMatch(/artifacts\.zip downloaded, each file checked against its sha256/)


    // The whole page, for the user guide (docs/screenshots/run-detail.png is a copy, looked at).
    await page.getByTestId('predictions').locator('canvas').first().waitFor({ timeout: 60_000 })
    await page.evaluate(() => window.scrollTo(0, 0)) // sticky bars draw where the page was scrolled to
    await page.waitForTimeout(500)
    await page.screenshot({ path: join(screenshotDir, 'run-page.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('refuses a traversal attempt through the API with the reason', async () => {
    await expect(callApi(lab.host, 'downloadArtifact', { id: runId, name: '../lab.db' })).rejects.toThrow(
      'downloadArtifact: The artifact name "../lab.db" contains a folder ("/" or "\\"): an artifact is named by a plain file name such as weights.bin, without folders.'
    )
    await expect(callApi(lab.host, 'downloadArtifact', { id: runId, name: lab.host.dbPath })).rejects.toThrow(/contains a folder/)
    await expect(callApi(lab.host, 'downloadArtifact', { id: runId, name: 'lab.db' })).rejects.toThrow(`downloadArtifact: Run ${runId} has no artifact named "lab.db".`)
  })
})
