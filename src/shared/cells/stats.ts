/**
 * Gate statistics over many sequences (Karpathy, Johnson & Fei-Fei 2015): per gate and unit, the fraction of
 * (sequence, step) pairs left-saturated (below 0.1) and right-saturated (above 0.9), the mean, and a histogram.
 * Sigmoid gates live in [0, 1]; the tanh candidates (LSTM g, GRU n) in [−1, 1], where the thresholds are −0.9 and 0.9.
 */
import type { CellTrace, CellVariant } from './cell'

/** Gates with statistics, per form: the sigmoid gates and the tanh candidate (states c and h are not gates). */
export const statGates = {
  lstm: ['i', 'f', 'g', 'o'],
  'gru-after': ['z', 'r', 'n'],
  'gru-before': ['z', 'r', 'n'],
  rnn: []
} as const satisfies Record<CellVariant, readonly string[]>

/** The value range of a gate: [0, 1] for sigmoid gates, [−1, 1] for the tanh candidates. */
export function gateRange(gate: string): [number, number] {
  return gate === 'g' || gate === 'n' ? [-1, 1] : [0, 1]
}

/** Left/right saturation thresholds: 0.1 / 0.9 for sigmoid gates, −0.9 / 0.9 for the candidates. */
export function saturationThresholds(gate: string): [number, number] {
  return gate === 'g' || gate === 'n' ? [-0.9, 0.9] : [0.1, 0.9]
}

export const HISTOGRAM_BINS = 20

export class GateAccumulator {
  readonly count: number[] = []
  /** Sum of values per unit. */
  readonly sum: Float64Array
  readonly left: Float64Array
  readonly right: Float64Array
  /** [H, bins] counts (empty when the accumulator keeps no histogram: bins 0). */
  readonly histogram: Float64Array
  steps = 0
  private readonly lo: number
  private readonly width: number
  private readonly tLeft: number
  private readonly tRight: number

  /** `bins` 0: no histogram (gate telemetry reads only the means and saturation fractions). */
  constructor(
    readonly gate: string,
    readonly units: number,
    readonly bins = HISTOGRAM_BINS
  ) {
    this.sum = new Float64Array(units)
    this.left = new Float64Array(units)
    this.right = new Float64Array(units)
    this.histogram = new Float64Array(units * bins)
    const [lo, hi] = gateRange(gate)
    this.lo = lo
    this.width = bins > 0 ? (hi - lo) / bins : 0
    ;[this.tLeft, this.tRight] = saturationThresholds(gate)
  }

  /**
   * Adds `rows` (sequence, step) pairs: row r's units are values[offset + r·stride + k] — [T, H] traces by default;
   * the fused kernel's time-major gate block [T·B, G] with stride G and the gate's block offset.
   */
  add(values: Float64Array | Float32Array, rows: number, stride = this.units, offset = 0): void {
    if (this.bins === 0) this.addCounts(values, rows, stride, offset)
    else this.addWithHistogram(values, rows, stride, offset)
    this.steps += rows
  }

  /** Sums and saturation counts only (an accumulator without a histogram): the same additions in the same order. */
  private addCounts(values: Float64Array | Float32Array, rows: number, stride: number, offset: number): void {
    const H = this.units
    const { sum, left, right, tLeft, tRight } = this
    for (let s = 0; s < rows; s++) {
      const o = offset + s * stride
      for (let k = 0; k < H; k++) {
        const v = values[o + k]!
        sum[k] = sum[k]! + v
        if (v < tLeft) left[k] = left[k]! + 1
        else if (v > tRight) right[k] = right[k]! + 1
      }
    }
  }

  private addWithHistogram(values: Float64Array | Float32Array, rows: number, stride: number, offset: number): void {
    const H = this.units
    const bins = this.bins
    const { sum, left, right, histogram, lo, width, tLeft, tRight } = this
    for (let s = 0; s < rows; s++) {
      const o = offset + s * stride
      for (let k = 0; k < H; k++) {
        const v = values[o + k]!
        sum[k] = sum[k]! + v
        if (v < tLeft) left[k] = left[k]! + 1
        else if (v > tRight) right[k] = right[k]! + 1
        let b = Math.floor((v - lo) / width)
        if (b < 0) b = 0
        else if (b >= bins) b = bins - 1
        histogram[k * bins + b] = histogram[k * bins + b]! + 1
      }
    }
  }

  /** Means and fractions per unit (divided by the number of (sequence, step) pairs added). */
  result(): { mean: Float64Array; leftSaturated: Float64Array; rightSaturated: Float64Array; histogram: Float64Array } {
    const n = Math.max(1, this.steps)
    const scale = (a: Float64Array): Float64Array => a.map((v) => v / n)
    return { mean: scale(this.sum), leftSaturated: scale(this.left), rightSaturated: scale(this.right), histogram: scale(this.histogram) }
  }
}

/** Accumulators for every statistic gate of one layer direction; `histogram: false` leaves the histograms out. */
export function accumulatorsFor(variant: CellVariant, units: number, options: { histogram?: boolean } = {}): GateAccumulator[] {
  const bins = options.histogram === false ? 0 : HISTOGRAM_BINS
  return statGates[variant].map((gate) => new GateAccumulator(gate, units, bins))
}

export function accumulateTrace(accumulators: readonly GateAccumulator[], trace: CellTrace): void {
  for (const acc of accumulators) acc.add(trace.values[acc.gate]!, trace.steps)
}
