/**
 * The HTML report: one self-contained file. Styles and the small figure-export script are inline, charts are inline
 * SVG, and a Content-Security-Policy meta tag forbids every fetch, so the file opens offline in any browser and makes
 * no network request even if a run's name or notes contained a URL. Print CSS lays it out for A4 and Letter alike
 * (the page size comes from the print dialog or the PDF call; margins and widths fit both).
 */
import type { ComparedPair, RunComparison } from '../../shared/comparison'
import { formatP } from '../../shared/stats'
import { reportFigures, type Figure } from './charts'
import { betterDirection, diagnostics, type MetricStats, type ReportModel } from './model'
import { pageMarginsMm } from './pdfPage'
import { baselinesSection } from './baselines'
import { runSettingsOf } from '../../shared/runSettings'

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

const e = escapeHtml

/** Four significant digits; exponent form for very small or large values; non-finite values by name. */
export function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value)
  const abs = Math.abs(value)
  const text = abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)))
  return text.replace('-', '−')
}

function duration(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 120) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return m < 120 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

function swatch(color: string): string {
  return `<span class="swatch" style="background:${e(color)}"></span>`
}

const styles = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --rule: #d9dde5; --diff: #fff3c4; --best: #e3f4e1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1060px; padding: 24px 28px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta, .muted { color: var(--muted); }
p.meta { margin: 0 0 12px; font-size: 13px; }
nav ol { columns: 3; margin: 0; padding-left: 20px; font-size: 13px; }
nav a { color: inherit; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f3f5f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.diff td, tr.diff th { background: var(--diff); }
td.best { background: var(--best); font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11.5px; }
figure { margin: 14px 0; }
figure svg { width: 100%; max-width: 800px; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 2px; }
.fig-actions { margin-top: 2px; }
.fig-actions button { font: inherit; font-size: 11px; padding: 1px 8px; margin-right: 4px; cursor: pointer; }
.verdict { border-left: 4px solid #5470c6; background: #f3f6fc; padding: 6px 10px; margin: 8px 0; }
.warn { border-left: 4px solid #d99b00; background: #fff8e6; padding: 6px 10px; margin: 8px 0; }
.omitted { font-style: italic; color: var(--muted); }
pre.notes { white-space: pre-wrap; font: inherit; margin: 4px 0 10px; }
.error { color: #b3261e; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
/* Print: A4 (210 mm) and Letter (216 mm) both fit 180 mm of content between these margins. */
@page { margin: ${pageMarginsMm.top}mm ${pageMarginsMm.right}mm ${pageMarginsMm.bottom}mm ${pageMarginsMm.left}mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .fig-actions { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  figure, tr, .verdict, .warn { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-width: 180mm; }
  /* A paper-sized report: learning curves at 125 mm (three to a page), predictions two to a row. */
  #curves figure svg, #groups figure svg { max-width: 125mm; margin: 0 auto; }
  #predictions figure { display: inline-block; width: 49%; vertical-align: top; }
  /* Four pages of body for six runs (issue 17): the group bands and the learning curves two to a row, like a paper's figure pairs. */
  #curves figure, #groups figure { display: inline-block; width: 49.5%; vertical-align: top; margin: 6px 0; }
  #curves figure svg, #groups figure svg { max-width: 100%; }
  figcaption { font-size: 8pt; }
  #runs td:first-child { white-space: nowrap; }
  th, td { padding: 2px 5px; }
  /* The appendix starts a page of its own: the body's page count is what it is, and the appendix can be left off. */
  #appendix { break-before: page; page-break-before: always; }
  #appendix h2 { margin-top: 0; }
  table.shared th { width: 16%; }
  table { font-size: 8pt; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr.diff td, tr.diff th, td.best, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`

// Export buttons under each figure: SVG as it is inlined, PNG drawn at 2x on a canvas. Blob URLs only (no network).
const script = `
(function () {
  function save(blob, name) {
    var a = document.createElement('a');
    a.download = name;
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 2000);
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-export]');
    if (!button) return;
    var figure = button.closest('figure');
    var svg = figure.querySelector('svg');
    var text = new XMLSerializer().serializeToString(svg);
    var name = figure.getAttribute('data-name');
    var blob = new Blob([text], { type: 'image/svg+xml' });
    if (button.getAttribute('data-export') === 'svg') return save(blob, name + '.svg');
    var w = Number(svg.getAttribute('width')), h = Number(svg.getAttribute('height'));
    var img = new Image();
    var url = URL.createObjectURL(blob);
    img.onload = function () {
      var canvas = document.createElement('canvas');
      canvas.width = w * 2;
      canvas.height = h * 2;
      var g = canvas.getContext('2d');
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (png) { save(png, name + '.png'); }, 'image/png');
    };
    img.src = url;
  });
})();
`

/** Forbids every network fetch (and plugins, frames, forms); allows only what the file itself carries. */
export const reportCsp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"

export function figureHtml(figure: Figure): string {
  return `<figure id="${e(figure.id)}" data-name="${e(figure.id)}">
${figure.svg}
<figcaption>${e(figure.caption)}</figcaption>
<div class="fig-actions"><button type="button" data-export="svg">SVG</button><button type="button" data-export="png">PNG 2×</button></div>
</figure>`
}

function runsSection(model: ReportModel): string {
  const rows = model.runs
    .map(({ run, color }) => {
      const best = run.best ? `${e(run.best.metric)} ${fmt(run.best.value)} <span class="muted">(epoch ${run.best.epoch})</span>` : '—'
      const name = run.name && run.name !== run.id ? `<br><span class="muted">${e(run.name)}</span>` : ''
      const error = run.error ? `<tr><td></td><td colspan="8" class="error">${e(run.error)}</td></tr>` : ''
      return `<tr><td>${swatch(color)}<span class="mono">${e(run.id)}</span>${name}</td><td>${e(run.cellForm ?? run.cell)}</td><td>${e(run.status)}</td>
<td class="num">${fmt(run.paramCount)}</td><td>${e(run.backend ?? '—')} / ${e(run.engine ?? '—')}</td><td class="num">${run.seed}</td>
<td class="num">${fmt(run.epochs)} / ${fmt(run.steps)}</td><td class="num">${duration(run.durationMs)}</td><td>${best}</td></tr>${error}`
    })
    .join('\n')
  return `<section id="runs"><h2>Runs</h2>
<table><thead><tr><th>Run</th><th>Cell</th><th>Status</th><th>Parameters</th><th>Backend / engine</th><th>Seed</th><th>Epochs / steps</th><th>Duration</th><th>Best</th></tr></thead>
<tbody>${rows}</tbody></table></section>`
}

function metaText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 400 ? `${text.slice(0, 400)}…` : text
}

/**
 * The split as it was built: sequences for a built-in task; for a CSV file or bundled series the windows each period
 * really got, with the lookback, horizon, target and features that shaped them (src/shared/runSettings.ts).
 */
function splitRows(model: ReportModel, d: ReportModel['datasets'][number]): string {
  const run = model.runs.find((r) => r.run.id === d.runIds[0])?.run
  const settings = run ? runSettingsOf({ ...run, dataset: d }) : null
  const unit = settings?.kind === 'series' ? 'Windows' : 'Sequences'
  const shaped = settings?.kind === 'series' ? settings.items.filter((i) => i.key !== 'split').map((i) => `<tr><th>${e(i.label)}</th><td>${e(i.value)}</td></tr>`).join('') : ''
  return `<tr><th>${unit} (train / validation / test)</th><td>${d.train} / ${d.val} / ${d.test}</td></tr>${shaped}`
}

function dataSection(model: ReportModel): string {
  const blocks = model.datasets.map((d) => {
    // Scalar details only: nested records (raw JSON) are in `gatelab export --format json`, not in a paper's report.
    const meta = Object.entries(d.meta)
      .filter(([, v]) => v === null || typeof v !== 'object')
      .map(([k, v]) => `<tr><th>${e(k)}</th><td class="mono">${e(metaText(v))}</td></tr>`)
      .join('')
    return `<h3>${e(d.name)}</h3>
<p>${e(d.description)}</p>
<table><tbody>
<tr><th>Content hash</th><td class="mono">${e(d.contentHash)}</td></tr>
${splitRows(model, d)}
<tr><th>Runs</th><td class="mono">${d.runIds.map(e).join(', ')}</td></tr>
${meta}</tbody></table>`
  })
  if (model.datasets.length > 1) blocks.unshift('<p class="warn">These runs trained on different data (different dataset hashes): compare them with care.</p>')
  if (model.runsWithoutDataset.length > 0) {
    blocks.push(`<p class="omitted">No dataset recorded for ${model.runsWithoutDataset.map(e).join(', ')} (the run ended before its data was prepared).</p>`)
  }
  return `<section id="data"><h2>Data</h2>${blocks.join('\n')}</section>`
}

function configSection(model: ReportModel): string {
  const single = model.runs.length === 1
  const differing = model.config.filter((r) => r.differs).length
  const head = single
    ? '<tr><th>Setting</th><th>Value</th></tr>'
    : `<tr><th>Setting</th>${model.runs.map((r) => `<th>${swatch(r.color)}<span class="mono">${e(r.run.id)}</span></th>`).join('')}</tr>`
  // The settings that differ first; values as settings read (lstm, not "lstm").
  const plain = (v: string): string => (/^"[^"]*"$/.test(v) ? v.slice(1, -1) : v === 'null' ? '—' : v)
  const rowHtml = (row: ReportModel['config'][number]): string =>
    `<tr${row.differs ? ' class="diff"' : ''}><th class="mono">${row.differs ? '≠ ' : ''}${e(row.key)}</th>${row.values.map((v) => `<td class="mono">${e(plain(v))}</td>`).join('')}</tr>`
  // Several runs: the differing settings per run; the shared ones once each, three to a row.
  const shared = model.config.filter((r) => !r.differs)
  const sharedRows: string[] = []
  for (let i = 0; i < shared.length; i += 3) {
    sharedRows.push(`<tr>${shared.slice(i, i + 3).map((r) => `<th class="mono">${e(r.key)}</th><td class="mono">${e(plain(r.values[0] ?? '—'))}</td>`).join('')}</tr>`)
  }
  const rows = single ? model.config.map(rowHtml).join('\n') : model.config.filter((r) => r.differs).map(rowHtml).join('\n')
  const sharedTable = single || shared.length === 0 ? '' : `<h3>Shared by every run</h3><table class="shared"><tbody>${sharedRows.join('\n')}</tbody></table>`
  const intro = single
    ? '<p>The complete, normalized configuration this run trained with (every default filled in).</p>'
    : `<p>The complete configurations. <strong>${differing} of ${model.config.length} settings differ</strong> between the runs${
        differing > 0 ? ` (${model.config.filter((r) => r.differs).map((r) => `<code>${e(r.key)}</code>`).join(', ')})` : ''
      }; they are marked ≠ and highlighted.</p>`
  const perRun = single || differing > 0 ? `<table><thead>${head}</thead><tbody>${rows}</tbody></table>` : ''
  return `<section id="config"><h2>Configuration</h2>${intro}${perRun}${sharedTable}</section>`
}

function statsCell(s: MetricStats | null, which: 'last' | 'min' | 'max'): string {
  if (!s) return '—'
  if (which === 'last') return fmt(s.last)
  const v = which === 'min' ? s.min : s.max
  const epoch = which === 'min' ? s.minEpoch : s.maxEpoch
  return Number.isFinite(v) ? `${fmt(v)} <span class="muted">(ep ${epoch})</span>` : '—'
}

function summarySection(model: ReportModel, testOnly = false): string {
  const rows: string[] = []
  for (const metric of model.metrics) {
    const perRun = model.summary[metric] ?? {}
    const better = betterDirection(metric)
    // The best run per metric (by its best value) is marked, for comparisons of several runs.
    let bestId: string | null = null
    if (model.runs.length > 1 && !diagnostics.includes(metric)) {
      let bestValue = better === 'lower' ? Infinity : -Infinity
      for (const { run } of model.runs) {
        const s = perRun[run.id]
        const v = s ? (better === 'lower' ? s.min : s.max) : NaN
        if (Number.isFinite(v) && (better === 'lower' ? v < bestValue : v > bestValue)) {
          bestValue = v
          bestId = run.id
        }
      }
    }
    // One row per metric, one column per run: its best value (and epoch), its last value, its point count.
    const cells = model.runs.map(({ run }) => {
      const s = perRun[run.id] ?? null
      const nonFinite = s && s.nonFinite > 0 ? ` <span class="error">(${s.nonFinite} non-finite)</span>` : ''
      const best = statsCell(s, better === 'lower' ? 'min' : 'max')
      return `<td${run.id === bestId ? ' class="num best"' : ' class="num"'}>${best}<br><span class="muted">last</span> ${statsCell(s, 'last')}<br><span class="muted">${s ? s.count : 0} pts</span>${nonFinite}</td>`
    })
    rows.push(`<tr><th class="mono">${e(metric)}<br><span class="muted">${better === 'lower' ? 'min' : 'max'}</span></th>${cells.join('')}</tr>`)
  }
  const test =
    model.testMetrics.length === 0
      ? '<p class="omitted">No run has test-split metrics (they are computed with the best weights when a run completes).</p>'
      : `<h3>Test split (best weights)</h3><table><thead><tr><th>Run</th>${model.testMetrics.map((m) => `<th class="mono">${e(m)}</th>`).join('')}</tr></thead><tbody>${model.runs
          .map(({ run, color }) => `<tr><td>${swatch(color)}<span class="mono">${e(run.id)}</span></td>${model.testMetrics.map((m) => `<td class="num">${fmt(run.test[m])}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`
  if (testOnly) return `<section id="test">${test}</section>`
  const head = `<tr><th>Metric</th>${model.runs.map(({ run, color }) => `<th>${swatch(color)}<span class="mono">${e(run.id)}</span></th>`).join('')}</tr>`
  return `<section id="summary"><h2>Every metric</h2>
<p>Every metric of every run, over all its recorded points. The best value of each learning metric among the runs is highlighted.</p>
<table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></section>`
}

/** The test split's metrics (best weights), in the body beside the runs. */
function testSection(model: ReportModel): string {
  return summarySection(model, true)
}

function interval(ci: [number, number] | null): string {
  return ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '—'
}

function pairRow(p: ComparedPair): string {
  const paired = p.comparison.paired
  return `<tr><td>${e(p.a)} − ${e(p.b)}</td><td class="num">${fmt(p.diff)}</td><td class="num">${interval(p.ci95)}</td><td class="num">${p.pWelch === null ? '—' : e(formatP(p.pWelch))}</td>
<td class="num">${p.pPaired === null ? '—' : e(formatP(p.pPaired))}${paired ? ` <span class="muted">(${paired.n} pairs)</span>` : ''}</td><td class="num">${fmt(p.hedgesG)}</td><td class="num">${interval(p.bootstrapCi95)}</td>
<td class="num">${p.pHolm === null ? '—' : e(formatP(p.pHolm))}</td></tr>`
}

function comparisonBlock(c: RunComparison): string {
  const groupRows = c.groups
    .map((g) => `<tr><td>${e(g.label)}</td><td class="num">${g.n}</td><td class="num">${fmt(g.mean)}</td><td class="num">${fmt(g.sd)}</td><td class="num">${interval(g.ci95)}</td><td class="mono">${g.runIds.map(e).join(', ')}</td></tr>`)
    .join('')
  const verdicts = c.pairs.map((p) => `<p class="verdict">${e(p.verdict)}</p>${p.warnings.map((w) => `<p class="warn">${e(w)}</p>`).join('')}`).join('')
  const warnings = c.warnings.map((w) => `<p class="warn">${e(w)}</p>`).join('')
  return `<h3>${e(c.metricLabel)} <span class="muted">(${e(c.metric)}, ${c.better} is better)</span></h3>
<table><thead><tr><th>Group</th><th>n</th><th>Mean</th><th>SD</th><th>95% t-interval</th><th>Runs</th></tr></thead><tbody>${groupRows}</tbody></table>
<table><thead><tr><th>Difference</th><th>Mean diff.</th><th>95% Welch interval</th><th>Welch p</th><th>Paired p (by seed)</th><th>Hedges' g</th><th>Bootstrap 95%</th><th>Holm p</th></tr></thead>
<tbody>${c.pairs.map(pairRow).join('')}</tbody></table>${verdicts}${warnings}`
}

function groupsSection(model: ReportModel, figures: Figure[]): string {
  const g = model.groups
  if (!g.shown) return `<section id="groups"><h2>LSTM vs GRU</h2><p class="omitted">${e(g.reason)}</p></section>`
  const caveats = g.caveats.map((c) => `<p class="warn">${e(c)}</p>`).join('\n')
  const bands = figures.filter((f) => f.id.startsWith('groups-'))
  return `<section id="groups"><h2>LSTM vs GRU</h2>
<p>Runs grouped by ${e(g.by.join(', '))}, compared as <code>gatelab compare</code> does. Means with 95% t-intervals (t quantile for n − 1 degrees of freedom); differences are first group minus second, with Welch's test, the paired t-test when the groups share seeds, Hedges' g, a bootstrap interval and Holm-adjusted p-values.</p>
${caveats}${bands.map(figureHtml).join('\n')}${g.comparisons.map(comparisonBlock).join('\n')}</section>`
}

function predictionsSection(model: ReportModel, figures: Figure[]): string {
  const p = model.predictions
  if (!p.shown) return `<section id="predictions"><h2>Predictions against truth</h2><p class="omitted">${e(p.reason)}</p></section>`
  const missing = p.missing.length > 0 ? `<p class="omitted">No predictions for ${p.missing.map(e).join('; ')}.</p>` : ''
  return `<section id="predictions"><h2>Predictions against truth</h2>${figures.filter((f) => f.id.startsWith('predictions-')).map(figureHtml).join('\n')}${missing}</section>`
}

function notesSection(model: ReportModel): string {
  const withNotes = model.runs.filter(({ run }) => run.notes.trim() !== '' || run.tags.length > 0)
  if (withNotes.length === 0) return `<section id="notes"><h2>Notes</h2><p class="omitted">No run has notes or tags.</p></section>`
  const blocks = withNotes.map(({ run, color }) => {
    const notes = run.notes.trim()
    const tags = run.tags.length > 0 ? ` <span class="muted">tags: ${run.tags.map(e).join(', ')}</span>` : ''
    return `<h3>${swatch(color)}${e(run.name || run.id)} <span class="mono muted">${e(run.id)}</span>${tags}</h3>${notes ? `<pre class="notes">${e(notes)}</pre>` : '<p class="omitted">No notes.</p>'}`
  })
  return `<section id="notes"><h2>Notes</h2>${blocks.join('\n')}</section>`
}

function environmentSection(model: ReportModel): string {
  const keys = [...new Set(model.runs.flatMap((r) => Object.keys(r.run.versions)))].sort()
  const head = `<tr><th>Run</th><th>Backend</th><th>Engine</th>${keys.map((k) => `<th>${e(k)}</th>`).join('')}</tr>`
  const rows = model.runs
    .map(({ run, color }) => `<tr><td>${swatch(color)}<span class="mono">${e(run.id)}</span></td><td>${e(run.backend ?? '—')}</td><td>${e(run.engine ?? '—')}</td>${keys.map((k) => `<td class="mono">${e(run.versions[k] ?? '—')}</td>`).join('')}</tr>`)
    .join('')
  const m = model.machine
  return `<section id="environment"><h2>Environment</h2>
<p>Where each run trained (TF.js backend and versions, as the trainer recorded them):</p>
<table><thead>${head}</thead><tbody>${rows}</tbody></table>
<p class="muted">This report was made by GateLab ${e(model.gatelabVersion)} on ${e(m.platform)} (${e(m.arch)}), ${e(m.cpuModel)}, ${m.cpus} cores, ${Math.round(m.memoryMb / 1024)} GiB memory, Node.js ${e(m.node)}.</p></section>`
}

/** Diagnostics (learning rate, epoch time, tensor counts) are not drawn in the body: their numbers are in the appendix. */
function diagnosticsNote(model: ReportModel, drawn: readonly Figure[]): string {
  const left = model.metrics.filter((m) => !drawn.some((f) => f.id === `curve-${m}`))
  return left.length > 0 ? `<p class="muted">Not drawn here: ${left.map((m) => `<code>${e(m)}</code>`).join(', ')} (diagnostics or flat); their numbers are in the appendix.</p>` : ''
}

export interface HtmlOptions {
  /** Figures already rendered for this model (reportFigures(model)); rendered here when omitted. */
  figures?: Figure[]
  /** The "Inside the cell" section's HTML (inside.ts), placed after the predictions when given. */
  inside?: string
}

export function renderReportHtml(model: ReportModel, options: HtmlOptions = {}): string {
  const figures = options.figures ?? reportFigures(model)
  const curveFigures = figures.filter((f) => f.id.startsWith('curve-') && !diagnostics.includes(f.id.slice('curve-'.length)))
  const date = model.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  const m = model.machine
  // A paper's order: the runs and their data, the comparison with its statistics, the curves, the configuration; then an
  // appendix with every metric's numbers (diagnostics included), predictions, notes and the environment.
  const sections: Array<[string, string]> = [
    ['runs', 'Runs'],
    ['baselines', 'Against the baselines'],
    ['data', 'Data'],
    ['groups', 'LSTM vs GRU'],
    ['curves', 'Learning curves'],
    ['config', 'Configuration'],
    ['appendix', 'Appendix'],
    ['summary', 'Every metric'],
    ['predictions', 'Predictions'],
    ...(options.inside ? ([['inside', 'Inside the cell']] as Array<[string, string]>) : []),
    ['notes', 'Notes'],
    ['environment', 'Environment']
  ]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="GateLab ${e(model.gatelabVersion)}">
<title>${e(model.title)}</title>
<style>${styles}</style>
</head>
<body>
<header>
<h1>${e(model.title)}</h1>
<p class="meta">Generated ${e(date)} · GateLab ${e(model.gatelabVersion)} · ${e(m.platform)} ${e(m.arch)}, ${m.cpus} cores · TF.js backend: ${e([...new Set(model.runs.map((r) => r.run.backend ?? 'not recorded'))].join(', '))} · ${model.runs.length} run${model.runs.length === 1 ? '' : 's'}</p>
</header>
<nav><ol>${sections.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join('')}</ol></nav>
${runsSection(model)}
${testSection(model)}
${baselinesSection(model)}
${dataSection(model)}
${groupsSection(model, figures)}
<section id="curves"><h2>Learning curves</h2>
${curveFigures.length > 0 ? curveFigures.map(figureHtml).join('\n') : '<p class="omitted">No metrics were recorded for these runs.</p>'}
${diagnosticsNote(model, curveFigures)}
</section>
${configSection(model)}
<section id="appendix"><h2>Appendix</h2><p class="muted">Every metric's numbers (diagnostics included), predictions against truth, notes and the environment.</p></section>
${summarySection(model)}
${predictionsSection(model, figures)}
${options.inside ?? ''}
${notesSection(model)}
${environmentSection(model)}
<footer>Made with GateLab ${e(model.gatelabVersion)}. Figures are vector SVG (buttons under each export SVG or PNG at 2×). The data at full resolution: <code>gatelab export --runs ${e(model.runs.map((r) => r.run.id).join(','))} --format csv|json</code>.</footer>
<script>${script}</script>
</body>
</html>
`
}
