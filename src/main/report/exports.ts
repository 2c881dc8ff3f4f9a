/**
 * The one entry point for reports and exports: runs in, files out. The CLI writes the files to disk, the API sends
 * them to the UI (browser mode downloads them, the desktop app saves them where the user chose).
 */
import { basename } from 'node:path'
import { GateLabError, type RunDetail } from '../../shared/api'
import { reportFigures } from './charts'
import { toCsv, toJson } from './data'
import { ReportError } from './errors'
import { figureHtml, renderReportHtml } from './html'
import { gatherInside, insideFigures, insideSectionHtml, type InsideSequence } from './inside'
import { buildReportModel, currentEnvironment, parsePredictions, PREDICTIONS_FILE, type PredictionInput, type ReportEnvironment, type ReportModel } from './model'
import { computePredictions } from './predictions'
import type { Paper, PdfRenderer } from './pdf.node'
import { svgToPng } from './png'
import { figuresZip } from './figures/bundle'
import { loadRuns, readArtifact, type ReportSource, type RunData } from './source'
import { PLAIN_FILE, plainWeights, renameWeightsPath, TOPOLOGY_FILE, WEIGHTS_FILE } from './weights'

export const exportFormats = ['html', 'pdf', 'csv', 'json', 'weights', 'svg', 'png', 'figures', 'predictions'] as const
export type ExportFormat = (typeof exportFormats)[number]

export interface ExportFile {
  /** A relative path: "report.html", or "<run id>/model.json" when `layout` is "folders". */
  name: string
  mediaType: string
  data: Uint8Array
}

