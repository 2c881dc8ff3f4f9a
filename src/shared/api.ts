/**
 * The GateLab API: the one contract between the UI and the host.
 *
 * Every request the renderer can make is a key of `requestSchemas` (its arguments, parsed at every boundary) and of
 * `ApiResults` (what it resolves to). Every event the host can push is a member of `ApiEvent`. The Electron preload
 * bridge, the HTTP transport, the browser-mode client and the tests all implement or consume `GateLabApi`, so they
 * cannot drift apart.
 */
import { z } from 'zod'
import { describeIssues } from './issues'
import type { BackendReport, FusedKernelReport, MetricPoint, RunStatus } from './protocol'
import { runConfigSchema, type RunConfig } from './config'
import type { CsvInspection } from './data/inspection'
import type { SettingsSource, SummaryData } from './runSettings'
import type { RunComparison } from './comparison'
import { inspectRequestSchema, type InspectResult } from './inspect'
import type { SweepSizes } from './budget'
import type { LabSettings, RunEstimate } from './limits'
import { slurmSubmitSchema, type ClusterInfo, type ClusterRunInfo, type ImportReport } from './cluster'
import type { PredictionTable } from './predictions'
import { artifactRequestSchemas, type ArtifactResults } from './artifacts'

// ---------------------------------------------------------------------------------------------------------------
// Requests

const runId = z.string().min(1).max(100)
const runIds = z.array(runId).min(1).max(10_000)

export const runQuerySchema = z
  .object({
    status: z.array(z.enum(['queued', 'preparing', 'running', 'completed', 'failed', 'cancelled', 'interrupted'])).optional(),
    cell: z.array(z.enum(['lstm', 'gru', 'rnn'])).optional(),
    /** Task / dataset, e.g. "adding", "data:co2", "csv:/path/file.csv". */
    dataset: z.array(z.string()).optional(),
    tag: z.array(z.string()).optional(),
    sweepId: z.string().optional(),
    /** Free text in name and notes. */
    text: z.string().max(200).optional(),
    includeArchived: z.boolean().default(false),
    /** A column (createdAt, name, status, cell, paramCount, durationMs) or a summary metric "summary:valLoss:min" / ":last" / ":max". */
    sort: z.string().default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(10_000).default(200),
    offset: z.number().int().min(0).default(0)
  })
  .strict()
export type RunQuery = z.input<typeof runQuerySchema>

export const seriesRequestSchema = z
  .object({
    runIds: z.array(runId).min(1).max(100),
    metric: z.string().min(1),
    x: z.enum(['step', 'epoch', 'wallMs']).default('step'),
    /** Point budget per run; the host downsamples (keeping first, last and extreme points) on the same x buckets for every run. */
    points: z.number().int().min(10).max(100_000).default(2000),
    /** Only this x range, e.g. the visible part of a zoomed chart. */
    range: z.tuple([z.number(), z.number()]).optional()
  })
  .strict()

