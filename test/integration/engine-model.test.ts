/**
 * The model builder and the artifact round trip, in this process (TF.js's cpu backend): parameter counts against the
 * CELLS.md formulas, the recorded cell forms, the CELLS.md defaults actually reaching tfjs-layers, and reload → same
 * predictions.
 */
import { describe, expect, it } from 'vitest'
import { buildModel, describeCellForm, type ModelShape } from '../../src/main/engine/model'
import { modelFromFiles, modelToFiles, predict } from '../../src/main/engine/artifacts'
import { normalizeRunConfig, type RunConfig, type RunConfigInput } from '../../src/shared/config'
import { createRng } from '../../src/shared/random'

// The tfjs-layers model builder (engine "layers"); the fused engine's layers have their own tests (fused-*.test.ts).
const config = (input: RunConfigInput): RunConfig => {
  const result = normalizeRunConfig({ seed: 1, engine: 'layers', ...input })
  if (!result.ok) throw new Error(result.message)
  return result.config
}

/** CELLS.md: LSTM 4·(n_in·H + H·H + H), GRU (reset-before) 3·(…), vanilla RNN 1·(…); plus the dense head. */
function cellsMdParamCount(c: RunConfig, shape: ModelShape): number {
  const gates = { lstm: 4, gru: 3, rnn: 1 }[c.cell]
  const directions = c.bidirectional ? 2 : 1
  let nIn = shape.inputSize
  let total = 0
  for (let layer = 0; layer < c.layers; layer++) {
    total += directions * gates * (nIn * c.units + c.units * c.units + c.units)
    nIn = directions * c.units
  }
  return total + nIn * shape.outputSize + shape.outputSize
}

const adding: ModelShape = { kind: 'regression', seqLen: 12, inputSize: 2, outputSize: 1, perStep: false }
const copy: ModelShape = { kind: 'classification', seqLen: 12, inputSize: 10, outputSize: 9, perStep: true }

describe('model builder', () => {
  const cases: [RunConfigInput, ModelShape][] = [
    [{ cell: 'lstm', units: 32 }, adding],
    [{ cell: 'gru', units: 32 }, adding],
    [{ cell: 'rnn', units: 32 }, adding],
    [{ cell: 'lstm', units: 8, layers: 3 }, copy],
    [{ cell: 'gru', units: 5, layers: 2, bidirectional: true }, copy],
    [{ cell: 'rnn', units: 7, layers: 4, bidirectional: true, dropout: 0.2, recurrentDropout: 0.1 }, adding]
  ]
  for (const [input, shape] of cases) {
    it(`counts parameters as CELLS.md does: ${JSON.stringify(input)} on ${shape.inputSize} inputs`, () => {
      const c = config(input)
      const { model, paramCount } = buildModel(c, shape)
      expect(paramCount).toBe(cellsMdParamCount(c, shape))
      const out = model.outputs[0]!.shape
      expect(out).toEqual(shape.perStep ? [null, shape.seqLen, shape.outputSize] : [null, shape.outputSize])
      model.dispose()
    })
  }

  it('uses the CELLS.md defaults, not tfjs-layers ones: sigmoid gates and forget bias 1', () => {
    const { model, cellForm } = buildModel(config({ cell: 'lstm', units: 4 }), adding)
    expect(cellForm).toBe('lstm sigmoid unit-forget-bias')
    const layerConfig = model.layers[0]!.getConfig()
    expect(layerConfig.recurrentActivation).toBe('sigmoid')
    // Bias layout i, f, c, o (CELLS.md): the forget block starts at 1, the others at 0.
    const bias = Array.from(model.layers[0]!.getWeights()[2]!.dataSync())
    expect(bias).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    model.dispose()
  })

  it('records the form it computes, including the options a user picked', () => {
    expect(describeCellForm(config({ cell: 'gru' }))).toBe('gru reset-before sigmoid')
    expect(describeCellForm(config({ cell: 'gru', gruForm: 'reset-before', recurrentActivation: 'hardSigmoid' }))).toBe('gru reset-before hard-sigmoid')
    expect(describeCellForm(config({ cell: 'lstm', unitForgetBias: false, recurrentActivation: 'hardSigmoid' }))).toBe('lstm hard-sigmoid')
    expect(describeCellForm(config({ cell: 'rnn', bidirectional: true }))).toBe('rnn tanh bidirectional')
  })

  it('refuses GRU reset-after with engine "layers" instead of silently computing reset-before', () => {
    expect(() => buildModel(config({ cell: 'gru', gruForm: 'reset-after' }), adding)).toThrow(
      /GRU reset-after cannot be computed with engine "layers".*Use gruForm "reset-before"/
    )
  })

  it('saves to model.json + weights.bin and reloads a model that predicts the same', async () => {
    const shape = copy
    const { model } = buildModel(config({ cell: 'gru', units: 6, layers: 2, bidirectional: true }), shape)
    const rng = createRng(9)
    const x = Float32Array.from({ length: 5 * shape.seqLen * shape.inputSize }, () => rng.next())
    const before = predict(model, shape, x, 5)
    const files = await modelToFiles(model)
    const json = JSON.parse(new TextDecoder().decode(files.topology)) as { format: string; weightsManifest: { paths: string[] }[] }
    expect(json.format).toBe('layers-model')
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin'])
    expect(files.weights.byteLength).toBe(4 * model.countParams())
    const reloaded = await modelFromFiles(files)
    const after = predict(reloaded, shape, x, 5)
    expect(after.length).toBe(5 * shape.seqLen * shape.outputSize)
    expect(Array.from(after)).toEqual(Array.from(before))
    // Classification predictions are probabilities.
    expect(after.subarray(0, 9).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5)
    model.dispose()
    reloaded.dispose()
  })
})
