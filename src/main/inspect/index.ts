/**
 * The `inspectRun` request on the host (docs/INSPECT.md): reads the run's stored weights, then computes in the
 * inspector's worker thread (inspectWorker.ts) so the event loop stays free. A run without weights, or whose data
 * cannot be rebuilt as it trained, answers `{ok: false, reason}`; bad input (an index out of range, values with the
 * wrong number of features, a layer that does not exist) is a `bad_request` error naming the problem.
 */
import { Worker } from 'node:worker_threads'
import { GateLabError, type RunDetail } from '../../shared/api'
import type { InspectOk, InspectRequest, InspectResult } from '../../shared/inspect'
import { readArtifact, type ReportSource } from '../report/source'
import { TOPOLOGY_FILE, WEIGHTS_FILE } from '../report/weights'
import { computeInspection, InspectInputError } from './compute'
import { prepareInspection } from './prepare'
import type { WorkerReply, WorkerRequest } from './inspectWorker'

export { InspectInputError } from './compute'

/** The stored weights of a run, or the reason it has none. */
export function runWeights(source: ReportSource, run: RunDetail): { ok: true; topology: Uint8Array; weights: Uint8Array } | { ok: false; reason: string } {
  const topology = readArtifact(source, run, TOPOLOGY_FILE)
  const weights = readArtifact(source, run, WEIGHTS_FILE)
  if (!topology || !weights) {
    const why =
      run.status === 'queued' || run.status === 'running'
        ? `it is ${run.status} and has not saved weights yet`
        : `it saved no weights (it is ${run.status}; a run saves its best weights after its first completed epoch)`
    return { ok: false, reason: `This run cannot be inspected: ${why}.` }
  }
  return { ok: true, topology, weights }
}

function finish(run: RunDetail, started: number, value: Omit<InspectOk, 'runId' | 'cellForm' | 'elapsedMs'>): InspectOk {
  return { ...value, runId: run.id, cellForm: run.cellForm, elapsedMs: Math.round(performance.now() - started) }
}

/** In this thread (tests, the CLI): the same computation the worker runs. */
export async function inspectRunHere(source: ReportSource, request: InspectRequest): Promise<InspectResult> {
  const started = performance.now()
  const run = source.getRun(source.resolveRunId ? source.resolveRunId(request.runId) : request.runId)
  const stored = runWeights(source, run)
  if (!stored.ok) return stored
  const prepared = await prepareInspection(run, stored.topology, stored.weights)
  if (!prepared.ok) return prepared
  try {
    return finish(run, started, computeInspection(request, prepared.model, prepared.data))
  } catch (error) {
    if (error instanceof InspectInputError) throw new GateLabError({ code: 'bad_request', message: error.message })
    throw error
  }
}

/** One worker thread, started on first use, serving one request at a time; it does not keep the process alive. */
export class InspectWorker {
  private worker: Worker | null = null
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>()
  private chain: Promise<unknown> = Promise.resolve()

  constructor(private readonly path: () => Promise<string>) {}

  private async start(): Promise<Worker> {
    if (this.worker) return this.worker
    const worker = new Worker(await this.path())
    worker.unref()
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      p?.resolve(reply)
    })
    const fail = (error: Error): void => {
      this.worker = null
      for (const p of this.pending.values()) p.reject(error)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the inspector's worker thread stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }

  async inspect(source: ReportSource, request: InspectRequest): Promise<InspectResult> {
    const run = source.getRun(source.resolveRunId ? source.resolveRunId(request.runId) : request.runId)
    const stored = runWeights(source, run)
    if (!stored.ok) return stored
    const task = this.chain.then(async () => {
      const started = performance.now()
      const worker = await this.start()
      const id = this.nextId++
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        this.pending.set(id, { resolve, reject })
        const message: WorkerRequest = { id, run, topology: stored.topology, weights: stored.weights, request }
        worker.postMessage(message)
      })
      if (reply.ok) return finish(run, started, reply.value as Omit<InspectOk, 'runId' | 'cellForm' | 'elapsedMs'>)
      if (reply.unavailable) return { ok: false as const, reason: reply.unavailable }
      if (reply.input) throw new GateLabError({ code: 'bad_request', message: reply.input })
      throw new Error(`Inspecting run ${run.id} failed: ${reply.error}`)
    })
    this.chain = task.catch(() => undefined)
    return task
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}

let shared: InspectWorker | null = null

/** The `inspectRun` handler: computes in the worker thread. */
export async function inspectRun(source: ReportSource, request: InspectRequest): Promise<InspectResult> {
  shared ??= new InspectWorker(async () => (await import('./workerPath')).default)
  return shared.inspect(source, request)
}
