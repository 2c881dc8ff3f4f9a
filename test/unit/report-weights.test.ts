/**
 * The plain JSON weights layout is only useful if it is right: these tests save real tfjs models with the engine's
 * own artifact code, convert them, then recompute the network from the JSON alone with the CELLS.md equations (gate
 * order and shapes exactly as the layout states) and compare with tfjs' predictions.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { modelToFiles } from '../../src/main/engine/artifacts'
import { buildModel } from '../../src/main/engine/model'
import { decodeWeights, parseModelJson, plainWeights, renameWeightsPath, type PlainDenseLayer, type PlainRecurrentLayer, type PlainWeights } from '../../src/main/report/weights'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { makeRun } from './report.fixtures'

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
const hardSigmoid = (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5))

type Matrix = number[][]

/** x · W for a row vector x and W [in, out]. */
function times(x: readonly number[], w: Matrix): number[] {
  const out = new Array<number>(w[0]!.length).fill(0)
  x.forEach((xi, i) => w[i]!.forEach((wij, j) => (out[j]! += xi * wij)))
  return out
}

/** One recurrent layer over a sequence, from the layout alone; returns every step's h. */
function runRecurrent(layer: PlainRecurrentLayer, seq: number[][], weights: PlainRecurrentLayer['weights'][number]): number[][] {
  const H = layer.units
  const gate = layer.recurrentActivation === 'hard_sigmoid' ? hardSigmoid : sigmoid
  const W = weights.kernel.values as Matrix
  const U = weights.recurrentKernel.values as Matrix
  // reset-after GRUs carry two bias rows [input bias, recurrent bias] (layout doc); the others one vector.
  const rawBias = weights.bias?.values as number[] | number[][] | undefined
  const twoRows = Array.isArray(rawBias?.[0])
  const b = (twoRows ? (rawBias as number[][])[0] : (rawBias as number[] | undefined)) ?? new Array<number>(W[0]!.length).fill(0)
  const bh = twoRows ? (rawBias as number[][])[1]! : new Array<number>(W[0]!.length).fill(0)
  const block = (v: number[], k: number): number[] => v.slice(k * H, (k + 1) * H)
  const order = (name: string): number => layer.gateOrder.indexOf(name)
  let h = new Array<number>(H).fill(0)
  let c = new Array<number>(H).fill(0)
  const steps = weights.direction === 'backward' ? [...seq].reverse() : seq
  const out: number[][] = []
  for (const x of steps) {
    const xw = times(x, W).map((v, j) => v + b[j]!)
    if (layer.type === 'lstm') {
      const z = times(h, U).map((v, j) => v + xw[j]!)
      const i = block(z, order('i')).map(gate)
      const f = block(z, order('f')).map(gate)
      const g = block(z, order('c')).map(Math.tanh)
      const o = block(z, order('o')).map(gate)
      c = c.map((cj, j) => f[j]! * cj + i[j]! * g[j]!)
      h = c.map((cj, j) => o[j]! * Math.tanh(cj))
    } else if (layer.type === 'gru' && layer.gruForm === 'reset-after') {
      // reset-after (CELLS.md): z, r from W x + b + U h + b_h; n = tanh(W_n x + b_n + r ⊙ (U_n h + b_hn))
      const hu = times(h, U).map((v, j) => v + bh[j]!)
      const z = block(xw, order('z')).map((v, j) => gate(v + block(hu, order('z'))[j]!))
      const r = block(xw, order('r')).map((v, j) => gate(v + block(hu, order('r'))[j]!))
      const n = block(xw, order('h')).map((v, j) => Math.tanh(v + r[j]! * block(hu, order('h'))[j]!))
      h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * n[j]!)
    } else if (layer.type === 'gru') {
      expect(layer.gruForm).toBe('reset-before')
      const hu = times(h, U)
      const z = block(xw, order('z')).map((v, j) => gate(v + block(hu, order('z'))[j]!))
      const r = block(xw, order('r')).map((v, j) => gate(v + block(hu, order('r'))[j]!))
      // reset-before: n = tanh(W_n x + U_n (r ⊙ h) + b_n)
      const Un = U.map((row) => block(row, order('h')))
      const n = block(xw, order('h')).map((v, j) => Math.tanh(v + times(h.map((hj, k) => r[k]! * hj), Un)[j]!))
      h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * n[j]!)
    } else {
      h = times(h, U).map((v, j) => Math.tanh(v + xw[j]!))
    }
    out.push(h)
  }
  return weights.direction === 'backward' ? out.reverse() : out
}

/** The whole network from the plain JSON: recurrent layers (bidirectional: concat forward, backward), then dense. */
function forward(plain: PlainWeights, seq: number[][]): number[] {
  let xs = seq
  let last: number[] = []
  for (const layer of plain.layers) {
    if (layer.type === 'dense') {
      const d = layer as PlainDenseLayer
      return times(last, d.kernel.values as Matrix).map((v, j) => v + ((d.bias?.values as number[] | undefined)?.[j] ?? 0))
    }
    const outs = layer.weights.map((w) => runRecurrent(layer, xs, w))
    xs = xs.map((_, t) => outs.flatMap((o) => o[t]!))
    // A backward layer's "last" output is the one at t = 0 (it processed the sequence from the end).
    last = outs.flatMap((o, k) => (layer.weights[k]!.direction === 'backward' ? o[0]! : o[o.length - 1]!))
  }
  throw new Error('no dense head')
}

