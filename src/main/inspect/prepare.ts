/**
 * Loads what an inspection needs for one run: its data rebuilt exactly as it trained (built-in tasks from the seed,
 * bundled series and CSV files read again — used only when the content hash is the one the run recorded) and its
 * stored weights as a float64 network. A run that cannot be inspected gets a reason, in the words the UI shows.
 */
import type { RunDetail } from '../../shared/api'
import type { SequenceDataset } from '../../shared/data/types'
import { loadDataset } from '../engine/dataset'
import { inspectModel, type InspectModel } from './model'

export type Prepared = { ok: true; model: InspectModel; data: SequenceDataset } | { ok: false; reason: string }

export async function prepareInspection(run: RunDetail, topology: Uint8Array, weights: Uint8Array): Promise<Prepared> {
  if (!run.dataset) return { ok: false, reason: 'The run recorded no dataset, so its sequences cannot be rebuilt.' }
  let data: SequenceDataset
  try {
    data = await loadDataset(run.config)
  } catch (error) {
    return { ok: false, reason: `Its data could not be loaded again (${(error as Error).message}).` }
  }
  if (data.meta.contentHash !== run.dataset.contentHash) {
    return { ok: false, reason: 'Its data has changed since it trained (the content hash differs), so its sequences cannot be shown as it saw them.' }
  }
  let model: InspectModel
  try {
    model = inspectModel(run, topology, weights, data)
  } catch (error) {
    return { ok: false, reason: `Its stored weights could not be read as a GateLab model (${(error as Error).message}).` }
  }
  return { ok: true, model, data }
}