export const requestSchemas = {
  /** What this lab runs on: versions, the database, and which TF.js backends a trainer process can use. */
  getSystemInfo: z.object({}).strict(),
  /** The folders the API may read data files from: home, the lab's data folder, GATELAB_DATA_DIRS, and those added. */
  getDataFolders: z.object({}).strict(),
  /**
   * Replaces the data folders added in the lab's settings. Each must be an absolute path to an existing folder, not the
   * root of the file system or a system folder (src/main/settings/dataFolders.ts); one that is not rejects the request.
   */
  setDataFolders: z.object({ folders: z.array(z.string().min(1).max(4096)).max(50) }).strict(),
  /** Starts a real trainer process, asks it which backend it chose, and stops it again. */
  probeTrainer: z.object({}).strict(),
  /** The lab's database file, cheaply: no trainer process is started (getSystemInfo probes one). */
  getLabPath: z.object({}).strict(),

  /** Runs matching a query, with their summary metrics; never scans the metrics table. */
  listRuns: runQuerySchema,
  getRun: z.object({ id: runId }).strict(),
  /**
   * Queues runs. Each config is untrusted input, normalized with the shared schema (src/shared/config.ts); an invalid
   * one rejects the whole request with a message naming the config and the field. Give several configs with the same
   * seed to train an LSTM and a GRU on the same data.
   */
  startRuns: z.object({ configs: z.array(z.record(z.string(), z.unknown())).min(1).max(1000) }).strict(),
  /** Cancels a queued run at once, or a running one within one batch (it ends `cancelled`, metrics kept). */
  cancelRun: z.object({ id: runId }).strict(),
  updateRun: z
    .object({ id: runId, name: z.string().max(200).optional(), notes: z.string().max(100_000).optional(), tags: z.array(z.string().min(1).max(64)).max(64).optional() })
    .strict(),
  deleteRuns: z.object({ ids: runIds }).strict(),
  archiveRuns: z.object({ ids: runIds, archived: z.boolean().default(true) }).strict(),
  /** Metric names recorded by these runs (union), for chart pickers. */
  listMetrics: z.object({ runIds: z.array(runId).min(1).max(100) }).strict(),
  /** Downsampled series for charts. */
  getSeries: seriesRequestSchema,
  /** The trainer's stdout/stderr for a run. */
  getRunLog: z.object({ id: runId }).strict(),
  /**
   * A regression run's predictions against truth on its test split, in the data's original units: the predictions it
   * saved, else computed on the host from its best weights (only when its data still has the recorded content hash).
   */
  getPredictions: z.object({ id: runId }).strict(),
  /** The whole test split: time, truth, prediction and baselines in original units (src/shared/predictions.ts). */
  getPredictionTable: z.object({ id: runId }).strict(),
  /** Validates a configuration without starting anything: the normalized config, or the message the form should show. */
  validateConfig: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
  /**
   * A run's memory and time estimate before anything is built (src/main/limits): checked against the lab's memory
   * limit, or `memoryLimit` ("8G") when given. `message` is the refusal in the form's words when it does not fit.
   */
  estimateRun: z.object({ config: z.record(z.string(), z.unknown()), memoryLimit: z.string().max(32).optional() }).strict(),
  /** The lab's settings (src/main/limits/settings.ts): the memory limit runs are checked against. */
  getLabSettings: z.object({}).strict(),
  /** Changes the lab's settings; memoryLimit "8G", or null for the default (half of this machine's memory). */
  setLabSettings: z.object({ memoryLimit: z.string().max(32).nullable().optional() }).strict(),
  /** Expands a sweep spec (src/shared/sweep.ts) and queues its runs; the spec is kept with the sweep. */
  startSweep: z.object({ spec: z.record(z.string(), z.unknown()) }).strict(),
  /**
   * What a sweep spec (or a pair: a sweep over cells) would train, without starting anything: each run's cell, units
   * and parameter count on its data, matched with matchParams (src/shared/budget.ts); or the message saying why not.
   */
  planSweep: z.object({ spec: z.record(z.string(), z.unknown()) }).strict(),
  /**
   * Inspects a CSV file on the host (dialect, columns, types, preview, problems, a dry run of the import) with the
   * import choices a run would use; the import dialog calls it again whenever a choice changes.
   */
  inspectCsv: z
    .object({
      /** Absolute, or relative to the folder the host was started in. */
      path: z.string().min(1).max(4096),
      options: runConfigSchema
        .pick({ target: true, features: true, time: true, missing: true, lookback: true, horizon: true, stride: true, scaling: true, delimiter: true, decimal: true, header: true, seqLen: true, valFraction: true, testFraction: true })
        .partial()
        .extend({ previewRows: z.number().int().min(0).max(1000).optional() })
        .strict()
        .default({})
    })
    .strict(),
  listSweeps: z.object({}).strict(),
  /** Whether this lab can send sweeps to Slurm (sbatch on PATH; why not otherwise), its partitions and limits. */
  getClusterInfo: z.object({}).strict(),
  /** Sends a sweep to Slurm as job arrays (docs/CLUSTER.md); its runs appear at once, queued, with their job ids. */
  startSlurmSweep: z.object({ spec: z.record(z.string(), z.unknown()), slurm: slurmSubmitSchema }).strict(),
  /** A Slurm sweep's runs with their Slurm side: job id, state, pending reason, attempt. */
  listClusterRuns: z.object({ sweepId: z.string().min(1).max(100) }).strict(),
  /** Merges a sweep bundle's results into the lab, exactly once (the lab also does this by itself while it watches). */
  importClusterResults: z.object({ dir: z.string().min(1).max(4096) }).strict(),
  /** Cancels every unfinished run of a Slurm sweep with scancel. */
  cancelClusterSweep: z.object({ sweepId: z.string().min(1).max(100) }).strict(),
  /**
   * Groups runs (given by id, or all runs of a sweep) by configuration keys and tests every pair of groups on one
   * metric (src/shared/comparison.ts): n, mean, SD, 95% t-interval, Welch and paired tests, Hedges' g, verdicts.
   */
  compareRuns: z
    .object({
      runIds: z.array(runId).min(1).max(10_000).optional(),
      sweepId: z.string().optional(),
      groupBy: z.array(z.string().min(1)).max(8).default(['cell']),
      metric: z.string().min(1).default('valLoss'),
      stat: z.enum(['best', 'last']).default('best')
    })
    .strict()
    .refine((r) => (r.runIds === undefined) !== (r.sweepId === undefined), { message: 'give either runIds or sweepId' }),
  /**
   * A report or export of runs as files (docs/REPORTS.md): html (one self-contained file), pdf (Chromium), csv (long
   * form, full resolution), json (runs with configs and metrics), weights (per run: <id>-model.json + <id>-weights.bin
   * for tfjs, <id>-weights.json in the plain layout), svg or png (every report figure). Browser mode downloads the
   * files; the desktop app saves them where the user chooses.
   */
  exportRuns: z
    .object({
      runIds: z.array(runId).min(1).max(100),
      format: z.enum(['html', 'pdf', 'csv', 'json', 'weights', 'svg', 'png', 'figures', 'predictions']),
      paper: z.enum(['a4', 'letter']).default('a4'),
      /** Reports and figures: add the "Inside the cell" section (gate/state heatmaps, gradient flow, saturation, telemetry). */
      inside: z.boolean().optional(),
      /** The sequence the inside heatmaps show: a test index (default 0) or "worst" (the worst-predicted test sequence). */
      insideSequence: z.union([z.number().int().min(0), z.literal('worst')]).optional()
    })
    .strict(),
  /**
   * Inside the cell (docs/INSPECT.md, types in src/shared/inspect.ts): a stored run's gate and state traces, gradient
   * flow through time, attribution and memory retention for a chosen sequence, and gate statistics over a split,
   * computed in float64 from its best weights on its data as it trained. `{ok: false, reason}` when the run has no
   * weights or its data cannot be rebuilt; a bad index, layer or values is a bad_request naming it.
   */
  inspectRun: inspectRequestSchema,
  /** The host's small-split figure (--min-split-windows; src/shared/baselines/splitSize.ts), applied by the UI as by the CLI. */
  getSplitSettings: z.object({}).strict(),
  /** inspectCsv for a bundled series (data:NAME), with the dataset's own target, time column and lookback as defaults. */
  inspectBundled: z
    .object({
      name: z.string().min(1).max(200),
      options: runConfigSchema.pick({ target: true, lookback: true, horizon: true, stride: true, missing: true }).partial().extend({ previewRows: z.number().int().min(0).max(1000).optional() }).strict().default({})
    })
    .strict(),
  /** A run's stored files for download: listArtifacts, downloadArtifact (in chunks), downloadArtifactsZip (src/shared/artifacts.ts). */
  ...artifactRequestSchemas
} as const

