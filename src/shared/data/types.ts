import type { BaselineSet } from '../baselines/types'
import type { BaselinePredictions } from '../baselines/series'
/**
 * What every data source (built-in task generators, bundled real series, the user's CSV files) hands to the engine:
 * three splits of fixed-length sequences in flat Float32Arrays, ready to become tensors once per batch.
 */
export interface Split {
  /** Number of sequences. */
  n: number
  /** [n, seqLen, inputSize], row-major. */
  x: Float32Array
  /** [n, outputSize] for one target per sequence, or [n, seqLen, outputSize] when `perStep`. Class indices as floats for classification. */
  y: Float32Array
}

export interface DatasetMeta {
  /** One line a report can print, e.g. "Adding problem, T = 50 (Hochreiter & Schmidhuber 1997)". */
  description: string
  /** sha256 of the generator spec (built-in tasks) or of the file's bytes (CSV, bundled series). */
  contentHash: string
  source?: string
  licence?: string
  /** Column names of the inputs and the target(s), for CSV and bundled series. */
  features?: string[]
  targets?: string[]
  /**
   * Fitted on the training part only; stored with the run so predictions can be shown in original units. For CSV and
   * bundled series the entries follow [...features, ...targets]: original = scaled * scale[i] + offset[i].
   */
  scaling?: { kind: 'zscore' | 'minmax' | 'none'; offset: number[]; scale: number[] }
  /** Reference figures, e.g. the MSE of always predicting the mean, so results can be judged. */
  baselines?: Record<string, number>
  /** Every baseline on the run's own validation and test splits, in its scaled units (src/shared/baselines). */
  baselineSet?: BaselineSet
  /** CSV and bundled series: how the table became windows (see docs/DATA.md). */
  table?: TableMeta
}

/** What a CSV or bundled series import did, recorded with the run so it can be reproduced and explained. */
export interface TableMeta {
  /** The path as given (CSV) or the bundled file name. */
  file: string
  /** Data rows in the file, and rows used after missing values were treated. */
  rows: number
  usedRows: number
  dialect: { delimiter: string; decimal: '.' | ','; header: boolean; encoding: string; bom: boolean }
  window: { lookback: number; horizon: number; stride: number }
  /** Each period in time order, with the file lines of its first and last row. */
  split: Record<'train' | 'val' | 'test', { rows: number; windows: number; firstLine: number; lastLine: number }>
  missing: { dropped: number; filled: number }
  /** The time column; `sorted` is true when the file was not in time order and its rows were sorted. */
  time?: {
    column: string
    sorted: boolean
    duplicates: number
    /** How the column was read (calendar dates in ms since 1970, or plain numbers), its range and its spacing. */
    format?: 'iso' | 'yyyymmdd' | 'yyyymm' | 'yyyy' | 'number'
    first?: number
    last?: number
    /** The typical step (median difference) and the steps more than 1.5 × that (gaps), with the largest. */
    step?: number
    gaps?: number
    largestGap?: { from: number; to: number } | null
  }
}

export interface SequenceDataset {
  name: string
  kind: 'regression' | 'classification'
  seqLen: number
  inputSize: number
  /** Regression: target values per step or sequence. Classification: the number of classes. */
  outputSize: number
  perStep: boolean
  train: Split
  val: Split
  test: Split
  meta: DatasetMeta
  /** Each baseline's prediction per validation/test window and step ahead, in scaled units (series only; not stored). */
  baselinePredictions?: { val: BaselinePredictions; test: BaselinePredictions }
  /** Series with a time column: the time (ms since 1970, or the column's number) of each test window's first target. */
  testTimes?: Float64Array
}
