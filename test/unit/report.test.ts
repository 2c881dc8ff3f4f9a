/**
 * The report builders on realistic runs made in the test (report.fixtures.ts): the model, the HTML, the figures
 * (SVG size and content, PNG at 2x), the CSV and JSON exports read back value by value.
 */
import { describe, expect, it } from 'vitest'
import { bandFigure, curveFigure, reportFigures } from '../../src/main/report/charts'
import { CSV_HEADER, toCsv, toJson } from '../../src/main/report/data'
import { escapeHtml, fmt, renderReportHtml } from '../../src/main/report/html'
import { buildReportModel, configRows, flattenConfig, metricStats, orderMetrics } from '../../src/main/report/model'
import { svgToPng } from '../../src/main/report/png'
import { parseRunIds } from '../../src/main/report/source'
import type { MetricPoint } from '../../src/shared/protocol'
import { fixedEnv, lstmVsGru, makeRun } from './report.fixtures'

/**
 * Every attribute value and CSS url() that could make a browser fetch something (the integration test does the same
 * in Chromium's own parser). Script bodies are checked separately: they are code, not markup.
 */
function externalReferences(html: string): string[] {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
  const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>')
  const found: string[] = []
  for (const m of markup.matchAll(/<[a-z][^>]*?\s(?:src|href|xlink:href|srcset|poster|data|action|formaction)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const value = (m[2] ?? m[3] ?? m[4] ?? '').trim()
    if (!value.startsWith('#')) found.push(value)
  }
  for (const m of markup.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) if (!m[2]!.startsWith('#')) found.push(m[2]!)
  for (const m of markup.matchAll(/@import/gi)) found.push(m[0])
  for (const script of scripts) for (const m of script.matchAll(/\b(fetch|XMLHttpRequest|WebSocket|EventSource|import|sendBeacon)\b|https?:/g)) found.push(m[0])
  return found
}

describe('report model', () => {
  it('orders metrics validation first, diagnostics last', () => {
    expect(orderMetrics(['lr', 'batchLoss', 'loss', 'valLoss', 'epochMs', 'valAcc', 'acc'])).toEqual(['valAcc', 'valLoss', 'loss', 'acc', 'batchLoss', 'epochMs', 'lr'])
  })

  it('flattens nested configs and marks the settings that differ', () => {
    expect(flattenConfig({ a: 1, es: { patience: 5, metric: 'valLoss' }, s: null, tags: ['x'] })).toEqual({ a: '1', 'es.patience': '5', 'es.metric': '"valLoss"', s: 'null', tags: '["x"]' })
    const rows = configRows([{ cell: 'lstm', units: 8, es: { patience: 5 } }, { cell: 'gru', units: 8 }])
    expect(rows.find((r) => r.key === 'cell')).toEqual({ key: 'cell', values: ['"lstm"', '"gru"'], differs: true })
    expect(rows.find((r) => r.key === 'units')?.differs).toBe(false)
    expect(rows.find((r) => r.key === 'es.patience')).toEqual({ key: 'es.patience', values: ['5', '—'], differs: true })
  })

  it('summarizes a metric over every point and counts non-finite values instead of using them', () => {
    const pts: MetricPoint[] = [
      { epoch: 1, step: 10, name: 'valLoss', value: 0.3, wallMs: 1 },
      { epoch: 2, step: 20, name: 'valLoss', value: 0.1, wallMs: 2 },
      { epoch: 3, step: 30, name: 'valLoss', value: 0.2, wallMs: 3 },
      { epoch: 4, step: 40, name: 'valLoss', value: NaN, wallMs: 4 }
    ]
    expect(metricStats(pts)).toEqual({ count: 4, last: NaN, lastEpoch: 4, min: 0.1, minEpoch: 2, max: 0.3, maxEpoch: 1, nonFinite: 1 })
    expect(metricStats([])).toBeNull()
  })

  it('groups LSTM and GRU runs and tests the difference, paired by seed', () => {
    const model = buildReportModel(lstmVsGru(), fixedEnv)
    expect(model.groups.shown).toBe(true)
    if (!model.groups.shown) return
    const best = model.groups.comparisons.find((c) => c.stat === 'best')!
    expect(best.metric).toBe('valLoss')
    expect(best.groups.map((g) => [g.label, g.n])).toEqual([
      ['GRU', 3],
      ['LSTM', 3]
    ])
    const pair = best.pairs[0]!
    // GRU's losses are 0.8x LSTM's in every seed: GRU − LSTM is negative, and the paired test sees all 3 seeds.
    expect(pair.diff).toBeLessThan(0)
    expect(pair.comparison.paired?.n).toBe(3)
    expect(pair.verdict).toMatch(/^GRU reached a lower best validation loss than LSTM/)
    expect(model.groups.comparisons.map((c) => c.stat)).toEqual(['best', 'last'])
    expect(model.groups.bands.map((b) => b.label)).toEqual(['GRU', 'LSTM'])
    expect(model.groups.bands[0]!.band.x).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('says why there is no grouped comparison for runs of one cell', () => {
    const model = buildReportModel([makeRun({ id: 'a' }), makeRun({ id: 'b', seed: 2 })], fixedEnv)
    expect(model.groups).toEqual({ shown: false, reason: 'All 2 runs use the same cell (lstm), so there are no groups to compare.' })
  })

  it('flags confounded comparisons and different data', () => {
    const a = makeRun({ id: 'a', cell: 'lstm' })
    const b = makeRun({ id: 'b', cell: 'gru', config: { units: 16 } })
    b.run.dataset = { ...b.run.dataset!, contentHash: 'sha256:other' }
    const model = buildReportModel([a, b], fixedEnv)
    if (!model.groups.shown) throw new Error('expected groups')
    expect(model.groups.caveats.join(' ')).toMatch(/differ in units/)
    expect(model.groups.caveats.join(' ')).toMatch(/not all train on the same data/)
    expect(model.datasets).toHaveLength(2)
    expect(model.groups.caveats.join(' ')).toMatch(/computed the gru reset-before sigmoid form/)

    const c = makeRun({ id: 'c', cell: 'gru' })
    c.run.cellForm = 'gru reset-after sigmoid'
    const mixed = buildReportModel([a, b, c], fixedEnv)
    if (!mixed.groups.shown) throw new Error('expected groups')
    expect(mixed.groups.caveats.join(' ')).toMatch(/mix cell forms \(gru reset-before sigmoid; gru reset-after sigmoid\)/)
  })
})

describe('HTML report', () => {
  const data = lstmVsGru()
  data[0]!.run.notes = 'Tried <script>alert(1)</script> and ![x](https://example.com/x.png) & "quotes".'
  data[5] = makeRun({ id: 'gru-3', cell: 'gru', seed: 3, quality: 0.8, diverge: true })
  const model = buildReportModel(data, fixedEnv)
  const html = renderReportHtml(model)

  it('references nothing outside the file', () => {
    expect(externalReferences(html)).toEqual([])
    expect(html).toContain('http-equiv="Content-Security-Policy"')
    expect(html).toMatch(/default-src 'none'/)
  })

  it('shows every run, every metric, the title, date, version, machine and backend', () => {
    for (const { run } of data) expect(html).toContain(run.id)
    for (const metric of ['batchLoss', 'loss', 'valLoss', 'lr', 'epochMs', 'numTensors']) expect(html).toContain(`<tr><th class="mono">${metric}<br>`)
    // Learning curves are drawn; diagnostics are numbers in the appendix (flat ones are not drawn at all).
    for (const metric of ['batchLoss', 'loss', 'valLoss']) expect(html).toContain(`id="curve-${metric}"`)
    for (const metric of ['lr', 'epochMs', 'numTensors']) expect(html).not.toContain(`<figure id="curve-${metric}"`)
    expect(html).toContain('<title>GateLab report: 6 runs (LSTM vs GRU)</title>')
    expect(html).toContain('Generated 2026-11-28 07:00:00 UTC')
    expect(html).toContain('GateLab 0.1.0')
    expect(html).toContain('TF.js backend: cpu')
    expect(html).toContain('sha256:0f1e2d3c4b5a')
  })

  it('highlights the settings that differ and only those', () => {
    expect(html).toMatch(/<tr class="diff"><th class="mono">≠ cell<\/th>/)
    expect(html).toMatch(/<tr class="diff"><th class="mono">≠ seed<\/th>/)
    expect(html).toMatch(/<th class="mono">units<\/th><td class="mono">8<\/td>/)
    expect(html).toContain('<strong>2 of')
  })

  it('escapes notes and keeps them', () => {
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain(escapeHtml('Tried <script>alert(1)</script> and ![x](https://example.com/x.png) & "quotes".'))
  })

  it('shows the grouped comparison and says why predictions are missing', () => {
    expect(html).toContain('<section id="groups"><h2>LSTM vs GRU</h2>')
    expect(html).toContain('id="groups-valLoss"')
    expect(html).toMatch(/class="verdict">GRU reached a lower best validation loss than LSTM/)
    expect(html).toMatch(/<section id="predictions">.*No predictions against truth: lstm-1: no predictions were computed/s)
  })

  it('draws predictions against truth for the runs that have them, and names the others with the reason', () => {
    const runs = lstmVsGru().slice(2, 4)
    const predictions = new Map([
      [runs[0]!.run.id, { split: 'test', truth: [0.5, 1, 1.5], predicted: [0.6, 0.9, 1.4] }],
      [runs[1]!.run.id, { reason: 'it saved no weights (failed)' }]
    ])
    const withPredictions = buildReportModel(runs, fixedEnv, { predictions })
    const page = renderReportHtml(withPredictions)
    expect(page).toContain(`<figure id="predictions-${runs[0]!.run.id}"`)
    expect(page).toContain(`No predictions for ${runs[1]!.run.id}: it saved no weights (failed).`)
    expect(page).toMatch(/3 predictions of [^<]+ on the test split/)
  })

  it('marks a diverged run: its error, and its non-finite points', () => {
    expect(html).toContain('Training diverged: the validation loss became NaN')
    expect(html).toContain('(1 non-finite)')
  })

  it('is one self-contained document that ends with its closing tag', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    // Every figure once, except diagnostics' curves (their numbers are in the appendix).
    expect(html.match(/<svg /g)?.length).toBe(reportFigures(model).filter((f) => !/^curve-(lr|epochMs|numTensors)$/.test(f.id)).length)
  })

  it('formats numbers readably', () => {
    expect([fmt(0.123456), fmt(0.0001234), fmt(-2.5), fmt(NaN), fmt(Infinity), fmt(null), fmt(1234567.8)]).toEqual(['0.1235', '1.234e−4', '−2.5', 'NaN', '∞', '—', '1.235e+6'])
  })
})

/** The text content of every <text> element of an SVG, entities decoded. */
function svgTexts(svg: string): string[] {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&(\w+);/g, (_, name: string) => entities[name] ?? `&${name};`))
}

