/**
 * Time columns as calendar time. A numeric time column whose every value is a valid compact date — YYYYMMDD
 * (19661231), YYYYMM (195803), or YYYY in a column named like a year or date — is read as that date (midnight UTC,
 * through the platform's Date.UTC, which knows month lengths and leap years), so interpolation and spacing follow the
 * calendar: 19661231 → 19670101 is one day, not 8870. ISO dates are already read as dates (values.ts). Other numbers
 * (epoch seconds, step counts) stay numbers.
 */

export type CompactTimeFormat = 'yyyymmdd' | 'yyyymm' | 'yyyy'

/** A compact date as milliseconds since 1970 (UTC), or NaN when the number is not a valid date of that form. */
export function compactDateMs(value: number, format: CompactTimeFormat): number {
  if (!Number.isInteger(value) || value < 0) return NaN
  const year = format === 'yyyymmdd' ? Math.floor(value / 10000) : format === 'yyyymm' ? Math.floor(value / 100) : value
  const month = format === 'yyyy' ? 1 : format === 'yyyymm' ? value % 100 : Math.floor(value / 100) % 100
  const day = format === 'yyyymmdd' ? value % 100 : 1
  if (year < 1000 || year > 2999 || month < 1 || month > 12 || day < 1) return NaN
  const ms = Date.UTC(year, month - 1, day)
  // Date.UTC rolls 20230231 over into March: a date that does not come back unchanged does not exist.
  const back = new Date(ms)
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : NaN
}

const yearLikeName = /(year|date|time|yr|jahr|annee|año|period)/i

/** The compact date form every finite value of a time column has, or null (then the numbers are used as they are). */
export function detectCompactTime(values: ArrayLike<number>, columnName: string): CompactTimeFormat | null {
  let digits = 0
  let seen = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    if (!Number.isInteger(v) || v <= 0) return null
    const d = String(v).length
    if (digits === 0) digits = d
    else if (d !== digits) return null
    seen++
  }
  if (seen === 0) return null
  const format: CompactTimeFormat | null = digits === 8 ? 'yyyymmdd' : digits === 6 ? 'yyyymm' : digits === 4 && yearLikeName.test(columnName) ? 'yyyy' : null
  if (!format) return null
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isNaN(v) && Number.isNaN(compactDateMs(v, format))) return null
  }
  return format
}

/** Converts a time column in place from compact dates to milliseconds since 1970 (NaN stays NaN). */
export function toCalendarTime(values: Float64Array, format: CompactTimeFormat): void {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) values[i] = compactDateMs(values[i]!, format)
}

/** A time in ms as a date: "1967-01-01", with the time of day only when it has one. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z')
}

const DAY = 86_400_000

/** A duration in words a reader can picture: "1 day", "7 days", "1 month" (≈ 28–31 days), "1 year". */
export function formatStep(ms: number): string {
  const days = ms / DAY
  if (days >= 360 && days <= 370) return '1 year'
  if (days >= 28 && days <= 31) return '1 month'
  if (Number.isInteger(days)) return `${days} day${days === 1 ? '' : 's'}`
  const hours = ms / 3_600_000
  if (Number.isInteger(hours)) return `${hours} hour${hours === 1 ? '' : 's'}`
  return `${Math.round(ms / 1000)} s`
}

export interface Spacing {
  /** The typical step between rows (the median difference), in the time column's units (ms for dates). */
  step: number
  /** Steps more than 1.5 × the typical step (gaps), and the largest of them with the rows around it. */
  gaps: number
  largest: { from: number; to: number } | null
}

/** How regularly sorted times are spaced (rows with equal times are ignored). */
export function spacingOf(time: ArrayLike<number>): Spacing | null {
  const diffs: number[] = []
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!
    if (d > 0 && Number.isFinite(d)) diffs.push(d)
  }
  if (diffs.length < 2) return null
  const sorted = [...diffs].sort((a, b) => a - b)
  const step = sorted[Math.floor(sorted.length / 2)]!
  // Calendar months and years vary in length (28–31, 365–366 days): only steps beyond half a step more count.
  let gaps = 0
  let largest: Spacing['largest'] = null
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!
    if (d > 1.5 * step) {
      gaps++
      if (!largest || d > largest.to - largest.from) largest = { from: time[i - 1]!, to: time[i]! }
    }
  }
  return { step, gaps, largest }
}
