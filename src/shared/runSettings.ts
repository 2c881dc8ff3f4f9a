/**
 * The settings to show for a run: the ones that applied. A run's stored config is complete (every default filled), so a
 * CSV or bundled-series run also carries seqLen 50, samples 2000 and valSamples 1000 — defaults of the built-in tasks
 * that did nothing. Here a run is described by what shaped its data: for a built-in task the sequence length and the
 * sequences per split; for a series the lookback, horizon, target, features and the windows each period really got
 * (e.g. 195/24/24), read from what the trainer recorded (meta.table) once it has built the data.
 *
 * One function for every place: the runs table (from the summary row's `hp`), the run page, Compare's settings table
 * and the reports' Configuration section.
 */
import { findBundledDataset } from './data/bundled'

/** What a run's settings are read from: its config (or the summary row's hp) and, once built, its data. */
export interface SettingsSource {
  task: string
  seqLen?: number | null
  samples?: number | null
  valSamples?: number | null
  testSamples?: number | null
  target?: string | null
  features?: string[] | null
  lookback?: number | null
  horizon?: number | null
  stride?: number | null
  valFraction?: number | null
  testFraction?: number | null
  /** The sequences (built-in task) or windows (series) each split really had, once the trainer built the data. */
  split?: { train: number; val: number; test: number } | null
  /** What the trainer recorded about a series (DatasetMeta): the window used, the columns. */
  meta?: { features?: unknown; targets?: unknown; table?: { window?: { lookback?: number; horizon?: number; stride?: number } } } | null
}

export interface SettingItem {
  key: string
  label: string
  value: string
}

export interface RunSettings {
  kind: 'task' | 'series'
  /** A few characters for a table cell: "T50 · 2,000 seq" or "L22 → 1 · 195/24/24". */
  short: string
  /** Label and value per setting, for the run page and tooltips. */
  items: SettingItem[]
  /** The split as shown ("195/24/24 windows"), or null before the data is built. */
  split: string | null
  /** The applied settings as plain values, for side-by-side tables (Compare, reports). */
  values: Record<string, string | number>
}

const isSeries = (task: string): boolean => task.startsWith('csv:') || task.startsWith('data:')
const count = (n: number): string => n.toLocaleString('en-US')

/** The settings of a run from its config and, when built, its dataset record (RunDetail.dataset). */
export function runSettingsOf(run: {
  task?: string
  config: Record<string, unknown> & { task: string }
  dataset?: { train: number; val: number; test: number; meta?: Record<string, unknown> } | null
}): RunSettings {
  const c = run.config
  const pick = <T>(key: string): T | undefined => (c[key] === undefined ? undefined : (c[key] as T))
  return runSettings({
    task: run.task ?? c.task,
    seqLen: pick('seqLen'),
    samples: pick('samples'),
    valSamples: pick('valSamples'),
    testSamples: pick('testSamples'),
    target: pick('target'),
    features: pick('features'),
    lookback: pick('lookback'),
    horizon: pick('horizon'),
    stride: pick('stride'),
    valFraction: pick('valFraction'),
    testFraction: pick('testFraction'),
    split: run.dataset ? { train: run.dataset.train, val: run.dataset.val, test: run.dataset.test } : null,
    meta: (run.dataset?.meta as SettingsSource['meta']) ?? null
  })
}