export type ApiMethod = keyof typeof requestSchemas
export type ApiArgs<K extends ApiMethod> = z.input<(typeof requestSchemas)[K]>

/** Where the local API may read data files from (the System page lists them; the user adds and removes `added`). */
export interface DataFolders {
  home: string
  /** The lab's own data folder (uploads go there). */
  labData: string
  /** From GATELAB_DATA_DIRS when the host started. */
  fromEnvironment: string[]
  /** Added in the lab's settings. */
  added: string[]
}

export interface SystemInfo {
  appName: string
  appVersion: string
  /** 'electron' in the desktop app, 'browser' when the host serves the UI over HTTP, 'node' in the CLI and tests. */
  mode: 'electron' | 'browser' | 'node'
  versions: { node: string; electron: string | null; v8: string; tfjs: string; sqlite: string }
  platform: string
  arch: string
  cpus: number
  totalMemoryMb: number
  dbPath: string
  /** Each TF.js backend the trainer knows, whether this machine can use it, and why not. */
  backends: BackendReport[]
  /** The latest trainer probe: proof that a trainer process starts here, and the backend it chose. */
  trainer: TrainerProbe
}

export interface TrainerProbe {
  /** The backend a trainer process chose, in order of preference tfjs-node, wasm, cpu. */
  backend: string
  backends: BackendReport[]
  tfjsVersion: string
  pid: number
  /** How long the trainer took from spawn to its answer, in milliseconds (process start + TF.js load). */
  startupMs: number
  /** Which fused LSTM/GRU kernels the trainer runs (native or WebAssembly) and why (issue 18). */
  kernels?: FusedKernelReport
}

