/**
 * The live view survives a reload (issue 17 item 6), in Debian's Chromium against a real host with real trainers: an
 * LSTM and a GRU train; the Compare page is reloaded mid-run; at several moments afterwards and after completion,
 * every chart's drawn data (read from its ECharts instance) holds every point the store has recorded so far (every
 * step of the per-batch loss, every epoch of the validation loss) with no gaps and no point twice, and the statistics
 * panel's numbers equal the runs' summaries as the API gives them. The run page shows the best value so far and the
 * epoch and step while the run trains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi, type RunningHost } from '../helpers/host'
import type { RunDetail, Series } from '../../src/shared/api'

/**
 * 32 batches an epoch, 1,920 per-batch points per run, under the charts' 2,000-point budget, so every stored point is
 * drawn as it is. The runs must last long enough that a reload under load (seconds on a busy 2-core machine) lands
 * mid-run and a check or two follow it: with the whole fused step a 16-unit, 20-step run ended its 60 epochs within
 * about a second of the reload, so the work per step is what sets the duration (48 units, 60 steps: about 8 s for the
 * GRU and 15 s for the LSTM on a quiet machine, longer under load).
 */
const EPOCHS = 60
const SEQ_LEN = 60
const UNITS = 48
/** Checks after the reload stop here (the runs then finish unwatched), to keep the test's time in check. */
const MOMENTS = 8

type Drawn = Record<string, Array<[number, number]>>

/** What a chart draws, per run: the raw series ("run:<id>", smoothing is off in this test). */
async function drawn(page: Page, metric: string): Promise<Drawn> {
  return page.locator(`figure[data-testid="chart-${metric}"] [role="img"]`).evaluate((el) => {
    const chart = (el as unknown as { echartsInstance: { getOption(): { series: Array<{ id: string; data: Array<[number, number]> }> } } }).echartsInstance
    const out: Record<string, Array<[number, number]>> = {}
    for (const s of chart.getOption().series) if (s.id.startsWith('run:')) out[s.id.slice(4)] = s.data.map((p) => [p[0], p[1]])
    return out
  })
}

