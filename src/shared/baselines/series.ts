/**
 * Baselines of a forecasting series (bundled series and CSV files), computed on the run's own windows in its scaled
 * units (Hyndman & Athanasopoulos, Forecasting: Principles and Practice, ch. 5.2: the naive, seasonal naive and mean
 * benchmarks; statsmodels' AutoReg for the autoregression):
 *
 * | id          | predicts target row r (forecast origin o = the window's last input row, r = o + 1 + h)          |
 * |-------------|---------------------------------------------------------------------------------------------------|
 * | persistence | the last value seen, y[o], for every step ahead                                                   |
 * | seasonal    | the value one season back, y[r − m·⌈(h+1)/m⌉], when a season m is stated or detected              |
 * | mean        | the mean of the target over the training rows                                                     |
 * | ar          | least squares from the window's inputs (AR(p), p = lookback, when the target is the only input)   |
 *
 * Every figure is an error over all of a split's windows and steps ahead, like the run's validation and test losses.
 */
import type { Parts, WindowSpec } from '../data/window'
import type { Split } from '../data/types'
import { fitLinear, predictLinear } from './linear'
import type { Baseline, BaselineId, BaselineSet } from './types'
import { pickBest, scoreRegression } from './score'

export interface SeriesBaselineInput {
  /** The scaled target column, every row (the windows' targets come from it). */
  ys: ArrayLike<number>
  parts: Parts
  spec: WindowSpec
  train: Split
  val: Split
  test: Split
  /** Names of the model's inputs; the linear baseline is called AR(p) when the target is the only one. */
  features: readonly string[]
  target: NonNullable<BaselineSet['target']>
  /** A season stated by the data source (e.g. 12 for monthly data with a yearly cycle). */
  season?: number
}

export type BaselinePredictions = Partial<Record<BaselineId, Float64Array>>

export interface SeriesBaselines {
  set: BaselineSet
  /** Each baseline's prediction for every validation and test window and step ahead, in scaled units. */
  predictions: { val: BaselinePredictions; test: BaselinePredictions }
}

/** Smallest autocorrelation of the differenced training target that counts as a season. */
export const seasonThreshold = 0.3

/**
 * The season of a series, detected on its training rows: the lag (≥ 2) of the highest local maximum of the
 * autocorrelation of the first differences (differencing removes a trend, which would otherwise dominate), when it is
 * at least seasonThreshold; undefined when there is none. Looks at most 20 000 rows and lags up to a third of them.
 */
export function detectSeason(ys: ArrayLike<number>, start: number, end: number): number | undefined {
  const from = Math.max(start, end - 20_000)
  const d: number[] = []
  for (let i = from + 1; i < end; i++) d.push(ys[i]! - ys[i - 1]!)
  const n = d.length
  if (n < 12) return undefined
  const mean = d.reduce((s, v) => s + v, 0) / n
  let c0 = 0
  for (const v of d) c0 += (v - mean) ** 2
  if (!(c0 > 0)) return undefined
  const maxLag = Math.min(Math.floor(n / 3), 1000)
  const acf = new Float64Array(maxLag + 2)
  for (let lag = 1; lag <= maxLag + 1 && lag < n; lag++) {
    let c = 0
    for (let i = lag; i < n; i++) c += (d[i]! - mean) * (d[i - lag]! - mean)
    acf[lag] = c / c0
  }
  let best: number | undefined
  for (let lag = 2; lag <= maxLag; lag++) {
    const v = acf[lag]!
    if (v >= seasonThreshold && v > acf[lag - 1]! && v >= acf[lag + 1]! && (best === undefined || v > acf[best]!)) best = lag
  }
  return best
}

export function seriesBaselines(input: SeriesBaselineInput): SeriesBaselines {
  const { ys, parts, spec, train, val, test } = input
  const { lookback, horizon, stride } = spec
  let trainMean = 0
  for (let i = parts.train.start; i < parts.train.end; i++) trainMean += ys[i]!
  trainMean /= Math.max(1, parts.train.end - parts.train.start)

  const stated = input.season !== undefined && input.season >= 2 ? input.season : undefined
  const detected = stated === undefined ? detectSeason(ys, parts.train.start, parts.train.end) : undefined
  const season = stated ?? detected
  // Seasonal persistence needs one whole season before every validation window's forecast origin.
  const seasonal = season !== undefined && parts.val.start + lookback - season >= 0 ? season : undefined

  const fit = fitLinear(train, horizon)
  const predict = (split: Split, part: Parts['val']): BaselinePredictions => {
    const n = split.n
    const persistence = new Float64Array(n * horizon)
    const mean = new Float64Array(n * horizon).fill(trainMean)
    const seas = seasonal !== undefined ? new Float64Array(n * horizon) : undefined
    for (let w = 0; w < n; w++) {
      const origin = part.start + w * stride + lookback - 1
      for (let h = 0; h < horizon; h++) {
        persistence[w * horizon + h] = ys[origin]!
        if (seas) seas[w * horizon + h] = ys[origin + 1 + h - seasonal! * Math.ceil((h + 1) / seasonal!)]!
      }
    }
    return { persistence, ...(seas ? { seasonal: seas } : {}), mean, ...(fit ? { ar: predictLinear(fit, split, horizon) } : {}) }
  }
  const predictions = { val: predict(val, parts.val), test: predict(test, parts.test) }
  const onlyTarget = input.features.length === 1 && input.features[0] === input.target.name
  const labels: Record<string, { label: string; detail: string }> = {
    persistence: { label: 'persistence', detail: 'next value = last value seen' },
    seasonal: { label: `seasonal persistence (${seasonal})`, detail: `the value one season (${seasonal} rows) earlier, season ${stated !== undefined ? 'stated by the data source' : 'detected in the training rows'}` },
    mean: { label: 'training mean', detail: 'always the mean of the training period' },
    ar: {
      label: onlyTarget ? `AR(${lookback})` : `linear (${lookback} steps)`,
      detail: `least squares on the training windows${fit && fit.windowsUsed < train.n ? ` (${fit.windowsUsed} of ${train.n})` : ''}, same inputs as the model`
    }
  }
  const entries: Baseline[] = (['persistence', 'seasonal', 'mean', 'ar'] as const)
    .filter((id) => predictions.val[id] !== undefined)
    .map((id) => ({
      id,
      ...labels[id]!,
      val: scoreRegression(predictions.val[id]!, val.y),
      test: scoreRegression(predictions.test[id]!, test.y)
    }))
  const set: BaselineSet = {
    version: 1,
    metric: 'mse',
    entries,
    best: pickBest(entries, 'mse'),
    plateau: 'mean',
    target: input.target,
    ...(seasonal !== undefined ? { season: { period: seasonal, source: stated !== undefined ? 'stated' : 'detected' } } : {}),
    windows: { train: train.n, val: val.n, test: test.n }
  }
  return { set, predictions }
}
