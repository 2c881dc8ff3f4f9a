/**
 * `gatelab report --runs ID[,ID...] --out FILE.html|FILE.pdf [--paper a4|letter] [--db PATH]`: the report of one run
 * or a comparison, as one self-contained HTML file or a PDF printed by Chromium. Reads the store only.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { ReportError } from '../report/errors'
import { exportRuns, type ExportFormat } from '../report/exports'
import type { InsideSequence } from '../report/inside'
import { checkFileOutput, checkFolderOutput, writeFileOutput, writeFolderOutput } from '../report/output'
import { htmlToPdf, type Paper } from '../report/pdf.node'
import { parseRunIds, type ReportSource } from '../report/source'
import { createLabStore, type LabStore } from '../labStore'
import { resolveDbPath } from '../paths'
import { Store } from '../store/store'
import { UsageError, parseCommandArgs } from './args'

export const reportUsage =
  'gatelab report --runs ID[,ID...] --out FILE.html|FILE.pdf [--paper a4|letter] [--inside [--inside-seq N|worst]] [--db PATH] [--force]   a self-contained report (HTML or PDF); --inside adds gate/state heatmaps, gradient flow, saturation and telemetry'

/** Opens the lab read-only in spirit: nothing is created (a wrong --db is an error, not a new empty lab). */
export function openReportSource(db: string | undefined): LabStore {
  return createLabStore(Store.open(resolveDbPath(db), { owner: { kind: 'cli' }, create: false }))
}

/** Input problems (unknown runs, unwritable paths, bad ids) are usage errors (exit 2); the rest keep their type. */
export function asUsageError(command: string, error: unknown): unknown {
  if (error instanceof ReportError && (error.code === 'not_found' || error.code === 'invalid' || error.code === 'unwritable')) {
    return new UsageError(`${command}: ${error.message}`)
  }
  return error
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`
}

/** Shared by report and export: checks the output first, then builds the files and writes them. */
export async function runExport(
  command: string,
  options: { db: string | undefined; runs: string; format: ExportFormat; out: string; folder: boolean; paper?: Paper; force?: boolean; inside?: { sequence: InsideSequence } }
): Promise<number> {
  let store: ReportSource & { close(): void }
  try {
    const ids = parseRunIds(options.runs)
    // Before opening anything or rendering: a bad --out should fail in milliseconds.
    if (options.folder) checkFolderOutput(options.out)
    else checkFileOutput(options.out)
    if (!options.force) refuseOverwrite(command, options.out, options.folder)
    store = openReportSource(options.db)
    try {
      const files = await exportRuns(store, ids, options.format, { pdf: htmlToPdf, paper: options.paper ?? 'a4', layout: 'folders', ...(options.inside ? { inside: options.inside } : {}) })
      if (options.folder) {
        const paths = writeFolderOutput(options.out, files)
        const total = files.reduce((sum, f) => sum + f.data.byteLength, 0)
        console.error(`Wrote ${paths.length} file${paths.length === 1 ? '' : 's'} (${kib(total)}) to ${options.out}`)
        for (const path of paths) console.log(path)
      } else {
        const file = files[0]!
        const path = writeFileOutput(options.out, file)
        console.error(`Wrote ${kib(file.data.byteLength)}`)
        console.log(path)
      }
      return 0
    } finally {
      store.close()
    }
  } catch (error) {
    throw asUsageError(command, error)
  }
}

/** An existing file (or a folder with files in it) is only replaced with --force. */
function refuseOverwrite(command: string, out: string, folder: boolean): void {
  if (!existsSync(out)) return
  if (folder && statSync(out).isDirectory() && readdirSync(out).length === 0) return
  throw new UsageError(`${command}: ${out} already exists${folder ? ' and is not empty' : ''}; add --force to overwrite it, or choose another --out`)
}

export async function report(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    runs: { type: 'string' },
    out: { type: 'string' },
    paper: { type: 'string' },
    db: { type: 'string' },
    force: { type: 'boolean' },
    inside: { type: 'boolean' },
    'inside-seq': { type: 'string' }
  })
  if (positionals.length > 0) throw new UsageError(`report: unexpected argument "${positionals[0]}"`)
  const inside = parseInside(values.inside === true, values['inside-seq'])
  if (!values.runs) throw new UsageError('report: --runs ID[,ID...] is required (the runs to report on)')
  if (!values.out) throw new UsageError('report: --out FILE.html or --out FILE.pdf is required')
  const ext = extname(values.out).toLowerCase()
  const format: ExportFormat | null = ext === '.html' || ext === '.htm' ? 'html' : ext === '.pdf' ? 'pdf' : null
  if (!format) throw new UsageError(`report: --out must end in .html or .pdf (got "${values.out}")`)
  const paper = (values.paper ?? 'a4').toLowerCase()
  if (paper !== 'a4' && paper !== 'letter') throw new UsageError(`report: --paper must be a4 or letter, not "${values.paper}"`)
  return runExport('report', { db: values.db, runs: values.runs, format, out: values.out, folder: false, paper, force: values.force, ...(inside ? { inside } : {}) })
}

/** --inside [--inside-seq N|worst]: which test sequence the "Inside the cell" section shows (index 0 by default). */
export function parseInside(inside: boolean, seq: string | undefined): { sequence: InsideSequence } | null {
  if (seq !== undefined && !inside) throw new UsageError('report: --inside-seq needs --inside')
  if (!inside) return null
  if (seq === undefined) return { sequence: 0 }
  if (seq === 'worst') return { sequence: 'worst' }
  const n = Number(seq)
  if (!/^\d+$/.test(seq) || !Number.isSafeInteger(n)) throw new UsageError(`report: --inside-seq must be a test-sequence index (0, 1, …) or "worst", not "${seq}"`)
  return { sequence: n }
}
