/**
 * The report's "Against the baselines" section (issue 16): one compact table per dataset with each run's validation
 * and test score, its skill against persistence and against the best baseline, RMSE/MAE in the data's own unit (named
 * in the header), every baseline below; the comparison's floor verdict on top. Runs are the report fixtures with a
 * stored baseline set, as a real series run records it.
 */
import { describe, expect, it } from 'vitest'
import type { BaselineSet } from '../../src/shared/baselines/types'
import { renderReportHtml } from '../../src/main/report/html'
import { buildReportModel } from '../../src/main/report/model'
import { predictionsFigure } from '../../src/main/report/charts'
import { fixedEnv, lstmVsGru } from './report.fixtures'

function series(persistence: number, arFactor: number): BaselineSet {
  const e = (id: 'persistence' | 'mean' | 'ar', label: string, mse: number) => ({ id, label, detail: `${label} predicts`, val: { mse, mae: Math.sqrt(mse) * 0.8 }, test: { mse, mae: Math.sqrt(mse) * 0.8 } })
  const entries = [e('persistence', 'persistence', persistence), e('mean', 'training mean', 1), e('ar', 'AR(8)', persistence * arFactor)]
  return {
    version: 1,
    metric: 'mse',
    entries,
    best: entries.reduce((a, b) => (b.val.mse < a.val.mse ? b : a)).id,
    plateau: 'mean',
    target: { name: 'co2', unit: 'ppm', scale: 2, scaling: 'zscore' },
    windows: { train: 300, val: 20, test: 64 }
  }
}

const text = (html: string): string => html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').trim()

/** The report's HTML, its baselines section, the section's header cells and its body rows as cell texts. */
function render(persistence: number | null, arFactor = 1.5) {
  const data = lstmVsGru()
  if (persistence !== null) for (const d of data) d.run.dataset!.meta = { ...d.run.dataset!.meta, baselineSet: series(persistence, arFactor) }
  const html = renderReportHtml(buildReportModel(data, fixedEnv))
  const section = /<section id="baselines">[\s\S]*?<\/section>/.exec(html)?.[0] ?? ''
  const head = [...(/<thead>([\s\S]*?)<\/thead>/.exec(section)?.[1] ?? '').matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1]!))
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? ''
  const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => text(c[1]!)))
  const verdict = text(/<p class="verdict">([\s\S]*?)<\/p>/.exec(section)?.[1] ?? '')
  return { html, section, head, rows, verdict }
}

describe('report: against the baselines', () => {
  it('runs worse than persistence: the floor verdict first, negative skill, errors in ppm, small split warned', () => {
    const { html, section, head, rows, verdict } = render(0.001)
    expect(section).not.toBe('')
    // In the body, right after the test split, and in the contents.
    expect(html.indexOf('id="baselines"')).toBeGreaterThan(html.indexOf('id="test"'))
    expect(html.indexOf('id="baselines"')).toBeLessThan(html.indexOf('id="groups"'))
    expect(html).toContain('<a href="#baselines">Against the baselines</a>')
    expect(verdict).toMatch(/^Neither GRU nor LSTM beats persistence on this data/)
    expect(head).toEqual(['Predictor', 'Val. MSE', 'Test MSE', 'Test RMSE (ppm)', 'Test MAE (ppm)', 'Skill vs persistence'])
    expect(rows).toHaveLength(6 + 1 + 3)
    expect(rows.slice(7).map((r) => r[0])).toEqual(['persistence (best)', 'training mean', 'AR(8)'])
    // Persistence's RMSE in ppm: sqrt(0.001) × 2.
    expect(Number(rows[7]![3])).toBeCloseTo(Math.sqrt(0.001) * 2, 3)
    for (const r of rows.slice(0, 6)) expect(r[5]).toMatch(/^\u2212\d/)
    expect(text(section)).toMatch(/Only 20 validation windows/)
    expect(text(section)).toMatch(/MSE in z-scored units/)
  })

  it('runs better than every baseline: both cells beat it, skill against persistence and AR in their own columns', () => {
    const { head, rows, verdict } = render(0.5, 0.5)
    expect(verdict).toMatch(/^Both GRU and LSTM beat AR\(8\), the best baseline/)
    expect(head.slice(-2)).toEqual(['Skill vs persistence', 'Skill vs AR(8)'])
    for (const r of rows.slice(0, 6)) {
      expect(r[5]).toMatch(/^\+0\.\d\d$/)
      expect(r[6]).toMatch(/^\+0\.\d\d$/)
    }
    expect(rows.find((r) => r[0] === 'AR(8) (best)')).toBeDefined()
  })

  it('runs without stored baselines: the section says so instead of a table', () => {
    const { section } = render(null)
    expect(section).not.toContain('<table')
    expect(text(section)).toMatch(/No run recorded baselines/)
  })

  it('predictions in original units name the unit on both axes', () => {
    const f = predictionsFigure({ runId: 'r', label: 'LSTM', color: '#1f77b4', split: 'test', truth: [315, 316], predicted: [315.2, 316.1], target: { name: 'CO2', unit: 'ppm' } })
    expect([f.plot!.xLabel, f.plot!.yLabel]).toEqual(['true CO2 (ppm), test split', 'predicted CO2 (ppm)'])
    const plain = predictionsFigure({ runId: 'r', label: 'GRU', color: '#ff7f0e', split: 'test', truth: [0.1], predicted: [0.2] })
    expect(plain.plot!.xLabel).toBe('true value, test split')
  })
})
