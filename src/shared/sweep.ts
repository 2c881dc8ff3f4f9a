/**
 * Sweep specifications: grid and random search over any run settings × cells × seeds, expanded into run
 * configurations. The keys are those of `gatelab train --config` (src/shared/config.ts), e.g.
 *
 *   {"name": "cells on adding", "base": {"task": "adding", "seqLen": 20, "samples": 640, "units": 8, "epochs": 3},
 *    "grid": {"cell": ["lstm", "gru"]}, "seeds": [1, 2, 3]}
 *   … "random": {"lr": {"logUniform": [1e-4, 1e-2]}}, "trials": 10
 *
 * Fairness: random values are drawn once per trial and shared by every grid point and seed of that trial (an LSTM and
 * a GRU see the same learning rate), and every run of one seed sees the same data. With "matchParams", cells other
 * than the reference get the unit count whose parameter count is closest to the reference cell's.
 */
import { z } from 'zod'
import { isAllowedKey, own } from './keys'
import { describeIssues } from './issues'
import { cells, normalizeRunConfig, runConfigSchema, type Cell, type RunConfig } from './config'
import { matchUnits, modelParams, type ModelShape } from './params'
import { createRng } from './random'

const range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, { message: 'the range must be [low, high]' })

export const distributionSchema = z.union([
  z.object({ uniform: range }).strict(),
  z.object({ logUniform: range.refine(([a]) => a > 0, { message: 'logUniform needs positive bounds' }) }).strict(),
  z.object({ int: range.refine(([a, b]) => Math.ceil(a) <= Math.floor(b), { message: 'int needs at least one whole number in the range' }) }).strict(),
  z.object({ choice: z.array(z.unknown()).min(1) }).strict()
])
export type Distribution = z.infer<typeof distributionSchema>

export const sweepSpecSchema = z
  .object({
    name: z.string().min(1).max(200).default('sweep'),
    base: z.record(z.string(), z.unknown()).default({}),
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
    random: z.record(z.string(), distributionSchema).default({}),
    /** Random-search trials; required with "random", 1 otherwise. */
    trials: z.number().int().min(1).max(100_000).optional(),
    seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(1000).optional(),
    /** Seeds the random search itself (the draws of "random"), so a sweep spec expands the same way every time. */
    searchSeed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** Give every cell the parameter budget of this cell (by choosing its units). */
    matchParams: z.enum(cells).nullable().default(null)
  })
  .strict()
export type SweepSpec = z.output<typeof sweepSpecSchema>

export interface SweepRun {
  config: RunConfig
  /** The values this run was given by the grid, the random search and the seed list: what sets it apart. */
  varied: Record<string, unknown>
  trial: number
  /** Present when matchParams changed the units. */
  matched?: { reference: Cell; referenceUnits: number; referenceParams: number; params: number }
}

export type ExpandResult = { ok: true; name: string; runs: SweepRun[] } | { ok: false; message: string }

/** Where a sweep would need more runs than anyone wants to queue by accident. */
export const maxSweepRuns = 10_000

function draw(distribution: Distribution, next: () => number): unknown {
  if ('uniform' in distribution) return distribution.uniform[0] + next() * (distribution.uniform[1] - distribution.uniform[0])
  if ('logUniform' in distribution) {
    const [a, b] = distribution.logUniform
    return Math.exp(Math.log(a) + next() * (Math.log(b) - Math.log(a)))
  }
  if ('int' in distribution) {
    const lo = Math.ceil(distribution.int[0])
    const hi = Math.floor(distribution.int[1])
    return lo + Math.min(hi - lo, Math.floor(next() * (hi - lo + 1)))
  }
  return distribution.choice[Math.floor(next() * distribution.choice.length)]
}

/**
 * Grid, random and base keys are run settings: checked against the config schema's own keys before anything else
 * reads them (a `__proto__` key would otherwise vanish in parsing, and `constructor` get a misleading error).
 */
function unknownSettingKey(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined
  const settings = Object.keys(runConfigSchema.shape)
  for (const part of ['grid', 'random', 'base'] as const) {
    const value = own(input as Record<string, unknown>, part)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
    for (const key of Object.keys(value)) {
      if (part !== 'base' && key === 'seed') continue // answered below with its own advice
      if (!isAllowedKey(key, settings)) {
        return `Invalid sweep spec: ${JSON.stringify(key)} in ${part} is not a run setting; use one of ${settings.join(', ')}`
      }
    }
  }
  return undefined
}