describe('figures', () => {
  it('draws a 4-run × 1,000-point chart as vector SVG under 300 KB', () => {
    const series = [0, 1, 2, 3].map((r) => ({
      runId: `r${r}`,
      label: `run ${r}`,
      color: '#5470c6',
      points: Array.from({ length: 1000 }, (_, i): [number, number] => [i + 1, 0.17 * Math.exp(-i / 300) * (1 + r / 10) + 0.01 * Math.sin(i * 1.7 + r)])
    }))
    const figure = curveFigure({ metric: 'batchLoss', x: 'step', series })
    const bytes = Buffer.byteLength(figure.svg)
    expect(bytes).toBeLessThan(300 * 1024)
    expect(figure.svg).not.toMatch(/<image|data:image|<foreignObject/i)
    expect(figure.svg.match(/<path /g)!.length).toBeGreaterThanOrEqual(4)
    // Text stays text: the title, the axis name and every legend entry.
    const texts = svgTexts(figure.svg)
    expect(texts).toContain('batchLoss')
    expect(texts).toContain('optimizer step')
    expect(texts).toContain('run 3')
    for (const s of series) expect(texts).toContain(s.label)
  })

  it('draws group bands with their legend', () => {
    const model = buildReportModel(lstmVsGru(), fixedEnv)
    if (!model.groups.shown) throw new Error('expected groups')
    const figure = bandFigure('valLoss', model.groups.bands)
    const texts = svgTexts(figure.svg)
    expect(texts).toContain('GRU: mean of 3 ± 95% CI')
    expect(texts).toContain('LSTM: mean of 3 ± 95% CI')
  })

  it('rasterizes a figure to PNG at twice its size', async () => {
    const figure = curveFigure(buildReportModel([makeRun({ id: 'a' })], fixedEnv).curves[0]!)
    const png = await svgToPng(figure.svg, 2)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const view = new DataView(png.buffer, png.byteOffset)
    expect(view.getUint32(16)).toBe(figure.width * 2)
    expect(view.getUint32(20)).toBe(figure.height * 2)
  })
})

