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
import { compactDateMs, formatDate, formatStep } from '../../shared/data/time'
import { smallSplitAdvice } from './baselineText'

export const inspectUsage = `gatelab inspect-csv PATH [--json] [--rows N] [--delimiter ,|;|tab|pipe] [--decimal .|,] [--header|--no-header]
                [--target COLUMN] [--features COL,COL|*] [--time COLUMN] [--missing error|drop|ffill|interpolate]
                [--lookback N] [--horizon N] [--stride N]   check a CSV file and show how a run would import it`

export async function inspectCsvCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect-csv', argv, {
    json: { type: 'boolean' },
    delimiter: { type: 'string' },
    decimal: { type: 'string' },
    header: { type: 'boolean' },
    'no-header': { type: 'boolean' },
    target: { type: 'string' },
    features: { type: 'string' },
    time: { type: 'string' },
    missing: { type: 'string' },
    lookback: { type: 'string' },
    horizon: { type: 'string' },
    stride: { type: 'string' },
    rows: { type: 'string' }
  })
  if (positionals.length !== 1) throw new UsageError(`inspect-csv: give one CSV file, e.g. \`gatelab inspect-csv data.csv\`${positionals.length > 1 ? ` (got ${positionals.length} paths)` : ''}`)
  const path = positionals[0]!
  const options: ImportOptions & { previewRows?: number } = {}
  if (values.delimiter !== undefined) options.delimiter = values.delimiter
  if (values.decimal !== undefined) {
    if (values.decimal !== '.' && values.decimal !== ',') throw new UsageError(`--decimal must be . or , (not "${values.decimal}")`)
    options.decimal = values.decimal
  }
  if (values.header && values['no-header']) throw new UsageError('inspect-csv: give --header or --no-header, not both')
  if (values.header) options.header = true
  if (values['no-header']) options.header = false
  if (values.target !== undefined) options.target = values.target
  if (values.features !== undefined) options.features = values.features.split(',').map((f) => f.trim()).filter(Boolean)
  if (values.time !== undefined) options.time = values.time
  if (values.missing !== undefined) {
    const policies = ['error', 'drop', 'ffill', 'interpolate'] as const
    const policy = policies.find((p) => p === values.missing)
    if (!policy) throw new UsageError(`--missing must be one of ${policies.join(', ')} (not "${values.missing}")`)
    options.missing = policy
  }
  const lookback = intFlag('lookback', values.lookback, 1, 100_000)
  const horizon = intFlag('horizon', values.horizon, 1, 100_000)
  const stride = intFlag('stride', values.stride, 1, 100_000)
  const rows = intFlag('rows', values.rows, 0, 1000)
  if (lookback !== undefined) options.lookback = lookback
  if (horizon !== undefined) options.horizon = horizon
  if (stride !== undefined) options.stride = stride
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
