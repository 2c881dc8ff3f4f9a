/**
 * `inspectBundled`: the New run preview of a bundled series (`data:NAME`) — the same inspection as a CSV file's
 * (src/main/data/inspect.ts), with the dataset's own target, time column and lookback unless the form changes them,
 * so the preview shows the windows per split, the time range and spacing, and the small-split warning a run would get.
 */
import type { ImportOptions } from '../../shared/data/options'
import { bundledDatasetFile } from './bundled'
import { inspectCsv, type CsvInspection } from './inspect'

export async function inspectBundled(name: string, options: ImportOptions & { previewRows?: number } = {}): Promise<CsvInspection> {
  const { entry, path } = bundledDatasetFile(name)
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== '')) as typeof options
  return inspectCsv(path, { target: entry.target, time: entry.time, lookback: entry.lookback, ...given, file: `data:${entry.name}` })
}
