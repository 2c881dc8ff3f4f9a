/**
 * `gatelab export --format figures` and the UI's "Figures (zip)" button: ONE zip with every figure of the report as
 * SVG (vector, text as text), PDF (vector, one page the figure's size) and PNG at 2×, plus figures.tex with the
 * pgfplots code of each figure and the CSV data it reads. Written with fflate.
 */
import { zipSync, strToU8, type Zippable } from 'fflate'
import type { Figure } from '../charts'
import type { PdfOptions, PdfRenderer } from '../pdf.node'
import { svgToPng } from '../png'
import { figuresTex } from './tex'

/** A page holding exactly one SVG, for printing it to a PDF of its own size. */
export function figurePage(figure: Pick<Figure, 'svg' | 'width' | 'height' | 'title'>): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${figure.title.replace(/[<&]/g, '')}</title><style>
@page { size: ${figure.width}px ${figure.height}px; margin: 0; }
html, body { margin: 0; padding: 0; background: #ffffff; }
svg { display: block; width: ${figure.width}px; height: ${figure.height}px; }
</style></head><body>${figure.svg}</body></html>`
}

/** One PDF per figure, printed by the host's PDF renderer (one browser for all of them where it can). */
export async function figurePdfs(figures: readonly Figure[], pdf: PdfRenderer): Promise<Uint8Array[]> {
  const pages = figures.map((f) => ({ html: figurePage(f), options: { paper: 'a4', size: { width: f.width, height: f.height } } satisfies PdfOptions }))
  if (pdf.many) return pdf.many(pages)
  const out: Uint8Array[] = []
  for (const p of pages) out.push(await pdf(p.html, p.options))
  return out
}

export function readme(figures: readonly Figure[], runIds: readonly string[], withPdf: boolean): string {
  return `GateLab figures of ${runIds.length} run${runIds.length === 1 ? '' : 's'}: ${runIds.join(', ')}

svg/   vector figures (text stays text; fonts: Helvetica, Arial, Liberation Sans or DejaVu Sans)
${withPdf ? 'pdf/   the same figures as vector PDF, one page the size of the figure\n' : ''}png/   the same figures at 2x, for slides
tex/   each figure as pgfplots code (a tikzpicture) that reads its data from data/<figure>.csv
data/  the data each tikzpicture reads
figures.tex   a LaTeX document with every figure: pdflatex figures.tex (TeX Live with pgfplots)

Figures:
${figures.map((f) => `  ${f.id}: ${f.caption}`).join('\n')}

The runs' metrics at full resolution: gatelab export --runs ${runIds.join(',')} --format csv
`
}

/** The zip's bytes. */
export async function figuresZip(figures: readonly Figure[], options: { title: string; runIds: readonly string[]; pdf?: PdfRenderer }): Promise<Uint8Array> {
  const files: Zippable = {}
  const pdfs = options.pdf ? await figurePdfs(figures, options.pdf) : null
  for (const [i, f] of figures.entries()) {
    files[`svg/${f.id}.svg`] = strToU8(f.svg)
    files[`png/${f.id}.png`] = [await svgToPng(f.svg, 2), { level: 0 }]
    if (pdfs) files[`pdf/${f.id}.pdf`] = [pdfs[i]!, { level: 0 }]
  }
  const tex = figuresTex(figures, options.title)
  for (const t of tex.figures) {
    files[`tex/${t.id}.tex`] = strToU8(t.tex)
    files[`data/${t.id}.csv`] = strToU8(t.csv)
  }
  files['figures.tex'] = strToU8(tex.document)
  files['README.txt'] = strToU8(readme(figures, options.runIds, !!pdfs))
  // A fixed date, so the same runs give the same zip.
  return zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') })
}
