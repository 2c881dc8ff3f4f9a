/**
 * Same seed, same start (issue 16, item 7): the two engines' models, built from one configuration, hold bit-identical
 * initial weights — every layer, both directions, the dense head — and the initial values have the distributions the
 * module promises (orthogonal to float32 precision, matching a library Householder QR; Glorot bounds; forget bias 1).
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { Matrix, QrDecomposition } from 'ml-matrix'
import { buildModel, type ModelShape } from '../../src/main/engine/model'
import { glorotUniformValues, orthogonal, orthogonalValues } from '../../src/main/engine/init'
import { fusedLSTM } from '../../src/main/engine/fused'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { createRng } from '../../src/shared/random'

const configOf = (input: RunConfigInput): RunConfig => {
  const result = normalizeRunConfig({ seed: 11, ...input })
  if (!result.ok) throw new Error(result.message)
  return result.config
}
const shape: ModelShape = { kind: 'regression', seqLen: 5, inputSize: 3, outputSize: 2, perStep: false }

/** Every weight of a freshly built model: name (without the layer's auto-numbered prefix), shape, values. */
function weightsOf(input: RunConfigInput): { names: string[]; shapes: number[][]; values: Float32Array[] } {
  const { model } = buildModel(configOf(input), shape)
  const weights = model.weights
  const out = {
    names: weights.map((w) => w.originalName.split('/').pop()!),
    shapes: weights.map((w) => w.shape as number[]),
    values: weights.map((w) => w.read().dataSync() as Float32Array)
  }
  model.dispose()
  return out
}

/** Max |AᵀA − I| (columns of a row-major rows × cols matrix) or |AAᵀ − I| (rows), whichever is the orthonormal side. */
function orthogonalityError(values: Float32Array, rows: number, cols: number): number {
  const a = new Matrix(Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols))))
  const gram = rows <= cols ? a.mmul(a.transpose()) : a.transpose().mmul(a)
  return gram.sub(Matrix.eye(gram.rows)).abs().max()
}

describe('one initializer for both engines', () => {
  const cases: [string, RunConfigInput, RunConfigInput][] = [
    ['LSTM', { cell: 'lstm', units: 6 }, {}],
    ['GRU reset-before', { cell: 'gru', units: 6, gruForm: 'reset-before' }, {}],
    ['RNN', { cell: 'rnn', units: 6 }, {}],
    ['stacked bidirectional LSTM', { cell: 'lstm', units: 4, layers: 2, bidirectional: true }, {}],
    ['stacked GRU', { cell: 'gru', units: 4, layers: 3, gruForm: 'reset-before' }, {}]
  ]
  for (const [label, input] of cases) {
    it(`${label}: every initial weight is bit-identical in engines "layers" and "fused"`, () => {
      const layers = weightsOf({ ...input, engine: 'layers' })
      const fused = weightsOf({ ...input, engine: 'fused' })
      expect(fused.names).toEqual(layers.names)
      expect(fused.shapes).toEqual(layers.shapes)
      expect(layers.values.length).toBeGreaterThanOrEqual(5)
      layers.values.forEach((v, k) => {
        expect(Buffer.from(fused.values[k]!.buffer).equals(Buffer.from(v.buffer)), `weight ${k} (${layers.names[k]})`).toBe(true)
      })
      // Not zeros (the fast build's placeholder) anywhere a kernel is.
      layers.values.forEach((v, k) => {
        if (layers.names[k] !== 'bias') expect(v.some((x) => x !== 0)).toBe(true)
      })
    })
  }

  it('GRU reset-after (fused only) starts from the same kernels as reset-before; its [2, 3H] bias is zero', () => {
    const after = weightsOf({ cell: 'gru', units: 6, engine: 'fused' })
    const before = weightsOf({ cell: 'gru', units: 6, engine: 'layers' })
    expect(after.shapes[2]).toEqual([2, 18])
    expect(after.values[0]).toEqual(before.values[0])
    expect(after.values[1]).toEqual(before.values[1])
    expect(after.values[2]!.every((x) => x === 0)).toBe(true)
  })

  it('a bidirectional layer gets different draws for its two directions, and another seed gives other weights', () => {
    const bi = weightsOf({ cell: 'lstm', units: 4, bidirectional: true, engine: 'layers' })
    expect(bi.names.slice(0, 6)).toEqual(['kernel', 'recurrent_kernel', 'bias', 'kernel', 'recurrent_kernel', 'bias'])
    expect(bi.values[0]).not.toEqual(bi.values[3])
    const other = weightsOf({ cell: 'lstm', units: 4, bidirectional: true, engine: 'layers', seed: 12 })
    expect(other.values[0]).not.toEqual(bi.values[0])
  })

  it('LSTM forget bias is 1 (gates i, f, c, o), 0 without unitForgetBias; the dense head is Glorot with zero bias', () => {
    const H = 6
    const lstm = weightsOf({ cell: 'lstm', units: H, engine: 'fused' })
    expect(Array.from(lstm.values[2]!)).toEqual([...Array(H).fill(0), ...Array(H).fill(1), ...Array(2 * H).fill(0)])
    const plain = weightsOf({ cell: 'lstm', units: H, unitForgetBias: false, engine: 'layers' })
    expect(plain.values[2]!.every((x) => x === 0)).toBe(true)
    const [denseKernel, denseBias] = [lstm.values[3]!, lstm.values[4]!]
    const limit = Math.sqrt(6 / (H + 2))
    expect(Math.max(...denseKernel.map(Math.abs))).toBeLessThanOrEqual(limit)
    expect(denseBias.every((x) => x === 0)).toBe(true)
    // The recurrent kernel [H, 4H] has orthonormal rows.
    expect(orthogonalityError(lstm.values[1]!, H, 4 * H)).toBeLessThan(1e-6)
  })
})

