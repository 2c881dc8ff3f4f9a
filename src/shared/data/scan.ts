/**
 * One pass over a CSV's records that does two jobs at once, so a large file is read only once: it summarises every
 * column for inspection (types, missing cells, bad cells with their lines, ranges, order) and, when the columns to
 * import are known, collects just those columns as numbers. Memory stays bounded: a few numbers per column, the first
 * few examples of each problem, a short preview, and the selected columns at 8 bytes per cell.
 */
import { DataError, dataError, quoteCell, type DataErrorCode } from './errors'
import { option } from '../wording'
import type { CellType, DialectDetection } from './csv'
import type { MissingPolicy } from './prepare'
import { detectCompactTime, toCalendarTime, type CompactTimeFormat } from './time'
import { isIndexLikeName, isMissingCell, isNonFiniteCell, missingTokensDescription, parseIsoDate, parseNumber } from './values'

/** How many lines a message lists before "…". */
export const exampleCount = 5
/** How many rows with the wrong number of fields a message (and --json) lists. */
export const raggedListed = 10
export const defaultPreviewRows = 20

export type ColumnType = 'number' | 'time' | 'text' | 'empty'

export interface CellExample {
  line: number
  value: string
}

export interface ColumnSummary {
  index: number
  name: string
  /** number: most of its non-missing cells are numbers; time: most are ISO dates; empty: every cell missing. */
  type: ColumnType
  /** Cells that hold a value (not missing). */
  present: number
  missing: number
  missingLines: number[]
  /** Cells that are neither a number nor missing (text in a number column). */
  invalid: number
  invalidExamples: CellExample[]
  /** NaN, Infinity, 1e999. */
  nonFinite: number
  nonFiniteExamples: CellExample[]
  /** Smallest and largest number (number columns), or time in ms since 1970 (time columns). */
  min?: number
  max?: number
  /** Whether the values never decrease down the file (number and time columns). */
  ascending?: boolean
  /** A numeric time column read as compact dates (YYYYMMDD, YYYYMM, YYYY): its min and max are dates then too. */
  calendar?: CompactTimeFormat
}

export type ProblemCode = DataErrorCode | 'unsorted-time' | 'duplicate-time' | 'several-targets' | 'no-header' | 'one-line'

export interface Problem {
  /** error: importing with these choices fails; warning: worth knowing, import still works. */
  severity: 'error' | 'warning'
  code: ProblemCode
  /** One line, ready to print, naming the file, line and column where they apply and what to do. */
  message: string
  line?: number
  column?: string
  /** For a problem found on many lines: the lines it lists (the first few), in file order. */
  lines?: number[]
  /** For a problem found on many lines (or cells): how many there are in all. */
  count?: number
  /** For rows with the wrong number of fields: the number of fields on each listed line (same order as `lines`). */
  fields?: number[]
  /** For rows with the wrong number of fields: the number the header (or, without one, line 1) has. */
  expectedFields?: number
}

/** The columns an import uses, by name. */
export interface Selection {
  target: string
  /** The model's inputs, in order. */
  features: string[]
  time?: string
}

export interface SelectionRequest {
  target?: string
  /** Column names; ['*'] for every numeric column except the time column and columns named like a time or index. */
  features?: string[]
  time?: string
}

/** The selected columns as numbers, in file order; NaN marks a missing (or invalid) cell. */
export interface CollectedSeries {
  selection: Selection
  /** Unique selected column names: the target first, then the features that are not the target. */
  names: string[]
  values: Float64Array[]
  /** Parsed time per row (NaN where missing or unreadable), when a time column is selected. */
  time?: Float64Array
  /** How the time column was read: ISO dates and compact dates (YYYYMMDD, YYYYMM, YYYY) as ms since 1970; else plain numbers. */
  timeFormat?: 'iso' | CompactTimeFormat | 'number'
  /** The file line of each row, for messages after sorting and filtering. */
  lines: Float64Array
  length: number
}

export interface ScanResult {
  columns: ColumnSummary[]
  /** Data rows read (ragged rows excluded). */
  rows: number
  firstLine?: number
  lastLine?: number
  preview: { lines: number[]; rows: string[][] }
  problems: Problem[]
  selection?: Selection
  series?: CollectedSeries
}

class Growable {
  data: Float64Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  done(): Float64Array {
    return this.data.slice(0, this.length)
  }
}

