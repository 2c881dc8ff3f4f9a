/**
 * Forecasting windows and the chronological split. Rows are split into train, validation and test periods in time
 * order, and windows are cut inside each period only: no window straddles two periods, so no training input or target
 * comes from the validation or test future, and validation never sees test rows.
 *
 * A window starting at row s has inputs rows s … s+lookback−1 and targets rows s+lookback … s+lookback+horizon−1
 * (the next `horizon` values of the target); consecutive windows start `stride` rows apart.
 */
import { dataError } from './errors'
import { option } from '../wording'
import type { Split } from './types'

export interface WindowSpec {
  lookback: number
  horizon: number
  stride: number
}

/** Fractions of the rows for validation and test; training gets the rest, first in time. */
export interface SplitFractions {
  val: number
  test: number
}

export const defaultSplit: SplitFractions = { val: 0.15, test: 0.15 }

/** Rows [start, end) of one period and the number of windows cut from it. */
export interface Part {
  start: number
  end: number
  windows: number
}

export interface Parts {
  train: Part
  val: Part
  test: Part
}

export function windowCount(rows: number, spec: WindowSpec): number {
  const need = spec.lookback + spec.horizon
  return rows < need ? 0 : Math.floor((rows - need) / spec.stride) + 1
}

/**
 * Splits n rows chronologically and counts the windows of each period, or explains (with the largest lookback that
 * would fit) why a period is too short for one window.
 */
export function splitRows(n: number, spec: WindowSpec, fractions: SplitFractions = defaultSplit, file?: string): Parts {
  const nVal = Math.floor(n * fractions.val)
  const nTest = Math.floor(n * fractions.test)
  const nTrain = n - nVal - nTest
  const part = (start: number, rows: number): Part => ({ start, end: start + rows, windows: windowCount(rows, spec) })
  const parts: Parts = { train: part(0, nTrain), val: part(nTrain, nVal), test: part(nTrain + nVal, nTest) }
  const need = spec.lookback + spec.horizon
  const short = (['train', 'val', 'test'] as const).find((k) => parts[k].windows === 0)
  if (short) {
    const names = { train: 'training', val: 'validation', test: 'test' }
    const rows = parts[short].end - parts[short].start
    const fit = Math.min(nTrain, nVal, nTest) - spec.horizon
    const pct = (f: number): string => `${Math.round(f * 100)}%`
    throw dataError(
      'too-few-rows',
      { file },
      `${n} usable row${n === 1 ? '' : 's'} split ${pct(1 - fractions.val - fractions.test)}/${pct(fractions.val)}/${pct(fractions.test)} in time order leave the ${names[short]} period ${rows} row${rows === 1 ? '' : 's'}, but one window needs lookback ${spec.lookback} + horizon ${spec.horizon} = ${need} rows`,
      fit >= 1 ? `Lower ${option('lookback')} to ${fit} or less (or ${option('horizon')}), or use a longer series.` : `Use a longer series: these settings need at least ${minimumRows(need, fractions)} rows.`
    )
  }
  return parts
}

/**
 * Cuts the windows of one period. `columns` are the scaled columns (all rows); `inputs` lists the columns fed to the
 * model per step, `target` the column predicted.
 */
export function makeWindows(columns: readonly Float32Array[], inputs: readonly number[], target: number, part: Part, spec: WindowSpec): Split {
  const { lookback, horizon, stride } = spec
  const n = part.windows
  const f = inputs.length
  const x = new Float32Array(n * lookback * f)
  const y = new Float32Array(n * horizon)
  const ys = columns[target]!
  for (let w = 0; w < n; w++) {
    const s = part.start + w * stride
    for (let k = 0; k < f; k++) {
      const col = columns[inputs[k]!]!
      let o = w * lookback * f + k
      for (let t = 0; t < lookback; t++, o += f) x[o] = col[s + t]!
    }
    for (let h = 0; h < horizon; h++) y[w * horizon + h] = ys[s + lookback + h]!
  }
  return { n, x, y }
}

/** The rows of each period when n rows are split chronologically (training first, then validation, then test). */
export function periodRows(n: number, fractions: SplitFractions = defaultSplit): { train: number; val: number; test: number } {
  const val = Math.floor(n * fractions.val)
  const test = Math.floor(n * fractions.test)
  return { train: n - val - test, val, test }
}

/**
 * The lookback a series gets when the run does not choose one: `cap` (the default, 50) when it fits, else half of what
 * the shortest period leaves after the horizon, so every period still gets about half its rows' worth of windows. The
 * bundled series carry their own lookbacks (src/shared/data/bundled.ts) chosen the same way; a CSV file gets this.
 * Returns `cap` when not even one window fits, so the split's own message says what to change.
 */
export function fitLookback(n: number, horizon: number, cap: number, fractions: SplitFractions = defaultSplit): number {
  const p = periodRows(n, fractions)
  const shortest = Math.min(p.train, p.val, p.test)
  if (shortest - horizon >= cap) return cap
  const half = Math.floor((shortest - horizon) / 2)
  return half >= 1 ? Math.min(cap, half) : cap
}

/** The fewest rows for which every period holds `need` rows (so one window each). */
export function minimumRows(need: number, fractions: SplitFractions = defaultSplit): number {
  let n = need
  while (Math.floor(n * fractions.val) < need || Math.floor(n * fractions.test) < need || n - Math.floor(n * fractions.val) - Math.floor(n * fractions.test) < need) n++
  return n
}
