/**
 * One recurrent layer in float64, exactly the CELLS.md equations, with every intermediate kept: the forward pass
 * records each gate and state at every step and unit (the inspector's traces), and backpropagation through time
 * turns a gradient on the layer's outputs into ∂L/∂h_t, ∂L/∂c_t (LSTM) and ∂L/∂x_t.
 *
 * Weight layout and gate order are those of tfjs-layers / Keras, which both engines store: kernel [D, G], recurrent
 * kernel [H, G] (G = k·H, gate blocks side by side), LSTM i,f,c,o; GRU z,r,h; the reset-after GRU has a second bias
 * row (recurrent bias, Keras layout [2, G]). This is the one implementation: the inspector, the fused kernels' test
 * yardstick (src/main/engine/fused/reference.ts) and the exactness tests all call it.
 *
 * Steps are in processing order (s = 0 … T−1). A backward-direction layer is the same cell run on the reversed
 * sequence; mapping back to the input's time axis is the caller's business (network.ts).
 */

/** The cell forms (CELLS.md): LSTM, GRU reset-after (Keras 2+, PyTorch, cuDNN), GRU reset-before (tfjs-layers), tanh RNN. */
export type CellVariant = 'lstm' | 'gru-after' | 'gru-before' | 'rnn'
export const cellVariants: readonly CellVariant[] = ['lstm', 'gru-after', 'gru-before', 'rnn']

export interface CellSpec {
  variant: CellVariant
  /** H */
  units: number
  /** D */
  inputDim: number
  /** Gates use tfjs' hardSigmoid clip(0.2·v + 0.5, 0, 1) instead of the logistic sigmoid. */
  hardSigmoid: boolean
}

export interface CellParams {
  /** [D, G] row-major. */
  kernel: Float64Array
  /** [H, G] row-major. */
  recurrentKernel: Float64Array
  /** [G]; reset-after GRU: [2, G] (input bias, then recurrent bias). A layer without bias: zeros. */
  bias: Float64Array
}

/** The traced quantities of each form, in the order the inspector shows them. */
export const traceNames = {
  lstm: ['i', 'f', 'g', 'o', 'c', 'h'],
  'gru-after': ['z', 'r', 'n', 'h'],
  'gru-before': ['z', 'r', 'n', 'h'],
  rnn: ['h']
} as const satisfies Record<CellVariant, readonly string[]>

/** Gate blocks per cell: LSTM i,f,c,o; GRU z,r,h; RNN one. */
export function gateBlocks(variant: CellVariant): number {
  return variant === 'lstm' ? 4 : variant === 'rnn' ? 1 : 3
}

/** Sizes of kernel, recurrent kernel and bias for a spec. */
export function paramSizes(spec: CellSpec): { kernel: number; recurrentKernel: number; bias: number } {
  const G = gateBlocks(spec.variant) * spec.units
  return { kernel: spec.inputDim * G, recurrentKernel: spec.units * G, bias: spec.variant === 'gru-after' ? 2 * G : G }
}

export interface CellTrace {
  spec: CellSpec
  steps: number
  /** Each traced quantity (traceNames[variant]) as [T, H] row-major (index s·H + k), processing order. */
  values: Record<string, Float64Array>
  /** Reset-after GRU only: U_n h_{t−1} + b_hn per step [T, H], which backpropagation needs. */
  recurrentCandidate?: Float64Array
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))
export const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, 0.2 * v + 0.5))

/** d gate / d pre-activation, from the gate's value. */
function gateSlope(value: number, hard: boolean): number {
  return hard ? (value > 0 && value < 1 ? 0.2 : 0) : value * (1 - value)
}

function checkSizes(spec: CellSpec, w: CellParams, x: ArrayLike<number>, steps: number): void {
  const s = paramSizes(spec)
  if (w.kernel.length !== s.kernel || w.recurrentKernel.length !== s.recurrentKernel || w.bias.length !== s.bias) {
    throw new Error(
      `${spec.variant} weights do not fit D=${spec.inputDim}, H=${spec.units}: kernel ${w.kernel.length}/${s.kernel}, ` +
        `recurrent ${w.recurrentKernel.length}/${s.recurrentKernel}, bias ${w.bias.length}/${s.bias}`
    )
  }
  if (x.length !== steps * spec.inputDim) throw new Error(`input has ${x.length} values, expected T·D = ${steps}·${spec.inputDim}`)
}

