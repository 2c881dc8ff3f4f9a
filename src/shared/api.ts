/**
 * The GateLab API: the one contract between the UI and the host.
 *
 * Every request the renderer can make is a key of `requestSchemas` (its arguments, parsed at every boundary) and of
 * `ApiResults` (what it resolves to). Every event the host can push is a member of `ApiEvent`. The Electron preload
 * bridge, the HTTP transport, the browser-mode client and the tests all implement or consume `GateLabApi`, so they
 * cannot drift apart.
 */
import { z } from 'zod'
import type { BackendReport } from './protocol'

// ---------------------------------------------------------------------------------------------------------------
// Requests

export const requestSchemas = {
  /** What this lab runs on: versions, the database, and which TF.js backends a trainer process can use. */
  getSystemInfo: z.object({}).strict(),
  /** Starts a real trainer process, asks it which backend it chose, and stops it again. */
  probeTrainer: z.object({}).strict()
} as const

export type ApiMethod = keyof typeof requestSchemas
export type ApiArgs<K extends ApiMethod> = z.input<(typeof requestSchemas)[K]>

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
}

export interface ApiResults {
  getSystemInfo: SystemInfo
  probeTrainer: TrainerProbe
}

/** The API as every caller sees it: one method per request, typed end to end. */
export type GateLabApi = { [K in ApiMethod]: (args: ApiArgs<K>) => Promise<ApiResults[K]> }

// ---------------------------------------------------------------------------------------------------------------
// Events pushed from host to UI (IPC `gatelab:event` in Electron, Server-Sent Events in browser mode)

export interface HostStatusEvent {
  type: 'host:status'
  uptimeMs: number
  rssMb: number
  trainers: number
}

export type ApiEvent = HostStatusEvent
export type ApiEventListener = (event: ApiEvent) => void

// ---------------------------------------------------------------------------------------------------------------
// Errors cross every boundary as plain objects, never as thrown exceptions or stack traces.

export const errorCodes = [
  'bad_request', // the arguments did not parse: `details` lists the issues
  'unknown_method',
  'unauthorized',
  'not_found',
  'trainer_failed',
  'internal'
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

export function describeIssues(context: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(arguments)'
    return `${where}: ${issue.message}`
  })
  return `Invalid ${context}: ${parts.join('; ')}`
}

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