/** One row of the runs table. */
export interface RunSummary {
  id: string
  name: string
  status: RunStatus
  cell: 'lstm' | 'gru' | 'rnn'
  /** The task or dataset, as in the config (adding, data:co2, csv:/path). */
  task: string
  createdAt: string
  startedAt: string | null
  endedAt: string | null
  durationMs: number | null
  paramCount: number | null
  backend: string | null
  engine: string | null
  cellForm: string | null
  seed: number | null
  /** The dataset's name once the trainer built it. */
  datasetName: string | null
  sweepId: string | null
  groupKey: string | null
  archived: boolean
  tags: string[]
  /** Key hyperparameters, for the table (the full config is in RunDetail). */
  hp: RunSummaryHp
  /** Per metric: last value and extremes with where they happened. */
  summary: Record<string, MetricSummary>
  /** The best value of the watched metric (valLoss, or valAcc for classification) and its epoch. */
  best: { metric: string; value: number; epoch: number } | null
  error: string | null
}

/** A runs-table row's key hyperparameters, and the data settings that applied (src/shared/runSettings.ts reads them). */
export type RunSummaryHp = { units: number; layers: number; lr: number; batch: number; epochs: number; optimizer: string; seqLen: number } & Omit<
  SettingsSource,
  'task' | 'split' | 'meta' | 'seqLen'
> & { data?: SummaryData | null }

/** Per metric of a run: the last value and the extremes, with where each happened (null where only NaN was recorded). */
export interface MetricSummary {
  /** Points recorded, NaN ones included. */
  count: number
  last: number | null
  lastStep: number | null
  lastEpoch: number | null
  min: number | null
  minStep: number | null
  minEpoch: number | null
  max: number | null
  maxStep: number | null
  maxEpoch: number | null
}

export interface ArtifactInfo {
  kind: string
  name: string
  mediaType: string
  bytes: number
  sha256: string
  createdAt: string
}

