/**
 * Reports and exports end to end, as a researcher makes them: runs trained by the real `gatelab train` (real trainer
 * processes, a real SQLite file), then `gatelab report` and `gatelab export` run as processes. The HTML is parsed back
 * by Chromium (and every request it makes is recorded), the PDF printed by Chromium is read back with pdftotext, and
 * the CSV and JSON are compared value by value with what the store holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import type { Browser } from 'playwright-core'
import { createLabStore, type LabStore } from '../../src/main/labStore'
import { Store } from '../../src/main/store/store'
import { exportRuns } from '../../src/main/report/exports'
import { exportRunsHandler } from '../../src/main/report/handlers'
import { computePredictions } from '../../src/main/report/predictions'
import { decodeWeights, parseModelJson, type PlainRecurrentLayer, type PlainWeights } from '../../src/main/report/weights'
import type { MetricPoint } from '../../src/shared/protocol'
import { isTelemetryMetric, TELEMETRY_COST_METRIC } from '../../src/shared/telemetry'
import { launchChromium, screenshotDir } from '../helpers/browser'
import { gatelab as runCli, trainRun } from '../helpers/cli'
import { tempDir } from '../helpers/host'

const gatelab = (args: string[], env: Record<string, string> = {}) => runCli(args, { env, timeout: 120_000 })

/** Trains one run in its own CLI process; resolves with its id. */
function train(db: string, cell: string, seed: number): Promise<string> {
  const args = ['--task', 'adding', '--seq-len', '10', '--samples', '256', '--val-samples', '64', '--test-samples', '64', '--epochs', '3', '--units', '8']
  return trainRun(db, [...args, '--cell', cell, '--seed', String(seed)])
}

const pdftotext = '/usr/bin/pdftotext'

/**
 * Runs in the page (a string, because this file is type-checked without the DOM library): every src/href/xlink:href
 * attribute that is not a fragment, every url() in a style attribute, computed style or style sheet, every @import.
 */
const collectReferences = `(() => {
  const found = []
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^(src|href|xlink:href|srcset|poster|data|action|formaction)$/i.test(attr.name) && !attr.value.startsWith('#')) found.push(el.tagName + ' ' + attr.name + '=' + attr.value)
      if (attr.name === 'style' && /url\\(/i.test(attr.value)) found.push(el.tagName + ' style=' + attr.value)
    }
    const style = getComputedStyle(el)
    for (const prop of ['backgroundImage', 'listStyleImage', 'borderImageSource', 'content']) {
      if (/url\\(/i.test(style[prop])) found.push(el.tagName + ' ' + prop + '=' + style[prop])
    }
  }
  for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) if (/url\\(|@import/i.test(rule.cssText)) found.push(rule.cssText)
  return found
})()`

