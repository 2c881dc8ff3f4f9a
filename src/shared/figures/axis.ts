/**
 * Axes fitted to the data with tick labels rounded to what the axis needs: a linear axis steps by 1, 2, 2.5 or 5 × 10ⁿ
 * and prints as many decimals as its step has; a log axis spans the data from a 1-2-5 × 10ⁿ value below to one above,
 * labels 1-2-5 × 10ⁿ (every 1…9 × 10ⁿ, or finer, when the data spans less than that) and puts minor ticks at every
 * 1…9 × 10ⁿ. No tick label is longer than 8 characters. Both keep the data off the frame (AXIS_PAD). The lab's charts
 * and every exported figure use these.
 */

export interface AxisSpec {
  min: number
  max: number
  /** Labelled tick values, ascending. */
  ticks: number[]
  /** Unlabelled minor tick values (log axes), ascending. */
  minor: number[]
  log: boolean
  /** Formats a value as this axis labels it. */
  format: (value: number) => string
}

export const MAX_TICK_CHARS = 8

/**
 * Room between the data and the frame, as a fraction of the axis: where a fitted end falls closer than this to the
 * data, that end moves out by this much (rounded outward by `round`), so that no line sits on the plot's edge.
 */
export const AXIS_PAD = 0.03

/** `fitted` ([min, max] around [lo, hi]) with AXIS_PAD of room at each end; `log` measures room in decades. */
function withRoom(lo: number, hi: number, fitted: [number, number], log: boolean, round: (v: number, below: boolean) => number): [number, number] {
  const [min, max] = fitted
  const room = log ? (max / min) ** AXIS_PAD : (max - min) * AXIS_PAD
  const lowTight = log ? lo / min < room : lo - min < room
  const highTight = log ? max / hi < room : max - hi < room
  return [lowTight ? round(log ? lo / room : lo - room, true) : min, highTight ? round(log ? hi * room : hi + room, false) : max]
}

/** Shortest clean text for a number: at most `digits` significant digits, exponent form when very small or large. */
export function formatTick(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value)
  if (value === 0 || Math.abs(value) < 1e-15) return '0'
  const abs = Math.abs(value)
  for (let d = digits; d >= 1; d--) {
    let text: string
    if (abs >= 1e5 || abs < 1e-3) {
      const [m, e] = value.toExponential(d - 1).split('e')
      text = `${String(Number(m))}e${e!.replace('+', '')}`
    } else {
      text = String(Number(value.toPrecision(d)))
    }
    if (text.length <= MAX_TICK_CHARS) return text.replace('-', '−')
  }
  return value.toExponential(0).replace('+', '').replace('-', '−')
}

/** Decimals a step of this size needs (0.25 → 2, 0.1 → 1, 5 → 0). */
function decimalsOf(step: number): number {
  for (let d = 0; d < 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9 * 10 ** d) return d
  return 12
}

function niceStep(span: number, target: number, mantissas: readonly number[] = [1, 2, 2.5, 5, 10]): number {
  const raw = span / Math.max(1, target)
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of mantissas) if (m * p >= raw * 0.999) return m * p
  return 10 * p
}

/**
 * A linear axis over [lo, hi] with about `target` steps. `integer` keeps steps whole (epochs, steps); `includeZero`
 * starts counts at zero.
 */
export function linearAxis(lo: number, hi: number, options: { target?: number; integer?: boolean; exact?: boolean; steps125?: boolean } = {}): AxisSpec {
  const target = options.target ?? 5
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0
    hi = 1
  }
  if (hi < lo) [lo, hi] = [hi, lo]
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1
    lo -= pad
    hi += pad
    if (options.integer) {
      lo = Math.floor(lo)
      hi = Math.ceil(hi)
    }
  }
  let step = niceStep(hi - lo, target, options.steps125 ? [1, 2, 5, 10] : undefined)
  if (options.integer) step = Math.max(1, Math.round(step))
  // `exact` keeps the data's own ends (an epoch axis starts at the first epoch); otherwise the ends are whole steps,
  // with room between them and the data (a value axis; whole-number axes count epochs and steps, which start at theirs).
  // An end moved out for room stops at a fifth of a step (and at zero, when the data does not cross it).
  const clean = (v: number): number => Number(v.toPrecision(12))
  const outward = (v: number, unit: number, below: boolean): number => clean((below ? Math.floor(v / unit + 1e-9) : Math.ceil(v / unit - 1e-9)) * unit)
  const whole: [number, number] = [outward(lo, step, true), outward(hi, step, false)]
  const roomEnd = (v: number, below: boolean): number => (below ? (lo >= 0 ? Math.max(0, outward(v, step / 5, true)) : outward(v, step / 5, true)) : hi <= 0 ? Math.min(0, outward(v, step / 5, false)) : outward(v, step / 5, false))
  const [min, max] = options.exact ? [lo, hi] : options.integer ? whole : withRoom(lo, hi, whole, false, roomEnd)
  const decimals = decimalsOf(step)
  const ticks: number[] = []
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(Math.min(decimals + 2, 15))))
  const big = Math.max(Math.abs(min), Math.abs(max))
  const format = (value: number): string => {
    if (Math.abs(value) < step * 1e-6) value = 0
    if (big >= 1e5 || (step < 1e-3 && big < 1e-2)) return formatTick(value, 3)
    const text = value.toFixed(decimals)
    return text.length <= MAX_TICK_CHARS ? text.replace('-', '−') : formatTick(value, 3)
  }
  return { min, max, ticks, minor: [], log: false, format }
}