describe('the initial distributions', () => {
  it('orthogonal: orthonormal rows (wide) or columns (tall), equal to Householder QR with R’s diagonal positive', () => {
    for (const [rows, cols] of [[8, 32], [12, 12], [20, 7]] as const) {
      const values = orthogonalValues([rows, cols], createRng(3))
      expect(orthogonalityError(values, rows, cols)).toBeLessThan(1e-6)
      // The same Gaussian draw through ml-matrix's Householder QR, signs fixed as Keras does (Q · sign(diag R)).
      const rng = createRng(3)
      const g = new Matrix(Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal())))
      const tall = rows <= cols ? g.transpose() : g
      const qr = new QrDecomposition(tall)
      const q = qr.orthogonalMatrix.subMatrix(0, tall.rows - 1, 0, tall.columns - 1)
      const r = qr.upperTriangularMatrix
      for (let j = 0; j < tall.columns; j++) if (r.get(j, j) < 0) for (let i = 0; i < tall.rows; i++) q.set(i, j, -q.get(i, j))
      const expected = rows <= cols ? q.transpose() : q
      let worst = 0
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) worst = Math.max(worst, Math.abs(expected.get(i, j) - values[i * cols + j]!))
      expect(worst).toBeLessThan(1e-6)
    }
  })

  it('Glorot uniform: within ±√(6 / (fan_in + fan_out)), filling that range', () => {
    const values = glorotUniformValues([40, 60], createRng(1))
    const limit = Math.sqrt(6 / 100)
    const max = Math.max(...values.map(Math.abs))
    expect(max).toBeLessThanOrEqual(limit)
    expect(max).toBeGreaterThan(0.95 * limit)
  })

  it('a fused layer built on its own still starts from real values (seeded when asked)', () => {
    const build = (seed?: number): Float32Array[] => {
      const layer = fusedLSTM({ units: 4, ...(seed !== undefined ? { seed } : {}) })
      layer.build([null, 3, 2])
      const values = layer.getWeights().map((w) => w.dataSync() as Float32Array)
      return values
    }
    const [a, b] = [build(5), build(5)]
    expect(a[0]).toEqual(b[0])
    expect(a[1]).toEqual(b[1])
    expect(orthogonalityError(a[1]!, 4, 16)).toBeLessThan(1e-6)
    expect(build()[0]!.some((x) => x !== 0)).toBe(true)
    expect(orthogonal({ seed: 2 }).apply([3, 3]).shape).toEqual([3, 3])
    tf.disposeVariables()
  })
})
