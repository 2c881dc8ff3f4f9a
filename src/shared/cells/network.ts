/**
 * A whole GateLab model in float64: 1–4 stacked recurrent layers (each optionally bidirectional) and a dense head on
 * the last step (or on every step, for sequence-to-sequence tasks) — the network engine/model.ts builds with either
 * engine, computed with cell.ts. Forward records every layer's traces; backward gives ∂L/∂h_t, ∂L/∂c_t per layer and
 * direction and ∂L/∂x_t; on top of them sit attribution (gradient × input, integrated gradients) and memory retention.
 *
 * Time: every array a caller sees from here is on the input's time axis t = 0 … T−1. A backward-direction layer runs
 * the cell on the reversed sequence (its "previous step" is t+1 and its last step is t = 0); tfjs' Bidirectional
 * (mergeMode concat) concatenates [forward, backward] per step, the backward outputs re-aligned to t.
 */
import { cellBackwardBatch, cellForwardBatch, type AfterStep, type CellGradients, type CellParams, type CellSpec, type CellTrace } from './cell'

export interface NetworkLayer {
  spec: CellSpec
  bidirectional: boolean
  /** The layer hands every step to the next layer / head (true), or only its last step (the head's input). */
  returnSequences: boolean
  /** [forward] or [forward, backward]. */
  directions: CellParams[]
}

export interface DenseHead {
  inputDim: number
  units: number
  /** [inputDim, units] row-major. */
  kernel: Float64Array
  bias: Float64Array
}

export interface Network {
  inputDim: number
  layers: NetworkLayer[]
  head: DenseHead
  /** The head applies to every step (sequence-to-sequence) rather than to the last. */
  perStep: boolean
  /** Regression outputs values; classification outputs logits (softmax gives probabilities). */
  kind: 'regression' | 'classification'
}

export interface LayerPass {
  /** One trace per direction, in processing order (the backward direction's step s is t = T−1−s). */
  traces: CellTrace[]
  /** What the layer hands on, [T, dirs·H] on the input's time axis (every step, even when only the last is used). */
  output: Float64Array
}

export interface NetworkPass {
  steps: number
  x: Float64Array
  layers: LayerPass[]
  /** Head output: [outputSize], or [T, outputSize] when perStep. Logits for classification. */
  y: Float64Array
}

function reverseSteps(x: ArrayLike<number>, T: number, width: number): Float64Array {
  const out = new Float64Array(T * width)
  for (let t = 0; t < T; t++) for (let j = 0; j < width; j++) out[(T - 1 - t) * width + j] = x[t * width + j]!
  return out
}

/** Width of a layer's output: dirs · H. */
export function layerWidth(layer: NetworkLayer): number {
  return layer.directions.length * layer.spec.units
}

/** `afterStep(layer, direction)` hooks into one layer direction's steps (cell.ts AfterStep; tests only). */
export function networkForward(net: Network, x: ArrayLike<number>, steps: number, afterStep?: (layer: number, direction: number) => AfterStep | undefined): NetworkPass {
  return networkForwardBatch(net, [x], steps, afterStep)[0]!
}

/**
 * networkForward for several sequences of the same length: each pass is bit-identical to networkForward's on that
 * sequence alone; each layer direction runs all of them at once (cellForwardBatch). `afterStep(layer, direction,
 * sequence)` hooks into one sequence's steps.
 */
