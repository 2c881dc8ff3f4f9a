/**
 * Predictions against truth for a report, when a run did not save them (a `predictions.json` artifact): its stored
 * best weights run on its own test split, rebuilt on the host from the recorded configuration the way the trainer
 * built it (built-in tasks are generated from the seed; bundled series and CSV files are read again). The data is used
 * only when its content hash is the one the run recorded, so a changed file can never pass for the trained-on data.
 * TF.js and the engine load only here, on first use, so reports without predictions never pay for them.
 */
import type { RunDetail } from '../../shared/api'
import type { SequenceDataset } from '../../shared/data/types'

export type ComputedPredictions = { ok: true; split: string; truth: number[]; predicted: number[] } | { ok: false; reason: string }

/** Sequences predicted per run: enough for a scatter plot, few enough to stay fast on the host's CPU backend. */
export const PREDICTION_LIMIT = 300

/** The first target of each sequence (the last step's, for sequence-to-sequence tasks), in original units. */
function firstTarget(values: Float32Array, i: number, data: SequenceDataset): number {
  const width = data.perStep ? data.seqLen * data.outputSize : data.outputSize
  const offset = i * width + (data.perStep ? (data.seqLen - 1) * data.outputSize : 0)
  const scaled = values[offset] as number
  const scaling = data.meta.scaling
  // Scaling entries follow [...features, ...targets]; the first target sits after the features.
  const k = data.meta.features?.length ?? 0
  if (!scaling || scaling.kind === 'none' || scaling.scale[k] === undefined) return scaled
  return scaled * (scaling.scale[k] as number) + (scaling.offset[k] as number)
}

export async function computePredictions(run: RunDetail, topology: Uint8Array, weights: Uint8Array, limit = PREDICTION_LIMIT): Promise<ComputedPredictions> {
  // The same loading (and content-hash check) as the predictions export.
  const [{ loadRunForPrediction }, { predict }] = await Promise.all([import('../export/predictions'), import('../engine/artifacts')])
  const loaded = await loadRunForPrediction(run, topology, weights)
  if (!loaded.ok) return loaded
  const { data, model } = loaded
  try {
    if (data.kind === 'classification') return { ok: false, reason: 'it is a classification task (its test accuracy is in the summary)' }
    const n = Math.min(limit, data.test.n)
    const x = data.test.x.subarray(0, n * data.seqLen * data.inputSize)
    const out = predict(model, data, x, n)
    const truth = Array.from({ length: n }, (_, i) => firstTarget(data.test.y, i, data))
    const predicted = Array.from({ length: n }, (_, i) => firstTarget(out, i, data))
    return { ok: true, split: 'test', truth, predicted }
  } finally {
    model.dispose()
  }
}