export interface ExportOptions {
  paper?: Paper
  /** Prints the HTML to PDF: pdf.node.ts (Chromium through playwright-core) or pdf.electron.ts (the desktop app). */
  pdf?: PdfRenderer
  /**
   * How per-run files are named: "folders" (CLI: <run id>/model.json, so tf.loadLayersModel finds weights.bin beside
   * it) or "flat" (downloads: <run id>-model.json pointing at <run id>-weights.bin).
   */
  layout?: 'folders' | 'flat'
  env?: ReportEnvironment
  title?: string
  /** Reports and figure exports: add "Inside the cell" (inside.ts) for this sequence (a test index, or 'worst'). */
  inside?: { sequence: InsideSequence }
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** The stem of exported file names: the run id for one run, "gatelab-N-runs" for several. */
export function exportStem(ids: readonly string[]): string {
  return ids.length === 1 ? `gatelab-${ids[0]}` : `gatelab-${ids.length}-runs`
}

/**
 * A run's predictions against truth: the `predictions.json` it saved, else computed from its saved weights on its own
 * test split (predictions.ts), else the reason there are none. Reports and the run page (getPredictions) both use it.
 */
export async function runPredictions(source: ReportSource, run: RunDetail): Promise<PredictionInput> {
  const saved = readArtifact(source, run, PREDICTIONS_FILE)
  const parsed = saved ? parsePredictions(saved) : null
  if (parsed) return parsed
  const topology = readArtifact(source, run, TOPOLOGY_FILE)
  const weights = readArtifact(source, run, WEIGHTS_FILE)
  if (!topology || !weights) return { reason: `it saved no weights (${run.status})` }
  const computed = await computePredictions(run, topology, weights)
  return computed.ok ? computed : { reason: computed.reason }
}

async function gatherPredictions(source: ReportSource, data: readonly RunData[]): Promise<Map<string, PredictionInput>> {
  const out = new Map<string, PredictionInput>()
  for (const { run } of data) out.set(run.id, await runPredictions(source, run))
  return out
}

async function reportModel(source: ReportSource, data: readonly RunData[], options: ExportOptions): Promise<ReportModel> {
  const predictions = await gatherPredictions(source, data)
  return buildReportModel(data, options.env ?? currentEnvironment(), { predictions, ...(options.title ? { title: options.title } : {}) })
}

function weightFiles(source: ReportSource, data: readonly RunData[], layout: 'folders' | 'flat'): ExportFile[] {
  const files: ExportFile[] = []
  const without: string[] = []
  for (const { run } of data) {
    const topology = readArtifact(source, run, TOPOLOGY_FILE)
    const weights = readArtifact(source, run, WEIGHTS_FILE)
    if (!topology || !weights) {
      without.push(`${run.id} (${run.status})`)
      continue
    }
    const name = (file: string): string => (layout === 'folders' ? `${run.id}/${file}` : `${run.id}-${file}`)
    files.push(
      { name: name(TOPOLOGY_FILE), mediaType: 'application/json', data: layout === 'folders' ? topology : renameWeightsPath(topology, basename(name(WEIGHTS_FILE))) },
      { name: name(WEIGHTS_FILE), mediaType: 'application/octet-stream', data: weights },
      { name: name(PLAIN_FILE), mediaType: 'application/json', data: utf8(JSON.stringify(plainWeights(run, topology, weights)) + '\n') }
    )
  }
  if (without.length > 0) {
    throw new ReportError(
      'invalid',
      `No saved weights for ${without.join(', ')}: a run saves its best weights when it completes or is cancelled after its first epoch. Leave ${without.length > 1 ? 'these runs' : 'it'} out of --runs.`
    )
  }
  return files
}

/**
 * The "Inside the cell" section and its figures, when asked for. The inspector computes in this thread, like the
 * report's predictions (a report is one request; its worker thread would only add a second copy of the model).
 */
async function insideOf(source: ReportSource, data: readonly RunData[], model: ReportModel, options: ExportOptions) {
  if (!options.inside) return null
  const { inspectRunHere } = await import('../inspect')
  const colors = new Map(model.runs.map((r) => [r.run.id, r.color]))
  const labels = new Map(model.runs.map((r) => [r.run.id, r.label]))
  try {
    const section = await gatherInside(source, data, colors, labels, options.inside.sequence, inspectRunHere)
    return { section, figures: insideFigures(section) }
  } catch (error) {
    // The inspector's bad_request (e.g. a test index beyond the split) is bad input to the export.
    if (error instanceof GateLabError && error.code === 'bad_request') throw new ReportError('invalid', `Inside the cell: ${error.message}`)
    throw error
  }
}

/** Builds the files of one export of `runIds` in `format`. Unknown runs fail before any work (ReportError not_found). */
export async function exportRuns(source: ReportSource, runIds: readonly string[], format: ExportFormat, options: ExportOptions = {}): Promise<ExportFile[]> {
  const data = loadRuns(source, runIds)
  const stem = exportStem(data.map((d) => d.run.id))
  switch (format) {
    case 'csv':
      return [{ name: `${stem}.csv`, mediaType: 'text/csv', data: utf8(toCsv(data)) }]
    case 'json': {
      const env = options.env ?? currentEnvironment()
      return [{ name: `${stem}.json`, mediaType: 'application/json', data: utf8(toJson(data, env)) }]
    }
    case 'weights':
      return weightFiles(source, data, options.layout ?? 'folders')
    case 'html':
    case 'pdf': {
      const model = await reportModel(source, data, options)
      const inside = await insideOf(source, data, model, options)
      const html = renderReportHtml(model, inside ? { inside: insideSectionHtml(inside.section, inside.figures, figureHtml) } : {})
      if (format === 'html') return [{ name: `${stem}-report.html`, mediaType: 'text/html', data: utf8(html) }]
      if (!options.pdf) throw new ReportError('chromium_missing', 'PDF export is not available in this host')
      return [{ name: `${stem}-report.pdf`, mediaType: 'application/pdf', data: await options.pdf(html, { paper: options.paper ?? 'a4' }) }]
    }
    case 'figures': {
      // One zip: every figure as SVG, PDF and PNG 2×, with pgfplots code and its CSV data (figures/bundle.ts).
      const model = await reportModel(source, data, options)
      // Inside-the-cell figures (when asked for) come as SVG, PDF and PNG; pgfplots covers the plotted figures.
      const figures = [...reportFigures(model), ...((await insideOf(source, data, model, options))?.figures ?? [])]
      if (figures.length === 0) throw new ReportError('invalid', 'These runs recorded no metrics, so there are no figures to export.')
      const zip = await figuresZip(figures, { title: model.title, runIds: data.map((d) => d.run.id), ...(options.pdf ? { pdf: options.pdf } : {}) })
      return [{ name: `${stem}-figures.zip`, mediaType: 'application/zip', data: zip }]
    }
    case 'predictions': {
      // The test split's predictions beside truth and baselines, in original units (src/main/export/predictions.ts).
      const { predictionFiles } = await import('../export/files')
      return predictionFiles(source, data, stem)
    }
    case 'svg':
    case 'png': {
      const model = await reportModel(source, data, options)
      const figures = [...reportFigures(model), ...((await insideOf(source, data, model, options))?.figures ?? [])]
      if (figures.length === 0) throw new ReportError('invalid', 'These runs recorded no metrics, so there are no figures to export.')
      const files: ExportFile[] = []
      for (const f of figures) {
        files.push(
          format === 'svg'
            ? { name: `${f.id}.svg`, mediaType: 'image/svg+xml', data: utf8(f.svg) }
            : { name: `${f.id}.png`, mediaType: 'image/png', data: await svgToPng(f.svg, 2) }
        )
      }
      return files
    }
  }
}