/** Called after each step with the values so far; tests use it to nudge h_s or c_s and check ∂L/∂h_s, ∂L/∂c_s. */
export type AfterStep = (step: number, values: Record<string, Float64Array>) => void

/**
 * u[from..to) = v[vOffset …] · M[:, from..to) for M [rows, stride] (the recurrent kernel), summed over the rows in
 * ascending order: u[j] = ((0 + v_0·M_0j) + v_1·M_1j) + … . Four rows per pass over u: a quarter of the loads and
 * stores of u, which dominate this loop in JavaScript; the order of the additions is the row order all the same.
 * `firstRow` > 0 continues a product whose earlier rows are already in u (productPair's remainder).
 */
function productRows(v: Float64Array, vOffset: number, M: Float64Array, stride: number, rows: number, u: Float64Array, from: number, to: number, firstRow = 0): void {
  if (firstRow === 0) u.fill(0, from, to)
  let k = firstRow
  for (; k + 4 <= rows; k += 4) {
    const h0 = v[vOffset + k]!
    const h1 = v[vOffset + k + 1]!
    const h2 = v[vOffset + k + 2]!
    const h3 = v[vOffset + k + 3]!
    const r0 = k * stride
    const r1 = r0 + stride
    const r2 = r1 + stride
    const r3 = r2 + stride
    for (let j = from; j < to; j++) u[j] = u[j]! + h0 * M[r0 + j]! + h1 * M[r1 + j]! + h2 * M[r2 + j]! + h3 * M[r3 + j]!
  }
  for (; k + 2 <= rows; k += 2) {
    const h0 = v[vOffset + k]!
    const h1 = v[vOffset + k + 1]!
    const r0 = k * stride
    const r1 = r0 + stride
    for (let j = from; j < to; j++) u[j] = u[j]! + h0 * M[r0 + j]! + h1 * M[r1 + j]!
  }
  if (k < rows) {
    const hv = v[vOffset + k]!
    const row = k * stride
    for (let j = from; j < to; j++) u[j] = u[j]! + hv * M[row + j]!
  }
}

/**
 * productRows for two sequences at once: each weight is loaded once for both (the weights, not the vectors, are what
 * a wide layer streams from memory). Each sequence's sums are exactly productRows' (same additions, same order).
 */
function productPair(v0: Float64Array, v1: Float64Array, vOffset: number, M: Float64Array, stride: number, rows: number, u0: Float64Array, u1: Float64Array, from: number, to: number): void {
  u0.fill(0, from, to)
  u1.fill(0, from, to)
  let k = 0
  for (; k + 4 <= rows; k += 4) {
    const a0 = v0[vOffset + k]!
    const a1 = v0[vOffset + k + 1]!
    const a2 = v0[vOffset + k + 2]!
    const a3 = v0[vOffset + k + 3]!
    const b0 = v1[vOffset + k]!
    const b1 = v1[vOffset + k + 1]!
    const b2 = v1[vOffset + k + 2]!
    const b3 = v1[vOffset + k + 3]!
    const r0 = k * stride
    const r1 = r0 + stride
    const r2 = r1 + stride
    const r3 = r2 + stride
    for (let j = from; j < to; j++) {
      const w0 = M[r0 + j]!
      const w1 = M[r1 + j]!
      const w2 = M[r2 + j]!
      const w3 = M[r3 + j]!
      u0[j] = u0[j]! + a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3
      u1[j] = u1[j]! + b0 * w0 + b1 * w1 + b2 * w2 + b3 * w3
    }
  }
  if (k < rows) {
    productRows(v0, vOffset, M, stride, rows, u0, from, to, k)
    productRows(v1, vOffset, M, stride, rows, u1, from, to, k)
  }
}

/** productRows for every sequence of a batch: in pairs (productPair), the odd one alone. */
function productBatch(vs: readonly Float64Array[], vOffset: number, M: Float64Array, stride: number, rows: number, us: readonly Float64Array[], from: number, to: number): void {
  let b = 0
  for (; b + 2 <= vs.length; b += 2) productPair(vs[b]!, vs[b + 1]!, vOffset, M, stride, rows, us[b]!, us[b + 1]!, from, to)
  if (b < vs.length) productRows(vs[b]!, vOffset, M, stride, rows, us[b]!, from, to)
}

