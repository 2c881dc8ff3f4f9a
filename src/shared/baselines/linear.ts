/**
 * The linear baseline: ordinary least squares from a window's inputs (every step of every input column, plus an
 * intercept) to its targets, fitted on the training windows. With the target as the only input this is AR(p) with
 * p = the lookback (statsmodels' AutoReg fitted by OLS on the same windows). The algebra is ml-matrix's: a QR
 * decomposition, or the pseudo-inverse of XᵀX when the inputs are collinear (a constant column, repeated features).
 */
import { Matrix, QrDecomposition, pseudoInverse } from 'ml-matrix'
import type { Split } from '../data/types'

/** Above this many regressor cells the fit uses an evenly spaced subset of the training windows. */
export const maxFitCells = 4_000_000
/** More regressors than this (lookback × inputs) and no linear baseline is fitted. */
export const maxRegressors = 2000

export interface LinearFit {
  /** [inputs + 1, outputs]: the weights, then the intercept row. */
  coefficients: Matrix
  /** Training windows the fit used (all of them unless there were more than maxFitCells allow). */
  windowsUsed: number
  regressors: number
}

function design(split: Split, rows: readonly number[], width: number): Matrix {
  const X = new Matrix(rows.length, width + 1)
  rows.forEach((i, r) => {
    for (let k = 0; k < width; k++) X.set(r, k, split.x[i * width + k]!)
    X.set(r, width, 1)
  })
  return X
}

/** Least-squares weights from train.x to train.y; null when there are too many regressors or too few windows. */
export function fitLinear(train: Split, outputs: number): LinearFit | null {
  if (train.n === 0) return null
  const width = train.x.length / train.n
  if (width > maxRegressors || train.n < width + 2) return null
  const cap = Math.max(width + 2, Math.floor(maxFitCells / (width + 1)))
  const step = train.n > cap ? train.n / cap : 1
  const rows: number[] = []
  for (let r = 0; r < Math.min(cap, train.n); r++) rows.push(Math.floor(r * step))
  const X = design(train, rows, width)
  const Y = new Matrix(rows.length, outputs)
  rows.forEach((i, r) => {
    for (let o = 0; o < outputs; o++) Y.set(r, o, train.y[i * outputs + o]!)
  })
  const qr = new QrDecomposition(X)
  let coefficients: Matrix
  if (qr.isFullRank()) coefficients = qr.solve(Y)
  else {
    const Xt = X.transpose()
    coefficients = pseudoInverse(Xt.mmul(X)).mmul(Xt.mmul(Y))
  }
  if (coefficients.to1DArray().some((v) => !Number.isFinite(v))) return null
  return { coefficients, windowsUsed: rows.length, regressors: width }
}

/** The fitted model's predictions for every window of a split, [n, outputs] row-major. */
export function predictLinear(fit: LinearFit, split: Split, outputs: number): Float64Array {
  const width = fit.regressors
  const out = new Float64Array(split.n * outputs)
  if (split.n === 0) return out
  // In blocks, so a long test period never needs one huge design matrix.
  for (let start = 0; start < split.n; start += 8192) {
    const rows = Array.from({ length: Math.min(8192, split.n - start) }, (_, k) => start + k)
    const P = design(split, rows, width).mmul(fit.coefficients)
    rows.forEach((i, r) => {
      for (let o = 0; o < outputs; o++) out[i * outputs + o] = P.get(r, o)
    })
  }
  return out
}
