/** Shared by every benchmark: medians, and one JSON file of rows per bench file for scripts/bench.mjs to merge. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const quick = process.env.GATELAB_BENCH_QUICK === '1'

export interface BenchRow {
  name: string
  value: number
  unit: string
  /** The same measurement of a reference in the same run; `ratio` = value / baseline. */
  baseline?: number
  ratio?: number
  [extra: string]: unknown
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function round(value: number, digits = 3): number {
  return Number(value.toPrecision(digits))
}

export function writeRows(file: string, rows: BenchRow[]): void {
  const out = process.env.GATELAB_BENCH_OUT
  if (!out) {
    console.log(JSON.stringify(rows, null, 2))
    return
  }
  writeFileSync(join(out, `${file}.json`), JSON.stringify(rows, null, 2))
}
