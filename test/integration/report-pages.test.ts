/**
 * A report a paper can use: six runs (three LSTM, three GRU seeds) print to about four pages of body — runs, test
 * split, data, the comparison with its statistics and group bands, learning curves, configuration as a table — and a
 * short appendix (every metric's numbers, notes, environment). No raw JSON and no flat diagnostic charts.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderReportHtml } from '../../src/main/report/html'
import { buildReportModel } from '../../src/main/report/model'
import { htmlToPdf } from '../../src/main/report/pdf.node'
import { fixedEnv, lstmVsGru } from '../unit/report.fixtures'
import { tempDir } from '../helpers/host'

describe('a six-run report', () => {
  it('prints to at most 6 A4 pages with the body first and no raw JSON or flat diagnostic charts', async () => {
    const html = renderReportHtml(buildReportModel(lstmVsGru(), fixedEnv))
    const order = ['id="runs"', 'id="groups"', 'id="curves"', 'id="config"', 'id="appendix"', 'id="summary"', 'id="environment"'].map((s) => html.indexOf(s))
    expect(order.every((v, i) => v > 0 && (i === 0 || v > order[i - 1]!))).toBe(true)
    expect(html).not.toContain('id="curve-lr"')
    expect(html).not.toContain('id="curve-numTensors"')
    expect(html).not.toMatch(/<td class="mono">\{/)
    const file = join(tempDir('gatelab-pages-'), 'report.pdf')
    writeFileSync(file, await htmlToPdf(html, { paper: 'a4' }))
    const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout)![1])
    expect(pages).toBeLessThanOrEqual(6)
    // The body (everything before the appendix) ends by page 5.
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.split('\f')
    const appendixPage = text.findIndex((page) => /^\s*Appendix\s*$/m.test(page)) + 1
    expect(appendixPage).toBeGreaterThan(0)
    expect(appendixPage).toBeLessThanOrEqual(5)
  }, 60_000)
})
