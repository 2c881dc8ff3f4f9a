/**
 * Where the predictions table (./predictions.ts) meets the lab: `exportRuns(…, 'predictions')` (the CLI's `export
 * --format predictions` and the run page's download) and the API's getPredictionTable (the run page's card).
 *
 * The last few tables are kept in memory, keyed by the run and its weights, so the card and the download of one page
 * visit compute the predictions once.
 */
import type { RunDetail } from '../../shared/api'
import type { PredictionTable } from '../../shared/predictions'
import { ReportError } from '../report/errors'
import { readArtifact, type ReportSource, type RunData } from '../report/source'
import { TOPOLOGY_FILE, WEIGHTS_FILE } from '../report/weights'
import type { ExportFile } from '../report/exports'
import { computePredictionTable, predictionCsv } from './predictions'

type TableResult = { ok: true; table: PredictionTable } | { ok: false; reason: string }

const cache = new Map<string, Promise<TableResult>>()
const CACHED = 4

/** The run's prediction table, or why it has none (no weights, data changed, …). */
export function predictionTableOf(source: ReportSource, run: RunDetail): Promise<TableResult> {
  const topology = readArtifact(source, run, TOPOLOGY_FILE)
  const weights = readArtifact(source, run, WEIGHTS_FILE)
  if (!topology || !weights) return Promise.resolve({ ok: false, reason: `it saved no weights (${run.status})` })
  const key = `${run.id}:${weights.byteLength}:${run.endedAt ?? ''}`
  let result = cache.get(key)
  if (!result) {
    result = computePredictionTable(run, topology, weights)
    cache.set(key, result)
    while (cache.size > CACHED) cache.delete(cache.keys().next().value!)
    // A failure is not kept: the next request tries again.
    result.catch(() => cache.delete(key))
  }
  return result
}

/** One CSV for one run: `<stem>-predictions.csv`. */
export async function predictionFiles(source: ReportSource, data: readonly RunData[], stem: string): Promise<ExportFile[]> {
  if (data.length !== 1) {
    throw new ReportError('invalid', `Predictions are exported one run at a time (${data.length} runs were given); name one run.`)
  }
  const run = data[0]!.run
  const result = await predictionTableOf(source, run)
  if (!result.ok) throw new ReportError('invalid', `No predictions for ${run.id}: ${result.reason}.`)
  return [{ name: `${stem}-predictions.csv`, mediaType: 'text/csv', data: new TextEncoder().encode(predictionCsv(result.table)) }]
}
