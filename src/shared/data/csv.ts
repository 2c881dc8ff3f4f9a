/**
 * CSV reading that works on text in pieces, so a file of any size streams through in bounded memory: an RFC 4180
 * tokenizer (quoted fields with delimiters, doubled quotes and line breaks inside; LF, CRLF or CR line ends) and the
 * dialect detection that runs on the first piece. Pure: the host feeds it a file stream, the renderer a string.
 */
import { dataError } from './errors'
import { isIsoDate, isMissingCell, parseNumber } from './values'

export const delimiters = [',', ';', '\t', '|'] as const
export type Delimiter = (typeof delimiters)[number]

export interface CsvDialect {
  delimiter: Delimiter
  /** The decimal separator of numeric cells; ',' only with a delimiter other than ','. */
  decimal: '.' | ','
  /** Whether the first record names the columns. */
  header: boolean
  encoding: 'utf-8' | 'windows-1252'
  /** A UTF-8 byte order mark was present (and skipped). */
  bom: boolean
}

/** Choices the user can force; anything left out is detected. */
export interface DialectOptions {
  delimiter?: string
  decimal?: '.' | ','
  header?: boolean
}

/** Which dialect settings were detected (true) and which were given (false). */
export type DialectSource = Record<'delimiter' | 'decimal' | 'header', 'detected' | 'given'>

/** Display names, for messages and the UI. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : JSON.stringify(d)
}

/** Turns a user's --delimiter (",", ";", "tab", "\t", "|", "comma", …) into a delimiter, or says what is accepted. */
export function parseDelimiterOption(value: string): Delimiter {
  const names: Record<string, Delimiter> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', pipe: '|' }
  const d = names[value.toLowerCase()] ?? value
  if ((delimiters as readonly string[]).includes(d)) return d as Delimiter
  throw dataError('bad-option', {}, `The delimiter ${JSON.stringify(value)} is not supported`, 'Use comma (,), semicolon (;), tab or pipe (|).')
}

const QUOTE = 34
const LF = 10
const CR = 13
/** A field this long is almost always an unclosed quote swallowing the file; stop before it eats the memory. */
export const maxFieldLength = 1 << 20

/**
 * Fields kept per record. A record with more (a one-line file of millions of numbers, a wrong delimiter) still counts
 * all of them — `width` says how many there were — but only the first this many are kept, so memory stays bounded.
 */
export const maxFieldsKept = 10_000

/** `fields` are the record's fields (at most maxFieldsKept); `width` is how many it really had. */
export type RecordHandler = (fields: string[], line: number, width: number) => void

/**
 * Streaming RFC 4180 tokenizer. `push` text in pieces of any size (a piece may end anywhere, even between the two
 * quotes of an escaped quote or between CR and LF), then `end`. Each record arrives with the 1-based physical line it
 * starts on, so messages can point at the line an editor shows. Blank lines are skipped.
 */
export class CsvTokenizer {
  private readonly delim: number
  private fields: string[] = []
  /** Fields of the current record past maxFieldsKept: counted, not kept. */
  private dropped = 0
  private field = ''
  private quoted = false
  /** The current field was quoted (so an empty line holding "" is a record, not a blank line). */
  private fieldWasQuoted = false
  /** A quote ended the last piece while inside quotes: it is either an escaped quote or the closing one. */
  private quoteAtEnd = false
  /** A CR ended the last piece: an LF starting the next one belongs to it. */
  private crAtEnd = false
  private line = 1
  private recordLine = 1
  private quoteLine = 0

  constructor(
    delimiter: string,
    private readonly onRecord: RecordHandler,
    private readonly source?: string
  ) {
    this.delim = delimiter.charCodeAt(0)
  }