describe('gatelab report and export on real runs', () => {
  const dir = tempDir('gatelab-report-')
  const db = join(dir, 'lab.db')
  let ids: string[] = []
  let store: LabStore
  let browser: Browser

  beforeAll(async () => {
    // An LSTM and a GRU on the same seed: the report shows a (tiny) grouped comparison.
    ids = [await train(db, 'lstm', 1), await train(db, 'gru', 1)]
    store = createLabStore(Store.open(db, { owner: { kind: 'test' }, create: false }))
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    store?.close()
    await browser?.close()
  })

  it('writes one HTML file that Chromium opens with no request but the file, showing every run and metric', async () => {
    const out = join(dir, 'report.html')
    const result = gatelab(['report', '--runs', ids.join(','), '--out', out, '--db', db])
    expect(result.stderr).toMatch(/Wrote \d+/)
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe(out)

    const page = await browser.newPage()
    const requests: string[] = []
    const errors: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' })
    expect(requests).toEqual([pathToFileURL(out).href])
    expect(errors).toEqual([])

    // Chromium's own parse: every src/href/xlink:href attribute and every CSS url() in the document.
    const refs = await page.evaluate<string[]>(collectReferences)
    expect(refs).toEqual([])
    // The collector itself finds what it looks for (on a throwaway page that cannot fetch anything).
    const probe = await browser.newPage()
    await probe.route('**/*', (route) => route.abort())
    await probe.setContent('<a href="other.html">x</a><div style="background-image:url(x.png)"></div><svg><image href="y.png"/></svg>')
    expect(await probe.evaluate<string[]>(collectReferences)).toHaveLength(4)
    await probe.close()

    const text = await page.locator('body').innerText()
    for (const id of ids) expect(text).toContain(id)
    // Gate telemetry (gate/…, grad/…, telemetryMs) is drawn compactly by --inside only (report-inside.test.ts).
    const metrics = store.listMetricNames(ids).filter((m) => !isTelemetryMetric(m) && m !== TELEMETRY_COST_METRIC)
    expect(metrics).toEqual(expect.arrayContaining(['loss', 'valLoss', 'batchLoss']))
    for (const metric of metrics) {
      // A figure with a vector chart for each learning metric (diagnostics are numbers only), and a row in the table of
      // every metric.
      if (!['lr', 'epochMs', 'numTensors'].includes(metric)) expect(await page.locator(`figure#curve-${metric} svg path`).count()).toBeGreaterThan(0)
      expect(await page.locator('#summary table').first().locator('th', { hasText: new RegExp(`^${metric}(min|max)$`) }).count()).toBe(1)
    }
    for (const id of ids) expect(text).toContain(store.getRun(id).dataset!.contentHash)
    await expect(page.locator('#config tr.diff th').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['≠ cell']))
    expect(text).toMatch(/LSTM vs GRU/)
    expect(await page.locator('#groups .verdict').count()).toBeGreaterThan(0)
    for (const id of ids) expect(await page.locator(`figure#predictions-${id} svg path`).count()).toBeGreaterThan(0)
    // The buttons under a figure save it offline: SVG as inlined, PNG drawn at 2x.
    const figure = page.locator('figure#curve-valLoss')
    const width = Number(await figure.locator('svg').first().getAttribute('width'))
    const [png] = await Promise.all([page.waitForEvent('download'), figure.locator('button[data-export=png]').click()])
    expect(png.suggestedFilename()).toBe('curve-valLoss.png')
    expect(readFileSync((await png.path())!).readUInt32BE(16)).toBe(width * 2)
    const [svg] = await Promise.all([page.waitForEvent('download'), figure.locator('button[data-export=svg]').click()])
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg [^>]*width="\d+"/)
    // Drawing the PNG loads the SVG from a blob: URL, in memory; nothing else was requested.
    expect(requests.filter((url) => !url.startsWith('blob:'))).toEqual([pathToFileURL(out).href])
    await page.setViewportSize({ width: 1100, height: 1400 })
    await page.screenshot({ path: join(screenshotDir, 'report-html.png'), fullPage: false })
    await page.close()
  })

  it('prints a PDF with Chromium whose text has the runs and the sections, on A4 and Letter', () => {
    expect(existsSync(pdftotext), `pdftotext is missing: apt-get install -y poppler-utils`).toBe(true)
    for (const [paper, size] of [
      ['a4', /Page size:.*\(A4\)/],
      ['letter', /Page size:.*\(letter\)/i]
    ] as const) {
      const out = join(dir, `report-${paper}.pdf`)
      const result = gatelab(['report', '--runs', ids.join(','), '--out', out, '--paper', paper, '--db', db])
      expect(result.status, result.stderr).toBe(0)
      const bytes = readFileSync(out)
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
      const text = spawnSync(pdftotext, ['-layout', out, '-'], { encoding: 'utf8' }).stdout
      for (const id of ids) expect(text).toContain(id)
      for (const heading of ['Runs', 'Data', 'Configuration', 'Learning curves', 'Every metric', 'LSTM vs GRU', 'Predictions against truth', 'Notes', 'Environment']) {
        expect(text).toContain(heading)
      }
      // Chart text is text in the PDF too (vector, not a picture of text).
      expect(text).toContain('valLoss')
      expect(text).toContain('epoch')
      const info = spawnSync('/usr/bin/pdfinfo', [out], { encoding: 'utf8' }).stdout
      expect(info).toMatch(size)
    }
  })

  it('computes predictions against truth from the saved weights that reproduce the test loss the trainer measured', async () => {
    for (const id of ids) {
      const run = store.getRun(id)
      const p = await computePredictions(run, store.getArtifact(id, 'model.json').data, store.getArtifact(id, 'weights.bin').data)
      if (!p.ok) throw new Error(p.reason)
      // 64 test sequences (fewer than the limit): the whole split, so the MSE is the trainer's test loss.
      expect(p.truth).toHaveLength(64)
      for (const t of p.truth) expect(t).toBeGreaterThanOrEqual(0)
      const mse = p.truth.reduce((sum, t, i) => sum + (p.predicted[i]! - t) ** 2, 0) / p.truth.length
      expect(mse).toBeCloseTo(run.test.loss!, 4)
    }
  })

  it('exports CSV in long form that matches the store value by value', () => {
    const out = join(dir, 'metrics.csv')
    const result = gatelab(['export', '--runs', ids.join(','), '--format', 'csv', '--out', out, '--db', db])
    expect(result.status, result.stderr).toBe(0)
    const [header, ...lines] = readFileSync(out, 'utf8').trimEnd().split('\r\n')
    expect(header).toBe('run_id,metric,epoch,step,wall_ms,value')
    const expected = ids.flatMap((id) => store.getFullSeries(id).map((p) => ({ id, p })))
    expect(lines).toHaveLength(expected.length)
    expect(expected.length).toBeGreaterThan(50)
    lines.forEach((line, i) => {
      const [id, metric, epoch, step, wall, value] = line.split(',')
      const want = expected[i]!
      expect([id, metric, Number(epoch), Number(step)]).toEqual([want.id, want.p.name, want.p.epoch, want.p.step])
      expect(Object.is(Number(wall), want.p.wallMs)).toBe(true)
      expect(Object.is(Number(value), want.p.value)).toBe(true)
    })
  })

  it('exports JSON with each run, its complete config and every metric point', () => {
    const out = join(dir, 'runs.json')
    expect(gatelab(['export', '--runs', ids.join(','), '--format', 'json', '--out', out, '--db', db]).status).toBe(0)
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ id: string; config: unknown; metrics: Record<string, { epoch: number[]; step: number[]; wallMs: number[]; value: number[] }> }> }
    expect(parsed.runs.map((r) => r.id)).toEqual(ids)
    for (const run of parsed.runs) {
      expect(run.config).toEqual(store.getRun(run.id).config)
      const points: MetricPoint[] = Object.entries(run.metrics).flatMap(([name, c]) => c.step.map((step, k) => ({ name, step, epoch: c.epoch[k]!, wallMs: c.wallMs[k]!, value: c.value[k]! })))
      const stored = store.getFullSeries(run.id)
      expect(points).toHaveLength(stored.length)
      expect(new Set(points.map((p) => JSON.stringify(p)))).toEqual(new Set(stored.map((p) => JSON.stringify({ name: p.name, step: p.step, epoch: p.epoch, wallMs: p.wallMs, value: p.value }))))
    }
  })

  it('exports weights as tfjs files that load and predict, and as the plain JSON layout with the same values', async () => {
    const out = join(dir, 'weights')
    const result = gatelab(['export', '--runs', ids.join(','), '--format', 'weights', '--out', out, '--db', db])
    expect(result.status, result.stderr).toBe(0)
    for (const id of ids) {
      const topology = readFileSync(join(out, id, 'model.json'))
      const weights = readFileSync(join(out, id, 'weights.bin'))
      const json = parseModelJson(topology)
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: json.weightsManifest[0]!.weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }))
      const y = model.predict(tf.ones([1, 10, 2])) as tf.Tensor
      expect(y.shape).toEqual([1, 1])
      expect(Number.isFinite((await y.data())[0]!)).toBe(true)
      const plain = JSON.parse(readFileSync(join(out, id, 'weights.json'), 'utf8')) as PlainWeights
      const run = store.getRun(id)
      expect(plain.run).toMatchObject({ id, cell: run.cell, cellForm: run.cellForm })
      const layer = plain.layers[0] as PlainRecurrentLayer
      expect(layer.type).toBe(run.cell)
      expect(layer.gateOrder).toEqual(run.cell === 'lstm' ? ['i', 'f', 'c', 'o'] : ['z', 'r', 'h'])
      // Every value of the plain layout equals the float32 in weights.bin.
      const decoded = decodeWeights(json.weightsManifest[0]!.weights, weights)
      const kernel = [...decoded.entries()].find(([name]) => name.endsWith('/kernel'))![1]
      expect((layer.weights[0]!.kernel.values as number[][]).flat()).toEqual(Array.from(kernel.values))
      y.dispose()
      model.dispose()
    }
  })

  it('exports every figure as SVG and as PNG at 2x', () => {
    const svgDir = join(dir, 'svg')
    const pngDir = join(dir, 'png')
    expect(gatelab(['export', '--runs', ids.join(','), '--format', 'svg', '--out', svgDir, '--db', db]).status).toBe(0)
    expect(gatelab(['export', '--runs', ids.join(','), '--format', 'png', '--out', pngDir, '--db', db]).status).toBe(0)
    const svgs = readdirSync(svgDir).sort()
    expect(svgs).toEqual(expect.arrayContaining(['curve-valLoss.svg', 'curve-batchLoss.svg', 'groups-valLoss.svg']))
    expect(readdirSync(pngDir).sort()).toEqual(svgs.map((f) => f.replace(/\.svg$/, '.png')))
    for (const file of svgs) {
      const svg = readFileSync(join(svgDir, file), 'utf8')
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
      expect(svg).not.toMatch(/<image|data:image/)
      const width = Number(/width="(\d+)"/.exec(svg)![1])
      const png = readFileSync(join(pngDir, file.replace(/\.svg$/, '.png')))
      expect(png.readUInt32BE(16)).toBe(width * 2)
    }
  })

  it('exports every figure in one zip as SVG, PDF and PNG 2× with pgfplots code that pdflatex compiles', () => {
    const out = join(dir, 'figures.zip')
    const result = gatelab(['export', '--runs', ids.join(','), '--format', 'figures', '--out', out, '--db', db])
    expect(result.status, result.stderr).toBe(0)
    const files = unzipSync(readFileSync(out))
    const svgs = Object.keys(files).filter((f) => f.startsWith('svg/')).sort()
    expect(svgs).toEqual(expect.arrayContaining(['svg/curve-valLoss.svg', 'svg/curve-batchLoss.svg', 'svg/groups-valLoss.svg', 'svg/groups-loss.svg']))
    for (const svg of svgs) {
      const id = svg.slice(4, -4)
      const width = Number(/width="(\d+)"/.exec(strFromU8(files[svg]!))![1])
      expect(Buffer.from(files[`png/${id}.png`]!).readUInt32BE(16), id).toBe(width * 2)
      expect(strFromU8(files[`pdf/${id}.pdf`]!.subarray(0, 5)), id).toBe('%PDF-')
      expect(strFromU8(files[`tex/${id}.tex`]!), id).toContain(`{data/${id}.csv}`)
      expect(strFromU8(files[`data/${id}.csv`]!).split('\n')[0], id).toMatch(/^s0x,s0y/)
    }
    // The figure PDF is one page the figure's size, with its text as text.
    const pdfPath = join(dir, 'curve-valLoss.pdf')
    writeFileSync(pdfPath, files['pdf/curve-valLoss.pdf']!)
    expect(spawnSync('pdfinfo', [pdfPath], { encoding: 'utf8' }).stdout).toMatch(/Pages:\s+1\b/)
    expect(spawnSync(pdftotext, [pdfPath, '-'], { encoding: 'utf8' }).stdout).toContain('validation loss (MSE)')
    // figures.tex compiles with a stock TeX Live (CI installs texlive-latex-base and texlive-pictures).
    if (!existsSync('/usr/bin/pdflatex')) {
      console.warn('pdflatex not installed: figures.tex not compiled here (.ci/run installs texlive-latex-base texlive-pictures)')
      if (process.env.CI) throw new Error('CI must have pdflatex (.ci/run installs it)')
      return
    }
    const texDir = join(dir, 'tex-build')
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(join(texDir, dirname(name)), { recursive: true })
      writeFileSync(join(texDir, name), bytes)
    }
    const latex = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'figures.tex'], { cwd: texDir, encoding: 'utf8', timeout: 120_000 })
    expect(latex.status, latex.stdout.slice(-3000)).toBe(0)
    const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [join(texDir, 'figures.pdf')], { encoding: 'utf8' }).stdout)![1])
    expect(pages).toBeGreaterThanOrEqual(2)
    expect(spawnSync(pdftotext, [join(texDir, 'figures.pdf'), '-'], { encoding: 'utf8' }).stdout).toContain('validation loss (MSE)')
  }, 240_000)

  it('serves the same exports through the API handler with flat file names (browser downloads)', async () => {
    const handler = exportRunsHandler(store, undefined)
    const { files } = await handler({ runIds: ids, format: 'weights', paper: 'a4' })
    expect(files.map((f) => f.name)).toEqual(ids.flatMap((id) => [`${id}-model.json`, `${id}-weights.bin`, `${id}-weights.json`]))
    const model = JSON.parse(Buffer.from(files[0]!.base64, 'base64').toString('utf8')) as { weightsManifest: Array<{ paths: string[] }> }
    expect(model.weightsManifest[0]!.paths).toEqual([`${ids[0]}-weights.bin`])
    const csv = await exportRuns(store, ids, 'csv')
    const viaApi = await handler({ runIds: ids, format: 'csv', paper: 'a4' })
    expect(Buffer.from(viaApi.files[0]!.base64, 'base64').equals(Buffer.from(csv[0]!.data))).toBe(true)
    await expect(handler({ runIds: ['no-such-run'], format: 'csv', paper: 'a4' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(handler({ runIds: ids, format: 'pdf', paper: 'a4' })).rejects.toMatchObject({ code: 'internal', message: /PDF/ })
  })

  it('exits 2 with one clear line for unknown runs, unwritable paths and bad flags, writing nothing', () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, 'x')
    for (const [args, message] of [
      [['report', '--runs', `${ids[0]},no-such-run`, '--out', join(dir, 'x.html')], /No run "no-such-run" in this lab/],
      [['report', '--runs', ids[0]!, '--out', join(dir, 'missing-folder', 'x.html')], /Cannot write .*missing-folder.*does not exist/],
      [['report', '--runs', ids[0]!, '--out', join(blocker, 'x.pdf')], /Cannot write .*is a file, not a folder/],
      [['export', '--runs', ids[0]!, '--format', 'weights', '--out', blocker], /it is a file; this format writes several files/],
      [['report', '--runs', ids[0]!, '--out', join(dir, 'x.docx')], /--out must end in \.html or \.pdf/],
      [['export', '--runs', ids[0]!, '--format', 'xml', '--out', join(dir, 'x')], /--format must be one of csv, json, weights, svg, png/],
      [['export', '--format', 'csv', '--out', join(dir, 'x.csv')], /--runs ID\[,ID\.\.\.\] is required/]
    ] as const) {
      const result = gatelab([...args, '--db', db])
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2)
      const lines = result.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
    expect(existsSync(join(dir, 'x.html'))).toBe(false)
  })

  it('says how to get Chromium when there is none, and exits 1 (the environment, not the input)', () => {
    const result = gatelab(['report', '--runs', ids[0]!, '--out', join(dir, 'none.pdf'), '--db', db], { GATELAB_CHROMIUM: join(dir, 'no-chromium') })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/GATELAB_CHROMIUM is .*no-chromium, but there is no file there/)
    expect(existsSync(join(dir, 'none.pdf'))).toBe(false)
  })
})
