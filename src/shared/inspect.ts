/**
 * The gate inspector's contract ("Inside the cell", docs/INSPECT.md): what the `inspectRun` request asks for and what
 * it answers. The numbers come from src/shared/cells (float64, the CELLS.md equations of the form the run used) on
 * the run's stored best weights and its data rebuilt exactly as it trained.
 *
 * Shapes. Every matrix is `{shape: [rows, cols], values}` with `values` row-major (values[r·cols + c]). Gate and state
 * traces, gradients and memory are [units, steps] (one row per unit, the input's time axis t = 0 … T−1 in columns:
 * ready for a units × time heatmap); inputs and attributions are [features, steps]. For a backward-direction layer the
 * cell runs from t = T−1 down to 0, so its "previous step" is t+1 and its last step is t = 0; arrays are still indexed
 * by t.
 */
import { z } from 'zod'

const runId = z.string().min(1).max(100)

export const inspectSplits = ['train', 'val', 'test'] as const
export type InspectSplit = (typeof inspectSplits)[number]

/** Which sequence(s) to inspect. */
export const inspectSequenceSchema = z.discriminatedUnion('kind', [
  /** Sequence `index` (0-based) of a split. */
  z.object({ kind: z.literal('index'), split: z.enum(inspectSplits).default('test'), index: z.number().int().min(0) }).strict(),
  /** The K test sequences the model predicts best (lowest loss) or worst, best/worst first. */
  z.object({ kind: z.literal('best'), k: z.number().int().min(1).max(50) }).strict(),
  z.object({ kind: z.literal('worst'), k: z.number().int().min(1).max(50) }).strict(),
  /**
   * An edited sequence: `values[t][d]` in the data's original units (the run's recorded scaling is applied, as in
   * training). Its length may differ from the trained T. `target` (original units, optional) gives the loss and its
   * gradients; without it gradient flow is that of the explained output.
   */
  z
    .object({
      kind: z.literal('values'),
      values: z.array(z.array(z.number().finite()).min(1).max(1000)).min(1).max(10_000),
      target: z.array(z.number().finite()).max(100_000).optional()
    })
    .strict()
])
export type InspectSequence = z.input<typeof inspectSequenceSchema>

export const inspectRequestSchema = z
  .object({
    runId,
    sequence: inspectSequenceSchema.default({ kind: 'index', split: 'test', index: 0 }),
    /** Recurrent layers to return (0-based); default all. The computation always runs the whole network. */
    layers: z.array(z.number().int().min(0).max(15)).max(16).optional(),
    /** Gate and state traces. */
    traces: z.boolean().default(true),
    /** ∂L/∂h_t (and ∂L/∂c_t) per layer and direction, with their norms per step. */
    gradients: z.boolean().default(true),
    /** Gradient × input and integrated gradients of the explained output. */
    attribution: z.boolean().default(true),
    /** Interpolation points of integrated gradients (midpoint rule). */
    igSteps: z.number().int().min(1).max(1000).default(50),
    /** Memory retention: products of LSTM f / GRU z after each step. */
    memory: z.boolean().default(true),
    /** Gate statistics over a split: all its sequences, or a random sample of `sample` of them (seeded, stated). */
    stats: z
      .object({ split: z.enum(inspectSplits).default('test'), sample: z.number().int().min(1).max(1_000_000).optional() })
      .strict()
      .optional()
  })
  .strict()
export type InspectRequest = z.output<typeof inspectRequestSchema>

/** A row-major matrix with its shape. */
export interface Matrix {
  shape: [number, number]
  values: number[]
}

/** Traced quantities: LSTM i, f, g (candidate), o, c, h; GRU z, r, n (candidate), h; RNN h. */
export type TraceName = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'z' | 'r' | 'n'
export const traceOrder = { lstm: ['i', 'f', 'g', 'o', 'c', 'h'], gru: ['z', 'r', 'n', 'h'], rnn: ['h'] } as const

export type InspectCellForm = 'lstm' | 'gru-after' | 'gru-before' | 'rnn'

export interface InspectLayerInfo {
  /** 0-based position in the stack. */
  index: number
  units: number
  inputSize: number
  bidirectional: boolean
  directions: Array<'forward' | 'backward'>
  /** Hands every step to the next layer (or a per-step head); the last layer of a one-output model hands only its last step. */
  returnSequences: boolean
}

export interface LayerDirectionTraces {
  layer: number
  direction: 'forward' | 'backward'
  /** Each traced quantity as [units, steps]. */
  values: Partial<Record<TraceName, Matrix>>
}

