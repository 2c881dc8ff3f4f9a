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
  if (trimmed.length === 0) return true
  // Fast exit for the common case, a number: no missing token starts with a digit, a sign or a point.
  const c = trimmed.charCodeAt(0)
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) return false
  return trimmed.length <= 4 && missingTokens.has(trimmed.toLowerCase())
}

export const missingTokensDescription = 'empty cells and NA, N/A, #N/A, null, None or ?'

const decimalPoint = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const decimalComma = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/
const nonFiniteWord = /^[+-]?(?:nan|inf|infinity)$/i

/**
 * A finite number, or NaN when the (trimmed, non-missing) cell is not a plain decimal number. Plain digits with one
 * decimal separator are checked by a character loop (the hot path of a large import); anything else by the regex.
 */
export function parseNumber(trimmed: string, decimal: '.' | ','): number {
  const sep = decimal === '.' ? 46 : 44
  const n = trimmed.length
  let i = n > 0 && (trimmed.charCodeAt(0) === 45 || trimmed.charCodeAt(0) === 43) ? 1 : 0
  let digits = 0
  let seps = 0
  for (; i < n; i++) {
    const c = trimmed.charCodeAt(i)
    if (c >= 48 && c <= 57) digits++
    else if (c === sep && seps === 0) seps++
    else break
  }
  if (i === n) {
    if (digits === 0) return NaN
    return Number(sep === 46 || seps === 0 ? trimmed : trimmed.replace(',', '.'))
  }
  // Only an exponent may follow the digits of a valid number.
  const stop = trimmed.charCodeAt(i)
  if (stop !== 101 && stop !== 69) return NaN
  if (decimal === '.') return decimalPoint.test(trimmed) ? Number(trimmed) : NaN
  return decimalComma.test(trimmed) ? Number(trimmed.replace(',', '.')) : NaN
}

/** NaN, Infinity, inf and numbers too large for a double (1e999): values that are numbers but not finite. */
export function isNonFiniteCell(trimmed: string, parsed: number): boolean {
  if (parsed === Infinity || parsed === -Infinity) return true
  const c = trimmed.charCodeAt(0) | 32
  return Number.isNaN(parsed) && (c === 110 || c === 105 || c === 43 || c === 45) && nonFiniteWord.test(trimmed)
}

/** 2024-03-01, 2024-03, 2024-03-01T12:00, 2024-03-01 12:00:00.5, with an optional Z or ±hh:mm. */
const isoDate = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/

/** True when the cell is an ISO 8601 date or date-time (the only textual time format GateLab guesses). */
export function isIsoDate(trimmed: string): boolean {
  return isoDate.test(trimmed)
}

/** An ISO date or date-time as milliseconds since 1970 (UTC when it carries no zone), or NaN when it is not one. */
export function parseIsoDate(trimmed: string): number {
  const c = trimmed.charCodeAt(0)
  if (trimmed.length < 7 || c < 48 || c > 57) return NaN
  const fast = parseCommonIsoDate(trimmed)
  if (!Number.isNaN(fast)) return fast
  const m = isoDate.exec(trimmed)
  if (!m) return NaN
  const [, y, mo, d, h, mi, s, zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = d === undefined ? 1 : Number(d)
  if (month < 1 || month > 12 || day < 1 || day > 31) return NaN
  const frac = h !== undefined && s !== undefined ? trimmed.match(/:\d{2}(\.\d+)/)?.[1] : undefined
  let ms = Date.UTC(year, month - 1, day, h === undefined ? 0 : Number(h), mi === undefined ? 0 : Number(mi), s === undefined ? 0 : Number(s)) + (frac ? Math.round(Number(frac) * 1000) : 0)
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year)
  if (zone && zone !== 'Z') {
    const sign = zone.charCodeAt(0) === 45 ? -1 : 1
    const digits = zone.replace(':', '')
    ms -= sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000
  }
  return ms
}

const digitAt = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : NaN
}
const twoDigits = (s: string, i: number): number => digitAt(s, i) * 10 + digitAt(s, i + 1)

/**
 * The shapes large files use — 2024-03-01, 2024-03-01T12:30, 2024-03-01 12:30:05, without a zone — read by position
 * (several times faster than the regex on a million rows); NaN sends anything else to the general parser.
 */
function parseCommonIsoDate(s: string): number {
  const n = s.length
  if (n !== 10 && n !== 16 && n !== 19) return NaN
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2)
  const month = twoDigits(s, 5)
  const day = twoDigits(s, 8)
  let hour = 0
  let minute = 0
  let second = 0
  if (n > 10) {
    const sep = s.charCodeAt(10)
    if ((sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return NaN
    hour = twoDigits(s, 11)
    minute = twoDigits(s, 14)
    if (n === 19) {
      if (s.charCodeAt(16) !== 58) return NaN
      second = twoDigits(s, 17)
    }
  }
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 24 && minute <= 59 && second <= 60)) return NaN
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

/**
 * A time for ordering rows: ISO dates as milliseconds since 1970 (read as UTC when they carry no zone, so a file's
 * order never depends on the machine's time zone), or plain numbers (years, epoch seconds, step counts) as they are.
 * NaN when the cell is neither.
 */
export function parseTime(trimmed: string): number {
  const n = parseNumber(trimmed, '.')
  if (Number.isFinite(n)) return n
  return parseIsoDate(trimmed)
}

const indexLikeName = /^(date|time|timestamp|datetime|year|month|week|day|hour|minute|t|step|id|index|row)$/i

/**
 * Column names that say "when" or "which row" rather than "what was measured". Such columns are never chosen as the
 * target or a feature automatically (an ascending year is a perfect, useless thing to forecast), only when named.
 */
export function isIndexLikeName(name: string): boolean {
  return indexLikeName.test(name.trim())
}