/**
 * Runs the cell over x [T, D] (row-major, processing order) from zero initial state, recording every gate and state.
 */
export function cellForward(spec: CellSpec, w: CellParams, x: ArrayLike<number>, steps: number, afterStep?: AfterStep): CellTrace {
  return cellForwardBatch(spec, w, [x], steps, afterStep ? () => afterStep : undefined)[0]!
}

/**
 * cellForward for several sequences of the same length at once: each sequence's trace is bit-identical to cellForward's
 * on it alone (the same float64 operations in the same order); the batch only shares each pass over the weights
 * between sequences (productBatch). `afterStep(b)` hooks into sequence b's steps.
 */
export function cellForwardBatch(spec: CellSpec, w: CellParams, xs: readonly ArrayLike<number>[], steps: number, afterStep?: (sequence: number) => AfterStep | undefined): CellTrace[] {
  for (const x of xs) checkSizes(spec, w, x, steps)
  const { variant, units: H, inputDim: D } = spec
  const G = gateBlocks(variant) * H
  const T = steps
  const B = xs.length
  const gate = spec.hardSigmoid ? hardSigmoid : sigmoid
  const W = w.kernel
  const U = w.recurrentKernel
  const bias = w.bias
  const names = traceNames[variant]
  const hooks = xs.map((_, b) => afterStep?.(b))
  const all = xs.map(() => {
    const values: Record<string, Float64Array> = {}
    for (const name of names) values[name] = new Float64Array(T * H)
    return values
  })
  const hss = all.map((values) => values.h!)
  const as = xs.map(() => new Float64Array(G))
  const us = xs.map(() => new Float64Array(G))
  const zeros = xs.map(() => new Float64Array(H))
  const candidates = variant === 'gru-after' ? xs.map(() => new Float64Array(T * H)) : undefined
  const rhs = variant === 'gru-before' ? xs.map(() => new Float64Array(H)) : undefined
  for (let s = 0; s < T; s++) {
    const prevs = s === 0 ? zeros : hss
    const po = s === 0 ? 0 : (s - 1) * H
    const o = s * H
    // a = b + x_s · W
    for (let b = 0; b < B; b++) {
      const a = as[b]!
      const x = xs[b]!
      for (let j = 0; j < G; j++) a[j] = bias[j]!
      for (let d = 0; d < D; d++) {
        const xv = x[s * D + d]!
        if (xv === 0) continue
        const row = d * G
        for (let j = 0; j < G; j++) a[j] = a[j]! + xv * W[row + j]!
      }
    }
    productBatch(prevs, po, U, G, H, us, 0, variant === 'gru-before' ? 2 * H : G)
    for (let b = 0; b < B; b++) {
      const values = all[b]!
      const hs = hss[b]!
      const prev = prevs[b]!
      const a = as[b]!
      const u = us[b]!
      if (variant === 'lstm') {
        const I = values.i!, F = values.f!, Gc = values.g!, O = values.o!, C = values.c!
        for (let k = 0; k < H; k++) {
          const i = gate(a[k]! + u[k]!)
          const f = gate(a[H + k]! + u[H + k]!)
          const g = Math.tanh(a[2 * H + k]! + u[2 * H + k]!)
          const og = gate(a[3 * H + k]! + u[3 * H + k]!)
          const c = f * (s === 0 ? 0 : C[po + k]!) + i * g
          I[o + k] = i
          F[o + k] = f
          Gc[o + k] = g
          O[o + k] = og
          C[o + k] = c
          hs[o + k] = og * Math.tanh(c)
        }
      } else if (variant === 'gru-after') {
        const Z = values.z!, R = values.r!, N = values.n!
        const recurrentCandidate = candidates![b]!
        for (let k = 0; k < H; k++) {
          const z = gate(a[k]! + u[k]! + bias[G + k]!)
          const r = gate(a[H + k]! + u[H + k]! + bias[G + H + k]!)
          const hn = u[2 * H + k]! + bias[G + 2 * H + k]!
          const n = Math.tanh(a[2 * H + k]! + r * hn)
          Z[o + k] = z
          R[o + k] = r
          N[o + k] = n
          recurrentCandidate[o + k] = hn
          hs[o + k] = z * prev[po + k]! + (1 - z) * n
        }
      } else if (variant === 'gru-before') {
        const Z = values.z!, R = values.r!
        const rh = rhs![b]!
        for (let k = 0; k < H; k++) {
          const z = gate(a[k]! + u[k]!)
          const r = gate(a[H + k]! + u[H + k]!)
          Z[o + k] = z
          R[o + k] = r
          rh[k] = r * prev[po + k]!
        }
      } else {
        for (let k = 0; k < H; k++) hs[o + k] = Math.tanh(a[k]! + u[k]!)
      }
    }
    if (variant === 'gru-before') {
      productBatch(rhs!, 0, U, G, H, us, 2 * H, G)
      for (let b = 0; b < B; b++) {
        const values = all[b]!
        const hs = hss[b]!
        const prev = prevs[b]!
        const a = as[b]!
        const u = us[b]!
        const Z = values.z!, N = values.n!
        for (let k = 0; k < H; k++) {
          const n = Math.tanh(a[2 * H + k]! + u[2 * H + k]!)
          const z = Z[o + k]!
          N[o + k] = n
          hs[o + k] = z * prev[po + k]! + (1 - z) * n
        }
      }
    }
    for (let b = 0; b < B; b++) hooks[b]?.(s, all[b]!)
  }
  return all.map((values, b) => ({ spec, steps: T, values, ...(candidates ? { recurrentCandidate: candidates[b]! } : {}) }))
}

