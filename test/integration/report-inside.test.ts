/**
 * `gatelab report --inside` end to end (issue 14 §8): runs trained by the real `gatelab train` (an LSTM, a GRU and a
 * vanilla RNN, telemetry on), then the report as a process. The HTML is parsed back by Chromium: the "Inside the cell"
 * section holds, per run, the gate/state heatmaps of the chosen sequence, the gradient-flow plot (log scale), the
 * saturation scatter of the gated cells and the telemetry figure, each vector SVG under the reports' 300 KB per figure.
 * The PDF has the section's text and no raster image (pdfimages). Bad --inside-seq values are exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { createLabStore, type LabStore } from '../../src/main/labStore'
import { Store } from '../../src/main/store/store'
import { exportRunsHandler } from '../../src/main/report/handlers'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { gatelab as runCli, trainRun } from '../helpers/cli'
import { tempDir } from '../helpers/host'

const gatelab = (args: string[]) => runCli(args, { timeout: 120_000 })

function train(db: string, cell: string): Promise<string> {
  const args = ['--task', 'adding', '--seq-len', '20', '--samples', '128', '--val-samples', '32', '--test-samples', '24', '--epochs', '3', '--units', '8', '--seed', '2']
  return trainRun(db, [...args, '--cell', cell])
}

interface FigureInfo {
  id: string
  bytes: number
  images: number
  paths: number
  texts: string
}

describe('gatelab report --inside', () => {
  const dir = tempDir('gatelab-inside-')
  const db = join(dir, 'lab.db')
  let ids: string[] = []
  let store: LabStore
  let browser: Browser

  beforeAll(async () => {
    ids = [await train(db, 'lstm'), await train(db, 'gru'), await train(db, 'rnn')]
    store = createLabStore(Store.open(db, { owner: { kind: 'test' }, create: false }))
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    store?.close()
    await browser?.close()
  })

  it('adds heatmaps, gradient flow, saturation and telemetry as vector figures, parsed back by Chromium', async () => {
    const out = join(dir, 'inside.html')
    const result = gatelab(['report', '--runs', ids.join(','), '--inside', '--out', out, '--db', db])
    expect(result.stderr).toMatch(/Wrote \d+/)
    expect(result.status).toBe(0)

    const page = await browser.newPage()
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' })
    expect(requests).toEqual([pathToFileURL(out).href])
    await expect(page.locator('nav a[href="#inside"]').innerText()).resolves.toBe('Inside the cell')
    const figures = await page.locator('#inside figure').evaluateAll((els) =>
      els.map((f) => {
        const svg = f.querySelector('svg')!
        return { id: f.id, bytes: new Blob([svg.outerHTML]).size, images: svg.querySelectorAll('image').length, paths: svg.querySelectorAll('path').length, texts: svg.textContent ?? '' }
      })
    )
    const byId = new Map<string, FigureInfo>(figures.map((f) => [f.id, f]))
    const [lstm, gru, rnn] = ids as [string, string, string]
    const expected = [
      `inside-heatmap-${lstm}-l0`,
      `inside-heatmap-${gru}-l0`,
      `inside-heatmap-${rnn}-l0`,
      'inside-gradient-flow',
      `inside-saturation-${lstm}`,
      `inside-saturation-${gru}`,
      'inside-telemetry'
    ]
    expect(figures.map((f) => f.id)).toEqual(expected)
    for (const f of figures) {
      expect(f.images, `${f.id} has a raster image`).toBe(0)
      expect(f.paths, f.id).toBeGreaterThan(0)
      expect(f.bytes, f.id).toBeLessThan(300 * 1024)
    }
    // The heatmaps have every gate and state of their cell as a labelled panel on one time axis.
    expect(byId.get(`inside-heatmap-${lstm}-l0`)!.texts).toMatch(/input gate.*forget gate.*candidate.*output gate.*cell state.*hidden state.*time step t/s)
    expect(byId.get(`inside-heatmap-${gru}-l0`)!.texts).toMatch(/update gate.*reset gate.*candidate.*hidden state/s)
    expect(byId.get(`inside-heatmap-${rnn}-l0`)!.texts).not.toMatch(/gate/)
    // Gradient flow: a log axis (decades as tick labels) and the LSTM's cell path.
    expect(byId.get('inside-gradient-flow')!.texts).toMatch(/1e-\d/)
    expect(byId.get('inside-gradient-flow')!.texts).toContain('‖∂L/∂c_t‖')
    expect(byId.get(`inside-saturation-${lstm}`)!.texts).toMatch(/forget gate/)
    expect(byId.get('inside-telemetry')!.texts).toMatch(/gradient ratio/)
    const text = await page.locator('#inside').innerText()
    expect(text).toContain('test sequence 0')
    // Telemetry curves are not drawn one per metric in the learning curves.
    expect(await page.locator('#curves figure[id^="curve-gate"]').count()).toBe(0)

    await page.setViewportSize({ width: 1100, height: 1400 })
    await page.locator(`figure#inside-heatmap-${lstm}-l0`).screenshot({ path: join(screenshotDir, 'report-inside-heatmap.png') })
    await page.locator('figure#inside-gradient-flow').screenshot({ path: join(screenshotDir, 'report-inside-gradient-flow.png') })
    await page.close()

    // Without --inside the section is absent.
    const plain = join(dir, 'plain.html')
    expect(gatelab(['report', '--runs', ids.join(','), '--out', plain, '--db', db]).status).toBe(0)
    expect(readFileSync(plain, 'utf8')).not.toContain('id="inside"')
  })

  it('prints it to a PDF as vector (no raster image) within a few pages more', () => {
    const out = join(dir, 'inside.pdf')
    const result = gatelab(['report', '--runs', ids.join(','), '--inside', '--inside-seq', 'worst', '--out', out, '--db', db])
    expect(result.status, result.stderr).toBe(0)
    expect(statSync(out).size).toBeLessThan(3 * 1024 * 1024)
    expect(existsSync('/usr/bin/pdftotext'), 'pdftotext is missing: apt-get install -y poppler-utils').toBe(true)
    const text = spawnSync('/usr/bin/pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout
    expect(text).toContain('Inside the cell')
    expect(text).toMatch(/worst-predicted\s+test\s+sequence/)
    expect(text).toContain('Gradient flow through time')
    const images = spawnSync('/usr/bin/pdfimages', ['-list', out], { encoding: 'utf8' }).stdout.trim().split('\n')
    // Header lines only: every figure is vector.
    expect(images.slice(2)).toEqual([])
  })

  it('refuses a bad --inside-seq with exit 2 and a message naming it', () => {
    const bad = gatelab(['report', '--runs', ids[0]!, '--inside', '--inside-seq', 'last', '--out', join(dir, 'x.html'), '--db', db])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--inside-seq must be a test-sequence index')
    const beyond = gatelab(['report', '--runs', ids[0]!, '--inside', '--inside-seq', '500', '--out', join(dir, 'y.html'), '--db', db])
    expect(beyond.status).toBe(2)
    expect(beyond.stderr).toMatch(/Inside the cell: .*500/)
  })

  it('adds the inside figures to the API figure export when asked', async () => {
    const handler = exportRunsHandler(store, undefined)
    const names = (await handler({ runIds: ids.slice(0, 1), format: 'svg', paper: 'a4', inside: true })).files.map((f) => f.name)
    expect(names).toEqual(expect.arrayContaining(['curve-valLoss.svg', `inside-heatmap-${ids[0]}-l0.svg`, 'inside-gradient-flow.svg', `inside-saturation-${ids[0]}.svg`, 'inside-telemetry.svg']))
    const without = (await handler({ runIds: ids.slice(0, 1), format: 'svg', paper: 'a4' })).files.map((f) => f.name)
    expect(without.some((n) => n.startsWith('inside-'))).toBe(false)
  })
})