export function runSettings(s: SettingsSource): RunSettings {
  const items: SettingItem[] = []
  const values: Record<string, string | number> = {}
  const add = (key: string, label: string, value: string | number): void => {
    items.push({ key, label, value: typeof value === 'number' ? count(value) : value })
    values[key] = value
  }
  const splitOf = (unit: string): string | null => (s.split ? `${count(s.split.train)}/${count(s.split.val)}/${count(s.split.test)} ${unit}` : null)

  if (!isSeries(s.task)) {
    const seqLen = s.seqLen ?? 50
    add('seqLen', 'Sequence length', seqLen)
    if (s.task === 'sine' && s.horizon) add('horizon', 'Horizon', s.horizon)
    const split = splitOf('sequences') ?? (s.samples ? `${count(s.samples)}/${count(s.valSamples ?? 1000)}/${count(s.testSamples ?? 1000)} sequences` : null)
    if (split) add('split', 'Train/val/test', split)
    return { kind: 'task', short: `T${seqLen}${s.samples ? ` · ${count(s.samples)} seq` : ''}`, items, split, values }
  }

  const window = s.meta?.table?.window
  const entry = s.task.startsWith('data:') ? findBundledDataset(s.task.slice(5)) : undefined
  const lookback = window?.lookback ?? s.lookback ?? entry?.lookback
  const horizon = window?.horizon ?? s.horizon ?? 1
  const stride = window?.stride ?? s.stride ?? 1
  const targets = Array.isArray(s.meta?.targets) ? (s.meta!.targets as string[]) : undefined
  const target = targets?.[0] ?? s.target ?? entry?.target
  const recordedFeatures = Array.isArray(s.meta?.features) ? (s.meta!.features as string[]) : undefined
  const features = recordedFeatures ?? (s.features && s.features.length > 0 ? s.features : target ? [target] : undefined)
  add('lookback', 'Lookback', lookback ?? 'fitted to the file')
  add('horizon', 'Horizon', horizon)
  if (stride !== 1) add('stride', 'Stride', stride)
  if (target) add('target', 'Target', target)
  if (features) add('features', 'Input features', features.join(', '))
  const split = splitOf('windows')
  if (split) add('split', 'Train/val/test', split)
  else if (s.valFraction || s.testFraction) {
    const v = s.valFraction ?? 0.15
    const t = s.testFraction ?? 0.15
    add('split', 'Train/val/test', `${Math.round((1 - v - t) * 100)}%/${Math.round(v * 100)}%/${Math.round(t * 100)}% of rows`)
  }
  const short = `L${lookback ?? '?'}${horizon !== 1 ? ` → ${horizon}` : ''}${s.split ? ` · ${count(s.split.train)}/${count(s.split.val)}/${count(s.split.test)}` : ''}`
  return { kind: 'series', short, items, split, values }
}

/** Config keys that shape the data of the other kind of task, left out of side-by-side tables (they did nothing). */
const taskOnly = ['seqLen', 'samples', 'valSamples', 'testSamples']
const seriesOnly = ['target', 'features', 'time', 'missing', 'lookback', 'stride', 'scaling', 'delimiter', 'decimal', 'header', 'valFraction', 'testFraction']

/**
 * A run's config for a side-by-side table: the keys that did nothing for this kind of task left out, and the applied
 * data settings (the lookback used, the real split) in their place.
 */
export function appliedConfig(run: Parameters<typeof runSettingsOf>[0]): Record<string, unknown> {
  const settings = runSettingsOf(run)
  const drop = new Set(settings.kind === 'series' ? taskOnly : [...seriesOnly, ...(run.config.task === 'sine' ? [] : ['horizon'])])
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(run.config)) if (!drop.has(key)) out[key] = value
  return Object.assign(out, settings.values)
}

/** The data facts a runs-table row carries (RunSummary.hp.data, read from the stored dataset record; null before). */
export interface SummaryData {
  train: number | null
  val: number | null
  test: number | null
  window: { lookback?: number; horizon?: number; stride?: number } | null
  features: string[] | null
  targets: string[] | null
}

/** The settings of a runs-table row: its hp (config keys) and what the trainer recorded. */
export function runSettingsOfSummary(run: { task: string; hp: Omit<SettingsSource, 'task' | 'split' | 'meta'> & { data?: SummaryData | null } }): RunSettings {
  const { data, ...hp } = run.hp
  const built = data && data.train !== null && data.val !== null && data.test !== null
  return runSettings({
    ...hp,
    task: run.task,
    split: built ? { train: data.train!, val: data.val!, test: data.test! } : null,
    meta: data ? { ...(data.features ? { features: data.features } : {}), ...(data.targets ? { targets: data.targets } : {}), ...(data.window ? { table: { window: data.window } } : {}) } : null
  })
}
