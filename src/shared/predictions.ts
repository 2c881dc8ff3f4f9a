/**
 * Predictions as data (issue 16, item 8): a run's whole test split as a table — time, target, the run's prediction
 * and every predicting baseline's, in the data's original units — for `gatelab export --format predictions`, the run
 * page's download and its "Predictions over time" card. Made by src/main/export/predictions.ts; pure types here so
 * the renderer can draw them.
 *
 * Rows: one per test window and step ahead (series forecasting more than one step), one per sequence (built-in
 * tasks), one per sequence and step (sequence-to-sequence classification, the copy task).
 */
import type { BaselineId } from './baselines/types'

export interface PredictionColumn {
  /** 'target', 'prediction', 'probability' (classification: of the predicted class), or a baseline's id. */
  id: 'target' | 'prediction' | 'probability' | BaselineId
  /** The column's name in the CSV header, without the unit: "co2", "prediction", "persistence", "AR(24)". */
  label: string
  /** One value per row; NaN where there is none. */
  values: number[]
}

export interface PredictionTable {
  runId: string
  split: 'test'
  kind: 'regression' | 'classification'
  /**
   * What the values are: the target column's name and unit (null when the data source does not state one). `original`
   * is true when the values were scaled back from the run's z-scores/min-max into the data's own units; built-in tasks
   * are not scaled, their values are the task's own (unitless) numbers; classification values are class indices.
   */
  target: { name: string; unit: string | null; original: boolean }
  /**
   * The x axis of every row: calendar time (ms since 1970, written as dates), the time column's own numbers, or the
   * row's position in the test split when the data has no time column. With more than one step ahead it is the time of
   * the window's first target; `step` then says how many rows later the row's target lies.
   */
  time: { name: string; kind: 'date' | 'number' | 'index'; values: number[] }
  /** Steps ahead (1 = next row) for multi-step forecasts, or the sequence step of per-step classification. */
  step?: { name: string; values: number[] }
  /** target, prediction, (probability,) then each baseline that predicts (theoretical levels have no predictions). */
  columns: PredictionColumn[]
}

/** The unit words for headers and axis titles: "ppm", "co2 units" when unknown, "" for built-in tasks. */
export function predictionUnit(table: Pick<PredictionTable, 'target' | 'kind'>): string {
  if (table.kind === 'classification' || !table.target.original) return ''
  return table.target.unit ?? `${table.target.name} units`
}
