/**
 * Planning a sweep on the host: expand the spec (src/shared/sweep.ts) and, for matched parameter budgets, find the
 * input and output sizes of each distinct dataset the sweep uses (generated or loaded once per dataset).
 */
import type { RunConfig } from '../shared/config'
import type { ModelShape } from '../shared/params'
import { expandSweep, type ExpandResult } from '../shared/sweep'
import { loadDataset } from './engine/dataset'

/** The settings that decide a dataset's shape; runs that agree on them share one. */
function shapeKey(config: RunConfig): string {
  const { task, seqLen, target, features, lookback, horizon } = config
  return JSON.stringify([task, seqLen, target, features, lookback, horizon])
}

export async function planSweep(spec: unknown): Promise<ExpandResult> {
  const matching = typeof spec === 'object' && spec !== null && (spec as { matchParams?: unknown }).matchParams
  if (!matching) return expandSweep(spec)
  const plain = expandSweep({ ...(spec as object), matchParams: null })
  if (!plain.ok) return plain
  const shapes = new Map<string, ModelShape>()
  for (const { config } of plain.runs) {
    const key = shapeKey(config)
    if (shapes.has(key)) continue
    // Only the shape matters: the smallest split sizes do (built-in tasks); files are read whole.
    const data = await loadDataset({ ...config, samples: 1, valSamples: 1, testSamples: 1 })
    shapes.set(key, { inputSize: data.inputSize, outputSize: data.outputSize })
  }
  return expandSweep(spec, (config) => shapes.get(shapeKey(config))!)
}
