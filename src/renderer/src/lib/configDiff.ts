/**
 * Hyperparameters side by side: flatten each run's config into dotted keys and mark the keys whose values differ, so
 * "only differences" shows exactly what separates two runs (often just `cell`).
 */
export type Flat = Record<string, string>

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => formatValue(v)).join(', ')
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
  return String(value)
}

export function flattenConfig(value: unknown, prefix = ''): Flat {
  const out: Flat = {}
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = prefix ? `${prefix}.${k}` : k
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenConfig(v, key))
      else out[key] = formatValue(v)
    }
  } else if (prefix) {
    out[prefix] = formatValue(value)
  }
  return out
}

export interface DiffRow {
  key: string
  values: string[]
  differs: boolean
}

/** Keys to leave out of the side-by-side table: free text that always differs and says nothing about training. */
const ignored = new Set(['name', 'notes'])

/** Rows of the hyperparameter table: every key any config has, in a stable order (differences are not reordered). */
export function diffConfigs(configs: readonly unknown[], order: readonly string[] = []): DiffRow[] {
  const flats = configs.map((c) => flattenConfig(c))
  const keys: string[] = []
  const seen = new Set<string>()
  for (const key of order) {
    if (!seen.has(key) && flats.some((f) => key in f)) {
      seen.add(key)
      keys.push(key)
    }
  }
  for (const f of flats) {
    for (const key of Object.keys(f)) {
      if (!seen.has(key)) {
        seen.add(key)
        keys.push(key)
      }
    }
  }
  return keys
    .filter((k) => !ignored.has(k))
    .map((key) => {
      const values = flats.map((f) => f[key] ?? '—')
      return { key, values, differs: values.some((v) => v !== values[0]) }
    })
}
