/**
 * How many sequences a fused layer runs through its kernel at once outside training (validation, test, prediction).
 * The kernel keeps every step's activations for a backward pass, so its memory grows with the rows of the largest pass
 * and stays at that high-water mark for the rest of the run. A chunk is at most INFERENCE_CHUNK rows and at most
 * INFERENCE_BYTES of kernel memory: 128 rows of an LSTM 256 at T = 100 lay out about 90 MiB (0.69 MiB a row, and the
 * weights' part), several times the training batch's workspace, in every trainer; bounded, that layer evaluates 46 rows
 * at a time. Each row's numbers do not depend on how many rows share a call (every sum runs over k in the same order),
 * so the outputs keep their bits. Pure arithmetic, shared by fused/layers.ts and the run estimate
 * (src/main/limits/estimate.ts).
 */
export const INFERENCE_CHUNK = 128
export const INFERENCE_BYTES = 32 * 2 ** 20

/** Rows per kernel call outside training for a layer whose kernel memory grows by `bytesPerRow` per row. */
export function inferenceRows(bytesPerRow: number): number {
  if (!(bytesPerRow > 0)) return INFERENCE_CHUNK
  return Math.max(1, Math.min(INFERENCE_CHUNK, Math.floor(INFERENCE_BYTES / bytesPerRow)))
}
