/**
 * The New run form's model: what the inputs hold (strings while typing, so "0." is not lost), how that becomes a run
 * configuration for the shared schema, and which field each schema issue belongs to. Validation is the shared
 * schema itself (src/shared/config.ts is pure), so the form says exactly what the host would say.
 */
import { normalizeRunConfig, runConfigSchema, type BuiltinTask, type Cell, type RunConfig } from '../../../shared/config'

export type Source = 'builtin' | 'data' | 'csv'

/** How a CSV file is read; '' means "detect from the file" (the detected values are recorded with the run). */
export interface CsvChoices {
  delimiter: '' | NonNullable<RunConfig['delimiter']>
  decimal: '' | NonNullable<RunConfig['decimal']>
  missing: RunConfig['missing']
}

export interface Draft {
  source: Source
  task: BuiltinTask
  dataName: string
  csvPath: string
  csv: CsvChoices
  target: string
  /** Input features of a series; empty means the target alone. */
  features: string[]
  /** The time column of a series; '' keeps the file's order. */
  time: string
  scaling: RunConfig['scaling']
  stride: string
  /** Validation and test periods, in percent of the rows. */
  valPct: string
  testPct: string
  seqLen: string
  samples: string
  lookback: string
  horizon: string
  cell: Cell
  units: string
  layers: string
  bidirectional: boolean
  dropout: string
  optimizer: 'adam' | 'rmsprop' | 'sgd'
  lr: string
  batch: string
  epochs: string
  clip: string
  seed: string
  earlyStopping: boolean
  patience: string
  name: string
  tags: string[]
}

export interface TaskPreset {
  task: BuiltinTask
  title: string
  blurb: string
  seqLen: number
  samples: number
}

export const taskPresets: TaskPreset[] = [
  { task: 'adding', title: 'Adding', blurb: 'Sum the two marked numbers in a long sequence (Hochreiter & Schmidhuber 1997). Solved: val MSE < 0.01.', seqLen: 50, samples: 2000 },
  { task: 'copy', title: 'Copy', blurb: 'Remember up to 10 symbols and reproduce them after a delimiter. Per-step classification.', seqLen: 30, samples: 2000 },
  { task: 'sine', title: 'Sine', blurb: 'Forecast a noisy mixture of three sines a few steps ahead. Noise floor MSE 0.01.', seqLen: 50, samples: 2000 },
  { task: 'order', title: 'Order', blurb: 'Classify the order of two marker symbols in a noisy sequence (4 classes).', seqLen: 30, samples: 2000 },
  { task: 'noise', title: 'Noise', blurb: 'Pure N(0,1) noise: nothing to learn. A sanity check that no model beats the mean.', seqLen: 50, samples: 2000 }
]

export function defaultDraft(): Draft {
  return {
    source: 'builtin',
    task: 'adding',
    dataName: 'co2-concentration',
    csvPath: '',
    csv: { delimiter: '', decimal: '', missing: 'error' },
    target: '',
    features: [],
    time: '',
    scaling: 'zscore',
    stride: '1',
    valPct: '15',
    testPct: '15',
    seqLen: '50',
    samples: '2000',
    lookback: '',
    horizon: '1',
    cell: 'lstm',
    units: '32',
    layers: '1',
    bidirectional: false,
    dropout: '0',
    optimizer: 'adam',
    lr: '0.001',
    batch: '32',
    epochs: '10',
    clip: '',
    seed: '',
    earlyStopping: false,
    patience: '5',
    name: '',
    tags: []
  }
}

/** A draft from a stored run's config ("New run from this one"). */
export function draftFromConfig(c: RunConfig): Draft {
  const d = defaultDraft()
  const source: Source = c.task.startsWith('data:') ? 'data' : c.task.startsWith('csv:') ? 'csv' : 'builtin'
  return {
    ...d,
    source,
    task: source === 'builtin' ? (c.task as BuiltinTask) : d.task,
    dataName: source === 'data' ? c.task.slice(5) : '',
    csvPath: source === 'csv' ? c.task.slice(4) : '',
    csv: { delimiter: c.delimiter ?? '', decimal: c.decimal ?? '', missing: c.missing },
    target: c.target ?? '',
    features: c.features ? [...c.features] : [],
    time: c.time ?? '',
    scaling: c.scaling,
    stride: String(c.stride),
    valPct: String(Math.round((c.valFraction ?? 0.15) * 1000) / 10),
    testPct: String(Math.round((c.testFraction ?? 0.15) * 1000) / 10),
    seqLen: String(c.seqLen),
    samples: String(c.samples),
    lookback: c.lookback !== undefined ? String(c.lookback) : '',
    horizon: String(c.horizon),
    cell: c.cell,
    units: String(c.units),
    layers: String(c.layers),
    bidirectional: c.bidirectional,
    dropout: String(c.dropout),
    optimizer: c.optimizer,
    lr: String(c.lr),
    batch: String(c.batch),
    epochs: String(c.epochs),
    clip: c.clip === null ? '' : String(c.clip),
    seed: String(c.seed),
    earlyStopping: c.earlyStopping !== null,
    patience: String(c.earlyStopping?.patience ?? 5),
    name: '',
    tags: [...c.tags]
  }
}

