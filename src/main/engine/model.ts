/**
 * Builds the network a run trains, with tfjs-layers (engine "layers"): 1–4 stacked LSTM, GRU or SimpleRNN layers,
 * optionally bidirectional, then a dense head — one output per sequence, or per step for sequence-to-sequence tasks.
 *
 * The cells follow ../shared/CELLS.md, not tfjs-layers' defaults: recurrent activation sigmoid (tfjs defaults to
 * hardSigmoid), forget-gate bias 1 for LSTM (tfjs defaults to off). tfjs-layers' GRU can only compute the reset-before
 * form, so with engine "layers" `gruForm: 'auto'` means reset-before and the run records it; an explicit 'reset-after'
 * fails rather than silently computing something else. Engine "fused" builds the WebAssembly layers of ./fused (same
 * equations, both GRU forms; 'auto' is reset-after there, the CELLS.md default).
 *
 * The classification head outputs logits; the loss applies softmax (softmax + cross-entropy in one stable op) and
 * `predict` in artifacts.ts applies it for callers. Initial weights (Glorot-uniform kernels, orthogonal recurrent
 * kernels, zero biases, forget bias 1) come from ./init.ts, the same for both engines: layers are built with tfjs' fast
 * weight init (zeros, no draws) and initializeWeights then writes every weight from the run's seed.
 */
import * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../shared/config'
import type { SequenceDataset } from '../../shared/data/types'
import { FusedGRU, FusedLSTM, FusedSimpleRNN, fusedBidirectional, fusedGRU, fusedLSTM, fusedSimpleRNN, type FusedRecurrent } from './fused'
import { initializeWeights } from './init'

export type ModelShape = Pick<SequenceDataset, 'kind' | 'seqLen' | 'inputSize' | 'outputSize' | 'perStep'>

export interface BuiltModel {
  model: tf.LayersModel
  /** The exact cell form, e.g. "lstm sigmoid unit-forget-bias", "gru reset-before sigmoid" (CELLS.md). */
  cellForm: string
  paramCount: number
}

type ModelConfig = Pick<
  RunConfig,
  'cell' | 'units' | 'layers' | 'bidirectional' | 'dropout' | 'recurrentDropout' | 'recurrentActivation' | 'unitForgetBias' | 'gruForm' | 'engine' | 'seed'
>

/** Names the form a run computes, so comparisons across libraries and engines can say what they compare. */
export function describeCellForm(config: ModelConfig): string {
  const gate = config.recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hard-sigmoid'
  const parts: string[] = [config.cell]
  if (config.cell === 'lstm') parts.push(gate, ...(config.unitForgetBias ? ['unit-forget-bias'] : []))
  else if (config.cell === 'gru') parts.push(resolveGruForm(config), gate)
  else parts.push('tanh')
  if (config.bidirectional) parts.push('bidirectional')
  return parts.join(' ')
}

/** The GRU form this engine computes for the configuration, or a clear error when it cannot compute the one asked for. */
export function resolveGruForm(config: Pick<RunConfig, 'gruForm' | 'engine'>): 'reset-before' | 'reset-after' {
  // The fused kernels compute both forms; 'auto' means the standard reset-after there (CELLS.md).
  if (config.engine === 'fused') return config.gruForm === 'reset-before' ? 'reset-before' : 'reset-after'
  if (config.engine !== 'layers') throw new Error(`Engine "${config.engine}" is not available in this build yet; use engine "layers"`)
  if (config.gruForm === 'reset-after') {
    throw new Error(
      'GRU reset-after cannot be computed with engine "layers": tfjs-layers implements only the reset-before form. ' +
        'Use gruForm "reset-before" (or "auto", which records reset-before), or engine "fused", which computes both forms.'
    )
  }
  return 'reset-before'
}