export interface RunDetail extends RunSummary {
  config: RunConfig
  notes: string
  versions: Record<string, string>
  dataset: { name: string; description: string; contentHash: string; train: number; val: number; test: number; meta: Record<string, unknown> } | null
  final: Record<string, number>
  test: Record<string, number>
  epochs: number | null
  steps: number | null
  artifacts: ArtifactInfo[]
}

export interface Series {
  runId: string
  metric: string
  x: 'step' | 'epoch' | 'wallMs'
  /** [x, y] pairs, ascending x. */
  points: Array<[number, number]>
  /** True when points were dropped to fit the budget. */
  downsampled: boolean
  /** How many points the run has for this metric at full resolution (in the range). */
  total: number
  /**
   * The step of the run's last recorded point of this metric when the series was read (null: none yet). A live
   * point with a larger step is newer than this snapshot; one at or below it is already in it (src/renderer/src/lib/liveSeries.ts).
   */
  lastStep?: number | null
}

export interface ApiResults {
  getSystemInfo: SystemInfo
  getDataFolders: DataFolders
  setDataFolders: DataFolders
  probeTrainer: TrainerProbe
  getLabPath: { dbPath: string }
  listRuns: { rows: RunSummary[]; total: number }
  getRun: RunDetail
  startRuns: { runIds: string[] }
  cancelRun: { status: RunStatus }
  updateRun: RunSummary
  deleteRuns: { deleted: number }
  archiveRuns: { changed: number }
  listMetrics: { metrics: string[] }
  getSeries: { series: Series[] }
  getRunLog: { text: string }
  getPredictions: { ok: true; split: string; truth: number[]; predicted: number[] } | { ok: false; reason: string }
  getPredictionTable: { ok: true; table: PredictionTable } | { ok: false; reason: string }
  validateConfig: { ok: true; config: RunConfig } | { ok: false; message: string }
  startSweep: { sweepId: string; name: string; runIds: string[] }
  planSweep: SweepSizes
  estimateRun: { ok: true; estimate: RunEstimate; message?: string } | { ok: false; message: string }
  getLabSettings: LabSettings
  setLabSettings: LabSettings
  inspectCsv: CsvInspection
  listSweeps: { sweeps: SweepSummary[] }
  compareRuns: RunComparison
  exportRuns: { files: ExportedFile[] }
  inspectRun: InspectResult
  getClusterInfo: ClusterInfo
  startSlurmSweep: { sweepId: string; name: string; runIds: string[]; bundleDir: string; jobIds: string[] }
  listClusterRuns: { runs: ClusterRunInfo[] }
  importClusterResults: ImportReport
  cancelClusterSweep: { cancelled: number }
  getSplitSettings: { minSplitWindows: number }
  inspectBundled: CsvInspection
  listArtifacts: ArtifactResults['listArtifacts']
  downloadArtifact: ArtifactResults['downloadArtifact']
  downloadArtifactsZip: ArtifactResults['downloadArtifactsZip']
}

/** One file of an export; the bytes travel as base64 so the same result crosses IPC and HTTP. */
export interface ExportedFile {
  /** A file name without folders, e.g. "gatelab-2-runs-report.html", "<run id>-weights.bin". */
  name: string
  mediaType: string
  base64: string
}

export interface SweepSummary {
  id: string
  name: string
  createdAt: string
  spec: unknown
  /** Runs of the sweep by status. */
  counts: Partial<Record<RunStatus, number>>
  total: number
}

/** The API as every caller sees it: one method per request, typed end to end. */
export type GateLabApi = { [K in ApiMethod]: (args: ApiArgs<K>) => Promise<ApiResults[K]> }

/** The host's side of the same API: handlers receive the arguments after parsing (defaults filled). */
export type ApiHandlers = { [K in ApiMethod]: (args: z.output<(typeof requestSchemas)[K]>) => Promise<ApiResults[K]> }

// ---------------------------------------------------------------------------------------------------------------
// Events pushed from host to UI (IPC `gatelab:event` in Electron, Server-Sent Events in browser mode)