/** A number for the schema, or the text itself when it is not one, so the schema names the field and the problem. */
function num(text: string): number | string {
  const t = text.trim()
  if (t === '') return t
  const n = Number(t)
  return Number.isFinite(n) ? n : t
}

/** The config the form describes. Empty optional fields are left out so the schema's defaults apply. */
export function draftToConfig(d: Draft): Record<string, unknown> {
  const c: Record<string, unknown> = {}
  if (d.source === 'builtin') {
    c.task = d.task
    c.seqLen = num(d.seqLen)
    c.samples = num(d.samples)
    if (d.task === 'sine') c.horizon = num(d.horizon)
  } else {
    c.task = d.source === 'data' ? `data:${d.dataName.trim()}` : `csv:${d.csvPath.trim()}`
    if (d.target.trim()) c.target = d.target.trim()
    if (d.lookback.trim()) c.lookback = num(d.lookback)
    c.horizon = num(d.horizon)
    if (d.features.length > 0) c.features = d.features
    if (d.time) c.time = d.time
    if (d.scaling !== 'zscore') c.scaling = d.scaling
    if (d.stride.trim() !== '1') c.stride = num(d.stride)
    const pct = (text: string): number | string => {
      const n = num(text)
      return typeof n === 'number' ? Math.round(n * 10) / 1000 : n
    }
    if (d.valPct.trim() !== '15') c.valFraction = pct(d.valPct)
    if (d.testPct.trim() !== '15') c.testFraction = pct(d.testPct)
    if (d.source === 'csv') {
      if (d.csv.delimiter) c.delimiter = d.csv.delimiter
      if (d.csv.decimal) c.decimal = d.csv.decimal
      c.missing = d.csv.missing
    }
  }
  c.cell = d.cell
  c.units = num(d.units)
  c.layers = num(d.layers)
  c.bidirectional = d.bidirectional
  c.dropout = num(d.dropout)
  c.optimizer = d.optimizer
  c.lr = num(d.lr)
  c.batch = num(d.batch)
  c.epochs = num(d.epochs)
  c.clip = d.clip.trim() === '' ? null : num(d.clip)
  if (d.seed.trim() !== '') c.seed = num(d.seed)
  c.earlyStopping = d.earlyStopping ? { metric: 'valLoss', patience: num(d.patience) } : null
  if (d.name.trim()) c.name = d.name.trim()
  c.tags = d.tags
  return c
}

export interface Validation {
  ok: boolean
  /** Messages by top-level config key (earlyStopping.patience → earlyStopping). */
  fields: Record<string, string>
  /** The whole-config message (cross-field rules and anything not shown at a field). */
  message: string | null
  config: RunConfig | null
}

/** Config keys whose form field has another name. */
const fieldOfKey: Record<string, string> = { valFraction: 'valPct', testFraction: 'testPct' }

/** Validates with the shared schema; the seed is fixed (0) here so validation is deterministic — the real seed is chosen at submit. */
export function validateDraft(d: Draft): Validation {
  const config = draftToConfig(d)
  const fields: Record<string, string> = {}
  const parsed = runConfigSchema.safeParse(config)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = fieldOfKey[String(issue.path[0] ?? '')] ?? String(issue.path[0] ?? '')
      const expectedNumber = issue.code === 'invalid_type' && (issue as { expected?: string }).expected === 'number'
      fields[key] ??= expectedNumber ? 'Enter a number' : key === 'valPct' || key === 'testPct' ? 'Enter 1 to 45 (percent of the rows)' : issue.message
    }
  }
  const normalized = normalizeRunConfig(config, () => 0)
  if (!normalized.ok) return { ok: false, fields, message: normalized.message, config: null }
  return { ok: true, fields, message: null, config: normalized.config }
}

/** The configs of "Train LSTM and GRU": identical except the cell, with one seed so both see the same data and init stream. */
export function pairConfigs(d: Draft, seed: number): Array<Record<string, unknown>> {
  const base = { ...draftToConfig(d), seed }
  const name = d.name.trim()
  return (['lstm', 'gru'] as const).map((cell) => ({ ...base, cell, ...(name ? { name: `${name} · ${cell.toUpperCase()}` } : {}) }))
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}
