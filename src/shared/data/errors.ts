/**
 * DataError: everything wrong with a data file or a data choice, as one message that is ready to print. The message
 * names the file, the line and the column where they apply, says what was found and what to do, and fits on one line:
 * the CLI prints it as is (exit 2), the trainer sends it to the host as {name: 'DataError', message}, and the UI shows it.
 */
import { inWords } from '../wording'

/** What kind of problem it is, for code that reacts to it (the UI highlights a column, tests assert the kind). */
export type DataErrorCode =
  | 'missing-file'
  | 'unreadable-file'
  | 'empty-file'
  | 'binary-file'
  | 'bad-encoding'
  | 'header-only'
  | 'one-line'
  | 'duplicate-column'
  | 'ragged-row'
  | 'unclosed-quote'
  | 'unknown-column'
  | 'no-target'
  | 'not-numeric'
  | 'not-finite'
  | 'missing-values'
  | 'bad-time'
  | 'too-few-rows'
  | 'too-large'
  | 'unknown-dataset'
  | 'bad-option'

export interface DataErrorLocation {
  /** The file as the user named it (or `data:NAME` for a bundled series). */
  file?: string
  /** 1-based physical line in the file (the header is line 1 when there is one). */
  line?: number
  column?: string
}

export class DataError extends Error {
  override readonly name = 'DataError'
  /** The message place-neutral, choices as tokens (src/shared/wording.ts); `message` is it in the CLI's words. */
  readonly neutral: string
  readonly code: DataErrorCode
  readonly file: string | undefined
  readonly line: number | undefined
  readonly column: string | undefined

  constructor(code: DataErrorCode, message: string, where: DataErrorLocation = {}) {
    super(inWords(message, 'cli'))
    this.neutral = message
    this.code = code
    this.file = where.file
    this.line = where.line
    this.column = where.column
  }
}

/** "data.csv, line 7, column "temp"": the place a message starts with; parts that do not apply are left out. */
export function describeLocation(where: DataErrorLocation): string {
  const parts: string[] = []
  if (where.file !== undefined) parts.push(where.file)
  if (where.line !== undefined) parts.push(`line ${where.line}`)
  if (where.column !== undefined) parts.push(`column ${JSON.stringify(where.column)}`)
  return parts.join(', ')
}

/**
 * Builds a DataError whose message is "<where>: <what>. <todo>" — one line, ready to print. Name choices in `todo` with
 * `option()` (src/shared/wording.ts), so the CLI shows the flag and the UI the control.
 */
export function dataError(code: DataErrorCode, where: DataErrorLocation, what: string, todo: string): DataError {
  const place = describeLocation(where)
  const text = `${place ? `${place}: ` : ''}${what}${/[.!?]$/.test(what) ? '' : '.'} ${todo}`
  return new DataError(code, text.replace(/\s*\n\s*/g, ' ').trim(), where)
}

/** Quotes a cell for a message, shortened so one garbage cell cannot flood the terminal. */
export function quoteCell(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(shown)
}
