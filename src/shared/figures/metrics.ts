/**
 * Metric names in words, with their units, for every figure title and axis: "validation loss (MSE, scaled)" rather than
 * "valLoss". One table for the lab's charts, reports, figure exports and pgfplots.
 */
import { own } from '../keys'

export interface MetricContext {
  /** The run's loss: mse | mae | huber; classification tasks use cross-entropy whatever this says. */
  loss?: string
  classification?: boolean
  /** How targets were scaled before training: zscore | minmax | none (built-in tasks are unscaled). */
  scaling?: string | null
}

interface MetricWords {
  words: string
  /** What the unit is: the loss, an error of the targets, a fraction, a count, or a fixed unit. */
  unit: 'loss' | 'target' | 'fraction' | 'none' | string
}

const table: Record<string, MetricWords> = {
  loss: { words: 'training loss', unit: 'loss' },
  valLoss: { words: 'validation loss', unit: 'loss' },
  batchLoss: { words: 'batch loss', unit: 'loss' },
  mae: { words: 'training MAE', unit: 'target' },
  valMae: { words: 'validation MAE', unit: 'target' },
  mse: { words: 'training MSE', unit: 'target' },
  valMse: { words: 'validation MSE', unit: 'target' },
  acc: { words: 'training accuracy', unit: 'fraction' },
  valAcc: { words: 'validation accuracy', unit: 'fraction' },
  gradNorm: { words: 'gradient norm', unit: 'before clipping' },
  lr: { words: 'learning rate', unit: 'none' },
  epochMs: { words: 'epoch time', unit: 'ms' },
  numTensors: { words: 'tensors in memory', unit: 'count' }
}

const lossNames: Record<string, string> = { mse: 'MSE', mae: 'MAE', huber: 'Huber' }

/** "validation loss" — the metric in words, without unit (code names it does not know are returned as they are). */
export function metricWords(metric: string): string {
  return own(table, metric)?.words ?? metric
}

/** The unit in parentheses: "MSE, scaled", "cross-entropy", "fraction", "ms"; null when there is none to say. */
export function metricUnit(metric: string, context: MetricContext = {}): string | null {
  const entry = own(table, metric)
  if (!entry) return null
  const scaled = context.scaling && context.scaling !== 'none' ? ', scaled' : ''
  switch (entry.unit) {
    case 'loss':
      return context.classification ? 'cross-entropy' : `${lossNames[context.loss ?? 'mse'] ?? context.loss ?? 'MSE'}${scaled}`
    case 'target':
      return scaled ? 'scaled' : null
    case 'none':
      return null
    default:
      return entry.unit
  }
}

/** The full title: "validation loss (MSE, scaled)". */
export function metricTitle(metric: string, context: MetricContext = {}): string {
  const unit = metricUnit(metric, context)
  return unit ? `${metricWords(metric)} (${unit})` : metricWords(metric)
}

/**
 * The context shared by a set of runs' configs; a field the runs disagree on is left out (so a title never claims a
 * unit that holds for only some of the runs).
 */
export function metricContext(configs: ReadonlyArray<{ loss?: string; task?: string; scaling?: string } | null | undefined>, isClassification: (task: string) => boolean): MetricContext {
  const one = <T>(values: T[]): T | undefined => (values.length > 0 && values.every((v) => v === values[0]) ? values[0] : undefined)
  const list = configs.filter((c): c is NonNullable<typeof c> => !!c)
  const tasks = list.map((c) => c.task ?? 'adding')
  const classification = one(tasks.map(isClassification))
  // Built-in tasks are generated unscaled; CSV and bundled series are scaled as their config says.
  const scaling = one(list.map((c) => ((c.task ?? '').startsWith('csv:') || (c.task ?? '').startsWith('data:') ? (c.scaling ?? 'zscore') : 'none')))
  const loss = one(list.map((c) => c.loss ?? 'mse'))
  return { ...(loss ? { loss } : {}), ...(classification !== undefined ? { classification } : {}), ...(scaling ? { scaling } : {}) }
}

/**
 * Axis and column titles in the data's own units (issue 16): "true CO2 (ppm)", "RMSE (ppm)". Scaled losses say so
 * through metricTitle ("validation loss (MSE, scaled)"); values back in original units name the unit, or the column's
 * units when the unit is not known ("level units"), so no axis leaves the reader guessing which scale it shows.
 */
export function unitTitle(words: string, target: { name: string; unit?: string | null } | null | undefined): string {
  if (!target) return words
  return `${words} (${target.unit ?? `${target.name} units`})`
}