export function networkForwardBatch(net: Network, xs: readonly ArrayLike<number>[], steps: number, afterStep?: (layer: number, direction: number, sequence: number) => AfterStep | undefined): NetworkPass[] {
  const T = steps
  for (const x of xs) if (x.length !== T * net.inputDim) throw new Error(`input has ${x.length} values, expected T·D = ${T}·${net.inputDim}`)
  const inputs = xs.map((x) => Float64Array.from(x))
  let currents: Float64Array[] = inputs
  const passes: LayerPass[][] = xs.map(() => [])
  for (const [l, layer] of net.layers.entries()) {
    const H = layer.spec.units
    const width = layerWidth(layer)
    const outputs = xs.map(() => new Float64Array(T * width))
    const byDirection = layer.directions.map((params, dir) => {
      const ins = dir === 0 ? currents : currents.map((current) => reverseSteps(current, T, layer.spec.inputDim))
      const traces = cellForwardBatch(layer.spec, params, ins, T, afterStep ? (b) => afterStep(l, dir, b) : undefined)
      traces.forEach((trace, b) => {
        const h = trace.values.h!
        for (let s = 0; s < T; s++) {
          const t = dir === 0 ? s : T - 1 - s
          outputs[b]!.set(h.subarray(s * H, (s + 1) * H), t * width + dir * H)
        }
      })
      return traces
    })
    passes.forEach((layers, b) => layers.push({ traces: byDirection.map((traces) => traces[b]!), output: outputs[b]! }))
    currents = outputs
  }
  return passes.map((layers, b) => ({ steps: T, x: inputs[b]!, layers, y: headForward(net, layers, T) }))
}

/**
 * The head reads the last layer's output at every step (perStep), or its final state: the forward direction's h at
 * t = T−1 and the backward direction's at t = 0 (its last step).
 */
function headForward(net: Network, layers: LayerPass[], T: number): Float64Array {
  const last = net.layers[net.layers.length - 1]!
  const lastPass = layers[layers.length - 1]!
  const { head } = net
  const apply = (v: Float64Array, out: Float64Array, offset: number): void => {
    for (let j = 0; j < head.units; j++) {
      let s = head.bias[j]!
      for (let i = 0; i < head.inputDim; i++) s += v[i]! * head.kernel[i * head.units + j]!
      out[offset + j] = s
    }
  }
  let y: Float64Array
  if (net.perStep) {
    y = new Float64Array(T * head.units)
    const width = layerWidth(last)
    for (let t = 0; t < T; t++) apply(lastPass.output.subarray(t * width, (t + 1) * width), y, t * head.units)
  } else {
    y = new Float64Array(head.units)
    apply(finalState(last, lastPass, T), y, 0)
  }
  return y
}

function finalState(layer: NetworkLayer, pass: LayerPass, T: number): Float64Array {
  const H = layer.spec.units
  const v = new Float64Array(layerWidth(layer))
  pass.traces.forEach((trace, dir) => v.set(trace.values.h!.subarray((T - 1) * H, T * H), dir * H))
  return v
}

export interface NetworkGradients {
  /** Per layer, per direction (processing order, like the traces): ∂L/∂h, ∂L/∂c (LSTM), ∂L/∂(layer input). */
  layers: CellGradients[][]
  /** ∂L/∂x [T, D] on the input's time axis. */
  dx: Float64Array
}

/** Backpropagates dy = ∂L/∂y (same shape as pass.y) through the head and every layer. */
export function networkBackward(net: Network, pass: NetworkPass, dy: ArrayLike<number>): NetworkGradients {
  return networkBackwardBatch(net, [pass], [dy])[0]!
}

/**
 * networkBackward for several passes of the same length at once: each sequence's gradients are bit-identical to
 * networkBackward's on it alone; each layer direction backpropagates all of them at once (cellBackwardBatch).
 */
