/**
 * The inspector's traces are PyTorch's (issue 14 §9): for stacks of nn.LSTM, nn.GRU (reset-after) and nn.RNN in
 * float64 — two layers, bidirectional for LSTM and GRU — every gate and state that scripts/make-torch-fixtures.py
 * recomputed from the modules' parameters (and checked against the modules' outputs), and PyTorch autograd's ∂L/∂h_t,
 * ∂L/∂c_t and ∂L/∂x for L = Σ output ⊙ r, against src/shared/cells on the same weights converted to the Keras/tfjs
 * layout GateLab stores (GRU gate blocks r,z,n → z,r,h; LSTM and RNN biases summed; GRU's two biases kept).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { networkBackward, networkForward, type CellParams, type CellVariant, type Network } from '../../src/shared/cells'

interface InspectFixture {
  cell: 'lstm' | 'gru' | 'rnn'
  torch: string
  steps: number
  inputDim: number
  units: number
  layers: number
  bidirectional: boolean
  x: number[]
  r: number[]
  output: number[]
  params: Record<string, number[]>
  traces: Record<string, Record<string, number[]>>
  grads: Record<string, Record<string, number[]>> & { x: number[] }
}

const load = (cell: string): InspectFixture => JSON.parse(readFileSync(join(__dirname, '../fixtures/torch', `inspect-${cell}.json`), 'utf8')) as InspectFixture

/** PyTorch [k·H, n] (gate blocks in `order`) → Keras [n, k·H] with blocks in `to`. */
function toKeras(w: number[], rows: number, n: number, H: number, order: string[], to: string[]): Float64Array {
  const out = new Float64Array(rows * n)
  to.forEach((gate, block) => {
    const from = order.indexOf(gate)
    for (let j = 0; j < H; j++) for (let i = 0; i < n; i++) out[i * rows + block * H + j] = w[(from * H + j) * n + i]!
  })
  return out
}

function reorder(b: number[], H: number, order: string[], to: string[]): number[] {
  return to.flatMap((gate) => b.slice(order.indexOf(gate) * H, (order.indexOf(gate) + 1) * H))
}

function networkOf(f: InspectFixture): Network {
  const H = f.units
  const variant: CellVariant = f.cell === 'gru' ? 'gru-after' : f.cell
  const torchOrder = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'], rnn: ['h'] }[f.cell]
  const kerasOrder = { lstm: ['i', 'f', 'g', 'o'], gru: ['z', 'r', 'n'], rnn: ['h'] }[f.cell]
  const G = torchOrder.length * H
  const dirs = f.bidirectional ? 2 : 1
  const layers = Array.from({ length: f.layers }, (_, l) => {
    const D = l === 0 ? f.inputDim : dirs * H
    const directions: CellParams[] = Array.from({ length: dirs }, (_, d) => {
      const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`
      const bi = reorder(f.params[`bias_ih${suffix}`]!, H, torchOrder, kerasOrder)
      const bh = reorder(f.params[`bias_hh${suffix}`]!, H, torchOrder, kerasOrder)
      return {
        kernel: toKeras(f.params[`weight_ih${suffix}`]!, G, D, H, torchOrder, kerasOrder),
        recurrentKernel: toKeras(f.params[`weight_hh${suffix}`]!, G, H, H, torchOrder, kerasOrder),
        bias: Float64Array.from(variant === 'gru-after' ? [...bi, ...bh] : bi.map((v, j) => v + bh[j]!))
      }
    })
    return { spec: { variant, units: H, inputDim: D, hardSigmoid: false }, bidirectional: f.bidirectional, returnSequences: true, directions }
  })
  // An identity head on every step: y = the last layer's output, so ∂L/∂y = r.
  const width = dirs * H
  const kernel = new Float64Array(width * width)
  for (let i = 0; i < width; i++) kernel[i * width + i] = 1
  return { inputDim: f.inputDim, layers, head: { inputDim: width, units: width, kernel, bias: new Float64Array(width) }, perStep: true, kind: 'regression' }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe.each(['lstm', 'gru', 'rnn'])('%s against PyTorch', (cell) => {
  const f = load(cell)
  const net = networkOf(f)
  const T = f.steps
  const H = f.units
  const pass = networkForward(net, f.x, T)

  it(`traces every gate and state of ${f.layers} layer(s)${f.bidirectional ? ', both directions,' : ''} to 1e-5 (float64: in fact to 1e-12)`, () => {
    expect(f.torch).toMatch(/^\d/)
    expect(maxDiff(pass.y, f.output)).toBeLessThan(1e-12)
    let compared = 0
    for (const [key, traces] of Object.entries(f.traces)) {
      const [layer, direction] = key.split('/') as [string, 'forward' | 'backward']
      const trace = pass.layers[Number(layer)]!.traces[direction === 'forward' ? 0 : 1]!
      for (const [name, expected] of Object.entries(traces)) {
        // GateLab's backward-direction traces are in processing order: step s is t = T − 1 − s.
        const ours = trace.values[name]!
        const aligned = new Float64Array(T * H)
        for (let s = 0; s < T; s++) aligned.set(ours.subarray(s * H, (s + 1) * H), (direction === 'forward' ? s : T - 1 - s) * H)
        const diff = maxDiff(aligned, expected)
        expect(diff, `${key} ${name}`).toBeLessThan(1e-5)
        expect(diff, `${key} ${name}`).toBeLessThan(1e-12)
        compared++
      }
    }
    expect(compared).toBe({ lstm: 6, gru: 4, rnn: 1 }[f.cell] * f.layers * (f.bidirectional ? 2 : 1))
  })

  it('∂L/∂h_t, ∂L/∂c_t and ∂L/∂x match PyTorch autograd', () => {
    const grads = networkBackward(net, pass, f.r)
    expect(maxDiff(grads.dx, f.grads.x)).toBeLessThan(1e-12)
    for (const [key, expected] of Object.entries(f.grads)) {
      if (key === 'x') continue
      const [layer, direction] = key.split('/') as [string, 'forward' | 'backward']
      const g = grads.layers[Number(layer)]![direction === 'forward' ? 0 : 1]!
      for (const which of ['h', 'c'] as const) {
        const want = (expected as Record<string, number[]>)[which]
        if (!want) continue
        const ours = which === 'h' ? g.dh : g.dc!
        const aligned = new Float64Array(T * H)
        for (let s = 0; s < T; s++) aligned.set(ours.subarray(s * H, (s + 1) * H), (direction === 'forward' ? s : T - 1 - s) * H)
        expect(maxDiff(aligned, want), `${key} dL/d${which}`).toBeLessThan(1e-12)
      }
    }
  })
})
