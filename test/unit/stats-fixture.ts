/** Reads the SciPy reference values committed by scripts/stats-reference.py; non-finite numbers travel as strings. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

function revive(_key: string, value: unknown): unknown {
  if (value === 'NaN') return NaN
  if (value === 'Infinity') return Infinity
  if (value === '-Infinity') return -Infinity
  return value
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/stats/reference.json'), 'utf8'), revive)

/** |actual − expected| ≤ rel · |expected| + abs: a relative tolerance that still works near zero. */
export function close(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (actual === expected) return true
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs
}
