/**
 * A report a paper can use (issue 17 item 2): six runs (three LSTM, three GRU seeds) print to four A4 pages of body —
 * runs, test split, the baselines table, data, the comparison with its statistics and group bands, learning curves,
 * configuration as a table — and an appendix that starts on a page of its own (every metric's numbers, notes,
 * environment). No raw JSON and no flat diagnostic charts. Counted with poppler (pdfinfo, pdftotext).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderReportHtml } from '../../src/main/report/html'
import { buildReportModel } from '../../src/main/report/model'
import { htmlToPdf } from '../../src/main/report/pdf.node'
import type { RunData } from '../../src/main/report/source'
import type { BaselineSet } from '../../src/shared/baselines/types'
import { fixedEnv, lstmVsGru } from '../unit/report.fixtures'
import { tempDir } from '../helpers/host'

/** A regression baseline set as a series run records it (four predictors, a unit), so the baselines table has its real size. */
function withBaselines(runs: RunData[]): RunData[] {
  const set: BaselineSet = {
    version: 1,
    metric: 'mse',
    entries: [
      { id: 'persistence', label: 'persistence', detail: 'the last value', val: { mse: 0.05, mae: 0.18 }, test: { mse: 0.052, mae: 0.18 } },
      { id: 'seasonal', label: 'seasonal persistence (12)', detail: 'the value one season ago', val: { mse: 0.09, mae: 0.24 }, test: { mse: 0.091, mae: 0.24 } },
      { id: 'mean', label: 'training mean', detail: 'the mean of the training targets', val: { mse: 1 / 6, mae: 0.33 }, test: { mse: 0.17, mae: 0.33 } },
      { id: 'ar', label: 'AR(10)', detail: 'least squares on the lookback', val: { mse: 0.03, mae: 0.14 }, test: { mse: 0.031, mae: 0.14 } },
      { id: 'noiseFloor', label: 'noise floor', detail: 'the noise variance', theoretical: true, val: { mse: 0.01 }, test: { mse: 0.01 } }
    ],
    best: 'ar',
    plateau: 'mean',
    target: { name: 'level', unit: 'm', scale: 2.5, scaling: 'zscore' },
    windows: { train: 256, val: 1000, test: 1000 }
  }
  return runs.map((r) => ({ ...r, run: { ...r.run, dataset: { ...r.run.dataset!, meta: { ...r.run.dataset!.meta, baselineSet: set } } } }))
}

async function printed(html: string): Promise<{ pages: number; text: string[] }> {
  const file = process.env.GATELAB_KEEP_PDF ?? join(tempDir('gatelab-pages-'), 'report.pdf')
  writeFileSync(file, await htmlToPdf(html, { paper: 'a4' }))
  const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout)![1])
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.split('\f')
  return { pages, text }
}

describe('a six-run report', () => {
  it('prints a body of at most 4 A4 pages, then the appendix on pages of its own; no raw JSON or flat diagnostic charts', async () => {
    const runs = withBaselines(lstmVsGru())
    expect(Object.keys(runs[0]!.run.dataset!.meta)).toContain('baselineSet')
    const html = renderReportHtml(buildReportModel(runs, fixedEnv))
    const order = ['id="runs"', 'id="groups"', 'id="curves"', 'id="config"', 'id="appendix"', 'id="summary"', 'id="environment"'].map((s) => html.indexOf(s))
    expect(order.every((v, i) => v > 0 && (i === 0 || v > order[i - 1]!))).toBe(true)
    expect(html).not.toContain('id="curve-lr"')
    expect(html).not.toContain('id="curve-numTensors"')
    expect(html).not.toMatch(/<td class="mono">\{/)
    const { pages, text } = await printed(html)
    // The baselines table is in the body, with its predictors.
    const body = text.slice(0, 4).join('\n')
    expect(body).toMatch(/Against the baselines/)
    expect(body).toMatch(/AR\(10\)/)
    // The appendix heading opens the first page after the body: the body is at most 4 pages.
    const appendixPage = text.findIndex((page) => /^\s*Appendix\s*$/m.test(page)) + 1
    console.log(`six-run report: ${pages} A4 pages, body ${appendixPage - 1}, appendix from page ${appendixPage}`)
    expect(appendixPage).toBeGreaterThan(1)
    expect(appendixPage).toBeLessThanOrEqual(5)
    expect(text[appendixPage - 1]!.trim().split('\n')[0]!.trim()).toBe('Appendix')
    // Configuration, the last body section, is before it; every metric's numbers after it.
    expect(text.slice(0, appendixPage - 1).join('\n')).toMatch(/Configuration/)
    expect(text.slice(appendixPage - 1).join('\n')).toMatch(/Every metric/)
    expect(pages).toBeLessThanOrEqual(7)
  }, 90_000)
})