class ColumnStats {
  constructor(readonly index: number) {}
  present = 0
  missing = 0
  missingLines: number[] = []
  numbers = 0
  isoDates = 0
  invalidExamples: CellExample[] = []
  /** Text cells that are not ISO dates (kept apart so a date column's examples are not "invalid"). */
  nonNumberExamples: CellExample[] = []
  textCount = 0
  nonFinite = 0
  nonFiniteExamples: CellExample[] = []
  min = Infinity
  max = -Infinity
  tMin = Infinity
  tMax = -Infinity
  last = -Infinity
  lastTime = -Infinity
  ascending = true
  timeAscending = true
}

function remember(list: CellExample[], line: number, value: string): void {
  if (list.length < exampleCount) list.push({ line, value })
}

export function listLines(lines: number[], total: number, listed = exampleCount): string {
  const shown = lines.slice(0, listed).join(', ')
  return total > lines.length || total > listed ? `${shown}, … (first ${Math.min(listed, lines.length)} listed)` : shown
}

const count = (n: number): string => n.toLocaleString('en-US')
const fieldsWord = (n: number): string => `${count(n)} field${n === 1 ? '' : 's'}`

export interface ScanOptions {
  /** The file as the user named it, for messages. */
  source: string
  detection: DialectDetection
  request: SelectionRequest
  previewRows?: number
  /** Under `error` (the default) missing cells in the columns used are errors; otherwise warnings. */
  missing?: MissingPolicy
  /** The fewest data rows an import with these options needs (for the one-line and header-only messages). */
  minimumRows?: number
}

/** Feed records with `record`, then call `finish`. */
export class CsvScanner {
  private columns: string[] = []
  private stats: ColumnStats[] = []
  private headerSeen: boolean
  private rows = 0
  private firstLine: number | undefined
  private lastLine: number | undefined
  private readonly previewRows: number
  private readonly preview: { lines: number[]; rows: string[][] } = { lines: [], rows: [] }
  private readonly problems: Problem[] = []
  private ragged = 0
  private raggedExamples: { line: number; width: number }[] = []
  /** Records seen, the header included (a file of one line is its own problem). */
  private records = 0
  /** The number of fields the header (or, without one, line 1) has; columns beyond maxFieldsKept are not kept. */
  private width = 0
  /** Line 1 without a header: whether every cell in it is a number (then a missing header is worth a warning). */
  private firstAllNumbers: { line: number; width: number } | undefined
  private selection: Selection | undefined
  private selected: number[] = []
  private timeIndex = -1
  private values: Growable[] = []
  private time: Growable | undefined
  private lines = new Growable()
  private badTimes: CellExample[] = []
  private badTimeCount = 0
  private readonly decimal: '.' | ','
  /** Per column, the value of the current row's cell and whether it was missing (reused for every row). */
  private parsed = new Float64Array(0)
  private wasMissing = new Uint8Array(0)

  constructor(private readonly options: ScanOptions) {
    this.headerSeen = !options.detection.dialect.header
    this.decimal = options.detection.dialect.decimal
    this.previewRows = options.previewRows ?? defaultPreviewRows
    if (!options.detection.dialect.header) this.setColumns(options.detection.columns, undefined)
  }

  readonly record = (fields: string[], line: number, width: number = fields.length): void => {
    this.records++
    if (!this.headerSeen) {
      this.headerSeen = true
      this.setColumns(
        fields.map((name, i) => name.trim() || `column${i + 1}`),
        line
      )
      this.width = width
      return
    }
    if (this.records === 1) {
      // No header: line 1 is data, and its width (not the sample's, which may end mid-line) is the file's.
      this.width = width
      if (fields.every((f) => !Number.isNaN(parseNumber(f.trim(), this.decimal)))) this.firstAllNumbers = { line, width }
    }
    if (width !== this.width || fields.length !== this.columns.length) {
      this.ragged++
      if (this.raggedExamples.length < raggedListed) this.raggedExamples.push({ line, width })
      return
    }
    this.rows++
    this.firstLine ??= line
    this.lastLine = line
    if (this.preview.rows.length < this.previewRows) {
      this.preview.rows.push(fields)
      this.preview.lines.push(line)
    }
    const parsed = this.parsed
    for (let c = 0; c < fields.length; c++) parsed[c] = this.cell(this.stats[c]!, fields[c]!, line)
    if (this.selection) {
      for (let k = 0; k < this.selected.length; k++) this.values[k]!.push(parsed[this.selected[k]!]!)
      if (this.time) {
        const v = parsed[this.timeIndex]!
        if (Number.isNaN(v) && !this.wasMissing[this.timeIndex]) {
          this.badTimeCount++
          remember(this.badTimes, line, fields[this.timeIndex]!.trim())
        }
        this.time.push(v)
      }
      this.lines.push(line)
    }
  }

