/**
 * A stored run's model as a float64 network (src/shared/cells): its best weights (model.json + weights.bin, either
 * engine) read into the plain layout of report/weights.ts — one reader for exports and the inspector — and turned into
 * cell parameters of the exact form the run trained (LSTM, GRU reset-after or reset-before, RNN; sigmoid or
 * hardSigmoid gates; stacked; bidirectional; dense head).
 */
import type { RunDetail } from '../../shared/api'
import type { CellVariant, Network, NetworkLayer } from '../../shared/cells'
import type { InspectCellForm, InspectLayerInfo } from '../../shared/inspect'
import { plainWeights, type PlainDenseLayer, type PlainRecurrentLayer, type PlainTensor } from '../report/weights'

export interface InspectModel {
  net: Network
  cell: 'lstm' | 'gru' | 'rnn'
  form: InspectCellForm
  gateActivation: 'sigmoid' | 'hard_sigmoid' | null
  layers: InspectLayerInfo[]
  seqLen: number | null
}

function flatten(t: PlainTensor | null, size: number): Float64Array {
  const out = new Float64Array(size)
  if (!t) return out
  const flat = (t.values as unknown[]).flat(Infinity) as number[]
  if (flat.length !== size) throw new Error(`a weight tensor of shape [${t.shape.join(', ')}] has ${flat.length} values, expected ${size}`)
  out.set(flat)
  return out
}

export function inspectModel(
  run: RunDetail,
  topology: Uint8Array,
  weights: Uint8Array,
  shape: { kind: 'regression' | 'classification'; perStep: boolean }
): InspectModel {
  const plain = plainWeights(run, topology, weights)
  const recurrent = plain.layers.filter((l): l is PlainRecurrentLayer => l.type !== 'dense')
  const dense = plain.layers.filter((l): l is PlainDenseLayer => l.type === 'dense')
  if (recurrent.length === 0 || dense.length !== 1) {
    throw new Error(`the stored model has ${recurrent.length} recurrent and ${dense.length} dense layers; GateLab models have 1–4 recurrent layers and one dense head`)
  }
  const first = recurrent[0]!
  const cell = first.type
  const form: CellVariant = cell === 'gru' ? (first.gruForm === 'reset-after' ? 'gru-after' : 'gru-before') : cell
  const gateActivation = first.recurrentActivation === null ? null : /hard/i.test(first.recurrentActivation) ? 'hard_sigmoid' : 'sigmoid'
  const layers: NetworkLayer[] = recurrent.map((l) => {
    const variant: CellVariant = l.type === 'gru' ? (l.gruForm === 'reset-after' ? 'gru-after' : 'gru-before') : l.type
    if (l.activation !== 'tanh') throw new Error(`layer ${l.name} uses activation ${l.activation}; the inspector computes the tanh cells of CELLS.md`)
    const spec = { variant, units: l.units, inputDim: l.inputSize, hardSigmoid: l.recurrentActivation !== null && /hard/i.test(l.recurrentActivation) }
    const G = (variant === 'lstm' ? 4 : variant === 'rnn' ? 1 : 3) * l.units
    const ordered = [...l.weights].sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'forward' ? -1 : 1))
    return {
      spec,
      bidirectional: l.bidirectional,
      returnSequences: l.returnSequences,
      directions: ordered.map((w) => ({
        kernel: flatten(w.kernel, l.inputSize * G),
        recurrentKernel: flatten(w.recurrentKernel, l.units * G),
        bias: flatten(w.bias, variant === 'gru-after' ? 2 * G : G)
      }))
    }
  })
  const head = dense[0]!
  if (head.activation !== 'linear') throw new Error(`the dense head uses activation ${head.activation}; GateLab heads are linear`)
  const net: Network = {
    inputDim: first.inputSize,
    layers,
    head: { inputDim: head.inputSize, units: head.units, kernel: flatten(head.kernel, head.inputSize * head.units), bias: flatten(head.bias, head.units) },
    perStep: shape.perStep,
    kind: shape.kind
  }
  return {
    net,
    cell,
    form,
    gateActivation,
    seqLen: plain.input.seqLen,
    layers: layers.map((l, index) => ({
      index,
      units: l.spec.units,
      inputSize: l.spec.inputDim,
      bidirectional: l.bidirectional,
      directions: l.directions.length === 2 ? ['forward', 'backward'] : ['forward'],
      returnSequences: l.returnSequences
    }))
  }
}
