/**
 * Data that does not come from a built-in generator: the bundled real series (`data:NAME`) and the researcher's CSV
 * files (`csv:PATH`). Runs inside trainer processes (and in the CLI, which loads once before recording a run); never
 * touches the database. Every problem with the data is a DataError whose message is ready to print.
 */
import { basename, resolve } from 'node:path'
import type { RunConfig } from '../../shared/config'
import { DataError, dataError } from '../../shared/data/errors'
import { importOptionsFromConfig } from '../../shared/data/options'
import { buildWindows, planSeries } from '../../shared/data/prepare'
import { firstError } from '../../shared/data/scan'
import type { BundledDataset } from '../../shared/data/bundled'
import type { SequenceDataset } from '../../shared/data/types'
import { bundledDatasetFile } from './bundled'
import { scanCsvFile } from './csvFile'

export { inspectCsv, type CsvInspection } from './inspect'
export { datasetsDir, bundledDatasetFile } from './bundled'

/** The file behind a `data:NAME` or `csv:PATH` task; relative CSV paths resolve from the current folder. */
export function externalSource(task: string): { path: string; file: string; entry?: BundledDataset } {
  if (task.startsWith('data:')) {
    const { entry, path } = bundledDatasetFile(task.slice('data:'.length))
    return { path, file: task, entry }
  }
  if (task.startsWith('csv:')) {
    const file = task.slice('csv:'.length)
    return { path: resolve(file), file }
  }
  throw dataError('bad-option', {}, `The task ${JSON.stringify(task)} is not a data source`, 'Use data:NAME for a bundled series or csv:PATH for a CSV file.')
}

export async function loadExternalDataset(config: RunConfig): Promise<SequenceDataset> {
  const { path, file, entry } = externalSource(config.task)
  const options = importOptionsFromConfig(
    entry ? { ...config, target: config.target ?? entry.target, time: config.time ?? entry.time } : config,
    entry ? { lookback: entry.lookback } : {}
  )
  const scanned = await scanCsvFile(path, file, { ...options, previewRows: 0 })
  const { scan } = scanned
  const error = firstError(scan.problems, file)
  if (error) throw error
  if (!scan.series) {
    const why = scan.problems.find((p) => p.code === 'several-targets')
    if (why) throw new DataError('no-target', why.message, { file })
    throw dataError('no-target', { file }, 'No target column could be chosen', 'Choose the column to predict with --target COLUMN (`gatelab inspect-csv FILE` lists the columns).')
  }
  const plan = planSeries(scan.series, { file, missing: options.missing, lookback: options.lookback, horizon: options.horizon, stride: options.stride, split: options.split, ...(options.fitLookback ? { fitLookback: true } : {}) })
  const built = buildWindows(plan, options.scaling, entry && plan.series.selection.target === entry.target ? { unit: entry.unit, season: entry.season } : {})
  const { target, features } = plan.series.selection
  const { lookback, horizon, stride } = plan.spec
  const title = entry?.title ?? basename(file)
  return {
    name: config.task,
    kind: 'regression',
    seqLen: lookback,
    inputSize: features.length,
    outputSize: horizon,
    perStep: false,
    train: built.train,
    val: built.val,
    test: built.test,
    meta: {
      description: `${title}: ${target} ${horizon === 1 ? 'one step' : `the next ${horizon} steps`} ahead from ${lookback} steps of ${features.join(', ')}${stride > 1 ? `, windows every ${stride} rows` : ''}`,
      contentHash: scanned.contentHash,
      ...(entry ? { source: entry.source, licence: entry.licence } : { source: path }),
      features,
      targets: [target],
      scaling: built.scaling,
      baselines: built.baselines,
      baselineSet: built.baselineSet,
      table: { file, rows: scan.rows, dialect: scanned.dialect, ...built.table }
    },
    baselinePredictions: built.baselinePredictions,
    ...(built.testTimes ? { testTimes: built.testTimes } : {})
  }
}