/**
 * out[outOffset + k] = Σ_j v[vOffset + j] · M[k·stride + column + j] over j = 0 … length−1, for rows k = 0 … rows−1
 * (plus the old out[outOffset + k] when `accumulate`): the products of a gradient with a weight matrix's transpose.
 * Each sum runs from 0 over j in ascending order, so every result is bit-identical to the plain loop; four rows share
 * a pass over v, which gives four independent chains of additions instead of one (the plain loop waits on each add).
 * `firstRow` > 0 finishes rows a caller (rowDotsPair) left.
 */
function rowDots(v: Float64Array, vOffset: number, M: Float64Array, stride: number, column: number, length: number, rows: number, out: Float64Array, outOffset: number, accumulate: boolean, firstRow = 0): void {
  let k = firstRow
  for (; k + 4 <= rows; k += 4) {
    const r0 = k * stride + column
    const r1 = r0 + stride
    const r2 = r1 + stride
    const r3 = r2 + stride
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let j = 0; j < length; j++) {
      const g = v[vOffset + j]!
      s0 += g * M[r0 + j]!
      s1 += g * M[r1 + j]!
      s2 += g * M[r2 + j]!
      s3 += g * M[r3 + j]!
    }
    store4(out, outOffset + k, accumulate, s0, s1, s2, s3)
  }
  for (; k < rows; k++) {
    const row = k * stride + column
    let sum = 0
    for (let j = 0; j < length; j++) sum += v[vOffset + j]! * M[row + j]!
    out[outOffset + k] = accumulate ? out[outOffset + k]! + sum : sum
  }
}

function store4(out: Float64Array, o: number, accumulate: boolean, s0: number, s1: number, s2: number, s3: number): void {
  if (accumulate) {
    out[o] = out[o]! + s0
    out[o + 1] = out[o + 1]! + s1
    out[o + 2] = out[o + 2]! + s2
    out[o + 3] = out[o + 3]! + s3
  } else {
    out[o] = s0
    out[o + 1] = s1
    out[o + 2] = s2
    out[o + 3] = s3
  }
}