export function networkBackwardBatch(net: Network, passes: readonly NetworkPass[], dys: readonly ArrayLike<number>[]): NetworkGradients[] {
  const T = passes[0]?.steps ?? 0
  const { head } = net
  for (const [b, pass] of passes.entries()) {
    if (pass.steps !== T) throw new Error(`pass ${b} has ${pass.steps} steps, expected ${T}`)
    if (dys[b]!.length !== pass.y.length) throw new Error(`dy has ${dys[b]!.length} values, expected ${pass.y.length}`)
  }
  const backHead = (g: ArrayLike<number>, gOffset: number, out: Float64Array, offset: number): void => {
    for (let i = 0; i < head.inputDim; i++) {
      let s = 0
      for (let j = 0; j < head.units; j++) s += g[gOffset + j]! * head.kernel[i * head.units + j]!
      out[offset + i] = out[offset + i]! + s
    }
  }
  const L = net.layers.length
  const last = net.layers[L - 1]!
  // ∂L/∂(output of the layer), [T, width] on the time axis, per sequence.
  let dOutputs = dys.map((dy) => {
    const dOutput = new Float64Array(T * layerWidth(last))
    if (net.perStep) {
      for (let t = 0; t < T; t++) backHead(dy, t * head.units, dOutput, t * layerWidth(last))
    } else {
      const dFinal = new Float64Array(layerWidth(last))
      backHead(dy, 0, dFinal, 0)
      // forward direction: h at t = T−1; backward direction: its last step, t = 0
      const H = last.spec.units
      dOutput.set(dFinal.subarray(0, H), (T - 1) * layerWidth(last))
      if (last.directions.length === 2) dOutput.set(dFinal.subarray(H, 2 * H), 0 * layerWidth(last) + H)
    }
    return dOutput
  })
  const grads: CellGradients[][][] = passes.map(() => new Array(L))
  for (let l = L - 1; l >= 0; l--) {
    const layer = net.layers[l]!
    const H = layer.spec.units
    const D = layer.spec.inputDim
    const width = layerWidth(layer)
    const dInputs = passes.map(() => new Float64Array(T * D))
    const byDirection = layer.directions.map((params, dir) => {
      const dOuts = dOutputs.map((dOutput) => {
        const dOut = new Float64Array(T * H)
        for (let s = 0; s < T; s++) {
          const t = dir === 0 ? s : T - 1 - s
          for (let k = 0; k < H; k++) dOut[s * H + k] = dOutput[t * width + dir * H + k]!
        }
        return dOut
      })
      const gs = cellBackwardBatch(
        params,
        passes.map((pass) => pass.layers[l]!.traces[dir]!),
        dOuts
      )
      gs.forEach((g, b) => {
        const dInput = dInputs[b]!
        for (let s = 0; s < T; s++) {
          const t = dir === 0 ? s : T - 1 - s
          for (let d = 0; d < D; d++) dInput[t * D + d] = dInput[t * D + d]! + g.dx[s * D + d]!
        }
      })
      return gs
    })
    grads.forEach((perLayer, b) => (perLayer[l] = byDirection.map((gs) => gs[b]!)))
    dOutputs = dInputs
  }
  return passes.map((_, b) => ({ layers: grads[b]!, dx: dOutputs[b]! }))
}

/**
 * The loss of one sequence and its gradient ∂L/∂y, as the trainer computes it: mean squared error over the outputs
 * (regression), softmax cross-entropy over the logits (classification; `target` holds class indices, one per output
 * row).
 */
export function sequenceLoss(net: Network, y: Float64Array, target: ArrayLike<number>): { loss: number; dy: Float64Array } {
  const dy = new Float64Array(y.length)
  if (net.kind === 'regression') {
    if (target.length !== y.length) throw new Error(`target has ${target.length} values, expected ${y.length}`)
    let loss = 0
    for (let j = 0; j < y.length; j++) {
      const e = y[j]! - target[j]!
      loss += e * e
      dy[j] = (2 * e) / y.length
    }
    return { loss: loss / y.length, dy }
  }
  const C = net.head.units
  const rows = y.length / C
  if (target.length !== rows) throw new Error(`target has ${target.length} class indices, expected ${rows}`)
  let loss = 0
  for (let r = 0; r < rows; r++) {
    let max = -Infinity
    for (let j = 0; j < C; j++) max = Math.max(max, y[r * C + j]!)
    let sum = 0
    for (let j = 0; j < C; j++) sum += Math.exp(y[r * C + j]! - max)
    const cls = target[r]!
    loss += -(y[r * C + cls]! - max - Math.log(sum))
    for (let j = 0; j < C; j++) dy[r * C + j] = (Math.exp(y[r * C + j]! - max) / sum - (j === cls ? 1 : 0)) / rows
  }
  return { loss: loss / rows, dy }
}

/**
 * The scalar the attribution explains: regression — the first output of the last step; classification — the logit
 * of the class predicted for the last step. Returns its value and the one-hot ∂/∂y.
 */