  /**
   * Counts one cell into its column's summary and returns its value: the number, or the time in ms for an ISO date
   * (what a time column needs), or NaN for a missing or unreadable cell. Selected number columns whose cells are not
   * numbers fail the import with their own problem, so what they return then does not matter.
   */
  private cell(s: ColumnStats, raw: string, line: number): number {
    const t = raw.trim()
    const column = s.index
    if (isMissingCell(t)) {
      s.missing++
      if (s.missingLines.length < exampleCount) s.missingLines.push(line)
      this.wasMissing[column] = 1
      return NaN
    }
    this.wasMissing[column] = 0
    s.present++
    const v = parseNumber(t, this.decimal)
    if (Number.isFinite(v)) {
      s.numbers++
      if (v < s.min) s.min = v
      if (v > s.max) s.max = v
      if (v < s.last) s.ascending = false
      s.last = v
      return v
    }
    if (isNonFiniteCell(t, v)) {
      s.nonFinite++
      remember(s.nonFiniteExamples, line, t)
      return NaN
    }
    s.textCount++
    remember(s.invalidExamples, line, t)
    const ms = parseIsoDate(t)
    if (Number.isNaN(ms)) {
      remember(s.nonNumberExamples, line, t)
      return NaN
    }
    s.isoDates++
    if (ms < s.tMin) s.tMin = ms
    if (ms > s.tMax) s.tMax = ms
    if (ms < s.lastTime) s.timeAscending = false
    s.lastTime = ms
    return ms
  }

  private setColumns(names: string[], headerLine: number | undefined): void {
    const { source } = this.options
    this.columns = names
    this.stats = names.map((_, i) => new ColumnStats(i))
    this.parsed = new Float64Array(names.length)
    this.wasMissing = new Uint8Array(names.length)
    const seen = new Map<string, number>()
    names.forEach((name, i) => {
      const before = seen.get(name)
      if (before !== undefined) {
        this.problem('error', 'duplicate-column', { line: headerLine, column: name }, `Columns ${before + 1} and ${i + 1} are both named ${JSON.stringify(name)}`, 'Rename one of them so every column has its own name.')
      } else {
        seen.set(name, i)
      }
    })
    this.resolveSelection(source, headerLine)
  }

  private resolveSelection(source: string, headerLine: number | undefined): void {
    const { request, detection } = this.options
    const names = this.columns
    const where = { file: source, line: headerLine }
    const known = (name: string, role: string, flag: string): boolean => {
      if (names.includes(name)) return true
      this.problem('error', 'unknown-column', { ...where, column: name }, `There is no ${role} column ${JSON.stringify(name)}; the columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`, `Pick one of them with ${option(flag)}${detection.dialect.header ? '' : ` (this file has no header, so columns are named column1, column2, …; choose ${option('header')} if its first line names them)`}.`)
      return false
    }
    const typeOf = (name: string): CellType | undefined => detection.sampleTypes[names.indexOf(name)]
    let ok = true
    if (request.time !== undefined) ok = known(request.time, 'time', 'time') && ok
    const numeric = names.filter((n) => typeOf(n) === 'number' && n !== request.time && !isIndexLikeName(n))
    let target = request.target
    if (target !== undefined) {
      ok = known(target, 'target', 'target') && ok
    } else if (numeric.length === 1) {
      target = numeric[0]
    } else {
      if (numeric.length === 0) {
        const none = names.every((n) => typeOf(n) !== 'number')
        this.problem(none ? 'error' : 'warning', none ? 'no-target' : 'several-targets', { file: source }, none ? 'No column holds numbers in the first rows' : 'The only numeric columns look like a time or an index', none ? `GateLab forecasts numeric columns: check the delimiter (${option('delimiter')}) and decimal separator (${option('decimal')}), or choose another file.` : `Choose the column to predict with ${option('target', 'COLUMN')}.`)
      } else {
        this.problem('warning', 'several-targets', { file: source }, `Several columns hold numbers (${numeric.map((n) => JSON.stringify(n)).join(', ')}), so there is no obvious target`, `Choose the column to predict with ${option('target', 'COLUMN')}.`)
      }
      ok = false
    }
    let features = request.features ?? (target !== undefined ? [target] : [])
    if (features.length === 1 && features[0] === '*') features = numeric
    // Only features the user named can be unknown; the default ([target]) was checked as the target.
    if (request.features !== undefined) for (const f of features) ok = known(f, 'feature', 'features') && ok
    if (request.time !== undefined && (request.time === target || features.includes(request.time))) {
      this.problem('error', 'bad-option', { file: source, column: request.time }, `The time column ${JSON.stringify(request.time)} is also chosen as the target or a feature`, `The time column only orders the rows: choose another target or feature, or another ${option('time')}.`)
      ok = false
    }
    if (new Set(features).size !== features.length) {
      this.problem('error', 'bad-option', { file: source }, `A feature column is listed twice in ${features.join(',')}`, 'List each feature once.')
      ok = false
    }
    if (!ok || target === undefined || features.length === 0) return
    this.selection = { target, features, ...(request.time !== undefined ? { time: request.time } : {}) }
    const unique = [target, ...features.filter((f) => f !== target)]
    this.selected = unique.map((n) => names.indexOf(n))
    this.values = unique.map(() => new Growable())
    if (request.time !== undefined) {
      this.timeIndex = names.indexOf(request.time)
      this.time = new Growable()
    }
  }

