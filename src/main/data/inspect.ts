/**
 * `inspectCsv`: what GateLab makes of a CSV file before anything is trained — the detected dialect, the columns and
 * their types, the row count, a preview, the problems (each with file, line, column and what to do) and, when the
 * columns to use are known, a dry run of the import (rows per period, windows). The import dialog calls it again each
 * time the user changes an option; `gatelab inspect-csv` prints it.
 */
import type { CsvInspection } from '../../shared/data/inspection'
import { DataError } from '../../shared/data/errors'
import { option } from '../../shared/wording'
import { isIndexLikeName } from '../../shared/data/values'
import { importOptionsFromConfig, type ImportOptions } from '../../shared/data/options'
import { describePlan, planSeries, type Plan } from '../../shared/data/prepare'
import { scanCsvFile } from './csvFile'

export type { CsvInspection }

/** Inspects a CSV file. Throws a DataError only when there is nothing to inspect (missing, empty, binary file). */
export async function inspectCsv(path: string, options: ImportOptions & { previewRows?: number; file?: string } = {}): Promise<CsvInspection> {
  const resolved = importOptionsFromConfig(options)
  const file = options.file ?? path
  const scanned = await scanCsvFile(path, file, { ...resolved, ...(options.previewRows !== undefined ? { previewRows: options.previewRows } : {}) })
  const { scan } = scanned
  const problems = [...scan.problems]
  let plan: Plan | undefined
  if (scan.series && !problems.some((p) => p.severity === 'error')) {
    try {
      plan = planSeries(scan.series, { file, missing: resolved.missing, lookback: resolved.lookback, horizon: resolved.horizon, stride: resolved.stride, split: resolved.split, ...(resolved.fitLookback ? { fitLookback: true } : {}) })
    } catch (error) {
      if (!(error instanceof DataError)) throw error
      problems.push({ severity: 'error', code: error.code, message: error.neutral, ...(error.line !== undefined ? { line: error.line } : {}), ...(error.column !== undefined ? { column: error.column } : {}) })
    }
  }
  const timeColumn = scan.columns.find((c) => c.type === 'time') ?? scan.columns.find((c) => c.type === 'number' && isIndexLikeName(c.name) && !/^(id|index|row)$/i.test(c.name))
  if (plan?.sorted) {
    problems.push({ severity: 'warning', code: 'unsorted-time', column: plan.series.selection.time!, message: `${file}, column ${JSON.stringify(plan.series.selection.time)}: The rows are not in time order. They will be sorted by this column before splitting; check that this is intended.` })
  } else if (!scan.selection?.time && timeColumn && timeColumn.ascending === false) {
    problems.push({ severity: 'warning', code: 'unsorted-time', column: timeColumn.name, message: `${file}, column ${JSON.stringify(timeColumn.name)}: Looks like a time column but the rows are not in time order. Choose ${option('time', timeColumn.name)} to sort by it; without it the file's order is used.` })
  }
  if (plan && plan.duplicateTimes > 0) {
    problems.push({ severity: 'warning', code: 'duplicate-time', column: plan.series.selection.time!, message: `${file}, column ${JSON.stringify(plan.series.selection.time)}: ${plan.duplicateTimes} rows repeat the time of the row before. They keep their file order; check for duplicated rows.` })
  }
  const numeric = scan.columns.filter((c) => c.type === 'number' && !isIndexLikeName(c.name))
  const target = scan.selection?.target ?? (numeric.length === 1 ? numeric[0]!.name : undefined)
  const inspection: CsvInspection = {
    file,
    bytes: scanned.bytes,
    contentHash: scanned.contentHash,
    dialect: scanned.dialect,
    dialectSource: scanned.dialectSource,
    columns: scan.columns,
    rows: scan.rows,
    preview: { columns: scan.columns.map((c) => c.name), ...scan.preview },
    suggested: { ...(target !== undefined ? { target } : {}), ...(timeColumn ? { time: timeColumn.name } : {}) },
    problems,
    ok: !problems.some((p) => p.severity === 'error'),
    options: resolved
  }
  if (scan.firstLine !== undefined) inspection.firstLine = scan.firstLine
  if (scan.lastLine !== undefined) inspection.lastLine = scan.lastLine
  if (scan.selection) inspection.selection = scan.selection
  if (plan) inspection.plan = describePlan(plan)
  return inspection
}
