/**
 * Planning a sweep on the host: expand the spec (src/shared/sweep.ts) and, for matched parameter budgets, find the
 * input and output sizes of each distinct dataset the sweep uses (generated or loaded once per dataset).
 */
import type { RunConfig } from '../shared/config'
import type { ModelShape } from '../shared/params'
import { expandSweep, paramsOf, type ExpandResult } from '../shared/sweep'
import type { SweepSizes } from '../shared/budget'
import { DataError } from '../shared/data/errors'
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
  const shapes = await shapesOf(plain.runs.map((r) => r.config))
  return expandSweep(spec, (config) => shapes.get(shapeKey(config))!)
}

async function shapesOf(configs: readonly RunConfig[]): Promise<Map<string, ModelShape>> {
  const shapes = new Map<string, ModelShape>()
  for (const config of configs) {
    const key = shapeKey(config)
    if (shapes.has(key)) continue
    // Only the shape matters: the smallest split sizes do (built-in tasks); files are read whole.
    const data = await loadDataset({ ...config, samples: 1, valSamples: 1, testSamples: 1 })
    shapes.set(key, { inputSize: data.inputSize, outputSize: data.outputSize })
  }
  return shapes
}

/**
 * What a sweep (or a pair: a sweep over cells) would train, before anything does: each run's cell, units and parameter
 * count on its data, matched when the spec asks (the New run pair form and the sweep form show this).
 */
export async function sizeSweep(spec: unknown): Promise<SweepSizes> {
  let plan: ExpandResult
  let shapes: Map<string, ModelShape>
  try {
    // Reading the data can fail (a CSV file that is not there): the form shows the reason instead of sizes.
    plan = await planSweep(spec)
    if (!plan.ok) return plan
    shapes = await shapesOf(plan.runs.map((r) => r.config))
  } catch (error) {
    // A data problem stays place-neutral (src/shared/wording.ts): the forms render it in their words.
    return { ok: false, message: error instanceof DataError ? error.neutral : (error as Error).message }
  }
  const runs = plan.runs.map(({ config, varied, matched }) => ({
    cell: config.cell,
    units: config.units,
    params: matched?.params ?? paramsOf(config, shapes.get(shapeKey(config))!),
    varied,
    matched: matched !== undefined
  }))
  return { ok: true, name: plan.name, runs, totalParams: runs.reduce((sum, r) => sum + r.params, 0) }
}
