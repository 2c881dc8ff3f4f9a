/**
 * Initial weights, one module for both engines ("layers": tfjs-layers cells; "fused": ./fused), so a run's seed alone
 * decides where it starts: for the same seed every weight of every layer is the same number in both engines, and runs
 * that differ only in engine start equal (issue 16, item 7).
 *
 * The distributions are Keras's (and were tfjs-layers' defaults before): Glorot-uniform input kernels and dense
 * kernels, U(-l, l) with l = √(6 / (fan_in + fan_out)); orthogonal recurrent kernels (a Gaussian matrix
 * orthonormalised, the sign fixed so that R's diagonal is positive, as Keras does); zero biases, except the LSTM's
 * forget gate at 1 with `unitForgetBias` (CELLS.md). Each weight draws from its own stream,
 * deriveSeed(runSeed, "init:<layer>:<weight>"), so no weight depends on how many numbers another one drew.
 *
 * How it is applied: buildModel builds every layer with tfjs-layers' own "fast weight init" (zeros, no draws, no
 * cost) and then `initializeWeights` writes the values, walking the model's weights in order — per layer: kernel,
 * recurrent_kernel, bias; a bidirectional layer lists its forward then its backward direction; the dense head: kernel,
 * bias. The two engines have the same weight names, shapes and gate orders (fused/layers.ts), so the walk is the same.
 *
 * Speed: tfjs' orthogonal initializer runs a QR decomposition built from tensor ops. Here the rows are orthonormalised
 * by modified Gram–Schmidt in float64 over contiguous rows (2·m·n² flops). Measured on the shared 2-core machine under
 * load, an LSTM's [H, 4H] recurrent kernel: H = 128: 0.4 s here vs 5.4 s for tfjs on the WebAssembly backend; H = 256:
 * 0.8 s vs 20 s; H = 512: 5 s; H = 1024: 41 s (memory-bound; huge configurations are for src/main/limits to refuse).
 * MGS loses orthogonality in
 * proportion to the matrix's condition number; a Gaussian n × m matrix with m ≥ n is well conditioned (≈ 3 for the
 * LSTM's 4H × H), so the result is orthonormal to ~1e-15 before rounding to float32 — the unit test checks QᵀQ = I and
 * agreement with ml-matrix's Householder QR. Pure arithmetic on our own generator: the same numbers on every backend.
 */
import * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../shared/config'
import { createRng, deriveSeed, type Rng } from '../../shared/random'

type Initializer = NonNullable<Parameters<tf.layers.Layer['addWeight']>[3]>

/** Glorot-uniform values for a [fanIn, fanOut] kernel (Keras's fans for a 2-D shape). */
export function glorotUniformValues(shape: readonly number[], rng: Rng): Float32Array {
  if (shape.length !== 2) throw new Error(`Glorot initialisation expects a 2-D kernel, got shape [${shape.join(', ')}]`)
  const [fanIn, fanOut] = shape as [number, number]
  const limit = Math.sqrt(6 / (fanIn + fanOut))
  const out = new Float32Array(fanIn * fanOut)
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit)
  return out
}

/**
 * An orthogonal [rows, cols] matrix (row-major): orthonormal rows when rows ≤ cols (the recurrent kernels [H, gH]),
 * orthonormal columns otherwise; Keras's orthogonal initializer with gain 1.
 */
export function orthogonalValues(shape: readonly number[], rng: Rng): Float32Array {
  if (shape.length !== 2) throw new Error(`Orthogonal initialisation expects a 2-D kernel, got shape [${shape.join(', ')}]`)
  const [rows, cols] = shape as [number, number]
  const n = Math.min(rows, cols)
  const m = Math.max(rows, cols)
  // n vectors of length m, drawn in the matrix's row-major order (so the draw is the Gaussian matrix itself).
  const v = new Float64Array(n * m)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const z = rng.normal()
      if (rows <= cols) v[r * m + c] = z
      else v[c * m + r] = z
    }
  }
  // Modified Gram–Schmidt: normalise vector j, remove its direction from every later vector.
  for (let j = 0; j < n; j++) {
    const qj = v.subarray(j * m, (j + 1) * m)
    let norm = 0
    for (let t = 0; t < m; t++) norm += qj[t]! * qj[t]!
    norm = Math.sqrt(norm)
    if (!(norm > 0)) throw new Error('Orthogonal initialisation met a degenerate random matrix')
    for (let t = 0; t < m; t++) qj[t]! /= norm
    for (let k = j + 1; k < n; k++) {
      const vk = v.subarray(k * m, (k + 1) * m)
      let dot = 0
      for (let t = 0; t < m; t++) dot += qj[t]! * vk[t]!
      for (let t = 0; t < m; t++) vk[t]! -= dot * qj[t]!
    }
  }
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = rows <= cols ? v[r * m + c]! : v[c * m + r]!
  }
  return out
}

/** A fresh seed from Math.random (which the trainer seeds per run), for layers used on their own without a seed. */
const drawSeed = (): number => Math.floor(Math.random() * 0x100000000) >>> 0

function initializer(name: string, fill: (shape: readonly number[], rng: Rng) => Float32Array, seed?: number): Initializer {
  // addWeight only calls apply(); getConfig/getClassName keep the object printable and serialisable like tfjs' own.
  return {
    apply: (shape: number[]) => tf.tensor(fill(shape, createRng(seed ?? drawSeed())), shape, 'float32'),
    getConfig: () => (seed === undefined ? {} : { seed }),
    getClassName: () => name
  } as unknown as Initializer
}

/** tfjs-compatible Glorot-uniform initializer (for layers built on their own; models use initializeWeights). */
export const glorotUniform = (args: { seed?: number } = {}): Initializer => initializer('GateLabGlorotUniform', glorotUniformValues, args.seed)
/** tfjs-compatible orthogonal initializer (gain 1), fast for large kernels. */
export const orthogonal = (args: { seed?: number } = {}): Initializer => initializer('GateLabOrthogonal', orthogonalValues, args.seed)

type InitConfig = Pick<RunConfig, 'seed' | 'cell' | 'unitForgetBias'>

/** The initial value of one weight, from its name (…/kernel, …/recurrent_kernel, …/bias) and place in the model. */
export function initialValue(config: InitConfig, where: { layer: number; weight: number; name: string; shape: number[]; recurrent: boolean }): Float32Array {
  const rng = createRng(deriveSeed(config.seed, `init:${where.layer}:${where.weight}`))
  const base = where.name.split('/').pop()!
  if (base === 'recurrent_kernel') return orthogonalValues(where.shape, rng)
  if (base === 'kernel') return glorotUniformValues(where.shape, rng)
  if (base === 'bias') {
    const bias = new Float32Array(where.shape.reduce((a, b) => a * b, 1))
    // LSTM gates are i, f, c, o in both engines: the forget gate's bias is the second quarter.
    if (where.recurrent && config.cell === 'lstm' && config.unitForgetBias) bias.fill(1, bias.length / 4, bias.length / 2)
    return bias
  }
  throw new Error(`No initial value is defined for weight "${where.name}"`)
}

/** Writes every weight of a built model (either engine) from the run's seed; see the module comment. */
export function initializeWeights(model: tf.LayersModel, config: InitConfig): void {
  model.layers.forEach((layer, index) => {
    const recurrent = layer.getClassName() !== 'Dense'
    layer.weights.forEach((variable, k) => {
      const shape = variable.shape as number[]
      const values = initialValue(config, { layer: index, weight: k, name: variable.originalName, shape, recurrent })
      const tensor = tf.tensor(values, shape, 'float32')
      variable.write(tensor)
      tensor.dispose()
    })
  })
}