  push(text: string): void {
    const n = text.length
    let i = 0
    if (this.crAtEnd) {
      this.crAtEnd = false
      if (n > 0 && text.charCodeAt(0) === LF) i = 1
    }
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false
      if (n > 0 && text.charCodeAt(i) === QUOTE) {
        this.field += '"'
        i++
      } else {
        this.quoted = false
      }
    }
    let start = i
    while (i < n) {
      if (this.quoted) {
        const q = text.indexOf('"', i)
        const stop = q === -1 ? n : q
        for (let k = text.indexOf('\n', i); k !== -1 && k < stop; k = text.indexOf('\n', k + 1)) this.line++
        this.field += text.slice(i, stop)
        if (q === -1) {
          i = start = n
          break
        }
        if (q + 1 === n) {
          this.quoteAtEnd = true
          i = start = n
          break
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          this.field += '"'
          i = start = q + 2
        } else {
          this.quoted = false
          i = start = q + 1
        }
        this.checkFieldLength()
        continue
      }
      const c = text.charCodeAt(i)
      if (c === this.delim) {
        if (this.fields.length < maxFieldsKept) this.fields.push(start === i ? this.field : this.field + text.slice(start, i))
        else this.dropped++
        this.field = ''
        this.fieldWasQuoted = false
        start = ++i
      } else if (c === LF || c === CR) {
        this.field += text.slice(start, i)
        this.endRecord()
        if (c === CR) {
          if (i + 1 === n) this.crAtEnd = true
          else if (text.charCodeAt(i + 1) === LF) i++
        }
        start = ++i
      } else if (c === QUOTE && start === i && this.field === '') {
        this.quoted = true
        this.fieldWasQuoted = true
        this.quoteLine = this.line
        start = ++i
      } else {
        i++
      }
    }
    if (start < n) {
      this.field += text.slice(start, n)
      this.checkFieldLength()
    }
  }

  end(): void {
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false
      this.quoted = false
    }
    if (this.quoted) {
      throw dataError(
        'unclosed-quote',
        { file: this.source, line: this.quoteLine },
        'A quoted field starts here and is never closed',
        'Close the quote ("), or double any quote inside a quoted field ("").'
      )
    }
    if (this.fields.length > 0 || this.field !== '' || this.fieldWasQuoted) this.endRecord()
  }

  private endRecord(): void {
    if (this.fields.length === 0 && this.field === '' && !this.fieldWasQuoted) {
      // a blank line: not a record
    } else {
      if (this.fields.length < maxFieldsKept) this.fields.push(this.field)
      else this.dropped++
      const fields = this.fields
      const width = fields.length + this.dropped
      this.fields = []
      this.dropped = 0
      this.onRecord(fields, this.recordLine, width)
    }
    this.field = ''
    this.fieldWasQuoted = false
    this.line++
    this.recordLine = this.line
  }

  private checkFieldLength(): void {
    if (this.field.length <= maxFieldLength) return
    throw dataError(
      'unclosed-quote',
      { file: this.source, line: this.quoted ? this.quoteLine : this.recordLine },
      `A field here is longer than ${maxFieldLength / 1024} KiB${this.quoted ? ' (a quote that is never closed?)' : ''}`,
      'Check the quotes on this line, or that this is really a CSV file.'
    )
  }
}

/** Reads a whole CSV text into records (for tests, small files and the renderer); the host streams instead. */
export function parseCsvText(text: string, delimiter: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = []
  const tokenizer = new CsvTokenizer(delimiter, (fields, line) => records.push({ fields, line }))
  tokenizer.push(text)
  tokenizer.end()
  return records
}

/** The type a column looks like in a sample of rows. */
export type CellType = 'number' | 'time' | 'text' | 'missing'

export function cellType(raw: string, decimal: '.' | ','): CellType {
  const t = raw.trim()
  if (isMissingCell(t)) return 'missing'
  if (!Number.isNaN(parseNumber(t, decimal))) return 'number'
  if (isIsoDate(t)) return 'time'
  return 'text'
}

export interface DialectDetection {
  dialect: Omit<CsvDialect, 'encoding' | 'bom'>
  source: DialectSource
  /** The column names (from the header, or column1, column2, … without one). */
  columns: string[]
  /** The dominant type of each column in the sample, ignoring missing cells ('missing' when all were missing). */
  sampleTypes: CellType[]
}

const sampleRecords = 200

/**
 * Detects the delimiter (the candidate that splits the sample's lines into the same number of fields most
 * consistently, without leaving other candidate delimiters inside cells), the decimal comma (numbers like 3,14 in a
 * file not separated by commas) and a header (a first row of text over columns of numbers or dates).
 * `sample` is the start of the file without a BOM; when it is not the whole file its last, possibly cut, line is
 * ignored.
 */
