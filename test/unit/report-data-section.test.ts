/**
 * The report's Data section names what the split counts: sequences for a built-in task, windows for a CSV file or a
 * bundled series, with the lookback, horizon, target and features that made them and the real split the trainer built
 * (issue 17: a sunspots run read "Sequences" and the built-in tasks' defaults).
 */
import { describe, expect, it } from 'vitest'
import { renderReportHtml } from '../../src/main/report/html'
import { buildReportModel } from '../../src/main/report/model'
import { fixedEnv, makeRun } from './report.fixtures'

const text = (html: string): string => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()

function dataSection(runs: ReturnType<typeof makeRun>[]): string {
  const html = renderReportHtml(buildReportModel(runs, fixedEnv))
  return text(/<section id="data">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '')
}

describe('report: the Data section', () => {
  it('counts sequences for a built-in task', () => {
    const section = dataSection([makeRun({ id: 'lstm-1', cell: 'lstm' }), makeRun({ id: 'gru-1', cell: 'gru' })])
    expect(section).toContain('Sequences (train / validation / test) 256 / 1000 / 1000')
    expect(section).not.toMatch(/Windows|Lookback/)
  })

  it('counts windows for a CSV series, with the real split and the settings that shaped it', () => {
    const runs = ['lstm', 'gru'].map((cell) => {
      const r = makeRun({ id: `${cell}-1`, cell: cell as 'lstm' | 'gru', config: { task: 'csv:/data/sunspots.csv', target: 'spots', lookback: 22 } })
      r.run.task = r.run.config.task
      r.run.dataset = {
        name: 'sunspots.csv',
        description: 'CSV file sunspots.csv',
        contentHash: 'sha256:1234',
        train: 195,
        val: 24,
        test: 24,
        meta: { features: ['spots'], targets: ['spots'], table: { window: { lookback: 22, horizon: 1, stride: 1 } } }
      }
      return r
    })
    const section = dataSection(runs)
    expect(section).toContain('Windows (train / validation / test) 195 / 24 / 24')
    expect(section).toContain('Lookback 22')
    expect(section).toContain('Horizon 1')
    expect(section).toContain('Target spots')
    expect(section).toContain('Input features spots')
    expect(section).not.toContain('Sequences')
  })
})
