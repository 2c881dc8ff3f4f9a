/**
 * The "peak memory stays flat over epochs" rule (issue 18 item 5), shared by bench/memory.bench.ts and the regression
 * test test/integration/memory-flat.test.ts.
 *
 * A trainer's memory first rises once — TF.js and the kernels initialise, V8's young generation grows to its working
 * size, the optimizer state and the first validation pass are allocated, and garbage ArrayBuffers reach the level at
 * which V8 collects them — and should then stay level. So the epochs are split in two:
 *   - warm-up: the first quarter of the epochs, at least 20 (`warmUpEpochs`; the whole step's rise took 10–20 epochs in
 *     every measured run); what they add is reported as the one-time
 *     rise (the mean peak of the first 5 judged epochs minus epoch 1's peak), not as growth;
 *   - judged: every epoch after the warm-up; the least-squares slope of the per-epoch peak over them, times their
 *     span, is the growth, and the run is "flat" when that is at most max(5 MB, 2% of their mean peak).
 */

/** Least-squares slope of y over x (0 for fewer than two distinct x). */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  if (n < 2) return 0
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

/** Epochs 1..warmUpEpochs(n) are the warm-up of an n-epoch run: a quarter of them, at least 20. */
export function warmUpEpochs(epochs: number): number {
  return Math.max(20, Math.ceil(epochs / 4))
}

export interface FlatVerdict {
  /** Last epoch of the warm-up; the judged epochs are warmUp+1 .. last. */
  warmUp: number
  firstEpoch: number
  lastEpoch: number
  /** Peak of epoch 1 and of the last epoch, MB. */
  first: number
  last: number
  /** Mean peak of the first 5 judged epochs minus epoch 1's peak: the one-time rise, MB. */
  warmUpRiseMb: number
  /** The highest per-epoch peak of the warm-up minus epoch 1's peak, MB (a rise that came back down shows here only). */
  warmUpHighMb: number
  /** Slope over the judged epochs, MB per epoch, and what it adds up to over their span. */
  slopeMbPerEpoch: number
  fittedGrowthMb: number
  /** max(5 MB, 2% of the judged epochs' mean peak). */
  allowanceMb: number
  flat: boolean
}

/** Judges per-epoch peaks (MB); null when there are no epochs after the warm-up to judge. */
export function judgeFlat(samples: Array<{ epoch: number; peakMb: number }>): FlatVerdict | null {
  if (samples.length === 0) return null
  const lastEpoch = samples.at(-1)!.epoch
  const warmUp = warmUpEpochs(lastEpoch)
  const judged = samples.filter((s) => s.epoch > warmUp)
  const warm = samples.filter((s) => s.epoch <= warmUp)
  if (judged.length < 3) return null
  const k = slope(
    judged.map((s) => s.epoch),
    judged.map((s) => s.peakMb)
  )
  const mean = judged.reduce((a, s) => a + s.peakMb, 0) / judged.length
  const early = judged.slice(0, 5)
  const growth = k * (judged.at(-1)!.epoch - judged[0]!.epoch)
  const allowance = Math.max(5, 0.02 * mean)
  return {
    warmUp,
    firstEpoch: samples[0]!.epoch,
    lastEpoch,
    first: samples[0]!.peakMb,
    last: samples.at(-1)!.peakMb,
    warmUpRiseMb: early.reduce((a, s) => a + s.peakMb, 0) / early.length - samples[0]!.peakMb,
    warmUpHighMb: Math.max(...warm.map((s) => s.peakMb)) - samples[0]!.peakMb,
    slopeMbPerEpoch: k,
    fittedGrowthMb: growth,
    allowanceMb: allowance,
    flat: growth <= allowance
  }
}
