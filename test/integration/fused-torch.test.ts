/**
 * Parity with PyTorch: fixtures made by scripts/make-torch-fixtures.py (nn.LSTM and nn.GRU, PyTorch 1.13) give the
 * output and the gradients of L = Σ out ⊙ r for an input and PyTorch-initialised weights. The fused layers, given the
 * same weights converted to the Keras layout (transposed; GRU gates r,z,n → z,r,h; LSTM biases summed; GRU biases as
 * the two rows of the reset-after bias), must reproduce all of them to 1e-5 relative, gradients converted back.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { fusedGRU, fusedLSTM } from '../../src/main/engine/fused'
import { relativeError } from '../../src/main/engine/fused/reference'

interface Fixture {
  torch: string
  cell: 'lstm' | 'gru'
  target: 'sequence' | 'last'
  batch: number
  steps: number
  inputDim: number
  units: number
  x: number[]
  r: number[]
  y: number[]
  params: Record<'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', number[]>
  grads: Record<'x' | 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', number[]>
}

const dir = join(__dirname, '..', 'fixtures', 'torch')
// The layer fixtures; inspect-*.json are the inspector's own (test/integration/inspect-*.test.ts).
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('inspect-')).sort()

/** Keras gate block k holds PyTorch gate block perm[k]: LSTM i,f,g,o is the same order; GRU z,r,h ← r,z,n. */
const perm = (cell: 'lstm' | 'gru'): number[] => (cell === 'lstm' ? [0, 1, 2, 3] : [1, 0, 2])

/** PyTorch [kH, n] (rows are gate units) → Keras [n, kH] with gate blocks reordered. */
function toKeras(w: number[], n: number, H: number, order: number[]): Float32Array {
  const G = order.length * H
  const out = new Float32Array(n * G)
  order.forEach((src, dst) => {
    for (let u = 0; u < H; u++) for (let c = 0; c < n; c++) out[c * G + dst * H + u] = w[(src * H + u) * n + c]!
  })
  return out
}

/** The inverse for gradients: Keras [n, kH] → PyTorch [kH, n]. */
function toTorch(w: ArrayLike<number>, n: number, H: number, order: number[]): Float32Array {
  const G = order.length * H
  const out = new Float32Array(G * n)
  order.forEach((src, dst) => {
    for (let u = 0; u < H; u++) for (let c = 0; c < n; c++) out[(src * H + u) * n + c] = w[c * G + dst * H + u]!
  })
  return out
}

const reorder = (b: ArrayLike<number>, H: number, order: number[], inverse = false): Float32Array => {
  const out = new Float32Array(order.length * H)
  order.forEach((src, dst) => {
    for (let u = 0; u < H; u++) {
      if (inverse) out[src * H + u] = b[dst * H + u]!
      else out[dst * H + u] = b[src * H + u]!
    }
  })
  return out
}

describe('fused layers against PyTorch fixtures', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  it('has fixtures for LSTM and GRU', () => {
    expect(fixtures).toEqual(['gru-last.json', 'gru-sequence.json', 'lstm-last.json', 'lstm-sequence.json'])
  })

  for (const file of fixtures) {
    it(`${file}: output and every gradient match PyTorch to 1e-5`, () => {
      const f = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture
      const { batch: B, steps: T, inputDim: D, units: H, cell } = f
      const order = perm(cell)
      const returnSequences = f.target === 'sequence'
      const layer = cell === 'lstm' ? fusedLSTM({ units: H, returnSequences }) : fusedGRU({ units: H, returnSequences, resetAfter: true })
      layer.build([null, T, D])
      let bias: tf.Tensor
      if (cell === 'lstm') {
        bias = tf.tensor(f.params.bias_ih.map((v, i) => v + f.params.bias_hh[i]!))
      } else {
        const b = new Float32Array(6 * H)
        b.set(reorder(f.params.bias_ih, H, order), 0)
        b.set(reorder(f.params.bias_hh, H, order), 3 * H)
        bias = tf.tensor(b, [2, 3 * H])
      }
      layer.setWeights([
        tf.tensor(toKeras(f.params.weight_ih, D, H, order), [D, order.length * H]),
        tf.tensor(toKeras(f.params.weight_hh, H, H, order), [H, order.length * H]),
        bias
      ])
      const x = tf.tensor(f.x, [B, T, D])
      const r = tf.tensor(f.r, returnSequences ? [B, T, H] : [B, H])
      const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r))
      const y = layer.apply(x) as tf.Tensor
      expect(relativeError(y.dataSync(), f.y), 'output').toBeLessThan(1e-5)
      expect(relativeError(tf.grad(loss)(x).dataSync(), f.grads.x), 'dx').toBeLessThan(1e-5)

      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable)
      const { grads } = tf.variableGrads(() => loss(x), vars)
      const [dW, dU, db] = vars.map((v) => grads[v.name]!.dataSync())
      expect(relativeError(toTorch(dW!, D, H, order), f.grads.weight_ih), 'd weight_ih').toBeLessThan(1e-5)
      expect(relativeError(toTorch(dU!, H, H, order), f.grads.weight_hh), 'd weight_hh').toBeLessThan(1e-5)
      if (cell === 'lstm') {
        // The two PyTorch biases enter the same sum, so both receive the one Keras bias gradient.
        expect(relativeError(db!, f.grads.bias_ih), 'd bias_ih').toBeLessThan(1e-5)
        expect(relativeError(db!, f.grads.bias_hh), 'd bias_hh').toBeLessThan(1e-5)
      } else {
        expect(relativeError(reorder(db!.slice(0, 3 * H), H, order, true), f.grads.bias_ih), 'd bias_ih').toBeLessThan(1e-5)
        expect(relativeError(reorder(db!.slice(3 * H), H, order, true), f.grads.bias_hh), 'd bias_hh').toBeLessThan(1e-5)
      }
      tf.dispose([x, r, y, bias])
    })
  }
})
