/** Shared by every benchmark: medians, and one JSON file of rows per bench file for scripts/bench.mjs to merge. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { quantileSorted } from '../src/shared/stats/descriptive'

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

/** A positive whole number from the environment, or `fallback` when unset; anything else stops the bench, saying why. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected a whole number of at least 1 (default ${fallback})`)
  return n
}

/** The quartiles of a list (the stats module's type-7 quantile), for a spread beside a median. */
export function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b)
  return [quantileSorted(sorted, 0.25), quantileSorted(sorted, 0.75)]
}