export interface LayerDirectionGradients {
  layer: number
  direction: 'forward' | 'backward'
  /** ∂L/∂h_t, [units, steps]. */
  dh: Matrix
  /** ‖∂L/∂h_t‖₂ over the units, [steps]. */
  dhNorm: number[]
  /** LSTM only: ∂L/∂c_t, [units, steps], and ‖∂L/∂c_t‖₂, [steps]. */
  dc?: Matrix
  dcNorm?: number[]
}

export interface InspectAttribution {
  /** The scalar explained: regression — output 0 of the last step; classification — the logit of the predicted class. */
  output: string
  /** [features, steps]: x ⊙ ∂ŷ/∂x. */
  gradientTimesInput: Matrix
  /** [features, steps]: (x − x′) ⊙ the mean of ∂ŷ/∂x along the straight path from x′ to x. */
  integratedGradients: Matrix
  /** Interpolation points (midpoint rule). */
  igSteps: number
  /** x′ per feature (model units): the training split's mean, which is 0 for z-scored data. */
  baseline: number[]
  /** ŷ(x) and ŷ(x′) (model units) and Σ IG, which approximates their difference (completeness). */
  prediction: number
  baselinePrediction: number
  integratedSum: number
}

export interface LayerDirectionMemory {
  layer: number
  direction: 'forward' | 'backward'
  /** "f" (LSTM) or "z" (GRU). */
  gate: 'f' | 'z'
  /** [units, steps]: ∏ of the gate over the steps after t up to the direction's last step; 1 at the last step. */
  retention: Matrix
}

export interface InspectedSequence {
  /** Where the sequence came from. */
  source: { split: InspectSplit; index: number } | { split: 'edited' }
  steps: number
  /** Inputs as the model sees them (scaled), [features, steps]. */
  inputs: Matrix
  /** Inputs in the data's original units, [features, steps] (equal to `inputs` when the data is not scaled). */
  inputsOriginal: Matrix
  /** Target and prediction in original units: [outputs], or [steps · outputs] (t-major) for per-step tasks; class index / probabilities for classification. */
  target: number[] | null
  prediction: number[]
  /** The sequence's loss (the training loss: MSE in model units, or cross-entropy); null without a target. */
  loss: number | null
  /** What the gradients differentiate: the loss, or (no target) the explained output. */
  gradientOf: 'loss' | 'output'
  traces?: LayerDirectionTraces[]
  gradients?: LayerDirectionGradients[]
  attribution?: InspectAttribution
  /** LSTM and GRU only. */
  memory?: LayerDirectionMemory[]
}

export interface GateStatistics {
  layer: number
  direction: 'forward' | 'backward'
  gate: TraceName
  /** [0, 1] for sigmoid gates, [−1, 1] for the candidates g and n. */
  range: [number, number]
  /** Left/right saturation thresholds: 0.1/0.9 for sigmoid gates, −0.9/0.9 for the candidates. */
  thresholds: [number, number]
  /** Per unit, over every (sequence, step) pair: */
  mean: number[]
  leftSaturated: number[]
  rightSaturated: number[]
  /** [units, bins]: fraction of (sequence, step) pairs per equal-width bin over `range`. */
  histogram: Matrix
}

export interface InspectStatistics {
  split: InspectSplit
  /** Sequences in the split, and how many the statistics cover (all, or a seeded random sample). */
  total: number
  sequences: number
  sampled: boolean
  steps: number
  /**
   * How the gates were computed: "float32-kernel" — the fused engine's WebAssembly SIMD forward pass (the kernels the
   * fused engine trains with, equal to the float64 equations to ~1e-6); "float64" — src/shared/cells, when the kernel
   * module is not available.
   */
  computedWith: 'float32-kernel' | 'float64'
  gates: GateStatistics[]
}

export interface InspectOk {
  ok: true
  runId: string
  /** lstm, gru or rnn, and the exact form (reset-after / reset-before GRU) and gate activation. */
  cell: 'lstm' | 'gru' | 'rnn'
  form: InspectCellForm
  cellForm: string | null
  gateActivation: 'sigmoid' | 'hard_sigmoid' | null
  kind: 'regression' | 'classification'
  /** The trained sequence length T, input features D, outputs per step, and whether outputs are per step. */
  seqLen: number
  inputSize: number
  outputSize: number
  perStep: boolean
  features: string[]
  layers: InspectLayerInfo[]
  /** One sequence (index, values) or K (best/worst, best/worst first). */
  sequences: InspectedSequence[]
  stats?: InspectStatistics
  /** Wall time of the computation on the host (ms). */
  elapsedMs: number
}

/** Why nothing could be inspected (no weights, data changed, …), said in words the UI shows as they are. */
export interface InspectUnavailable {
  ok: false
  reason: string
}

export type InspectResult = InspectOk | InspectUnavailable
