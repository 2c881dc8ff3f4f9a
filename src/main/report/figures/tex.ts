/**
 * pgfplots for a paper: every figure's Plot (charts.ts) as a tikzpicture that reads its data from a CSV file, and one
 * `figures.tex` document that inputs them all. Same colours, line styles, axis ranges, ticks and labels as the SVG;
 * compiles with a stock TeX Live (pdflatex with texlive-latex-base and texlive-pictures: pgfplots and its fillbetween
 * library, nothing else).
 */
import { pgfDash } from '../../../shared/figures'
import type { Figure, Plot, PlotSeries } from '../charts'

/** Text for LaTeX: its special characters escaped, the few non-ASCII characters GateLab writes spelled in LaTeX. */
export function texEscape(text: string): string {
  const map: Record<string, string> = {
    '\\': '\\textbackslash{}',
    '{': '\\{',
    '}': '\\}',
    $: '\\$',
    '&': '\\&',
    '#': '\\#',
    '^': '\\^{}',
    _: '\\_',
    '%': '\\%',
    '~': '\\~{}',
    '±': '$\\pm$',
    '−': '$-$',
    '…': '\\ldots{}',
    '×': '$\\times$',
    '≥': '$\\geq$',
    '≤': '$\\leq$',
    '–': '--',
    '—': '---',
    '<': '\\textless{}',
    '>': '\\textgreater{}'
  }
  return [...text].map((c) => map[c] ?? (c.charCodeAt(0) > 126 ? '?' : c)).join('')
}

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'nan' : String(v))

/** The CSV a figure's pgfplots code reads: columns s<i>x, s<i>y (and s<i>lo, s<i>hi for bands), padded with nan. */
export function plotCsv(plot: Plot): string {
  const columns: Array<{ name: string; values: Array<number | null> }> = []
  plot.series.forEach((s, i) => {
    columns.push({ name: `s${i}x`, values: s.points.map((p) => p[0]) }, { name: `s${i}y`, values: s.points.map((p) => p[1]) })
    if (s.band && s.band.length > 0) {
      columns.push({ name: `s${i}bx`, values: s.band.map((b) => b[0]) }, { name: `s${i}lo`, values: s.band.map((b) => b[1]) }, { name: `s${i}hi`, values: s.band.map((b) => b[2]) })
    }
  })
  const rows = Math.max(0, ...columns.map((c) => c.values.length))
  const lines = [columns.map((c) => c.name).join(',')]
  for (let r = 0; r < rows; r++) lines.push(columns.map((c) => num(c.values[r])).join(','))
  return lines.join('\n') + '\n'
}

function colorName(i: number): string {
  return `glc${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`
}

function list(values: number[]): string {
  return values.map((v) => String(v)).join(',')
}

function seriesCode(s: PlotSeries, i: number, csv: string): string {
  const color = colorName(i)
  const table = (x: string, y: string): string => `table[x=${x}, y=${y}, col sep=comma] {${csv}}`
  const out: string[] = []
  if (s.band && s.band.length > 0) {
    out.push(`\\addplot[draw=none, forget plot, name path=lo${i}] ${table(`s${i}bx`, `s${i}lo`)};`)
    out.push(`\\addplot[draw=none, forget plot, name path=hi${i}] ${table(`s${i}bx`, `s${i}hi`)};`)
    out.push(`\\addplot[fill=${color}, fill opacity=0.16, draw=none, forget plot] fill between[of=hi${i} and lo${i}];`)
  }
  const style =
    s.kind === 'scatter'
      ? `only marks, mark=*, mark size=0.9pt, color=${color}, fill opacity=0.75, draw opacity=0.75`
      : `${pgfDash(s.dash)}, color=${color}, line width=${(s.width * 0.6).toFixed(2)}pt, ${s.points.length <= 40 ? 'mark=*, mark size=0.9pt, mark options={solid}' : 'mark=none'}`
  out.push(`\\addplot[${style}${s.legend ? '' : ', forget plot'}] ${table(`s${i}x`, `s${i}y`)};`)
  if (s.legend) out.push(`\\addlegendentry{${texEscape(s.label)}}`)
  return out.join('\n')
}

