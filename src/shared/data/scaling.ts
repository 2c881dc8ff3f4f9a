/**
 * Scaling of input and target columns, fitted on the training rows only (fitting on all rows would let the validation
 * and test periods leak their level and spread into training). Stored with the run as {kind, offset, scale} so a
 * prediction p in scaled units is p * scale + offset in the column's own units.
 */
export type ScalingKind = 'zscore' | 'minmax' | 'none'

export interface Scaling {
  kind: ScalingKind
  /** One entry per column: mean (zscore) or minimum (minmax) or 0 (none). */
  offset: number[]
  /** One entry per column: standard deviation (zscore) or max − min (minmax) or 1 (none); 1 when the column is constant. */
  scale: number[]
}

/** Fits one offset and scale per column on rows [start, end). */
export function fitScaling(kind: ScalingKind, columns: readonly Float64Array[], start: number, end: number): Scaling {
  const offset: number[] = []
  const scale: number[] = []
  for (const col of columns) {
    if (kind === 'none' || end <= start) {
      offset.push(0)
      scale.push(1)
      continue
    }
    if (kind === 'minmax') {
      let min = Infinity
      let max = -Infinity
      for (let i = start; i < end; i++) {
        const v = col[i]!
        if (v < min) min = v
        if (v > max) max = v
      }
      offset.push(min)
      scale.push(max > min ? max - min : 1)
      continue
    }
    // Welford's method: one pass, no catastrophic cancellation on large offsets (CO2 ≈ 400 ± 20).
    let mean = 0
    let m2 = 0
    let n = 0
    for (let i = start; i < end; i++) {
      const v = col[i]!
      n++
      const d = v - mean
      mean += d / n
      m2 += d * (v - mean)
    }
    const sd = Math.sqrt(m2 / n)
    offset.push(mean)
    scale.push(sd > 0 ? sd : 1)
  }
  return { kind, offset, scale }
}

/** Scales every row of every column with a fitted scaling, into float32 (what the model consumes). */
export function applyScaling(scaling: Scaling, columns: readonly Float64Array[]): Float32Array[] {
  return columns.map((col, c) => {
    const offset = scaling.offset[c]!
    const scale = scaling.scale[c]!
    const out = new Float32Array(col.length)
    for (let i = 0; i < col.length; i++) out[i] = (col[i]! - offset) / scale
    return out
  })
}

/** A value in scaled units back in the column's own units. */
export function unscale(scaling: Pick<Scaling, 'offset' | 'scale'>, column: number, value: number): number {
  return value * scaling.scale[column]! + scaling.offset[column]!
}
