/**
 * The sweep form's model (issue 17 item 7): cells as checkboxes, settings as comma lists (one value: every run has it;
 * several: every combination), seeds as a count or a list, matched budgets to a reference cell. The form writes the
 * very spec the sweep API and `gatelab sweep --spec` take (src/shared/sweep.ts), and reads a spec back when it can show
 * it; anything else (random search, a grid over tasks, …) stays in the JSON view, which is the "Advanced" editor.
 * Validation is the shared expandSweep's, on the spec the form produced.
 */
import { cells, type Cell } from '../../../shared/config'

/** Settings the form shows as comma lists, in the order it shows them. */
export const listKeys = ['units', 'layers', 'lr', 'batch', 'epochs', 'dropout', 'optimizer', 'seqLen', 'samples', 'valSamples', 'testSamples', 'lookback', 'horizon'] as const
export type ListKey = (typeof listKeys)[number]

export const listLabels: Record<ListKey, string> = {
  units: 'Units',
  layers: 'Layers',
  lr: 'Learning rate',
  batch: 'Batch size',
  epochs: 'Epochs',
  dropout: 'Dropout',
  optimizer: 'Optimizer',
  seqLen: 'Sequence length T',
  samples: 'Training sequences',
  valSamples: 'Validation sequences',
  testSamples: 'Test sequences',
  lookback: 'Lookback (steps)',
  horizon: 'Horizon (steps ahead)'
}

export interface SweepFields {
  name: string
  /** "adding", "data:co2-concentration", "csv:/path/file.csv". */
  task: string
  cells: Cell[]
  lists: Record<ListKey, string>
  seedsMode: 'count' | 'list'
  seeds: string
  /** '' = budgets not matched. */
  matchParams: '' | Cell
  /** Other settings every run shares, as a JSON object ('' for none). */
  other: string
}

export function emptyLists(): Record<ListKey, string> {
  return Object.fromEntries(listKeys.map((k) => [k, ''])) as Record<ListKey, string>
}

function token(text: string): unknown {
  const t = text.trim()
  if (t === 'true' || t === 'false') return t === 'true'
  const n = Number(t)
  // Anything that is not a number stays text, so the shared schema names the setting and the problem.
  return t !== '' && Number.isFinite(n) ? n : t
}

/** "16, 32,64" → [16, 32, 64]; empty entries are dropped. */
export function parseList(text: string): unknown[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(token)
}

export type FormSpec = { ok: true; spec: Record<string, unknown> } | { ok: false; message: string }

/** The spec the form describes, key for key what the sweep API takes; or what in the form keeps it from being one. */
export function fieldsToSpec(f: SweepFields): FormSpec {
  if (f.cells.length === 0) return { ok: false, message: 'Tick at least one cell' }
  let other: Record<string, unknown> = {}
  if (f.other.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(f.other)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, message: 'Other settings must be a JSON object, e.g. {"clip": 1}' }
      other = parsed as Record<string, unknown>
    } catch (e) {
      return { ok: false, message: `Other settings are not valid JSON: ${(e as Error).message}` }
    }
  }
  const base: Record<string, unknown> = {}
  const grid: Record<string, unknown[]> = {}
  if (f.task.trim() !== '') base.task = f.task.trim()
  if (f.cells.length === 1) base.cell = f.cells[0]
  else grid.cell = [...f.cells]
  for (const key of listKeys) {
    const values = parseList(f.lists[key])
    if (values.length === 1) base[key] = values[0]
    else if (values.length > 1) grid[key] = values
  }
  for (const [k, v] of Object.entries(other)) if (!(k in base) && !(k in grid)) base[k] = v
  const spec: Record<string, unknown> = {}
  if (f.name.trim() !== '') spec.name = f.name.trim()
  spec.base = base
  spec.grid = grid
  const seeds = f.seedsMode === 'count' ? seedCount(f.seeds) : parseList(f.seeds)
  if (seeds.length > 0) spec.seeds = seeds
  if (f.matchParams) spec.matchParams = f.matchParams
  return { ok: true, spec }
}

/** "3" → [1, 2, 3]. Not a whole number from 1 to 1000: the text itself, for the shared schema to refuse in its words. */
function seedCount(text: string): unknown[] {
  const t = text.trim()
  if (t === '') return []
  const n = Number(t)
  if (!Number.isInteger(n) || n < 1 || n > 1000) return [token(t)]
  return Array.from({ length: n }, (_, i) => i + 1)
}

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

