/**
 * Grouping runs by any set of keys (cell; cell and units; …) and summarizing a metric per group.
 *
 * Items are plain records; a key or metric is read as `item[key]`, or along a dotted path (`config.units`), or by a
 * caller-supplied reader. Key values are compared by their JSON form, so 32 and "32" are different groups; a missing
 * key is the value null, a group of its own.
 */
import { commonGrid, curveBand, type BandOptions, type CurveBand, type Series } from './curves'
import { describe, type Summary } from './descriptive'

export type KeyValue = string | number | boolean | null

export type Reader<T> = (item: T, key: string) => unknown

/** Reads `item[key]`, following dots as a path when the key itself is not a property. */
export function readPath(item: unknown, key: string): unknown {
  if (item === null || typeof item !== 'object') return undefined
  const record = item as Record<string, unknown>
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key]
  let current: unknown = item
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined // own properties only: never __proto__ & co.
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function toKeyValue(value: unknown): KeyValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

export interface Group<T> {
  /** The group's value for each grouping key, in the order of the keys. */
  key: Record<string, KeyValue>
  /** e.g. "cell=gru, units=32"; "all" when grouping by no keys. */
  label: string
  items: T[]
}

function compareKeyValues(x: KeyValue, y: KeyValue): number {
  if (x === y) return 0
  if (x === null) return 1 // missing values sort last
  if (y === null) return -1
  if (typeof x === 'number' && typeof y === 'number') return x - y
  return String(x).localeCompare(String(y), 'en', { numeric: true })
}

/** Groups `items` by the values of `keys`; groups are sorted by key values (numbers numerically, missing last). */
export function groupBy<T>(items: readonly T[], keys: readonly string[], read: Reader<T> = readPath): Group<T>[] {
  const groups = new Map<string, Group<T>>()
  for (const item of items) {
    const key: Record<string, KeyValue> = {}
    for (const k of keys) key[k] = toKeyValue(read(item, k))
    const id = JSON.stringify(keys.map((k) => key[k]))
    let group = groups.get(id)
    if (!group) {
      const label = keys.length === 0 ? 'all' : keys.map((k) => `${k}=${key[k] === null ? '—' : String(key[k])}`).join(', ')
      group = { key, label, items: [] }
      groups.set(id, group)
    }
    group.items.push(item)
  }
  return [...groups.values()].sort((g, h) => {
    for (const k of keys) {
      const c = compareKeyValues(g.key[k] ?? null, h.key[k] ?? null)
      if (c !== 0) return c
    }
    return 0
  })
}

/** A metric value as a number: non-numbers (missing, null, strings) become NaN, so they count as dropped. */
export function metricValue<T>(item: T, metric: string | ((item: T) => number | null | undefined), read: Reader<T> = readPath): number {
  const v = typeof metric === 'function' ? metric(item) : read(item, metric)
  return typeof v === 'number' ? v : NaN
}

export interface GroupSummary extends Summary {
  key: Record<string, KeyValue>
  label: string
}

/** Per group of `items` by `keys`: n, mean, SD, SE, 95% t-interval of `metric` (see describe()). */
export function summarizeGroups<T>(
  items: readonly T[],
  keys: readonly string[],
  metric: string | ((item: T) => number | null | undefined),
  read: Reader<T> = readPath
): GroupSummary[] {
  return groupBy(items, keys, read).map((g) => ({
    key: g.key,
    label: g.label,
    ...describe(g.items.map((item) => metricValue(item, metric, read)))
  }))
}

export interface GroupBand {
  key: Record<string, KeyValue>
  label: string
  /** Runs in the group (each contributes where it covers the grid; see curveBand's n per point). */
  runs: number
  band: CurveBand
}

/**
 * Groups `items` by `keys` and gives each group its mean curve with SD and 95% t bands, all groups on one common grid
 * (so their curves line up in a chart). `seriesOf` extracts a run's (x, y) series for the metric shown.
 */
export function groupCurveBands<T>(
  items: readonly T[],
  keys: readonly string[],
  seriesOf: (item: T) => Series,
  options: BandOptions = {},
  read: Reader<T> = readPath
): GroupBand[] {
  const groups = groupBy(items, keys, read).map((g) => ({ group: g, series: g.items.map(seriesOf) }))
  const grid = options.grid ?? commonGrid(groups.flatMap((g) => g.series), options)
  return groups.map(({ group, series }) => ({
    key: group.key,
    label: group.label,
    runs: series.length,
    band: curveBand(series, { ...options, grid })
  }))
}