/**
 * Layer names counted within one model, as tfjs-layers names the layers of the first model a process builds
 * ("gate_lab_fused_lstm_GateLabFusedLSTM1", "dense_Dense1"). Left to tfjs-layers the numbers count every layer the
 * process ever built, and a trainer trains several runs in turn (src/main/runner/queue.ts hands a trainer to the next
 * run), so the same seeded run would write a different model.json in its second run in a trainer. (Weight variables
 * are then named …/kernel_1 inside the process, but a model saves and initializes by `originalName`, …/kernel.)
 */
function layerNamer(): (className: string) => string {
  const counts = new Map<string, number>()
  return (className) => {
    const n = (counts.get(className) ?? 0) + 1
    counts.set(className, n)
    return `${snakeCase(className)}_${className}${n}`
  }
}

/** tfjs-layers' toSnakeCase (generic_utils), which it applies to a class name to prefix a layer's generated name. */
function snakeCase(name: string): string {
  const words = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
  return words.startsWith('_') ? `private${words}` : words
}

export function buildModel(config: ModelConfig, shape: ModelShape): BuiltModel {
  if (config.engine !== 'layers' && config.engine !== 'fused') throw new Error(`Engine "${config.engine}" is not available in this build yet; use engine "layers"`)
  const cellForm = describeCellForm(config)
  const name = layerNamer()
  const model = tf.sequential({ name: 'sequential_1' })
  // Every layer is built with zeros (tfjs' fast weight init: no draws, no QR); initializeWeights sets the real values.
  const add = (layer: tf.layers.Layer): void => {
    layer.setFastWeightInitDuringBuild(true)
    model.add(layer)
  }
  for (let i = 0; i < config.layers; i++) {
    // The first layer of a Sequential model declares the input shape; a bidirectional wrapper declares it for its layer.
    const inputShape = i === 0 ? { inputShape: [shape.seqLen, shape.inputSize] } : {}
    const recurrentClass =
      config.engine === 'fused'
        ? { lstm: FusedLSTM.className, gru: FusedGRU.className, rnn: FusedSimpleRNN.className }[config.cell]
        : { lstm: 'LSTM', gru: 'GRU', rnn: 'SimpleRNN' }[config.cell]
    const common = {
      name: name(recurrentClass),
      units: config.units,
      returnSequences: i < config.layers - 1 || shape.perStep,
      dropout: config.dropout,
      recurrentDropout: config.recurrentDropout,
      ...(config.bidirectional ? {} : inputShape)
    }
    if (config.engine === 'fused') {
      // Same options through the WebAssembly kernels (src/main/engine/fused); recurrentDropout is refused for this
      // engine when the configuration is normalized.
      const fusedArgs = { ...common, recurrentActivation: config.recurrentActivation }
      delete (fusedArgs as { recurrentDropout?: number }).recurrentDropout
      const layer: FusedRecurrent =
        config.cell === 'lstm'
          ? fusedLSTM({ ...fusedArgs, unitForgetBias: config.unitForgetBias })
          : config.cell === 'gru'
            ? fusedGRU({ ...fusedArgs, resetAfter: resolveGruForm(config) === 'reset-after' })
            : fusedSimpleRNN(fusedArgs)
      add(config.bidirectional ? fusedBidirectional(layer, { name: name('Bidirectional'), ...inputShape }) : layer)
      continue
    }
    const rnn =
      config.cell === 'lstm'
        ? tf.layers.lstm({ ...common, recurrentActivation: config.recurrentActivation, unitForgetBias: config.unitForgetBias })
        : config.cell === 'gru'
          ? tf.layers.gru({ ...common, recurrentActivation: config.recurrentActivation })
          : tf.layers.simpleRNN({ ...common, activation: 'tanh' })
    add(config.bidirectional ? tf.layers.bidirectional({ name: name('Bidirectional'), layer: rnn, mergeMode: 'concat', ...inputShape }) : rnn)
  }
  // Dense on a [batch, T, H] tensor applies to every step: the per-step head of sequence-to-sequence tasks.
  add(tf.layers.dense({ name: name('Dense'), units: shape.outputSize }))
  for (const layer of model.layers) layer.setFastWeightInitDuringBuild(false)
  initializeWeights(model, config)
  return { model, cellForm, paramCount: model.countParams() }
}