/** rowDots for two sequences at once, each weight loaded once for both; each sum exactly rowDots'. */
function rowDotsPair(v0: Float64Array, v1: Float64Array, vOffset: number, M: Float64Array, stride: number, column: number, length: number, rows: number, out0: Float64Array, out1: Float64Array, outOffset: number, accumulate: boolean): void {
  let k = 0
  for (; k + 4 <= rows; k += 4) {
    const r0 = k * stride + column
    const r1 = r0 + stride
    const r2 = r1 + stride
    const r3 = r2 + stride
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    let t0 = 0
    let t1 = 0
    let t2 = 0
    let t3 = 0
    for (let j = 0; j < length; j++) {
      const g = v0[vOffset + j]!
      const e = v1[vOffset + j]!
      const w0 = M[r0 + j]!
      const w1 = M[r1 + j]!
      const w2 = M[r2 + j]!
      const w3 = M[r3 + j]!
      s0 += g * w0
      s1 += g * w1
      s2 += g * w2
      s3 += g * w3
      t0 += e * w0
      t1 += e * w1
      t2 += e * w2
      t3 += e * w3
    }
    store4(out0, outOffset + k, accumulate, s0, s1, s2, s3)
    store4(out1, outOffset + k, accumulate, t0, t1, t2, t3)
  }
  if (k < rows) {
    rowDots(v0, vOffset, M, stride, column, length, rows, out0, outOffset, accumulate, k)
    rowDots(v1, vOffset, M, stride, column, length, rows, out1, outOffset, accumulate, k)
  }
}

/** rowDots for every sequence of a batch: in pairs (rowDotsPair), the odd one alone. */
function rowDotsBatch(vs: readonly Float64Array[], vOffset: number, M: Float64Array, stride: number, column: number, length: number, rows: number, outs: readonly Float64Array[], outOffset: number, accumulate: boolean): void {
  let b = 0
  for (; b + 2 <= vs.length; b += 2) rowDotsPair(vs[b]!, vs[b + 1]!, vOffset, M, stride, column, length, rows, outs[b]!, outs[b + 1]!, outOffset, accumulate)
  if (b < vs.length) rowDots(vs[b]!, vOffset, M, stride, column, length, rows, outs[b]!, outOffset, accumulate)
}

export interface CellGradients {
  /** ∂L/∂h_s [T, H]: the total derivative (from the outputs and through every later step). */
  dh: Float64Array
  /** LSTM only: ∂L/∂c_s [T, H]. */
  dc?: Float64Array
  /** ∂L/∂x_s [T, D]. */
  dx: Float64Array
}

/**
 * Backpropagation through time. `dOut` [T, H] is ∂L/∂h_s from outside the layer (the next layer or the head; zeros
 * where nothing reads h_s). Returns the total derivatives along the recurrence and with respect to the inputs.
 */
export function cellBackward(w: CellParams, trace: CellTrace, dOut: ArrayLike<number>): CellGradients {
  return cellBackwardBatch(w, [trace], [dOut])[0]!
}

/**
 * cellBackward for several sequences' traces of one layer at once (same spec and length): each sequence's gradients
 * are bit-identical to cellBackward's on it alone; the batch only shares each pass over the weights (rowDotsBatch).
 */
