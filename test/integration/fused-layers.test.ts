/**
 * The fused layers inside TF.js: with the same weights, outputs and every gradient (weights and input) match
 * tfjs-layers' LSTM, GRU (reset-before) and SimpleRNN to 1e-5 relative — alone, stacked, with sequence outputs, with
 * hardSigmoid gates and bidirectional — on the cpu and wasm backends; a model with fused layers trains with Adam,
 * saves and loads back, and holds no more tensors or kernel memory after more epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { FusedGRU, FusedLSTM, INFERENCE_CHUNK, fusedBidirectional, fusedGRU, fusedLSTM, fusedSimpleRNN, type FusedRecurrent } from '../../src/main/engine/fused'
import { relativeError } from '../../src/main/engine/fused/reference'
import { INFERENCE_BYTES, inferenceRows } from '../../src/main/engine/fused/chunk'
import { FusedKernel, kernelRowBytes } from '../../src/main/engine/fused/kernel'

type Cell = 'lstm' | 'gru' | 'rnn'

function tfjsLayer(cell: Cell, args: { units: number; returnSequences: boolean; hard?: boolean; inputShape?: number[] }): tf.layers.Layer {
  const common = { units: args.units, returnSequences: args.returnSequences, ...(args.inputShape ? { inputShape: args.inputShape } : {}) }
  const recurrentActivation = args.hard ? 'hardSigmoid' : 'sigmoid'
  if (cell === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation, unitForgetBias: true })
  if (cell === 'gru') return tf.layers.gru({ ...common, recurrentActivation })
  return tf.layers.simpleRNN({ ...common, activation: 'tanh' })
}

function fusedLayer(cell: Cell, args: { units: number; returnSequences: boolean; hard?: boolean; inputShape?: number[] }): FusedRecurrent {
  const common = { units: args.units, returnSequences: args.returnSequences, ...(args.inputShape ? { inputShape: args.inputShape } : {}) }
  const recurrentActivation = args.hard ? ('hardSigmoid' as const) : ('sigmoid' as const)
  if (cell === 'lstm') return fusedLSTM({ ...common, recurrentActivation })
  if (cell === 'gru') return fusedGRU({ ...common, recurrentActivation, resetAfter: false })
  return fusedSimpleRNN(common)
}

interface Arch {
  name: string
  layers: number
  bidirectional: boolean
  returnSequences: boolean
  hard: boolean
}

const archs: Arch[] = [
  { name: 'one layer, last step', layers: 1, bidirectional: false, returnSequences: false, hard: false },
  { name: 'one layer, sequence output', layers: 1, bidirectional: false, returnSequences: true, hard: false },
  { name: 'two stacked layers', layers: 2, bidirectional: false, returnSequences: false, hard: false },
  { name: 'hardSigmoid gates', layers: 1, bidirectional: false, returnSequences: true, hard: true },
  { name: 'bidirectional, two layers', layers: 2, bidirectional: true, returnSequences: true, hard: false }
]

const [B, T, D, H] = [3, 6, 2, 5]

function buildPair(cell: Cell, arch: Arch): { reference: tf.Sequential; fused: tf.Sequential } {
  const make = (kind: 'tfjs' | 'fused'): tf.Sequential => {
    const model = tf.sequential()
    for (let i = 0; i < arch.layers; i++) {
      const args = { units: H, returnSequences: i < arch.layers - 1 || arch.returnSequences, hard: arch.hard }
      const inputShape = i === 0 ? { inputShape: [T, D] } : {}
      if (arch.bidirectional) {
        const layer = kind === 'tfjs' ? tfjsLayer(cell, args) : fusedLayer(cell, args)
        model.add(
          kind === 'tfjs'
            ? tf.layers.bidirectional({ layer: layer as unknown as tf.RNN, mergeMode: 'concat', ...inputShape })
            : fusedBidirectional(layer as FusedRecurrent, inputShape)
        )
      } else {
        model.add(kind === 'tfjs' ? tfjsLayer(cell, { ...args, ...inputShape }) : fusedLayer(cell, { ...args, ...inputShape }))
      }
    }
    model.add(tf.layers.dense({ units: 2 }))
    return model
  }
  const reference = make('tfjs')
  const fused = make('fused')
  // Random, not initial, weights (biases included) so every gate and path matters.
  fused.setWeights(reference.getWeights().map((w) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', 7)))
  reference.setWeights(fused.getWeights())
  return { reference, fused }
}

function gradients(model: tf.Sequential, x: tf.Tensor, r: tf.Tensor): { y: tf.Tensor; dx: tf.Tensor; dw: tf.Tensor[] } {
  const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(model.apply(input) as tf.Tensor, r))
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { grads } = tf.variableGrads(() => loss(x), vars)
  const dx = tf.grad(loss)(x)
  return { y: model.predict(x) as tf.Tensor, dx, dw: vars.map((v) => grads[v.name]!) }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused layers on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true)
    })

    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      for (const arch of archs) {
        if (cell === 'rnn' && arch.hard) continue
        it(`${cell}, ${arch.name}: output and all gradients match tfjs-layers to 1e-5`, () => {
          const { reference, fused } = buildPair(cell, arch)
          const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 3)
          const outShape = (reference.outputs[0]!.shape as number[]).slice(1) as number[]
          const r = tf.randomNormal([B, ...outShape], 0, 1, 'float32', 5)
          const want = gradients(reference, x, r)
          const got = gradients(fused, x, r)
          expect(got.y.shape).toEqual(want.y.shape)
          expect(relativeError(got.y.dataSync(), want.y.dataSync()), 'output').toBeLessThan(1e-5)
          expect(relativeError(got.dx.dataSync(), want.dx.dataSync()), 'input gradient').toBeLessThan(1e-5)
          expect(got.dw).toHaveLength(want.dw.length)
          want.dw.forEach((w, i) => {
            expect(relativeError(got.dw[i]!.dataSync(), w.dataSync()), `gradient of ${fused.trainableWeights[i]!.name}`).toBeLessThan(1e-5)
          })
          tf.dispose([x, r, want.y, want.dx, ...want.dw, got.y, got.dx, ...got.dw])
          reference.dispose()
          fused.dispose()
        })
      }
    }
  })
}

describe('fused layers in a training loop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  afterAll(() => {
    tf.disposeVariables()
  })

  const data = (n: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor } => {
    const xs = tf.randomUniform([n, 8, 1], 0, 1, 'float32', seed)
    // Target: the mean of the sequence, something a small recurrent net learns quickly.
    return { xs, ys: tf.mean(xs, 1) }
  }

  for (const [name, layer] of [
    ['LSTM', () => fusedLSTM({ units: 8, inputShape: [8, 1] })],
    ['GRU reset-after', () => fusedGRU({ units: 8, inputShape: [8, 1] })],
    ['RNN', () => fusedSimpleRNN({ units: 8, inputShape: [8, 1] })]
  ] as const) {
    it(`${name}: fit with Adam lowers the loss; save → load gives the same predictions`, async () => {
      const model = tf.sequential({ layers: [layer(), tf.layers.dense({ units: 1 })] })
      model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' })
      const { xs, ys } = data(64, 1)
      const history = await model.fit(xs, ys, { epochs: 30, batchSize: 16, shuffle: false, verbose: 0 })
      const losses = history.history.loss as number[]
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5)

      let saved: tf.io.ModelArtifacts | undefined
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      }))
      expect(JSON.stringify(saved!.modelTopology)).toContain(layer().getClassName())
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!))
      const a = model.predict(xs) as tf.Tensor
      const b = loaded.predict(xs) as tf.Tensor
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
      tf.dispose([xs, ys, a, b])
      model.dispose()
      loaded.dispose()
    })
  }

  it('bidirectional fused GRU with input dropout trains, and a config round trip keeps every option', async () => {
    const gru = new FusedGRU({ units: 6, returnSequences: true, dropout: 0.2, recurrentActivation: 'hardSigmoid', resetAfter: false })
    const model = tf.sequential({
      layers: [fusedBidirectional(gru, { inputShape: [8, 1] }), fusedLSTM({ units: 4, unitForgetBias: false }), tf.layers.dense({ units: 1 })]
    })
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' })
    const { xs, ys } = data(32, 2)
    const history = await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 })
    expect((history.history.loss as number[]).every(Number.isFinite)).toBe(true)
    const config = gru.getConfig()
    expect(config).toMatchObject({ units: 6, returnSequences: true, dropout: 0.2, recurrentActivation: 'hardSigmoid', resetAfter: false })
    const clone = FusedGRU.fromConfig(FusedGRU, config) as FusedGRU
    expect(clone.spec).toEqual(gru.spec)
    expect(new FusedLSTM({ units: 3 }).getConfig()).toMatchObject({ unitForgetBias: true, recurrentActivation: 'sigmoid' })
    tf.dispose([xs, ys])
    model.dispose()
  })

  it('large batches outside training run in chunks: same outputs and gradients, bounded kernel memory', () => {
    const layer = fusedLSTM({ units: 16, returnSequences: true })
    layer.build([null, 40, 2])
    const x = tf.randomNormal([INFERENCE_CHUNK * 2 + 5, 40, 2], 0, 1, 'float32', 9)
    const chunked = layer.apply(x) as tf.Tensor
    const whole = layer.apply(x, { training: true }) as tf.Tensor
    expect(relativeError(chunked.dataSync(), whole.dataSync())).toBeLessThan(1e-6)
    const trainingBytes = layer.kernelMemoryBytes
    const small = fusedLSTM({ units: 16, returnSequences: true })
    small.build([null, 40, 2])
    small.setWeights(layer.getWeights())
    tf.dispose(small.apply(x) as tf.Tensor)
    expect(small.kernelMemoryBytes).toBeLessThan(trainingBytes * 0.6)
    const grad = (training: boolean) => tf.grad((input: tf.Tensor) => tf.sum(tf.square(layer.apply(input, { training }) as tf.Tensor)))(x)
    expect(relativeError(grad(false).dataSync(), grad(true).dataSync())).toBeLessThan(1e-6)
    tf.dispose([x, chunked, whole])
  })

  it('inference chunks are bounded by kernel memory too: 256 units × 100 steps run 46 rows at a time, same bits', () => {
    const layer = fusedLSTM({ units: 256 })
    layer.build([null, 100, 1])
    const rows = inferenceRows(kernelRowBytes(layer.spec, 100, 1))
    // 0.69 MiB of kernel layout a sequence (gates T·4H, states, tanh(c) and hidden states 3·T·H, the rest small).
    expect(kernelRowBytes(layer.spec, 100, 1) / 2 ** 20).toBeCloseTo(0.69, 2)
    expect(rows).toBe(46)
    const x = tf.randomNormal([2 * rows + 3, 100, 1], 0, 1, 'float32', 4)
    const chunked = layer.apply(x) as tf.Tensor
    // The kernel's memory after the chunked pass: rows sequences' worth, within the byte bound plus the weights' part.
    const fixed = new FusedKernel().memoryBytes
    expect(layer.kernelMemoryBytes).toBeLessThan(INFERENCE_BYTES + fixed + 4 * 2 ** 20)
    const whole = layer.apply(x, { training: true }) as tf.Tensor
    expect(Array.from(chunked.dataSync())).toEqual(Array.from(whole.dataSync()))
    tf.dispose([x, chunked, whole])
  })

  it('inferenceRows: at most INFERENCE_CHUNK rows and INFERENCE_BYTES, at least one', () => {
    expect(inferenceRows(1024)).toBe(INFERENCE_CHUNK)
    expect(inferenceRows(INFERENCE_BYTES / 40)).toBe(40)
    expect(inferenceRows(INFERENCE_BYTES * 3)).toBe(1)
    expect(inferenceRows(0)).toBe(INFERENCE_CHUNK)
  })

  it('unit forget bias initialises the forget gate bias to 1 and the rest to 0', () => {
    const layer = fusedLSTM({ units: 3 })
    layer.build([null, 4, 2])
    expect(Array.from(layer.getWeights()[2]!.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    const gru = fusedGRU({ units: 3 })
    gru.build([null, 4, 2])
    expect(gru.getWeights().map((w) => w.shape)).toEqual([[2, 9], [3, 9], [2, 9]])
  })

  it('no growth across epochs: tensors and kernel memory stay constant', async () => {
    const lstm = new FusedLSTM({ units: 16, returnSequences: false })
    const model = tf.sequential({ layers: [new FusedGRU({ units: 16, returnSequences: true, inputShape: [12, 1] }), lstm, tf.layers.dense({ units: 1 })] })
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' })
    const xs = tf.randomUniform([64, 12, 1], 0, 1, 'float32', 3)
    const ys = tf.mean(xs, 1)
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0 })
    const tensors = tf.memory().numTensors
    const kernelBytes = lstm.kernelMemoryBytes
    expect(kernelBytes).toBeGreaterThan(0)
    await model.fit(xs, ys, { epochs: 5, batchSize: 16, verbose: 0 })
    expect(tf.memory().numTensors).toBe(tensors)
    expect(lstm.kernelMemoryBytes).toBe(kernelBytes)
    tf.dispose([xs, ys])
    model.dispose()
  })
})