export function detectDialect(sample: string, options: DialectOptions = {}, complete = true): DialectDetection {
  let text = sample
  if (!complete) {
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'))
    if (lastBreak > 0) text = text.slice(0, lastBreak + 1)
  }
  const delimiter = options.delimiter !== undefined ? parseDelimiterOption(options.delimiter) : guessDelimiter(text)
  const records = sampleOf(text, delimiter)
  const decimal = options.decimal ?? guessDecimal(records, delimiter)
  const header = options.header ?? guessHeader(records, decimal)
  const width = records[0]?.length ?? 0
  const first = records[0] ?? []
  const columns = header ? first.map((name, i) => name.trim() || `column${i + 1}`) : Array.from({ length: width }, (_, i) => `column${i + 1}`)
  const body = header ? records.slice(1) : records
  const sampleTypes = columns.map((_, c) => dominantType(body.map((r) => cellType(r[c] ?? '', decimal))))
  return {
    dialect: { delimiter, decimal, header },
    source: {
      delimiter: options.delimiter !== undefined ? 'given' : 'detected',
      decimal: options.decimal !== undefined ? 'given' : 'detected',
      header: options.header !== undefined ? 'given' : 'detected'
    },
    columns,
    sampleTypes
  }
}

function sampleOf(text: string, delimiter: string): string[][] {
  const records: string[][] = []
  const tokenizer = new CsvTokenizer(delimiter, (fields) => {
    if (records.length < sampleRecords) records.push(fields)
  })
  try {
    tokenizer.push(text)
    tokenizer.end()
  } catch {
    // An unclosed quote in a sample cut short is expected; the full read reports real ones with their line.
  }
  return records
}

const decimalCommaNumber = /^[+-]?\d+,\d+$/

function guessDelimiter(text: string): Delimiter {
  let best: Delimiter = ','
  let bestScore = -Infinity
  for (const d of delimiters) {
    const records = sampleOf(text, d)
    if (records.length === 0) continue
    const counts = new Map<number, number>()
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1)
    let width = 1
    let most = 0
    for (const [w, c] of counts) if (c > most || (c === most && w > width)) [width, most] = [w, c]
    if (width < 2) continue
    const consistency = most / records.length
    let cells = 0
    let dirty = 0
    for (const r of records) {
      for (const cell of r) {
        cells++
        if (delimiters.some((o) => o !== d && cell.includes(o)) && !decimalCommaNumber.test(cell.trim())) dirty++
      }
    }
    const score = consistency - dirty / Math.max(1, cells)
    if (score > bestScore) [best, bestScore] = [d, score]
  }
  return best
}

function guessDecimal(records: string[][], delimiter: Delimiter): '.' | ',' {
  if (delimiter === ',') return '.'
  let comma = 0
  let point = 0
  for (const r of records) {
    for (const cell of r) {
      const t = cell.trim()
      if (decimalCommaNumber.test(t)) comma++
      else if (/^[+-]?\d*\.\d+$/.test(t)) point++
    }
  }
  return comma > point ? ',' : '.'
}

function dominantType(types: CellType[]): CellType {
  const counts: Record<CellType, number> = { number: 0, time: 0, text: 0, missing: 0 }
  for (const t of types) counts[t]++
  const present = types.length - counts.missing
  if (present === 0) return 'missing'
  // The majority decides, so a numeric column with a few stray words is a numeric column with bad cells (reported
  // with their lines), not a text column.
  if (counts.number > present / 2) return 'number'
  if (counts.time > present / 2) return 'time'
  return 'text'
}

function guessHeader(records: string[][], decimal: '.' | ','): boolean {
  const first = records[0]
  if (!first) return false
  const types = first.map((cell) => cellType(cell, decimal))
  const rest = records.slice(1)
  if (rest.length === 0) return types.every((t) => t === 'text')
  // A text cell above a column of numbers or dates is a name.
  for (let c = 0; c < first.length; c++) {
    if (types[c] !== 'text') continue
    const below = dominantType(rest.map((r) => cellType(r[c] ?? '', decimal)))
    if (below === 'number' || below === 'time') return true
  }
  // All-text files: a header when every first cell is distinct text.
  return types.every((t) => t === 'text') && new Set(first).size === first.length && rest.every((r) => r.every((c) => cellType(c, decimal) === 'text'))
}