/** One figure as a tikzpicture (no figure environment: \input it where the paper wants it). */
export function figureTex(figure: Figure & { plot: Plot }, csvPath: string): string {
  const { plot } = figure
  const colors = plot.series.map((s, i) => `\\definecolor{${colorName(i)}}{HTML}{${s.color.replace('#', '').toUpperCase()}}`)
  const axis = (letter: 'x' | 'y', spec: Plot['x']): string[] => [
    `${letter}min=${spec.min}, ${letter}max=${spec.max}`,
    `${letter}tick={${list(spec.ticks)}}`,
    `${letter}ticklabels={${spec.ticks.map((t) => texEscape(spec.format(t))).join(',')}}`,
    ...(spec.log ? [`${letter}mode=log`, `minor ${letter}tick={${list(spec.minor.filter((m) => !spec.ticks.includes(m)))}}`] : [])
  ]
  const options = [
    'width=\\linewidth',
    'height=0.62\\linewidth',
    `xlabel={${texEscape(plot.xLabel)}}`,
    `ylabel={${texEscape(plot.yLabel)}}`,
    ...axis('x', plot.x),
    ...axis('y', plot.y),
    'scaled ticks=false',
    'unbounded coords=jump',
    'tick label style={font=\\footnotesize}',
    'label style={font=\\small}',
    'legend style={font=\\footnotesize, at={(0.5,-0.2)}, anchor=north, draw=none, legend columns=2, /tikz/every even column/.append style={column sep=1em}}',
    'legend cell align=left',
    'ymajorgrids, major grid style={black!10}'
  ]
  return [
    `% ${figure.title}: ${figure.caption}`,
    `% Data: ${csvPath} (written by GateLab with this file).`,
    ...colors,
    '\\begin{tikzpicture}',
    `\\begin{axis}[\n  ${options.join(',\n  ')}\n]`,
    ...plot.series.map((s, i) => seriesCode(s, i, csvPath)),
    '\\end{axis}',
    '\\end{tikzpicture}',
    ''
  ].join('\n')
}

export interface TexFiles {
  document: string
  figures: Array<{ id: string; tex: string; csv: string }>
}

/** Every plotted figure as tex/<id>.tex reading data/<id>.csv, and figures.tex, a document that inputs them all. */
export function figuresTex(figures: readonly Figure[], title: string): TexFiles {
  const plotted = figures.filter((f): f is Figure & { plot: Plot } => !!f.plot)
  const files = plotted.map((f) => ({ id: f.id, tex: figureTex(f, `data/${f.id}.csv`), csv: plotCsv(f.plot) }))
  const body = plotted
    .map((f) => `\\begin{figure}[p]\n\\centering\n\\input{tex/${f.id}.tex}\n\\caption{${texEscape(f.caption)}}\n\\label{fig:${f.id}}\n\\end{figure}`)
    .join('\n\n')
  const document = `% ${title}
% Written by GateLab. Compile in this folder with: pdflatex figures.tex
% Each figure is tex/<id>.tex (a tikzpicture) reading data/<id>.csv: copy both into a paper and \\input the .tex.
% Needs pgfplots (TeX Live: texlive-pictures) and nothing outside texlive-latex-base.
\\documentclass[11pt]{article}
\\usepackage[T1]{fontenc}
\\usepackage{pgfplots}
\\usepgfplotslibrary{fillbetween}
\\pgfplotsset{compat=1.16}
\\setlength{\\textwidth}{15cm}
\\setlength{\\oddsidemargin}{0.46cm}
\\setlength{\\textheight}{22cm}
\\setlength{\\topmargin}{-0.5cm}
\\begin{document}
\\section*{${texEscape(title)}}
${body}
\\end{document}
`
  return { document, figures: files }
}