export interface HostStatusEvent {
  type: 'host:status'
  uptimeMs: number
  rssMb: number
  trainers: number
}

/** A run changed status or summary (queued, started, finished, edited; also runs written by another process). */
export interface RunUpdateEvent {
  type: 'run:update'
  run: RunSummary
}

/** Live progress of a running run (throttled to a few per second); not stored. */
export interface RunProgressEvent {
  type: 'run:progress'
  runId: string
  epoch: number
  epochs: number
  batch: number
  batches: number
  step: number
  totalSteps: number
  loss: number
  elapsedMs: number
  etaMs: number | null
}

/** New metric points of a running run, as they were stored, for live curves. */
export interface RunMetricsEvent {
  type: 'run:metrics'
  runId: string
  points: MetricPoint[]
}

/** Runs were deleted (or otherwise left the lab). */
export interface RunsRemovedEvent {
  type: 'runs:removed'
  ids: string[]
}

/**
 * Sent first on every event stream (browser mode: also after a reconnect). Events published before it may have been
 * missed, so a page that read history before it reads again (src/renderer/src/live.ts).
 */
export interface EventsOpenEvent {
  type: 'events:open'
}

export type ApiEvent = HostStatusEvent | RunUpdateEvent | RunProgressEvent | RunMetricsEvent | RunsRemovedEvent | EventsOpenEvent
export type ApiEventListener = (event: ApiEvent) => void

// ---------------------------------------------------------------------------------------------------------------
// Errors cross every boundary as plain objects, never as thrown exceptions or stack traces.

export const errorCodes = [
  'bad_request', // the arguments did not parse: `details` lists the issues
  'unknown_method',
  'unauthorized',
  'not_found',
  'trainer_failed',
  'internal',
  'too_large' // a run refused by its estimate (src/main/limits): `details` holds the estimate
] as const
export type ErrorCode = (typeof errorCodes)[number]

export interface SerializedError {
  code: ErrorCode
  message: string
  details?: unknown
}

export type ApiResponse<T> = { ok: true; value: T } | { ok: false; error: SerializedError }

/** The error a client throws when the host answers `{ok: false}`; it carries the host's code and message. */
export class GateLabError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(error: SerializedError) {
    super(error.message)
    this.name = 'GateLabError'
    this.code = error.code
    this.details = error.details
  }
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name)
}

/** Parses the arguments of `method`, turning zod issues into one readable message. */
export function parseArgs<K extends ApiMethod>(
  method: K,
  args: unknown
): { ok: true; value: z.output<(typeof requestSchemas)[K]> } | { ok: false; error: SerializedError } {
  const result = requestSchemas[method].safeParse(args ?? {})
  if (result.success) return { ok: true, value: result.data as z.output<(typeof requestSchemas)[K]> }
  return { ok: false, error: { code: 'bad_request', message: describeIssues(method, result.error.issues), details: result.error.issues } }
}


export { describeIssues }

/** The names of the API, in declaration order; the transports use it to build their method tables. */
export const apiMethods = Object.keys(requestSchemas) as ApiMethod[]

// ---------------------------------------------------------------------------------------------------------------
// Transports: how a UI reaches the host. The preload bridge (IPC) and the HTTP client both satisfy this.

export interface ApiTransport {
  call<K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiResponse<ApiResults[K]>>
  /** Starts listening for host events; returns the function that stops. */
  subscribe(listener: ApiEventListener): () => void
}

/** Wraps a transport into the typed API: each method resolves with its result or throws a GateLabError. */
export function createClient(transport: ApiTransport): GateLabApi {
  const client = {} as Record<ApiMethod, (args: unknown) => Promise<unknown>>
  for (const method of apiMethods) {
    client[method] = async (args: unknown) => {
      const response = await transport.call(method, (args ?? {}) as never)
      if (!response.ok) throw new GateLabError(response.error)
      return response.value
    }
  }
  return client as unknown as GateLabApi
}
