/**
 * `gatelab inspect-csv PATH`: what GateLab makes of a CSV file — dialect, columns and types, rows, a preview, problems
 * and (with a target, given or obvious) a dry run of the import. Exit 0 when an import with these options would work,
 * 2 with the first problem as a one-line message when it would not. The report (or --json) still goes to stdout.
 */
import { delimiterName } from '../../shared/data/csv'
import { inWords } from '../../shared/wording'
import { DataError } from '../../shared/data/errors'
import type { ImportOptions } from '../../shared/data/options'
import { inspectCsv, type CsvInspection } from '../data/inspect'
import { UsageError, intFlag, parseCommandArgs } from './args'
import { dataFlagNames, flagOptions, readFlags } from './trainArgs'
import { runConfigSchema } from '../../shared/config'
import { compactDateMs, formatDate, formatStep } from '../../shared/data/time'
import { smallSplitAdvice } from './baselineText'

export const inspectUsage = `gatelab inspect-csv PATH [--json] [--rows N] [--delimiter ,|;|tab|pipe] [--decimal .|,] [--header|--no-header]
                [--target COLUMN] [--features COL,COL|*] [--time COLUMN] [--missing error|drop|ffill|interpolate]
                [--lookback N] [--horizon N] [--stride N] [--scaling zscore|minmax|none] [--val-fraction X] [--test-fraction X]
                check a CSV file and show how a run would import it`