function cartesian(grid: Record<string, unknown[]>): Array<Record<string, unknown>> {
  let points: Array<Record<string, unknown>> = [{}]
  for (const [key, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })))
  return points
}

/**
 * Expands a spec into complete run configurations, or says precisely what is wrong (which key, which combination).
 * `shapeOf` gives the input and output sizes of a config's data, needed only for matchParams.
 */
export function expandSweep(input: unknown, shapeOf?: (config: RunConfig) => ModelShape): ExpandResult {
  const badKey = unknownSettingKey(input)
  if (badKey) return { ok: false, message: badKey }
  const parsed = sweepSpecSchema.safeParse(input)
  if (!parsed.success) return { ok: false, message: describeIssues('sweep spec', parsed.error.issues) }
  const spec = parsed.data
  const randomKeys = Object.keys(spec.random)
  if (randomKeys.length > 0 && spec.trials === undefined) return { ok: false, message: 'Invalid sweep spec: "random" needs "trials" (how many draws)' }
  for (const key of [...Object.keys(spec.grid), ...randomKeys]) {
    if (key === 'seed') return { ok: false, message: 'Invalid sweep spec: give seeds as "seeds": [1, 2, 3], not in grid or random' }
    if (key in spec.grid && key in spec.random) return { ok: false, message: `Invalid sweep spec: "${key}" is in both grid and random` }
  }
  const points = cartesian(spec.grid)
  const trials = spec.trials ?? 1
  const seeds = spec.seeds ?? [undefined]
  const total = points.length * trials * seeds.length
  if (total > maxSweepRuns) return { ok: false, message: `The sweep would create ${total} runs, more than ${maxSweepRuns}; narrow the grid or trials` }
  if (spec.matchParams && !shapeOf) return { ok: false, message: 'matchParams needs the data shapes of the task' }

  const rng = createRng(spec.searchSeed)
  const runs: SweepRun[] = []
  for (let trial = 0; trial < trials; trial++) {
    const sample = Object.fromEntries(randomKeys.map((k) => [k, draw(spec.random[k]!, () => rng.next())]))
    for (const point of points) {
      for (const seed of seeds) {
        const varied: Record<string, unknown> = { ...point, ...sample, ...(seed === undefined ? {} : { seed }) }
        const result = normalizeRunConfig({ ...spec.base, ...varied })
        if (!result.ok) return { ok: false, message: `${result.message} (in the sweep run with ${JSON.stringify(varied)})` }
        const run: SweepRun = { config: { ...result.config, tags: [...result.config.tags, `sweep:${spec.name}`] }, varied, trial }
        if (spec.matchParams && run.config.cell !== spec.matchParams) matchBudget(run, spec.matchParams, shapeOf!(run.config))
        runs.push(run)
      }
    }
  }
  return { ok: true, name: spec.name, runs }
}

/** A run's trainable parameters from its config and its data's shape (the count its trainer will report). */
export function paramsOf(config: RunConfig, shape: ModelShape): number {
  return modelParams({ cell: config.cell, units: config.units, layers: config.layers, bidirectional: config.bidirectional, gruForm: gruFormOf(config) }, shape)
}

function gruFormOf(config: RunConfig): 'reset-after' | 'reset-before' {
  // The layers engine computes reset-before only (CELLS.md); 'auto' resolves the same way the engine does.
  if (config.gruForm !== 'auto') return config.gruForm
  return config.engine === 'fused' ? 'reset-after' : 'reset-before'
}

function matchBudget(run: SweepRun, reference: Cell, shape: ModelShape): void {
  const { config } = run
  const size = { layers: config.layers, bidirectional: config.bidirectional, gruForm: gruFormOf(config) }
  const referenceParams = modelParams({ ...size, cell: reference, units: config.units }, shape)
  const { units, params } = matchUnits(referenceParams, { ...size, cell: config.cell }, shape)
  run.matched = { reference, referenceUnits: config.units, referenceParams, params }
  run.config = { ...config, units }
  run.varied = { ...run.varied, units }
}
