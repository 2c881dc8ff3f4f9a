/**
 * Inside the cell, end to end in Debian's Chromium against a real host in browser mode, real trainer processes and
 * the real inspector: an LSTM, a GRU (trained together, same data and seed) and a vanilla RNN on a short adding
 * problem, plus a run cancelled before it saved weights. The test opens a run's Inside view from its page, checks the
 * heatmaps against the API's own numbers under the mouse and the keyboard, picks sequences (by number, out of range,
 * worst K, edited), draws a unit's gates, opens the two-run comparison from Compare with the gates aligned (LSTM f ↔
 * GRU z, i ↔ 1 − z), and shows that a run without weights says so instead of drawing empty charts. Screenshots of
 * every view, light and dark, go to test-results/ (docs/screenshots holds copies that were looked at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openLabPage, screenshotDir, type LabPage } from '../helpers/browser'
import { callApi as call, type RunningHost } from '../helpers/host'
import type { InspectOk, InspectResult } from '../../src/shared/inspect'


describe('Inside the cell in Chromium (browser mode, real trainers, real inspector)', () => {
  let lab: LabPage | undefined
  let host: RunningHost
  let page: Page
  const consoleErrors: string[] = []
  let lstm = ''
  let gru = ''
  let rnn = ''
  let failed = ''
  let stacked = ''
  const shot = async (name: string): Promise<void> => {
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: join(screenshotDir, name), fullPage: true })
  }
  const setTheme = async (theme: 'light' | 'dark'): Promise<void> => {
    for (let i = 0; i < 3 && (await page.locator('html').getAttribute('data-theme')) !== theme; i++) await page.getByRole('button', { name: /Theme/ }).click()
    expect(await page.locator('html').getAttribute('data-theme')).toBe(theme)
  }

  beforeAll(async () => {
    lab = await openLabPage(consoleErrors, { viewport: { width: 1440, height: 1000 } })
    ;({ host, page } = lab)
    const base = { task: 'adding', seqLen: 30, samples: 512, valSamples: 64, testSamples: 64, epochs: 4, batch: 32, units: 12, lr: 0.01, seed: 11 }
    const started = await call<{ runIds: string[] }>(host, 'startRuns', {
      configs: [
        { ...base, cell: 'lstm', name: 'adding LSTM' },
        { ...base, cell: 'gru', name: 'adding GRU' },
        { ...base, cell: 'rnn', name: 'adding RNN' },
        // Cancelled at once, long before its first epoch ends and saves weights.
        { ...base, samples: 200_000, epochs: 50, name: 'cancelled early' },
        // A stack of two bidirectional GRU layers, for the layer and direction pickers.
        { ...base, cell: 'gru', layers: 2, bidirectional: true, units: 6, samples: 128, epochs: 1, name: 'stacked bidirectional GRU' }
      ]
    })
    ;[lstm, gru, rnn, failed, stacked] = started.runIds as [string, string, string, string, string]
    await call(host, 'cancelRun', { id: failed })
    const deadline = Date.now() + 180_000
    for (;;) {
      const runs = await Promise.all(started.runIds.map((id) => call<{ status: string }>(host, 'getRun', { id })))
      const statuses = runs.map((r) => r.status)
      if ([0, 1, 2, 4].every((i) => statuses[i] === 'completed') && statuses[3] === 'cancelled') break
      if (statuses.some((s) => s === 'failed')) throw new Error(`A training run failed: ${statuses.join(', ')}`)
      if (Date.now() > deadline) throw new Error(`Runs did not finish in time: ${statuses.join(', ')}`)
      await new Promise((r) => setTimeout(r, 300))
    }
  }, 240_000)
  afterAll(async () => {
    await lab?.close()
  })

  it('opens a run’s Inside view from its page: inputs, one heatmap per gate and state, explainers with rendered equations', async () => {
    await page.goto(`${host.url}#/runs/${lstm}`)
    await page.getByRole('link', { name: 'Inside the cell' }).click()
    await page.waitForURL(new RegExp(`#/runs/${lstm}/inside`))
    const heatmaps = page.locator('.heatmap[data-testid^="heatmap-"]')
    await expect.poll(() => heatmaps.count(), { timeout: 60_000 }).toBe(6)
    expect(await heatmaps.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['i', 'f', 'g', 'o', 'c', 'h'].map((g) => `heatmap-${lstm}-${g}`))
    expect(await heatmaps.first().getAttribute('data-units')).toBe('12')
    expect(await heatmaps.first().getAttribute('data-steps')).toBe('30')
    await expect(page.getByTestId('inside-sequence').textContent()).resolves.toMatch(/test sequence 0 of 64 · 30 steps · loss/)
    // The explainer carries the LSTM's equations as KaTeX (HTML + MathML), in its sigmoid form.
    const explainer = page.getByTestId('explain-traces')
    await expect(explainer.locator('summary').textContent()).resolves.toMatch(/LSTM with sigmoid gates/)
    expect(await explainer.locator('.katex').count()).toBeGreaterThan(5)
    await expect(explainer.textContent()).resolves.toMatch(/A forget gate .* near 1 keeps the cell’s content; near 0 erases it/)
    expect(await explainer.locator('math').first().textContent()).toContain('c')
    // Gradient flow on a log scale, memory retention, attribution, saturation scatter: all drawn.
    await page.getByTestId('gradient-flow').waitFor()
    await page.getByTestId(`memory-${lstm}`).waitFor()
    await page.getByTestId('attribution-heatmap').waitFor()
    await expect.poll(() => page.locator(`[data-testid^="saturation-${lstm}-"]`).count(), { timeout: 60_000 }).toBe(4) // i, f, o and the candidate g
    await expect(page.getByTestId('stats-coverage').textContent()).resolves.toMatch(/Over 64 of the 64 test sequences × 30 steps/)
  }, 120_000)

  it('answers a hover with the exact value, step and unit the API computed', async () => {
    const api = (await call<InspectResult>(host, 'inspectRun', { runId: lstm, sequence: { kind: 'index', split: 'test', index: 0 }, gradients: false, attribution: false, memory: false })) as InspectOk
    const f = api.sequences[0]!.traces!.find((t) => t.layer === 0)!.values.f!
    const heatmap = page.getByTestId(`heatmap-${lstm}-f`)
    await heatmap.scrollIntoViewIfNeeded()
    const box = (await heatmap.locator('canvas').first().boundingBox())!
    // The plot spans the canvas between its 64 px label margin and 52 px key margin; rows are units, columns steps.
    const plotW = box.width - 64 - 52
    const plotH = (await heatmap.evaluate((el) => el.clientHeight)) - 4 - 2
    for (const [unit, step] of [[3, 17], [0, 0], [11, 29]] as const) {
      await page.mouse.move(box.x + 64 + ((step + 0.5) * plotW) / 30, box.y + 4 + ((unit + 0.5) * plotH) / 12)
      const tip = page.getByTestId(`heatmap-${lstm}-f-tip`)
      await expect(tip.isVisible()).resolves.toBe(true)
      const text = (await tip.textContent())!
      const match = /^f = (\S+) · t = (\d+) · unit (\d+)$/.exec(text)
      expect(match, text).not.toBeNull()
      expect(Number(match![2])).toBe(step)
      expect(Number(match![3])).toBe(unit)
      expect(Number(match![1])).toBeCloseTo(f.values[unit * 30 + step]!, 6)
    }
    await page.waitForTimeout(100)
    await page.screenshot({ path: join(screenshotDir, 'inside-hover.png'), clip: { x: box.x - 10, y: box.y - 80, width: box.width + 20, height: 300 } })
    await page.mouse.move(5, 5)
  })

  it('moves a cursor by keyboard and draws the chosen unit’s gates as lines', async () => {
    const heatmap = page.getByTestId(`heatmap-${lstm}-f`)
    await heatmap.focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('End')
    await expect(heatmap.locator('[aria-live]').textContent()).resolves.toMatch(/^f = \S+, t = 29, unit 2$/)
    await page.keyboard.press('Enter')
    const lines = page.getByTestId('unit-lines')
    await lines.waitFor()
    expect(await lines.getAttribute('data-unit')).toBe('2')
    expect(await lines.locator('[data-series]').first().getAttribute('data-series')).toBe('i|f|o')
    // A click on another unit's row picks it.
    const box = (await page.getByTestId(`heatmap-${lstm}-i`).locator('canvas').first().boundingBox())!
    const plotH = (await page.getByTestId(`heatmap-${lstm}-i`).evaluate((el) => el.clientHeight)) - 6
    await page.mouse.click(box.x + 64 + 40, box.y + 4 + (7.5 * plotH) / 12)
    await expect.poll(() => lines.getAttribute('data-unit'), { timeout: 15_000 }).toBe('7')
    await setTheme('light')
    await shot('inside-lstm.png')
    await setTheme('dark')
    await shot('inside-lstm-dark.png')
    await setTheme('light')
  })

  it('picks a unit from the saturation scatter: a click on a dot selects the unit its tooltip names', async () => {
    await page.getByTestId('unit-lines').getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => page.getByTestId('unit-lines').count(), { timeout: 15_000 }).toBe(0)
    const chart = page.getByTestId(`saturation-${lstm}-f`).locator('.chart')
    await chart.scrollIntoViewIfNeeded()
    const box = (await chart.boundingBox())!
    // A dot, found by its colour (the LSTM's blue; axes and the triangle's edge are grey): the top of the first blob.
    const dot = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      const r = c.getBoundingClientRect()
      for (let y = 0; y < c.height; y++)
        for (let x = 0; x < c.width; x++) {
          const k = (y * c.width + x) * 4
          if (d[k + 3]! > 200 && d[k + 2]! - d[k]! > 80 && d[k + 2]! - d[k + 1]! > 30) return [(x * r.width) / c.width, ((y * r.height) / c.height) + 3]
        }
      return null
    })
    expect(dot, 'a unit dot drawn in the scatter').not.toBeNull()
    // Hover first: the tooltip names the unit under the pointer; the click must pick that unit.
    await page.mouse.move(box.x + dot![0]!, box.y + dot![1]!)
    const tip = chart.locator('div', { hasText: /^unit \d+/ }).last()
    await tip.waitFor()
    const named = /^unit (\d+)/.exec((await tip.textContent())!)![1]!
    await page.mouse.down()
    await page.mouse.up()
    await page.getByTestId('unit-lines').waitFor()
    expect(await page.getByTestId('unit-lines').getAttribute('data-unit')).toBe(named)
    // Every gate's scatter rings the same unit.
    for (const g of ['i', 'f', 'g', 'o']) expect(await page.getByTestId(`saturation-${lstm}-${g}`).getAttribute('data-selected-unit')).toBe(named)
    await page.mouse.move(5, 5)
  })

  it('picks sequences by number (with a clear error out of range), the worst K, and an edited one', async () => {
    const index = page.getByLabel('Sequence number')
    await index.fill('64')
    await index.press('Enter')
    await expect(page.getByText('The test split has 64 sequences: pick a number from 0 to 63.').isVisible()).resolves.toBe(true)
    expect(await index.getAttribute('aria-invalid')).toBe('true')
    await index.fill('5')
    await index.press('Enter')
    await expect.poll(() => page.getByTestId('inside-sequence').textContent(), { timeout: 30_000 }).toMatch(/test sequence 5 of 64/)
    expect(page.url()).toMatch(/index=5/)

    await page.getByRole('button', { name: 'Worst K' }).click()
    const chips = page.getByRole('group', { name: 'The worst sequences' }).getByRole('button')
    await expect.poll(() => chips.count(), { timeout: 30_000 }).toBe(5)
    await chips.nth(1).click()
    await expect(page.getByTestId('inside-sequence').textContent()).resolves.toMatch(/test sequence \d+ of 64/)

    // Edited: the adding problem's markers moved to steps 2 and 27; the target becomes their sum.
    await page.getByRole('button', { name: 'Edit' }).click()
    const editor = page.getByTestId('sequence-editor')
    await editor.waitFor()
    await editor.getByLabel('First marker step').fill('2')
    await editor.getByLabel('Second marker step').fill('27')
    await editor.getByRole('button', { name: 'Move markers and inspect' }).click()
    await expect.poll(() => page.getByTestId('inside-sequence').textContent(), { timeout: 30_000 }).toMatch(/edited sequence · 30 steps · loss/)
    // A line with the wrong number of values is named before anything is sent.
    const text = editor.getByLabel('Sequence values')
    await text.fill(`${await text.inputValue()}\n0.5, 1, 7`)
    await editor.getByRole('button', { name: 'Inspect these values' }).click()
    await expect(editor.getByTestId('editor-error').textContent()).resolves.toBe('Line 31 has 3 values; each step needs 2 (value, marker).')
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: join(screenshotDir, 'inside-edit.png') })
    await page.getByRole('button', { name: 'Number' }).click()
  })

  it('shows the GRU with its own form and the RNN without gates', async () => {
    await page.goto(`${host.url}#/runs/${gru}/inside`)
    const heatmaps = page.locator('.heatmap[data-testid^="heatmap-"]')
    await expect.poll(() => heatmaps.count(), { timeout: 60_000 }).toBe(4)
    await expect(page.getByTestId('explain-traces').locator('summary').textContent()).resolves.toMatch(/GRU, reset-after form/)
    await page.goto(`${host.url}#/runs/${rnn}/inside`)
    await expect.poll(() => heatmaps.count(), { timeout: 60_000 }).toBe(1)
    await expect(page.getByTestId('explain-traces').textContent()).resolves.toMatch(/no gates/)
    expect(await page.getByTestId('saturation').count()).toBe(0)
  }, 120_000)

  it('picks the layer and the direction of a stacked bidirectional run', async () => {
    await page.goto(`${host.url}#/runs/${stacked}/inside`)
    const heatmaps = page.locator('.heatmap[data-testid^="heatmap-"]')
    await expect.poll(() => heatmaps.count(), { timeout: 60_000 }).toBe(4)
    expect(await heatmaps.first().getAttribute('data-units')).toBe('6')
    await expect(page.locator('#traces-h').textContent()).resolves.toBe('Gates and states over time · layer 1 · forward')
    const before = await page.getByTestId(`heatmap-${stacked}-h`).locator('canvas').first().screenshot()
    await page.getByLabel('Layer', { exact: true }).selectOption('1')
    await page.getByRole('group', { name: 'Direction' }).getByRole('button', { name: 'backward' }).click()
    await expect.poll(() => page.locator('#traces-h').textContent(), { timeout: 15_000 }).toBe('Gates and states over time · layer 2 · backward')
    expect(page.url()).toMatch(/dir=backward&index=0&layer=1/)
    // Another layer and direction: other numbers in the heatmap.
    const after = await page.getByTestId(`heatmap-${stacked}-h`).locator('canvas').first().screenshot()
    expect(after.equals(before)).toBe(false)
    // The address keeps the choice: a reload shows the same layer and direction.
    await page.reload()
    await expect.poll(() => page.locator('#traces-h').textContent(), { timeout: 60_000 }).toBe('Gates and states over time · layer 2 · backward')
  }, 120_000)

  it('says a run without weights has nothing to look inside, and draws no empty charts', async () => {
    await page.goto(`${host.url}#/runs/${failed}/inside`)
    const note = page.getByTestId('inside-unavailable')
    await note.waitFor({ timeout: 20_000 })
    await expect(note.textContent()).resolves.toMatch(/no stored weights \(it stopped before its first save\)/)
    expect(await page.locator('canvas').count()).toBe(0)
    await shot('inside-no-weights.png')
  })

  it('opens the two-run Inside comparison from Compare: one sequence, gradients overlaid, gates aligned by role', async () => {
    await page.goto(`${host.url}#/compare?ids=${lstm},${gru}`)
    await page.getByRole('link', { name: 'Inside, side by side' }).click()
    await page.waitForURL(/#\/compare\/inside\?ids=/)
    const rows = page.locator('.aligned-row')
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(7)
    const roles = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.aligned-role')!.textContent))
    expect(roles[0]).toMatch(/keeps the old memory · f ↔ z/)
    expect(roles[1]).toMatch(/admits the new candidate · i ↔ 1 − z/)
    // Row 2: the LSTM's i beside the GRU's 1 − z, drawn from z.
    await rows.nth(1).getByTestId(`heatmap-${lstm}-i`).waitFor()
    await rows.nth(1).getByTestId(`heatmap-${gru}-1-z`).waitFor()
    // o and r have no counterpart.
    await expect(rows.nth(3).locator('.no-counterpart').textContent()).resolves.toMatch(/no counterpart in the GRU/)
    await expect(rows.nth(4).locator('.no-counterpart').textContent()).resolves.toMatch(/no counterpart in the LSTM/)
    // The gradient flow overlays both runs (h for both, c for the LSTM).
    await expect(page.getByTestId('gradient-flow').locator('[data-series]').getAttribute('data-series')).resolves.toBe('adding LSTM ‖∂L/∂h‖|adding LSTM ‖∂L/∂c‖|adding GRU ‖∂L/∂h‖')
    // Hovering the LSTM's f outlines the same step in the GRU's z: one time axis for both.
    const f = page.getByTestId(`heatmap-${lstm}-f`)
    await f.scrollIntoViewIfNeeded()
    const fb = (await f.locator('canvas').first().boundingBox())!
    await page.mouse.move(fb.x + 64 + 30, fb.y + 10)
    await expect(page.getByTestId(`heatmap-${lstm}-f-tip`).textContent()).resolves.toMatch(/^f = \S+ · t = \d+ · unit 0$/)
    // Saturation: f beside z, i beside 1 − z.
    await expect.poll(() => page.locator(`[data-testid="saturation-${gru}-1-z"]`).count(), { timeout: 60_000 }).toBe(1)
    await page.getByTestId(`saturation-${lstm}-f`).waitFor()
    // Sorting by a role orders each run's units by its own gate for that role: the GRU's z by its mean, so the top row
    // of its z heatmap is the unit with the highest mean z over the test split and the bottom row the lowest (from the
    // API's statistics); unsorted, the top row is unit 0.
    const zStats = ((await call<InspectResult>(host, 'inspectRun', { runId: gru, sequence: { kind: 'index', split: 'test', index: 0 }, traces: false, gradients: false, attribution: false, memory: false, stats: { split: 'test' } })) as InspectOk).stats!.gates.find((g) => g.layer === 0 && g.gate === 'z')!
    const byMean = zStats.mean.map((v, u) => [v, u] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]).map(([, u]) => u)
    const sortSelect = page.getByRole('toolbar', { name: 'Inside settings' }).getByLabel('Sort units by')
    const choice = await sortSelect.locator('option', { hasText: /^keeps the old memory \(f ↔ z\) mean$/ }).getAttribute('value')
    await sortSelect.selectOption(choice!)
    const z = page.getByTestId(`heatmap-${gru}-z`).first()
    await z.scrollIntoViewIfNeeded()
    const zb = (await z.locator('canvas').first().boundingBox())!
    const zTip = page.getByTestId(`heatmap-${gru}-z-tip`).first()
    await page.mouse.move(zb.x + 64 + 30, zb.y + 6)
    await expect(zTip.textContent()).resolves.toMatch(new RegExp(`^z = \\S+ · t = \\d+ · unit ${byMean[0]}$`))
    const zRows = (await z.evaluate((el) => el.clientHeight)) - 6
    await page.mouse.move(zb.x + 64 + 30, zb.y + 4 + zRows - zRows / (2 * byMean.length))
    await expect(zTip.textContent()).resolves.toMatch(new RegExp(`^z = \\S+ · t = \\d+ · unit ${byMean.at(-1)}$`))
    await sortSelect.selectOption('unit')
    await page.mouse.move(5, 5)
    await setTheme('light')
    await shot('inside-compare.png')
    await setTheme('dark')
    await shot('inside-compare-dark.png')
    await setTheme('light')
  })

  it('overlays the gradient flow of an RNN, an LSTM and a GRU on the same sequence', async () => {
    await page.goto(`${host.url}#/compare/inside?ids=${rnn},${lstm},${gru}`)
    const plot = page.getByTestId('gradient-flow')
    await plot.waitFor({ timeout: 60_000 })
    await expect(plot.locator('[data-series]').getAttribute('data-series')).resolves.toBe('adding RNN ‖∂L/∂h‖|adding LSTM ‖∂L/∂h‖|adding LSTM ‖∂L/∂c‖|adding GRU ‖∂L/∂h‖')
    await plot.scrollIntoViewIfNeeded()
    const box = (await plot.boundingBox())!
    await page.screenshot({ path: join(screenshotDir, 'inside-gradient-flow.png'), clip: { x: box.x - 20, y: box.y - 150, width: box.width + 40, height: box.height + 170 } })
    expect(consoleErrors).toEqual([])
  })
})