export async function inspectCsvCommand(argv: string[]): Promise<number> {
  // The data flags are train's own (trainArgs.ts): defined once, read the same way, checked by the same schema.
  const parsed = parseCommandArgs('inspect-csv', argv, {
    json: { type: 'boolean' },
    rows: { type: 'string' },
    ...flagOptions(dataFlagNames)
  })
  const positionals = parsed.positionals
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>
  if (positionals.length !== 1) throw new UsageError(`inspect-csv: give one CSV file, e.g. \`gatelab inspect-csv data.csv\`${positionals.length > 1 ? ` (got ${positionals.length} paths)` : ''}`)
  const path = positionals[0]!
  if (values.decimal !== undefined && values.decimal !== '.' && values.decimal !== ',') throw new UsageError(`--decimal must be . or , (not "${String(values.decimal)}")`)
  if (values.header && values['no-header']) throw new UsageError('inspect-csv: give --header or --no-header, not both')
  const policies = ['error', 'drop', 'ffill', 'interpolate'] as const
  if (values.missing !== undefined && !policies.some((p) => p === values.missing)) throw new UsageError(`--missing must be one of ${policies.join(', ')} (not "${String(values.missing)}")`)
  const picked = readFlags(dataFlagNames, values)
  // Numbers and choices as a run checks them (the delimiter is left to the reader, which names the ones it supports).
  for (const [key, value] of Object.entries(picked)) {
    if (key === 'delimiter') continue
    const field = runConfigSchema.shape[key as keyof typeof runConfigSchema.shape]
    const checked = field?.safeParse(value)
    if (checked && !checked.success) throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(value)}: ${checked.error.issues[0]!.message}`)
  }
  const options: ImportOptions & { previewRows?: number } = picked as ImportOptions
  const rows = intFlag('rows', values.rows as string | undefined, 0, 1000)
  options.previewRows = rows ?? 5

  let inspection: CsvInspection
  try {
    inspection = await inspectCsv(path, options)
    // Problems are place-neutral (src/shared/wording.ts): here they name the flags.
    inspection = { ...inspection, problems: inspection.problems.map((p) => ({ ...p, message: inWords(p.message, 'cli') })) }
  } catch (error) {
    if (error instanceof DataError) throw new UsageError(error.message)
    throw error
  }
  process.stdout.write(values.json ? JSON.stringify(inspection, null, 2) + '\n' : formatInspection(inspection))
  const errors = inspection.problems.filter((p) => p.severity === 'error')
  if (errors.length === 0) return 0
  const more = errors.length > 1 ? ` (${errors.length - 1} more problem${errors.length === 2 ? '' : 's'} ${values.json ? 'in "problems" in the JSON above' : 'listed above'})` : ''
  throw new UsageError(`${errors[0]!.message}${more}`)
}

const number = (n: number): string => n.toLocaleString('en-US')

export function formatInspection(r: CsvInspection): string {
  const out: string[] = []
  const d = r.dialect
  const how = (k: keyof CsvInspection['dialectSource']): string => (r.dialectSource[k] === 'given' ? 'given' : 'detected')
  out.push(`${r.file}: ${number(r.bytes)} bytes, sha256 ${r.contentHash}`)
  out.push(`Dialect: ${delimiterName(d.delimiter)} separated (${how('delimiter')}), decimal ${JSON.stringify(d.decimal)} (${how('decimal')}), ${d.header ? 'header line' : 'no header'} (${how('header')}), ${d.encoding.toUpperCase()}${d.bom ? ' with BOM' : ''}`)
  out.push(`Rows: ${number(r.rows)} data rows${r.firstLine !== undefined ? ` (lines ${r.firstLine}–${r.lastLine})` : ''}`)
  out.push('Columns:')
  const fmt = (c: CsvInspection['columns'][number], v: number | undefined): string =>
    v === undefined ? '' : c.type === 'time' ? formatDate(v) : c.calendar ? formatDate(compactDateMs(v, c.calendar)) : String(Number(v.toPrecision(6)))
  const shownColumns = 50
  const rows = r.columns.slice(0, shownColumns).map((c) => [
    String(c.index + 1),
    c.name,
    c.type,
    number(c.missing),
    c.min !== undefined ? `${fmt(c, c.min)} … ${fmt(c, c.max)}` : '',
    [c.invalid && c.type === 'number' ? `${number(c.invalid)} not numbers` : '', c.nonFinite ? `${number(c.nonFinite)} not finite` : '', c.ascending ? 'ascending' : ''].filter(Boolean).join(', ')
  ])
  out.push(...table([['#', 'name', 'type', 'missing', 'range', 'notes'], ...rows]).map((l) => `  ${l}`))
  if (r.columns.length > shownColumns) out.push(`  … ${number(r.columns.length - shownColumns)} more columns (--json lists them all)`)
  if (r.preview.rows.length > 0) {
    out.push(`Preview (first ${r.preview.rows.length} rows):`)
    out.push(...table([['line', ...r.preview.columns], ...r.preview.rows.map((row, i) => [String(r.preview.lines[i]), ...row.map((c) => (c.length > 24 ? `${c.slice(0, 23)}…` : c))])]).map((l) => `  ${l}`))
  }
  if (r.selection) {
    out.push(`Import: target ${r.selection.target}; inputs ${r.selection.features.join(', ')}; ${r.selection.time ? `ordered by ${r.selection.time}` : 'file order'}; missing values: ${r.options.missing}`)
  } else {
    const s = r.suggested
    out.push(`Import: choose a target with --target${s.target ? ` (e.g. --target ${s.target})` : ''}${s.time ? `; --time ${s.time} orders the rows` : ''}`)
  }
  if (r.plan) {
    const p = r.plan
    const part = (name: string, x: typeof p.split.train): string => `${name} ${number(x.rows)} rows (lines ${x.firstLine}–${x.lastLine}) → ${number(x.windows)} windows`
    out.push(`Windows: lookback ${p.window.lookback}, horizon ${p.window.horizon}, stride ${p.window.stride}; ${number(p.usedRows)} rows used${p.missing.dropped ? `, ${number(p.missing.dropped)} dropped` : ''}${p.missing.filled ? `, ${number(p.missing.filled)} cells filled` : ''}${p.time?.sorted ? ', sorted by time' : ''}`)
    out.push(`  ${part('train', p.split.train)}`, `  ${part('validation', p.split.val)}`, `  ${part('test', p.split.test)}`)
    const t = p.time
    if (t && t.first !== undefined && t.last !== undefined) {
      const dated = t.format !== undefined && t.format !== 'number'
      const show = (v: number): string => (dated ? formatDate(v) : String(v))
      const step = t.step === undefined ? '' : `; typical step ${dated ? formatStep(t.step) : String(t.step)}`
      const gaps = t.gaps ? `; irregular: ${t.gaps} gap${t.gaps === 1 ? '' : 's'} larger than 1.5 steps, the largest ${show(t.largestGap!.from)} → ${show(t.largestGap!.to)}${t.gaps ? ' (--missing interpolate fills only empty cells, not missing rows)' : ''}` : ''
      out.push(`Time: ${t.column} read as ${dated ? `dates (${t.format})` : 'numbers'}, ${show(t.first)} … ${show(t.last)}${step}${gaps}`)
    }
    const small = smallSplitAdvice({ val: p.split.val.windows, test: p.split.test.windows })
    if (small) out.push(small)
  }
  if (r.problems.length === 0) out.push('Problems: none')
  else {
    out.push('Problems:')
    for (const p of r.problems) out.push(`  ${p.severity === 'error' ? 'error  ' : 'warning'} ${p.message}`)
  }
  return out.join('\n') + '\n'
}

function table(rows: string[][]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)))
  return rows.map((row) => row.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd())
}
