/**
 * The inspector's worker thread: the float64 math of an inspection (a T = 1,000 trace, statistics over a whole split)
 * takes from milliseconds to seconds, which must not stall the host's event loop (the API, the UI's live curves).
 * electron-vite bundles this file on its own (workerPath.ts imports it with `?modulePath`); the host posts one
 * request at a time (index.ts). The last run's rebuilt data and model are kept, so stepping through its sequences is
 * quick.
 */
import { parentPort } from 'node:worker_threads'
import type { RunDetail } from '../../shared/api'
import type { InspectRequest } from '../../shared/inspect'
import { computeInspection, InspectInputError } from './compute'
import { prepareInspection, type Prepared } from './prepare'

export interface WorkerRequest {
  id: number
  run: RunDetail
  topology: Uint8Array
  weights: Uint8Array
  request: InspectRequest
}

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; unavailable?: string; input?: string; error?: string }

let cached: { key: string; prepared: Prepared } | null = null

async function handle(message: WorkerRequest): Promise<WorkerReply> {
  const { id, run, topology, weights, request } = message
  try {
    const key = `${run.id}:${run.artifacts.map((a) => a.sha256).join(',')}`
    if (cached?.key !== key) cached = { key, prepared: await prepareInspection(run, topology, weights) }
    const prepared = cached.prepared
    if (!prepared.ok) return { id, ok: false, unavailable: prepared.reason }
    return { id, ok: true, value: computeInspection(request, prepared.model, prepared.data) }
  } catch (error) {
    if (error instanceof InspectInputError) return { id, ok: false, input: error.message }
    return { id, ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message).then((reply) => parentPort!.postMessage(reply))
})
