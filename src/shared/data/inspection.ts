/**
 * What `inspectCsv` (src/main/data/inspect.ts) reports about a CSV file: plain data that crosses IPC and HTTP to the
 * UI's import dialog, and that `gatelab inspect-csv --json` prints.
 */
import type { CsvDialect, DialectSource } from './csv'
import type { ResolvedImportOptions } from './options'
import type { PlanSummary } from './prepare'
import type { ColumnSummary, Problem, Selection } from './scan'

export interface CsvInspection {
  file: string
  bytes: number
  contentHash: string
  dialect: CsvDialect
  /** Which dialect settings were detected and which were given. */
  dialectSource: DialectSource
  columns: ColumnSummary[]
  /** Data rows (without the header and without ragged rows). */
  rows: number
  firstLine?: number
  lastLine?: number
  /** The first rows as read (cells untrimmed), with their file lines. */
  preview: { columns: string[]; lines: number[]; rows: string[][] }
  /** Choices that fit this file, for a dialog to preselect. */
  suggested: { target?: string; time?: string }
  /** The columns an import with these options uses, when they could be resolved. */
  selection?: Selection
  /** A dry run of the import with these options; absent when a problem stops it or no target could be chosen. */
  plan?: PlanSummary
  problems: Problem[]
  /** True when importing with these options would succeed (no problem of severity error). */
  ok: boolean
  options: ResolvedImportOptions
}