export function cellBackwardBatch(w: CellParams, traces: readonly CellTrace[], dOuts: readonly ArrayLike<number>[]): CellGradients[] {
  const { spec, steps: T } = traces[0]!
  const { variant, units: H, inputDim: D } = spec
  const G = gateBlocks(variant) * H
  const B = traces.length
  for (const [b, trace] of traces.entries()) {
    if (trace.steps !== T || trace.spec.variant !== variant || trace.spec.units !== H || trace.spec.inputDim !== D) throw new Error('cellBackwardBatch: the traces differ in shape')
    if (dOuts[b]!.length !== T * H) throw new Error(`dOut has ${dOuts[b]!.length} values, expected T·H = ${T}·${H}`)
  }
  const hard = spec.hardSigmoid
  const W = w.kernel
  const U = w.recurrentKernel
  const dhs = traces.map(() => new Float64Array(T * H))
  const dcs = variant === 'lstm' ? traces.map(() => new Float64Array(T * H)) : undefined
  const dxs = traces.map(() => new Float64Array(T * D))
  const das = traces.map(() => new Float64Array(G)) // ∂L/∂(input pre-activations) of the current step
  const dus = traces.map(() => new Float64Array(G)) // ∂L/∂(recurrent products) of the current step
  const carries = traces.map(() => new Float64Array(H)) // ∂L/∂h_{s} through step s+1
  const cCarries = traces.map(() => new Float64Array(H)) // LSTM: ∂L/∂c_s through c_{s+1}
  const drhs = variant === 'gru-before' ? traces.map(() => new Float64Array(H)) : undefined
  for (let s = T - 1; s >= 0; s--) {
    const o = s * H
    const po = (s - 1) * H
    for (let b = 0; b < B; b++) {
      const values = traces[b]!.values
      const hs = values.h!
      const dh = dhs[b]!
      const dOut = dOuts[b]!
      const carry = carries[b]!
      const da = das[b]!
      const du = dus[b]!
      for (let k = 0; k < H; k++) dh[o + k] = dOut[o + k]! + carry[k]!
      carry.fill(0)
      if (variant === 'lstm') {
        const I = values.i!, F = values.f!, Gc = values.g!, O = values.o!, C = values.c!
        const dc = dcs![b]!
        const cCarry = cCarries[b]!
        for (let k = 0; k < H; k++) {
          const g = dh[o + k]!
          const tc = Math.tanh(C[o + k]!)
          const og = O[o + k]!
          const dcs = g * og * (1 - tc * tc) + cCarry[k]!
          dc[o + k] = dcs
          const i = I[o + k]!, f = F[o + k]!, gg = Gc[o + k]!
          const cPrev = s === 0 ? 0 : C[po + k]!
          da[k] = dcs * gg * gateSlope(i, hard)
          da[H + k] = dcs * cPrev * gateSlope(f, hard)
          da[2 * H + k] = dcs * i * (1 - gg * gg)
          da[3 * H + k] = g * tc * gateSlope(og, hard)
          cCarry[k] = dcs * f
        }
        du.set(da)
      } else if (variant === 'rnn') {
        for (let k = 0; k < H; k++) {
          const h = hs[o + k]!
          da[k] = dh[o + k]! * (1 - h * h)
        }
        du.set(da)
      } else {
        const Z = values.z!, R = values.r!, N = values.n!
        for (let k = 0; k < H; k++) {
          const g = dh[o + k]!
          const z = Z[o + k]!, n = N[o + k]!
          const hPrev = s === 0 ? 0 : hs[po + k]!
          carry[k] = g * z
          da[k] = g * (hPrev - n) * gateSlope(z, hard)
          da[2 * H + k] = g * (1 - z) * (1 - n * n)
        }
        if (variant === 'gru-after') {
          const hn = traces[b]!.recurrentCandidate!
          for (let k = 0; k < H; k++) {
            const r = R[o + k]!
            const dan = da[2 * H + k]!
            da[H + k] = dan * hn[o + k]! * gateSlope(r, hard)
            du[k] = da[k]!
            du[H + k] = da[H + k]!
            du[2 * H + k] = dan * r
          }
        }
      }
    }
    if (variant === 'gru-before') {
      // n = tanh(a_n + (r ⊙ h_{s−1}) · U_n): ∂L/∂(r ⊙ h_{s−1}) = da_n · U_nᵀ
      rowDotsBatch(das, 2 * H, U, G, 2 * H, H, H, drhs!, 0, false)
      for (let b = 0; b < B; b++) {
        const values = traces[b]!.values
        const hs = values.h!
        const R = values.r!
        const drh = drhs![b]!
        const carry = carries[b]!
        const da = das[b]!
        const du = dus[b]!
        for (let k = 0; k < H; k++) {
          const r = R[o + k]!
          const hPrev = s === 0 ? 0 : hs[po + k]!
          da[H + k] = drh[k]! * hPrev * gateSlope(r, hard)
          carry[k] = carry[k]! + drh[k]! * r
          du[k] = da[k]!
          du[H + k] = da[H + k]!
          du[2 * H + k] = 0
        }
      }
    }
    // ∂L/∂x_s = da · Wᵀ
    rowDotsBatch(das, 0, W, G, 0, G, D, dxs, s * D, false)
    // ∂L/∂h_{s−1} += du · Uᵀ
    if (s > 0) rowDotsBatch(dus, 0, U, G, 0, variant === 'gru-before' ? 2 * H : G, H, carries, 0, true)
    else for (const carry of carries) carry.fill(0)
  }
  return traces.map((_, b) => ({ dh: dhs[b]!, dx: dxs[b]!, ...(dcs ? { dc: dcs[b]! } : {}) }))
}