  private problem(severity: Problem['severity'], code: ProblemCode, where: { file?: string; line?: number; column?: string }, what: string, todo: string, many?: { lines: number[]; count: number }): void {
    // Place-neutral (src/shared/wording.ts): the CLI and the UI each render it in their own words.
    const { neutral: message } = dataError(code as DataErrorCode, { file: this.options.source, ...where }, what, todo)
    this.problems.push({ severity, code, message, ...(where.line !== undefined ? { line: where.line } : {}), ...(where.column !== undefined ? { column: where.column } : {}), ...(many ? { lines: many.lines, count: many.count } : {}) })
  }

  finish(): ScanResult {
    const { missing } = this.options
    const selectedNames = new Set(this.selection ? [this.selection.target, ...this.selection.features] : [])
    if (!this.headerSeen || this.columns.length === 0) {
      this.problem('error', 'empty-file', {}, 'The file has no rows', 'Choose a CSV file with a header line and at least one row of data.')
    } else if (this.rows === 0 && this.ragged === 0) {
      const names = this.columns.length > 10 ? `${this.columns.slice(0, 10).join(', ')}, … ${count(this.width)} columns in all` : this.columns.join(', ')
      this.problem('error', 'header-only', { line: 1 }, `Only one line: the file has a header (${names}) but no data rows`, `Add at least ${count(this.options.minimumRows ?? 2)} rows of data below the header, or choose another file.`)
    }
    const oneLine = this.records === 1 && !this.options.detection.dialect.header
    if (oneLine) {
      // One line that is not a header (a row of numbers, or a file whose line breaks were lost): the width of that line
      // is what the file holds, and nothing is "ragged".
      const first = this.raggedExamples[0]
      const fields = first?.width ?? this.width
      const numeric = this.firstAllNumbers !== undefined || (first !== undefined && this.options.detection.sampleTypes.every((t) => t === 'number' || t === 'missing'))
      this.ragged = 0
      this.problem(
        'error',
        'one-line',
        { line: first?.line ?? this.firstLine ?? 1 },
        `Only one line (${fieldsWord(fields)}${numeric ? ', all numbers' : ''}): no header${numeric ? ' (the line looks like data)' : ''} and no data rows`,
        `A header line naming the columns and at least ${count(this.options.minimumRows ?? 2)} data rows below it are needed, one row per time step (values of one series go one per line).`
      )
    } else if (this.firstAllNumbers && this.options.detection.source.header === 'detected' && this.width > 0) {
      const w = this.firstAllNumbers.width
      this.problem(
        'warning',
        'no-header',
        { line: this.firstAllNumbers.line },
        `No header: the first line looks like data (all ${w === 1 ? 'of it is a number' : `${count(w)} fields are numbers`}), so the columns are named column1${w > 1 ? ` … column${w}` : ''}`,
        'Add a header line naming the columns if you want to choose them by name.'
      )
    }
    if (this.ragged > 0) {
      const listed = this.raggedExamples
      const first = listed[0]!
      const reference = this.options.detection.dialect.header ? 'the header has' : 'line 1 has'
      const sameWidth = listed.every((r) => r.width === first.width)
      const each = listed.map((r) => (sameWidth ? String(r.line) : `${r.line} (${fieldsWord(r.width)})`)).join(', ')
      const more = this.ragged > listed.length ? `, … (first ${listed.length} listed)` : ''
      const others = this.ragged === 1 ? '' : `; ${count(this.ragged)} such lines: ${each}${more}`
      const problem = {
        severity: 'error' as const,
        code: 'ragged-row' as const,
        message: dataError(
          'ragged-row',
          { file: this.options.source },
          `line ${first.line} has ${fieldsWord(first.width)}, ${reference} ${count(this.width)}${others} (delimiter ${JSON.stringify(this.options.detection.dialect.delimiter)})`,
          `Make every row have one field per column: quote fields that contain the delimiter, or set the delimiter with ${option('delimiter')}.`
        ).message,
        line: first.line,
        lines: listed.map((r) => r.line),
        count: this.ragged,
        fields: listed.map((r) => r.width),
        expectedFields: this.width
      }
      this.problems.push(problem)
    }
    const columns: ColumnSummary[] = this.columns.map((name, index) => {
      const s = this.stats[index]!
      const type: ColumnType =
        s.present === 0 ? 'empty' : s.numbers + s.nonFinite > s.present / 2 ? 'number' : s.isoDates > s.present / 2 ? 'time' : 'text'
      const summary: ColumnSummary = {
        index,
        name,
        type,
        present: s.present,
        missing: s.missing,
        missingLines: s.missingLines,
        invalid: type === 'time' ? s.present - s.isoDates : s.textCount,
        invalidExamples: type === 'time' ? s.nonNumberExamples : s.invalidExamples,
        nonFinite: s.nonFinite,
        nonFiniteExamples: s.nonFiniteExamples
      }
      if (type === 'number' && s.numbers > 0) Object.assign(summary, { min: s.min, max: s.max, ascending: s.ascending })
      if (type === 'time' && s.isoDates > 0) Object.assign(summary, { min: s.tMin, max: s.tMax, ascending: s.timeAscending })
      return summary
    })
    for (const c of columns) {
      const used = selectedNames.has(c.name)
      // Without a selection every numeric column might be imported, so its bad cells are errors.
      const severity = used || (!this.selection && c.type === 'number') ? 'error' : 'warning'
      if (c.invalid > 0 && (used || c.type === 'number')) {
        const first = c.invalidExamples[0]!
        const lines = listLines(c.invalidExamples.map((e) => e.line), c.invalid)
        const mostlyText = c.type !== 'number'
        const decimalHint =
          this.decimal === '.' && /^[+-]?\d+,\d+$/.test(first.value)
            ? ` If the file uses decimal commas, choose ${option('decimal', ',')}`
            : this.decimal === ',' && /^[+-]?\d*\.\d+$/.test(first.value)
              ? ` If the file uses decimal points, choose ${option('decimal', '.')}`
              : ''
        this.problem(
          severity,
          'not-numeric',
          { line: first.line, column: c.name },
          mostlyText
            ? `The column holds ${c.type === 'time' ? 'dates' : 'text'} (e.g. ${quoteCell(first.value)}), not numbers`
            : `${quoteCell(first.value)} is not a number${c.invalid > 1 ? ` (${c.invalid} such cells, on lines ${lines})` : ''}`,
          mostlyText
            ? `Choose numeric columns (${columns.filter((o) => o.type === 'number').map((o) => o.name).join(', ') || 'none found'}) for ${option('target')} and ${option('features')}${c.type === 'time' ? `, and use this one as ${option('time')}` : ''}.${decimalHint}`
            : `Fix the cell${c.invalid > 1 ? 's' : ''}; a missing value should be an empty cell or NA (then choose ${option('missing')}).${decimalHint}`,
          { lines: c.invalidExamples.map((e) => e.line), count: c.invalid }
        )
      }
      if (c.nonFinite > 0 && (used || c.type === 'number')) {
        const first = c.nonFiniteExamples[0]!
        const lines = listLines(c.nonFiniteExamples.map((e) => e.line), c.nonFinite)
        this.problem(
          severity,
          'not-finite',
          { line: first.line, column: c.name },
          `${quoteCell(first.value)} is not a finite number${c.nonFinite > 1 ? ` (${c.nonFinite} such cells, on lines ${lines})` : ''}`,
          `Replace it with a real value, or with an empty cell if it stands for a missing value (then choose ${option('missing', ['drop', 'ffill', 'interpolate'])}).`,
          { lines: c.nonFiniteExamples.map((e) => e.line), count: c.nonFinite }
        )
      }
      if (c.missing > 0 && c.type !== 'empty' && (used || !this.selection) && c.name !== this.selection?.time) {
        const policy = missing ?? 'error'
        const policyFails = used && policy === 'error'
        // Once a policy is chosen for a column the import uses, say what it will do rather than ask for a choice.
        const handled = {
          drop: 'Those rows are skipped (missing values: drop).',
          ffill: 'Each takes the last value above it (missing values: ffill).',
          interpolate: 'Each is interpolated on a straight line between its neighbours (missing values: interpolate).'
        }
        this.problem(
          policyFails ? 'error' : 'warning',
          'missing-values',
          { line: c.missingLines[0], column: c.name },
          `${c.missing} missing value${c.missing === 1 ? '' : 's'} (${missingTokensDescription}) on line${c.missing === 1 ? '' : 's'} ${listLines(c.missingLines, c.missing)}`,
          used && policy !== 'error'
            ? handled[policy]
            : `Fill them in, or choose how to treat them: ${option('missing', ['drop', 'ffill', 'interpolate'])}.`,
          { lines: c.missingLines, count: c.missing }
        )
      }
    }
    if (this.time && this.badTimeCount > 0) {
      const first = this.badTimes[0]!
      this.problem(
        'error',
        'bad-time',
        { line: first.line, column: this.selection?.time },
        `${quoteCell(first.value)} is neither an ISO date (like 2024-03-31 or 2024-03-31T12:00) nor a number${this.badTimeCount > 1 ? ` (${this.badTimeCount} such cells, on lines ${listLines(this.badTimes.map((b) => b.line), this.badTimeCount)})` : ''}`,
        `Convert the times to ISO dates or numbers, or leave out ${option('time')} to keep the order of the file.`,
        { lines: this.badTimes.map((b) => b.line), count: this.badTimeCount }
      )
    }
    // The first error is the one a CLI prints: the file's shape comes before what is in its cells.
    const rank = (p: Problem): number => (p.severity === 'warning' ? 3 : p.code === 'empty-file' || p.code === 'header-only' || p.code === 'one-line' ? 0 : p.code === 'duplicate-column' || p.code === 'ragged-row' ? 1 : 2)
    const noData = this.problems.some((p) => p.code === 'empty-file' || p.code === 'header-only' || p.code === 'one-line')
    const problems = this.problems.filter((p) => !(noData && (p.code === 'no-target' || p.code === 'several-targets'))).sort((a, b) => rank(a) - rank(b))
    // One line that is not a header names no columns (without a header they came from a sample that may end mid-line).
    const result: ScanResult = { columns: oneLine ? [] : columns, rows: this.rows, preview: this.preview, problems }
    if (this.firstLine !== undefined) result.firstLine = this.firstLine
    if (this.lastLine !== undefined) result.lastLine = this.lastLine
    if (this.selection) {
      result.selection = this.selection
      const { target, features } = this.selection
      const series: CollectedSeries = {
        selection: this.selection,
        names: [target, ...features.filter((f) => f !== target)],
        values: this.values.map((v) => v.done()),
        lines: this.lines.done(),
        length: this.lines.length
      }
      if (this.time) {
        series.time = this.time.done()
        // A numeric time column of compact dates (19661231) becomes calendar time, so interpolation follows the calendar.
        const column = columns[this.timeIndex]
        const compact = column?.type === 'number' ? detectCompactTime(series.time, column.name) : null
        if (compact && column) {
          toCalendarTime(series.time, compact)
          column.calendar = compact
        }
        series.timeFormat = compact ?? (column?.type === 'time' ? 'iso' : 'number')
      }
      result.series = series
    }
    return result
  }
}

/** The first error among the problems as a DataError ready to throw, or undefined when there is none. */
export function firstError(problems: readonly Problem[], file: string): DataError | undefined {
  const p = problems.find((q) => q.severity === 'error')
  if (!p) return undefined
  return new DataError(p.code as DataErrorCode, p.message, { file, line: p.line, column: p.column })
}
