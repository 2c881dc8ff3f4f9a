/**
 * The run configuration: one zod schema for everything that defines a training run. Its keys are the camelCase forms
 * of the `gatelab train` flags, so the same object comes from the CLI, a `--config FILE.json`, a sweep spec and the
 * UI's New run form. `normalizeRunConfig` fills every default, and the normalized object is what a run stores:
 * complete, so a run can be reproduced from its record alone.
 */
import { z } from 'zod'
import { describeIssues } from './issues'

export const builtinTasks = ['adding', 'copy', 'sine', 'order', 'noise'] as const
export type BuiltinTask = (typeof builtinTasks)[number]

export const cells = ['lstm', 'gru', 'rnn'] as const
/** How cells are named to people: tables, legends, verdicts. */
export const cellLabels: Readonly<Record<string, string>> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' }
export type Cell = (typeof cells)[number]

/** `adding` | `copy` | `sine` | `order` | `noise` | `data:NAME` (a bundled series) | `csv:PATH` (the user's file). */
export const taskSchema = z.string().refine(
  (t) => (builtinTasks as readonly string[]).includes(t) || /^data:[\w.-]+$/.test(t) || /^csv:.+/.test(t),
  { message: `must be one of ${builtinTasks.join(', ')}, data:NAME or csv:PATH` }
)

const positiveInt = (max: number) => z.number().int().min(1).max(max)
const fraction = z.number().min(0).max(0.95)

export const earlyStoppingSchema = z
  .object({
    /** The metric watched, e.g. valLoss; lower is better for losses and errors, higher for accuracy. */
    metric: z.string().default('valLoss'),
    patience: z.number().int().min(1).max(10_000).default(5),
    minDelta: z.number().min(0).default(0),
    restoreBest: z.boolean().default(true)
  })
  .strict()

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('step'), every: positiveInt(100_000), factor: z.number().gt(0).lt(1) }).strict(),
  z
    .object({
      kind: z.literal('plateau'),
      metric: z.string().default('valLoss'),
      patience: z.number().int().min(1).default(3),
      factor: z.number().gt(0).lt(1).default(0.5),
      minLr: z.number().min(0).default(1e-6)
    })
    .strict()
])

export const runConfigSchema = z
  .object({
    name: z.string().max(200).optional(),
    notes: z.string().max(100_000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(64).default([]),

    // data
    task: taskSchema.default('adding'),
    seqLen: positiveInt(100_000).default(50),
    /** Training sequences for the built-in tasks. */
    samples: positiveInt(10_000_000).default(2000),
    valSamples: positiveInt(1_000_000).default(1000),
    testSamples: positiveInt(1_000_000).default(1000),
    // CSV and bundled series (see src/shared/data)
    target: z.string().optional(),
    features: z.array(z.string()).optional(),
    time: z.string().optional(),
    missing: z.enum(['error', 'drop', 'ffill', 'interpolate']).default('error'),
    lookback: positiveInt(100_000).optional(),
    horizon: positiveInt(100_000).default(1),
    stride: positiveInt(100_000).default(1),
    scaling: z.enum(['zscore', 'minmax', 'none']).default('zscore'),
    /** Fractions of a series' rows for the validation and test periods (the last rows, in time order); 0.15 each when left out. */
    valFraction: z.number().min(0.01).max(0.45).optional(),
    testFraction: z.number().min(0.01).max(0.45).optional(),
    /** CSV dialect overrides; detected from the file when left out (the detected values are recorded in meta.table). */
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    decimal: z.enum(['.', ',']).optional(),
    header: z.boolean().optional(),

    // model
    cell: z.enum(cells).default('lstm'),
    units: positiveInt(4096).default(32),
    layers: z.number().int().min(1).max(4).default(1),
    bidirectional: z.boolean().default(false),
    dropout: fraction.default(0),
    recurrentDropout: fraction.default(0),
    /** CELLS.md: sigmoid is the standard; hardSigmoid (tfjs-layers' default) only when asked for. */
    recurrentActivation: z.enum(['sigmoid', 'hardSigmoid']).default('sigmoid'),
    /** LSTM forget-gate bias initialised to 1 (Keras default, Jozefowicz et al. 2015). */
    unitForgetBias: z.boolean().default(true),
    /**
     * GRU candidate form (CELLS.md). 'auto' = reset-after wherever the engine can compute it, else reset-before (tfjs-layers);
     * each run records the form it used. An explicit form the engine cannot compute fails rather than silently switching.
     */
    gruForm: z.enum(['auto', 'reset-after', 'reset-before']).default('auto'),
    /** Loss for regression tasks; classification tasks always use softmax cross-entropy. */
    loss: z.enum(['mse', 'mae', 'huber']).default('mse'),

    // training
    optimizer: z.enum(['adam', 'rmsprop', 'sgd']).default('adam'),
    lr: z.number().gt(0).max(10).default(1e-3),
    momentum: z.number().min(0).lt(1).default(0.9),
    batch: positiveInt(65_536).default(32),
    epochs: positiveInt(100_000).default(10),
    /** Global gradient-norm clipping; null for none. */
    clip: z.number().gt(0).nullable().default(null),
    earlyStopping: earlyStoppingSchema.nullable().default(null),
    schedule: scheduleSchema.nullable().default(null),
    /** Seeds weights, shuffling, dropout and the built-in data; chosen at random and recorded when not given. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),

    // execution
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    /**
     * 'fused': LSTM/GRU/RNN layers whose forward pass and backpropagation through time each run as one WebAssembly
     * SIMD kernel call (src/main/engine/fused, docs/KERNELS.md), exact to tfjs-layers and PyTorch; 'layers': tfjs-layers'
     * own cells, the reference path (it also offers recurrentDropout, and computes GRU reset-before only).
     */
    engine: z.enum(['layers', 'fused']).default('fused'),
    /**
     * Gate telemetry (src/shared/telemetry.ts, docs/INSPECT.md): every epoch, gate means and saturation fractions and the
     * gradient-flow ratio on a fixed probe batch of validation sequences, recorded as ordinary metrics. False turns it off.
     */
    telemetry: z.boolean().default(true)
  })
  .strict()

export type RunConfigInput = z.input<typeof runConfigSchema>
/** A complete, normalized configuration: every default filled and the seed chosen. */
export type RunConfig = z.output<typeof runConfigSchema> & { seed: number }

export type ConfigResult = { ok: true; config: RunConfig } | { ok: false; message: string }

/** Parses untrusted input (a CLI, a file, a request) into a complete configuration, or says precisely what is wrong. */
export function normalizeRunConfig(input: unknown, randomSeed: () => number = defaultSeed): ConfigResult {
  const parsed = runConfigSchema.safeParse(input ?? {})
  if (!parsed.success) return { ok: false, message: describeIssues('run configuration', parsed.error.issues) }
  const config = { ...parsed.data, seed: parsed.data.seed ?? randomSeed() }
  if (config.recurrentDropout > 0 && config.engine === 'fused') {
    return { ok: false, message: 'Invalid run configuration: recurrentDropout is not available with engine "fused"; use engine "layers"' }
  }
  return { ok: true, config }
}

function defaultSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}

/**
 * True for tasks whose target is a class (softmax + cross-entropy), false for regression. `copy` is classification per
 * step (which symbol, or blank), as in the copy-task literature; the generated dataset's `kind` says the same.
 */
export function isClassificationTask(task: string): boolean {
  return task === 'order' || task === 'copy'
}