function configOf(input: RunConfigInput): RunConfig {
  const normalized = normalizeRunConfig(input)
  if (!normalized.ok) throw new Error(normalized.message)
  return normalized.config
}

async function check(configInput: RunConfigInput): Promise<PlainWeights> {
  // tfjs-layers models by default here (their GRU is reset-before); a test below passes engine "fused" explicitly.
  const config = configOf({ seqLen: 6, units: 5, seed: 3, engine: 'layers', ...configInput })
  const { model } = buildModel(config, { kind: 'regression', seqLen: 6, inputSize: 2, outputSize: 1, perStep: false })
  const files = await modelToFiles(model)
  const run = makeRun({ id: `w-${config.cell}`, cell: config.cell }).run
  const plain = JSON.parse(JSON.stringify(plainWeights(run, files.topology, files.weights))) as PlainWeights
  const x = Array.from({ length: 3 }, (_, n) => Array.from({ length: 6 }, (_, t) => [Math.sin(n + t), Math.cos(2 * n - t) * 0.5]))
  const expected = model.predict(tf.tensor3d(x)) as tf.Tensor
  const want = (await expected.array()) as number[][]
  x.forEach((seq, n) => expect(forward(plain, seq)[0]).toBeCloseTo(want[n]![0]!, 5))
  expected.dispose()
  model.dispose()
  return plain
}

describe('plain JSON weights', () => {
  it('rebuilds an LSTM (gate order i, f, c, o) exactly', async () => {
    const plain = await check({ cell: 'lstm', layers: 2 })
    const first = plain.layers[0] as PlainRecurrentLayer
    expect(first).toMatchObject({ type: 'lstm', units: 5, inputSize: 2, gateOrder: ['i', 'f', 'c', 'o'], recurrentActivation: 'sigmoid', returnSequences: true })
    expect(first.weights[0]!.kernel.shape).toEqual([2, 20])
    expect(first.weights[0]!.recurrentKernel.shape).toEqual([5, 20])
    expect(first.weights[0]!.bias!.shape).toEqual([20])
    // unitForgetBias: the forget block (second) of the bias starts at 1; training moved it only a little (untrained here).
    expect((first.weights[0]!.bias!.values as number[]).slice(5, 10)).toEqual([1, 1, 1, 1, 1])
    expect(plain.input).toEqual({ seqLen: 6, inputSize: 2 })
    expect(plain.layers.map((l) => l.type)).toEqual(['lstm', 'lstm', 'dense'])
  })

  it('rebuilds a bidirectional GRU (z, r, h; reset-before) with hard-sigmoid gates exactly', async () => {
    const plain = await check({ cell: 'gru', bidirectional: true, recurrentActivation: 'hardSigmoid' })
    const gru = plain.layers[0] as PlainRecurrentLayer
    expect(gru).toMatchObject({ type: 'gru', gateOrder: ['z', 'r', 'h'], gruForm: 'reset-before', bidirectional: true, recurrentActivation: 'hard_sigmoid' })
    expect(gru.weights.map((w) => w.direction)).toEqual(['forward', 'backward'])
    expect((plain.layers[1] as PlainDenseLayer).kernel.shape).toEqual([10, 1])
  })

  it('rebuilds models of the fused engine (the default): LSTM and a reset-after GRU with its two biases', async () => {
    const lstm = await check({ cell: 'lstm', engine: 'fused' })
    expect(lstm.layers[0]).toMatchObject({ type: 'lstm', gateOrder: ['i', 'f', 'c', 'o'] })
    const gru = await check({ cell: 'gru', engine: 'fused', layers: 2 })
    expect(gru.layers[0]).toMatchObject({ type: 'gru', gateOrder: ['z', 'r', 'h'], gruForm: 'reset-after' })
    expect((gru.layers[0] as PlainRecurrentLayer).weights[0]!.bias!.shape).toEqual([2, 15])
  })

  it('rebuilds a plain tanh RNN exactly', async () => {
    const plain = await check({ cell: 'rnn' })
    expect(plain.layers[0]).toMatchObject({ type: 'rnn', gateOrder: ['h'], recurrentActivation: null })
  })

  it('refuses a weights file that does not match its manifest', async () => {
    const { model } = buildModel(configOf({ cell: 'lstm', units: 3, seed: 1 }), { kind: 'regression', seqLen: 4, inputSize: 1, outputSize: 1, perStep: false })
    const files = await modelToFiles(model)
    const specs = parseModelJson(files.topology).weightsManifest[0]!.weights
    expect(() => decodeWeights(specs, files.weights.subarray(0, files.weights.length - 4))).toThrow(/shorter than its manifest/)
    expect(() => decodeWeights(specs, new Uint8Array([...files.weights, 0, 0, 0, 0]))).toThrow(/manifest describes/)
    // Renaming the weights path keeps the rest of model.json.
    const renamed = parseModelJson(renameWeightsPath(files.topology, 'run-1-weights.bin'))
    expect(renamed.weightsManifest[0]!.paths).toEqual(['run-1-weights.bin'])
    expect(renamed.modelTopology).toEqual(parseModelJson(files.topology).modelTopology)
    model.dispose()
  })
})
