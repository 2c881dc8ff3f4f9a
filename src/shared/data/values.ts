/**
 * What one CSV cell means: a number, a missing value, a time, or text. Shared by dialect detection, inspection and
 * import so that every part of GateLab reads a cell the same way.
 */

/**
 * Cells that mean "no value here". NaN and Infinity are deliberately not in this list: in a file they are usually
 * the result of a failed computation upstream, so they are reported (as not finite) rather than silently filled.
 */
const missingTokens = new Set(['', 'na', 'n/a', '#n/a', 'null', 'none', '?'])

export function isMissingCell(trimmed: string): boolean {
  return trimmed.length <= 4 && missingTokens.has(trimmed.toLowerCase())
}

export const missingTokensDescription = 'empty cells and NA, N/A, #N/A, null, None or ?'

const decimalPoint = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const decimalComma = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/
const nonFiniteWord = /^[+-]?(?:nan|inf|infinity)$/i

/** A finite number, or NaN when the (trimmed, non-missing) cell is not a plain decimal number. */
export function parseNumber(trimmed: string, decimal: '.' | ','): number {
  if (decimal === '.') return decimalPoint.test(trimmed) ? Number(trimmed) : NaN
  return decimalComma.test(trimmed) ? Number(trimmed.replace(',', '.')) : NaN
}

/** NaN, Infinity, inf and numbers too large for a double (1e999): values that are numbers but not finite. */
export function isNonFiniteCell(trimmed: string, parsed: number): boolean {
  return (Number.isNaN(parsed) && nonFiniteWord.test(trimmed)) || parsed === Infinity || parsed === -Infinity
}

/** 2024-03-01, 2024-03, 2024-03-01T12:00, 2024-03-01 12:00:00.5, with an optional Z or ±hh:mm. */
const isoDate = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/

/** True when the cell is an ISO 8601 date or date-time (the only textual time format GateLab guesses). */
export function isIsoDate(trimmed: string): boolean {
  return isoDate.test(trimmed)
}

/**
 * A time for ordering rows: ISO dates as milliseconds since 1970 (read as UTC when they carry no zone, so a file's
 * order never depends on the machine's time zone), or plain numbers (years, epoch seconds, step counts) as they are.
 * NaN when the cell is neither.
 */
export function parseTime(trimmed: string): number {
  const m = isoDate.exec(trimmed)
  if (m) {
    const [, y, mo, d, h, mi, s, zone] = m
    let text = `${y}-${mo}-${d ?? '01'}`
    if (h !== undefined) text += `T${h}:${mi}:${s ?? '00'}${trimmed.match(/\.\d+/)?.[0] ?? ''}${zone?.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') ?? 'Z'}`
    else text += 'T00:00:00Z'
    const ms = Date.parse(text)
    return Number.isFinite(ms) ? ms : NaN
  }
  const n = parseNumber(trimmed, '.')
  return Number.isFinite(n) ? n : NaN
}

const indexLikeName = /^(date|time|timestamp|datetime|year|month|week|day|hour|minute|t|step|id|index|row)$/i

/**
 * Column names that say "when" or "which row" rather than "what was measured". Such columns are never chosen as the
 * target or a feature automatically (an ascending year is a perfect, useless thing to forecast), only when named.
 */
export function isIndexLikeName(name: string): boolean {
  return indexLikeName.test(name.trim())
}