export function explainedOutput(net: Network, y: Float64Array): { index: number; value: number; dy: Float64Array } {
  const C = net.head.units
  const base = y.length - C
  let index = base
  if (net.kind === 'classification') for (let j = 1; j < C; j++) if (y[base + j]! > y[index]!) index = base + j
  const dy = new Float64Array(y.length)
  dy[index] = 1
  return { index, value: y[index]!, dy }
}

export interface Attribution {
  /** [T, D]: x ⊙ ∂ŷ/∂x. */
  gradientTimesInput: Float64Array
  /** [T, D]: (x − x′) ⊙ mean over the path of ∂ŷ/∂x (midpoint rule, `steps` points). */
  integratedGradients: Float64Array
  steps: number
  /** x′ per feature. */
  baseline: Float64Array
  /** ŷ(x), ŷ(x′) and Σ IG, which approximates ŷ(x) − ŷ(x′) (completeness). */
  output: number
  baselineOutput: number
  integratedSum: number
}

/** Gradient × input and integrated gradients of the explained output (explainedOutput) for x [T, D]. */
export function attribute(net: Network, x: ArrayLike<number>, steps: number, baseline: ArrayLike<number>, igSteps: number): Attribution {
  const T = steps
  const D = net.inputDim
  if (baseline.length !== D) throw new Error(`baseline has ${baseline.length} values, expected D = ${D}`)
  if (!(igSteps >= 1)) throw new Error('integrated gradients need at least one step')
  const pass = networkForward(net, x, T)
  const target = explainedOutput(net, pass.y)
  const g = networkBackward(net, pass, target.dy).dx
  const gradientTimesInput = new Float64Array(T * D)
  for (let j = 0; j < T * D; j++) gradientTimesInput[j] = x[j]! * g[j]!
  // The same output index along the path (for classification: the class predicted at x).
  const dy = target.dy
  const sum = new Float64Array(T * D)
  const point = new Float64Array(T * D)
  for (let m = 0; m < igSteps; m++) {
    const alpha = (m + 0.5) / igSteps
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) point[t * D + d] = baseline[d]! + alpha * (x[t * D + d]! - baseline[d]!)
    const p = networkForward(net, point, T)
    const gp = networkBackward(net, p, dy).dx
    for (let j = 0; j < T * D; j++) sum[j] = sum[j]! + gp[j]!
  }
  const integratedGradients = new Float64Array(T * D)
  let integratedSum = 0
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < D; d++) {
      const j = t * D + d
      integratedGradients[j] = ((x[j]! - baseline[d]!) * sum[j]!) / igSteps
      integratedSum += integratedGradients[j]!
    }
  }
  const base = new Float64Array(T * D)
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) base[t * D + d] = baseline[d]!
  const baselineOutput = networkForward(net, base, T).y[target.index]!
  return { gradientTimesInput, integratedGradients, steps: igSteps, baseline: Float64Array.from(baseline), output: target.value, baselineOutput, integratedSum }
}

/**
 * Memory retention of one direction's trace: R[s, k] = ∏_{s′ = s+1 … T−1} keep[s′, k], where keep is the LSTM forget
 * gate f or the GRU update gate z (CELLS.md) — how much of what was written at step s reaches the last step.
 * [T, H] in processing order; null for a plain RNN (no gate).
 */
export function memoryRetention(trace: CellTrace): Float64Array | null {
  const keep = trace.spec.variant === 'lstm' ? trace.values.f : trace.spec.variant === 'rnn' ? undefined : trace.values.z
  if (!keep) return null
  const H = trace.spec.units
  const T = trace.steps
  const out = new Float64Array(T * H)
  for (let k = 0; k < H; k++) out[(T - 1) * H + k] = 1
  for (let s = T - 2; s >= 0; s--) for (let k = 0; k < H; k++) out[s * H + k] = out[(s + 1) * H + k]! * keep[(s + 1) * H + k]!
  return out
}

/** Euclidean norm of each row of a [T, H] array. */
export function rowNorms(values: Float64Array, rows: number, width: number): Float64Array {
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    let s = 0
    for (let k = 0; k < width; k++) s += values[r * width + k]! ** 2
    out[r] = Math.sqrt(s)
  }
  return out
}