describe('the live view after a reload mid-training (Chromium, real trainers)', () => {
  let lab: LabPage | undefined
  let host: RunningHost
  let page: Page
  const consoleErrors: string[] = []
  let ids: string[] = []

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors)
    ;({ host, page } = lab)
    // Raw curves on the step axis: the drawn points are the stored points.
    await page.addInitScript(() => window.localStorage.setItem('gatelab.chartSettings', JSON.stringify({ smoothing: 0, x: 'step' })))
  })
  afterAll(async () => {
    await lab?.close()
  })

  const full = async (metric: string): Promise<Map<string, Array<[number, number]>>> => {
    const r = await callApi<{ series: Series[] }>(host, 'getSeries', { runIds: ids, metric, x: 'step', points: 100_000 })
    return new Map(r.series.map((s) => [s.runId, s.points]))
  }

  /**
   * The store's points so far (read first) must all be drawn: each chart's series is a prefix-extension of the
   * store's (the chart may already hold a newer point), in order, without gaps or doubles.
   */
  const checkCharts = async (label: string): Promise<number> => {
    const stored = { batchLoss: await full('batchLoss'), valLoss: await full('valLoss') }
    let seen = 0
    await expect
      .poll(
        async () => {
          // Counted afresh on each attempt: the poll may call this several times.
          seen = 0
          const problems: string[] = []
          for (const metric of ['batchLoss', 'valLoss'] as const) {
            const chart = await drawn(page, metric)
            for (const id of ids) {
              const want = stored[metric].get(id) ?? []
              const got = chart[id] ?? []
              if (got.length < want.length) problems.push(`${metric} ${id}: ${got.length} drawn < ${want.length} stored`)
              const head = got.slice(0, want.length)
              if (JSON.stringify(head) !== JSON.stringify(want)) problems.push(`${metric} ${id}: drawn points differ from the stored ones`)
              const xs = got.map((p) => p[0])
              if (xs.some((x, i) => i > 0 && x <= xs[i - 1]!)) problems.push(`${metric} ${id}: x not strictly increasing`)
              // Per-batch loss: one point per step, so the steps are exactly 1, 2, …, n.
              if (metric === 'batchLoss' && xs.some((x, i) => x !== i + 1)) problems.push(`batchLoss ${id}: a step is missing`)
              seen += want.length
            }
          }
          return problems
        },
        { timeout: 15_000, message: `charts after the reload (${label})` }
      )
      .toEqual([])
    return seen
  }

  /**
   * The statistics panel's n and mean per cell equal the best valLoss of each run as the API's summaries give it. The
   * panel follows the runs a moment behind (it asks again after each epoch), so while they train its value must be
   * the summary's best at some epoch count k between the count when this check began and now; after they finish it
   * must equal the final summary exactly.
   */
  const checkStats = async (label: string): Promise<void> => {
    const before = await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))
    await expect
      .poll(
        async () => {
          const rows = page.getByTestId('stats-groups').locator('tbody tr')
          const got = await rows.evaluateAll((trs) =>
            trs.map((tr) => ({ group: tr.getAttribute('data-group'), n: Number(tr.getAttribute('data-n')), mean: tr.getAttribute('data-mean') === '' ? null : Number(tr.getAttribute('data-mean')) }))
          )
          const series = await full('valLoss')
          const problems: string[] = []
          before.forEach((r) => {
            const group = r.cell === 'lstm' ? 'LSTM' : 'GRU'
            const row = got.find((g) => g.group === group)
            const values = (series.get(r.id) ?? []).map((p) => p[1])
            const k0 = r.summary.valLoss?.count ?? 0
            // The summary's best after k epochs, for every k the panel may have been computed at.
            const allowed = new Set<number>()
            for (let k = Math.max(1, k0); k <= values.length; k++) allowed.add(Math.min(...values.slice(0, k)))
            if (!row) problems.push(`no ${group} row`)
            else if (row.n !== 1 || row.mean === null || !allowed.has(row.mean)) problems.push(`${group}: n ${row.n}, mean ${row.mean}; summary best ${[...allowed].join(' / ')}`)
          })
          return problems
        },
        { timeout: 20_000, message: `statistics panel against the run summaries (${label})` }
      )
      .toEqual([])
  }

  /** The run page of a run in training: the best value so far equals the summary's, and the epoch and step show. */
  const checkRunPage = async (id: string): Promise<void> => {
    await page.goto(`${host.url}#/runs/${id}`)
    await expect
      .poll(
        async () => {
          const r = await callApi<RunDetail>(host, 'getRun', { id })
          const shown = await page.getByTestId('run-best').getAttribute('data-value')
          return shown !== null && Number(shown) === r.summary.valLoss?.min ? 'equal' : `${shown} vs ${r.summary.valLoss?.min}`
        },
        { timeout: 15_000, message: 'best so far on the run page' }
      )
      .toBe('equal')
    const epochs = (await page.getByTestId('run-epochs').textContent()) ?? ''
    console.log(`run page while training: ${epochs} · best ${await page.getByTestId('run-best').textContent()}`)
    const status = (await callApi<RunDetail>(host, 'getRun', { id })).status
    // Read while training (checked after reading): "7 of 60 done · step 120 of 1,920"; a run that ended meanwhile shows its totals.
    if (status === 'running') expect(epochs).toMatch(/^\d+ of 60 done · step [\d,]+/)
    else console.log('the run finished while its page was read; the live epochs line was not checked')
    await page.screenshot({ path: join(screenshotDir, 'run-live.png'), fullPage: true })
    await page.goto(`${host.url}#/compare?ids=${ids.join(',')}`)
    await page.locator('figure[data-testid="chart-valLoss"]').waitFor({ timeout: 20_000 })
  }

  it('shows every recorded point and statistics equal to the summaries, at several moments after a reload and after the runs finish', async () => {
    const started = await callApi<{ runIds: string[] }>(host, 'startRuns', {
      configs: ['lstm', 'gru'].map((cell) => ({ name: `live ${cell}`, cell, task: 'adding', seqLen: SEQ_LEN, samples: 1024, valSamples: 256, batch: 32, units: UNITS, epochs: EPOCHS, seed: 3 }))
    })
    ids = started.runIds
    await page.goto(`${host.url}#/compare?ids=${ids.join(',')}`)
    await page.locator('figure[data-testid="chart-batchLoss"]').waitFor({ timeout: 60_000 })

    // Mid-run: both runs have at least two epochs recorded and neither has finished.
    const deadline = Date.now() + 120_000
    for (;;) {
      const runs = await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))
      if (runs.every((r) => (r.summary.valLoss?.count ?? 0) >= 2)) {
        expect(runs.map((r) => r.status)).toEqual(['running', 'running'])
        break
      }
      if (Date.now() > deadline) throw new Error(`The runs did not reach epoch 2 in time: ${runs.map((r) => r.status).join(', ')}`)
      await page.waitForTimeout(200)
    }
    const t0 = Date.now()
    await page.reload()
    await page.locator('figure[data-testid="chart-valLoss"]').waitFor({ timeout: 60_000 })
    console.log(`reloaded in ${Date.now() - t0} ms; runs then:  ${(await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))).map((r) => `${r.status} ${r.summary.valLoss?.count}`).join(', ')}`)

    // Several moments while the runs go on training.
    let moments = 0
    let last = 0
    for (;;) {
      const runs = await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))
      if (runs.some((r) => r.status !== 'running') || moments === MOMENTS) break
      const m0 = Date.now()
      const seen = await checkCharts(`moment ${moments + 1}`)
      const m1 = Date.now()
      await checkStats(`moment ${moments + 1}`)
      console.log(`moment ${moments + 1}: charts ${m1 - m0} ms, statistics ${Date.now() - m1} ms, epochs ${runs.map((r) => r.summary.valLoss?.count).join(', ')}`)
      expect(seen).toBeGreaterThanOrEqual(last)
      last = seen
      moments++
      if (moments === 1) await page.screenshot({ path: join(screenshotDir, 'live-after-reload.png'), fullPage: true })
      if (moments === 2) await checkRunPage(ids[1]!)
      await page.waitForTimeout(1000)
    }
    console.log(`checked ${moments} moments during training after the reload`)
    // On a quiet machine this is several moments; a busy one may only manage one before the runs end.
    expect(moments).toBeGreaterThanOrEqual(1)

    // After completion: everything, exactly as stored.
    const end = Date.now() + 180_000
    for (;;) {
      const statuses = (await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))).map((r) => r.status)
      if (statuses.every((s) => s === 'completed')) break
      expect(statuses.some((s) => s === 'failed' || s === 'cancelled')).toBe(false)
      if (Date.now() > end) throw new Error(`The runs did not finish in time: ${statuses.join(', ')}`)
      await page.waitForTimeout(300)
    }
    await page.goto(`${host.url}#/compare?ids=${ids.join(',')}`)
    await page.locator('figure[data-testid="chart-valLoss"]').waitFor({ timeout: 20_000 })
    await checkCharts('after completion')
    await checkStats('after completion')
    // Finished: exactly the final summaries.
    const final = await Promise.all(ids.map((id) => callApi<RunDetail>(host, 'getRun', { id })))
    const means = await page.getByTestId('stats-groups').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-group'), Number(tr.getAttribute('data-mean'))]))
    expect(Object.fromEntries(means)).toEqual(Object.fromEntries(final.map((r) => [r.cell === 'lstm' ? 'LSTM' : 'GRU', r.summary.valLoss!.min])))
    const stored = await full('valLoss')
    for (const id of ids) expect(stored.get(id)).toHaveLength(EPOCHS)
    expect(consoleErrors).toEqual([])
  }, 300_000)
})