describe('CSV and JSON exports', () => {
  const data = [makeRun({ id: 'a,1' }), makeRun({ id: 'b', cell: 'gru', diverge: true })]

  it('writes every point in long form and reads back exactly', () => {
    const csv = toCsv(data)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe(CSV_HEADER.join(','))
    const rows = lines.slice(1).map((line) => {
      // The only quoted field in this data is the run id "a,1".
      const m = /^("(?:[^"]|"")*"|[^,]*),(.*)$/.exec(line)!
      const id = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!
      const [metric, epoch, step, wall, value] = m[2]!.split(',')
      return { id, metric, epoch: Number(epoch), step: Number(step), wallMs: Number(wall), value: Number(value) }
    })
    const expected = data.flatMap(({ run, points }) => points.map((p) => ({ id: run.id, metric: p.name, epoch: p.epoch, step: p.step, wallMs: p.wallMs, value: p.value })))
    expect(rows).toHaveLength(expected.length)
    rows.forEach((row, i) => {
      const want = expected[i]!
      expect(row.id).toBe(want.id)
      expect(row.metric).toBe(want.metric)
      expect(row.epoch).toBe(want.epoch)
      expect(row.step).toBe(want.step)
      expect(Object.is(row.wallMs, want.wallMs)).toBe(true)
      expect(Object.is(row.value, want.value)).toBe(true)
    })
    expect(csv).toContain(',NaN\r\n')
  })

  it('writes runs with configs and every metric column in JSON', () => {
    const parsed = JSON.parse(toJson(data, fixedEnv)) as {
      format: string
      runs: Array<{ id: string; config: { cell: string }; final: Record<string, unknown>; metrics: Record<string, { step: number[]; value: Array<number | string> }> }>
    }
    expect(parsed.format).toBe('gatelab-runs')
    expect(parsed.runs.map((r) => [r.id, r.config.cell])).toEqual([
      ['a,1', 'lstm'],
      ['b', 'gru']
    ])
    for (const [i, { points }] of data.entries()) {
      const metrics = parsed.runs[i]!.metrics
      for (const p of points) {
        const col = metrics[p.name]!
        const k = col.step.indexOf(p.step)
        const v = col.value[k]
        expect(typeof v === 'string' ? Number(v) : v).toSatisfy((x: number) => Object.is(x, p.value))
      }
    }
    // A NaN final metric keeps its name rather than becoming null.
    expect(parsed.runs[1]!.final.valLoss).toBe('NaN')
  })
})

describe('run ids', () => {
  it('splits, trims and de-duplicates, and refuses an empty list', () => {
    expect(parseRunIds(' a, b ,a,,c ')).toEqual(['a', 'b', 'c'])
    expect(() => parseRunIds(' , ')).toThrow(/No run ids given/)
  })
})