function listText(values: readonly unknown[]): string | null {
  if (!values.every((v) => typeof v === 'number' || (typeof v === 'string' && !v.includes(',')) || typeof v === 'boolean')) return null
  return values.map(String).join(', ')
}

export type FieldsFromSpec = { ok: true; fields: SweepFields } | { ok: false; reason: string }

/** The form for a spec, when the form can show all of it; else why not (the JSON view shows it). */
export function specToFields(input: unknown): FieldsFromSpec {
  const spec = record(input)
  if (!spec) return { ok: false, reason: 'it is not a JSON object' }
  for (const key of Object.keys(spec)) {
    if (key === 'random' && Object.keys(record(spec.random) ?? { x: 1 }).length === 0) continue
    if (key === 'searchSeed' && spec.searchSeed === 0) continue
    if (key === 'random' || key === 'trials' || key === 'searchSeed') return { ok: false, reason: 'it uses a random search' }
    if (!['name', 'base', 'grid', 'seeds', 'matchParams'].includes(key)) return { ok: false, reason: `it has "${key}", which the form has no control for` }
  }
  const base = record(spec.base ?? {})
  const grid = record(spec.grid ?? {})
  if (!base || !grid) return { ok: false, reason: '"base" and "grid" must be objects' }
  const fields: SweepFields = { name: typeof spec.name === 'string' ? spec.name : '', task: '', cells: [], lists: emptyLists(), seedsMode: 'count', seeds: '', matchParams: '', other: '' }
  const other: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(grid)) {
    if (!Array.isArray(value)) return { ok: false, reason: `grid "${key}" is not a list` }
    if (key in base) return { ok: false, reason: `"${key}" is in both base and grid` }
    if (key === 'cell') {
      if (!value.every((c) => (cells as readonly unknown[]).includes(c))) return { ok: false, reason: 'grid "cell" has a value that is not lstm, gru or rnn' }
      fields.cells = cells.filter((c) => value.includes(c))
      if (fields.cells.length !== value.length) return { ok: false, reason: 'grid "cell" repeats a cell' }
      continue
    }
    if (!(listKeys as readonly string[]).includes(key)) return { ok: false, reason: `it varies "${key}", which the form has no list for` }
    const text = listText(value)
    if (text === null) return { ok: false, reason: `grid "${key}" has values the form cannot write as a list` }
    fields.lists[key as ListKey] = text
  }
  for (const [key, value] of Object.entries(base)) {
    if (key === 'task' && typeof value === 'string') fields.task = value
    else if (key === 'cell' && (cells as readonly unknown[]).includes(value)) fields.cells = [value as Cell]
    else if ((listKeys as readonly string[]).includes(key) && listText([value]) !== null) fields.lists[key as ListKey] = listText([value])!
    else other[key] = value
  }
  if (fields.cells.length === 0) return { ok: false, reason: 'it names no cell' }
  if (Object.keys(other).length > 0) fields.other = JSON.stringify(other)
  if (spec.seeds !== undefined) {
    if (!Array.isArray(spec.seeds)) return { ok: false, reason: '"seeds" is not a list' }
    const consecutive = spec.seeds.length > 1 && spec.seeds.every((s, i) => s === i + 1)
    const text = listText(spec.seeds)
    if (text === null) return { ok: false, reason: '"seeds" has values the form cannot write as a list' }
    fields.seedsMode = consecutive ? 'count' : 'list'
    fields.seeds = consecutive ? String(spec.seeds.length) : text
  }
  if (spec.matchParams !== undefined && spec.matchParams !== null) {
    if (!(cells as readonly unknown[]).includes(spec.matchParams)) return { ok: false, reason: '"matchParams" is not lstm, gru or rnn' }
    fields.matchParams = spec.matchParams as Cell
  }
  return { ok: true, fields }
}

/** The form for the editor's text, or why the form cannot show it. */
export function fieldsFromText(text: string): FieldsFromSpec {
  try {
    return specToFields(JSON.parse(text))
  } catch (e) {
    return { ok: false, reason: `the JSON does not parse (${(e as Error).message})` }
  }
}

export function specText(spec: Record<string, unknown>): string {
  return JSON.stringify(spec, null, 2)
}