const mantissas125 = [1, 2, 5]
const mantissas19 = [1, 2, 3, 4, 5, 6, 7, 8, 9]

function logValues(lo: number, hi: number, mantissas: number[]): number[] {
  const out: number[] = []
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12))
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v)
    }
  }
  return out
}

/** The largest of `mantissas` × 10ⁿ at or below x (below=true), or the smallest at or above it. */
function snap(x: number, mantissas: number[], below: boolean): number {
  const candidates = logValues(x / 11, x * 11, mantissas)
  if (below) return candidates.filter((v) => v <= x * (1 + 1e-9)).pop() ?? x
  return candidates.find((v) => v >= x * (1 - 1e-9)) ?? x
}

/** x rounded outward to two significant digits (0.145 → 0.14 below, 0.191 → 0.2 above). */
function outward2(x: number, below: boolean): number {
  const p = 10 ** (Math.floor(Math.log10(x)) - 1)
  return Number(((below ? Math.floor(x / p + 1e-9) : Math.ceil(x / p - 1e-9)) * p).toPrecision(12))
}

/**
 * A log axis over positive data [lo, hi]. The range ends at 1…9 × 10ⁿ values around the data when it spans a factor of
 * 3 or more, else at the data rounded outward to two significant digits (so curves fill the plot). Labels at 1 × 10ⁿ
 * over many decades, 1-2-5 × 10ⁿ when that gives at least three, else whole multiples of one 1, 2 or 5 × 10ⁿ step
 * (0.14, 0.16, 0.18); minor ticks at every 1…9 × 10ⁿ inside, or at a quarter or fifth of the step between linear
 * labels, so that there are always unlabelled ticks between the labels.
 */
export function logAxis(lo: number, hi: number): AxisSpec {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return { ...linearAxis(lo, hi), log: false }
  if (hi < lo) [lo, hi] = [hi, lo]
  const wide = hi / lo >= 3
  const first = wide ? snap(lo, mantissas19, true) : outward2(lo, true)
  const last = wide ? snap(hi, mantissas19, false) : outward2(hi, false)
  // An end moved out for room stops at two significant digits (0.0086, not the next 1…9 × 10ⁿ, 0.008).
  const [min, max] = withRoom(lo, hi, [first, last > first ? last : outward2(first * 1.05, false)], true, outward2)
  let minor = logValues(min, max, mantissas19)
  let ticks = logValues(min, max, mantissas125)
  if (ticks.length > 8) ticks = logValues(min, max, [1])
  if (ticks.length < 3) {
    // Less than a factor of ~5: labels at whole multiples of one 1, 2 or 5 × 10ⁿ step, as few as give at least three
    // inside the range (a log axis still spaces them), so that the labels span the data rather than one end of it; minor
    // ticks subdivide each step as a linear axis would (5 parts for a 1 or 5 step, 4 for a 2 step). Finer steps too
    // while an end of the axis is left without a label over more than 40 % of its height.
    let lin = linearAxis(min, max, { target: 4, steps125: true, exact: true })
    const inside = (a: AxisSpec): number[] => a.ticks.filter((v) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9))
    const span = Math.log(max / min)
    const sparse = (a: AxisSpec): boolean => {
      const t = inside(a)
      return t.length < 3 || Math.log(t[0]! / min) > 0.4 * span || Math.log(max / t[t.length - 1]!) > 0.4 * span
    }
    for (let target = 5; sparse(lin) && target <= 12; target++) lin = linearAxis(min, max, { target, steps125: true, exact: true })
    ticks = inside(lin)
    const step = lin.ticks[1]! - lin.ticks[0]!
    const mantissa = Math.round(step / 10 ** Math.floor(Math.log10(step) + 1e-9))
    const sub = step / (mantissa === 2 ? 4 : 5)
    minor = []
    for (let k = Math.ceil(min / sub - 1e-9); k * sub <= max * (1 + 1e-9); k++) minor.push(Number((k * sub).toPrecision(12)))
  }
  const format = (value: number): string => formatTick(value, 3)
  return { min, max, ticks, minor: [...new Set([...minor, ...ticks])].sort((a, b) => a - b), log: true, format }
}

/** The finite, positive-if-log extent of some values, or null when there is none. */
export function extentOf(values: Iterable<number | null | undefined>, positiveOnly = false): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue
    if (positiveOnly && v <= 0) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : null
}

/** Log scale when every value is positive and they span more than a factor of 20 (losses falling over decades). */
export function wantsLog(values: Iterable<number | null | undefined>): boolean {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue
    if (v <= 0) return false
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  return Number.isFinite(lo) && hi / lo > 20
}
