/**
 * The message protocol between the host and a trainer process.
 *
 * The same messages travel over Electron's utilityProcess port and Node's child_process IPC channel. Every message
 * has a `type`; requests carry a `seq` that their reply echoes; errors cross as plain objects. Both sides parse
 * every incoming message with these schemas, so a malformed message is a clear protocol error, not a crash.
 */
import { z } from 'zod'

export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof backendNames)[number]

/** What the trainer found out about one TF.js backend. */
export const backendReportSchema = z.object({
  name: z.enum(backendNames),
  /** The npm package that provides it. */
  package: z.string(),
  available: z.boolean(),
  /** Why it is not available, in words a researcher can act on. */
  reason: z.string().optional()
})
export type BackendReport = z.infer<typeof backendReportSchema>

/** Which fused LSTM/GRU kernels a trainer runs (issue 18): native (engine/native) or WebAssembly, and why. */
export const fusedKernelReportSchema = z.object({
  /** What runs: native-avx512, native-avx2, native-sse, native-neon, relaxed-simd or simd128. */
  kernels: z.string(),
  nativeUsed: z.boolean(),
  /** The native targets this CPU and build run, widest first (empty when the module is absent). */
  nativeTargets: z.array(z.string()),
  /** Why the native kernels are or are not used, in words a researcher can act on. */
  reason: z.string()
})
export type FusedKernelReport = z.infer<typeof fusedKernelReportSchema>

export const protocolErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  details: z.unknown().optional()
})
export type ProtocolError = z.infer<typeof protocolErrorSchema>

/** One metric value at full resolution. `step` counts optimizer steps from 1; per-epoch metrics carry the epoch's last step. */
export const metricPointSchema = z.object({
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  name: z.string(),
  value: z.number(),
  /** Milliseconds since the run started training. */
  wallMs: z.number()
})
export type MetricPoint = z.infer<typeof metricPointSchema>

/** 'preparing': a trainer is building the run's data and model (between 'queued' and 'running'; src/main/limits). */
export const runStatusSchema = z.enum(['queued', 'preparing', 'running', 'completed', 'failed', 'cancelled', 'interrupted'])
export type RunStatus = z.infer<typeof runStatusSchema>

/** What the trainer says about a run once its model is built: the facts a run records next to its config. */
export const runStartedSchema = z.object({
  type: z.literal('run:started'),
  runId: z.string(),
  backend: z.enum(backendNames),
  engine: z.enum(['layers', 'fused']),
  /** e.g. "lstm sigmoid unit-forget-bias", "gru reset-before sigmoid" (see CELLS.md). */
  cellForm: z.string(),
  paramCount: z.number().int(),
  versions: z.record(z.string(), z.string()),
  dataset: z.object({
    name: z.string(),
    description: z.string(),
    contentHash: z.string(),
    train: z.number().int(),
    val: z.number().int(),
    test: z.number().int(),
    meta: z.record(z.string(), z.unknown())
  }),
  totalSteps: z.number().int()
})

export const runFinishedSchema = z.object({
  type: z.literal('run:finished'),
  seq: z.number().int(),
  runId: z.string(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  error: z.string().optional(),
  /** Last value of each epoch metric, e.g. {loss, valLoss}. */
  final: z.record(z.string(), z.number()),
  /** Metrics on the test split with the restored (best) weights. */
  test: z.record(z.string(), z.number()),
  best: z.object({ metric: z.string(), value: z.number(), epoch: z.number().int() }).nullable(),
  epochs: z.number().int(),
  steps: z.number().int(),
  durationMs: z.number()
})

// host → trainer
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('probe'), seq: z.number().int() }),
  /** Train one run; replies with run:finished echoing seq. The config is normalized (see src/shared/config.ts). */
  z.object({ type: z.literal('train'), seq: z.number().int(), runId: z.string(), config: z.record(z.string(), z.unknown()) }),
  /** Stop the current run within one batch; it finishes as `cancelled` with its metrics kept. */
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('shutdown') })
])
export type HostMessage = z.infer<typeof hostMessageSchema>

// trainer → host
export const trainerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('probe:result'),
    seq: z.number().int(),
    backend: z.enum(backendNames),
    backends: z.array(backendReportSchema),
    tfjsVersion: z.string(),
    pid: z.number().int(),
    kernels: fusedKernelReportSchema.optional()
  }),
  z.object({ type: z.literal('error'), seq: z.number().int().optional(), error: protocolErrorSchema }),
  runStartedSchema,
  /** Metric points, batched (the trainer flushes every ~250 ms and at every epoch end). */
  z.object({ type: z.literal('metrics'), runId: z.string(), points: z.array(metricPointSchema) }),
  /** Live progress for UIs and the CLI's progress bar; not stored. */
  z.object({
    type: z.literal('progress'),
    runId: z.string(),
    epoch: z.number().int(),
    epochs: z.number().int(),
    batch: z.number().int(),
    batches: z.number().int(),
    step: z.number().int(),
    totalSteps: z.number().int(),
    loss: z.number(),
    elapsedMs: z.number(),
    etaMs: z.number().nullable()
  }),
  /** A file the run produced (weights, topology); bytes travel as a Uint8Array (structured clone). */
  z.object({
    type: z.literal('artifact'),
    runId: z.string(),
    kind: z.enum(['weights', 'topology', 'predictions']),
    name: z.string(),
    mediaType: z.string(),
    data: z.instanceof(Uint8Array)
  }),
  runFinishedSchema
])
export type TrainerMessage = z.infer<typeof trainerMessageSchema>

/** Turns anything thrown into the plain error object that crosses process boundaries. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}
