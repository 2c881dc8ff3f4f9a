/**
 * One recurrent layer in float64, exactly the CELLS.md equations, with every intermediate kept: the forward pass
 * records each gate and state at every step and unit (the inspector's traces), and backpropagation through time
 * turns a gradient on the layer's outputs into ∂L/∂h_t, ∂L/∂c_t (LSTM) and ∂L/∂x_t.
 *
 * Weight layout and gate order are those of tfjs-layers / Keras, which both engines store: kernel [D, G], recurrent
 * kernel [H, G] (G = k·H, gate blocks side by side), LSTM i,f,c,o; GRU z,r,h; the reset-after GRU has a second bias
 * row (recurrent bias, Keras layout [2, G]). This is the one implementation: the inspector, the fused kernels' test
 * yardstick (src/main/engine/fused/reference.ts) and the exactness tests all call it. The matrix products run in a
 * small WebAssembly module (products.ts), operation for operation the JavaScript loop, so bit-identical to it.
 *
 * Steps are in processing order (s = 0 … T−1). A backward-direction layer is the same cell run on the reversed
 * sequence; mapping back to the input's time axis is the caller's business (network.ts).
 */
import { productBatch, transposeInto, workspace } from './products'

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

/** Inputs at least this wide run their input product in WebAssembly (cellForwardBatch); narrower ones in a loop. */
const WIDE_INPUT = 8

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
 * A per-sequence array built by push, so that every such array has the same elements kind whatever array the caller
 * passed: the batch's loops then see one map at each access, and V8 keeps its optimised code instead of deoptimising
 * at each new kind (which made the first dozen calls several times slower).
 */
function bySequence<V>(n: number, make: (b: number) => V): V[] {
  const out: V[] = []
  for (let b = 0; b < n; b++) out.push(make(b))
  return out
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
export function cellForwardBatch(spec: CellSpec, w: CellParams, inputs: readonly ArrayLike<number>[], steps: number, afterStep?: (sequence: number) => AfterStep | undefined): CellTrace[] {
  for (let b = 0; b < inputs.length; b++) checkSizes(spec, w, inputs[b]!, steps)
  const xs = bySequence(inputs.length, (b) => inputs[b]!)
  const { variant, units: H, inputDim: D } = spec
  const G = gateBlocks(variant) * H
  const T = steps
  const B = xs.length
  const gate = spec.hardSigmoid ? hardSigmoid : sigmoid
  const W = w.kernel
  const U = w.recurrentKernel
  const bias = w.bias
  const names = traceNames[variant]
  const hooks = bySequence(B, (b) => afterStep?.(b))
  const all = bySequence(B, () => {
    const values: Record<string, Float64Array> = {}
    for (const name of names) values[name] = new Float64Array(T * H)
    return values
  })
  const hss = bySequence(B, (b) => all[b]!.h!)
  const zeros = bySequence(B, () => new Float64Array(H))
  const candidates = variant === 'gru-after' ? bySequence(B, () => new Float64Array(T * H)) : undefined
  // The products' operands in the WebAssembly module's memory (products.ts): U, each sequence's h_{s−1} (the
  // reset-before GRU's r ⊙ h_{s−1} after it) and its recurrent products u.
  // Wide inputs (a second layer's: H or 2H features) have their input product a = b + x_s·W in the module too, as one
  // product over [b; W] with v = [1, x_s]: its sums are the loop's ((b + x_0·W_0) + x_1·W_1) + … operation for operation
  // (0 + 1·b is b), so the trace keeps its bits but for signed zeros and for 0·∞ (the loop skips zero inputs). Narrow
  // inputs (a first layer's few features) keep the loop.
  const wide = D >= WIDE_INPUT
  const [Uw, ...slots] = workspace([H * G, ...bySequence(B, () => H), ...bySequence(B, () => G), ...(wide ? [(D + 1) * G, ...bySequence(B, () => D + 1), ...bySequence(B, () => G)] : [])])
  Uw!.set(U)
  const vs = slots.slice(0, B)
  const us = slots.slice(B, 2 * B)
  const Ww = wide ? slots[2 * B]! : undefined
  const xv = wide ? slots.slice(2 * B + 1, 3 * B + 1) : undefined
  // Each sequence's input product a (in the module when wide, where the product writes it).
  const as = wide ? slots.slice(3 * B + 1) : bySequence(B, () => new Float64Array(G))
  if (wide) {
    Ww!.set(bias.subarray(0, G))
    Ww!.set(W.subarray(0, D * G), G)
    for (const v of xv!) v[0] = 1
  }
  for (let s = 0; s < T; s++) forwardStep(s, variant, H, G, D, B, gate, W, bias, xs, as, vs, us, all, hss, zeros, candidates, hooks, Uw!, Ww, xv)
  return all.map((values, b) => ({ spec, steps: T, values, ...(candidates ? { recurrentCandidate: candidates[b]! } : {}) }))
}

/**
 * One step of cellForwardBatch for the whole batch. A module-level function rather than a closure made at each call:
 * V8 optimises it once and every later call runs that code (an optimised closure is specialised to its own call, so
 * each new call's closure was optimised again, which made telemetry's second call nearly as slow as its first); and as
 * its own function it is optimised after a few calls rather than by on-stack replacement of one long loop (whose
 * optimised code then meets never-run code at the loop's end and is dropped). Its inputs are plain parameters, not
 * fields of an object: code optimised on such an object depended on the field types V8 had recorded for it (the
 * Float64Arrays' map), which the second call's object generalised, throwing that code away again.
 */
function forwardStep(
  s: number,
  variant: CellVariant,
  H: number,
  G: number,
  D: number,
  B: number,
  gate: (v: number) => number,
  W: Float64Array,
  bias: Float64Array,
  xs: ArrayLike<number>[],
  as: Float64Array[],
  vs: Float64Array[],
  us: Float64Array[],
  all: Array<Record<string, Float64Array>>,
  hss: Float64Array[],
  zeros: Float64Array[],
  candidates: Float64Array[] | undefined,
  hooks: Array<AfterStep | undefined>,
  Uw: Float64Array,
  Ww: Float64Array | undefined,
  xv: Float64Array[] | undefined
): void {
  const prevs = s === 0 ? zeros : hss
  const po = s === 0 ? 0 : (s - 1) * H
  const o = s * H
  // a = b + x_s · W: wide inputs as one product over [b; W] (cellForwardBatch), narrow ones in this loop.
  if (Ww) {
    for (let b = 0; b < B; b++) {
      const v = xv![b]!
      const x = xs[b]!
      for (let d = 0; d < D; d++) v[d + 1] = x[s * D + d]!
    }
    productBatch(xv!, 0, Ww, 0, G, D + 1, as, 0, G)
  } else {
    for (let b = 0; b < B; b++) {
      const a = as[b]!
      const x = xs[b]!
      for (let j = 0; j < G; j++) a[j] = bias[j]!
      for (let d = 0; d < D; d++) {
        const xd = x[s * D + d]!
        if (xd === 0) continue
        const row = d * G
        for (let j = 0; j < G; j++) a[j] = a[j]! + xd * W[row + j]!
      }
    }
  }
  for (let b = 0; b < B; b++) vs[b]!.set(prevs[b]!.subarray(po, po + H))
  productBatch(vs, 0, Uw, 0, G, H, us, 0, variant === 'gru-before' ? 2 * H : G)
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
      const rh = vs[b]!
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
    productBatch(vs, 0, Uw, 0, G, H, us, 2 * H, G)
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
export function cellBackwardBatch(w: CellParams, traceList: readonly CellTrace[], dOutList: readonly ArrayLike<number>[]): CellGradients[] {
  const traces = bySequence(traceList.length, (b) => traceList[b]!)
  const dOuts = bySequence(traceList.length, (b) => dOutList[b]!)
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
  const dhs = bySequence(B, () => new Float64Array(T * H))
  const dcs = variant === 'lstm' ? bySequence(B, () => new Float64Array(T * H)) : undefined
  const dxs = bySequence(B, () => new Float64Array(T * D))
  const carries = bySequence(B, () => new Float64Array(H)) // ∂L/∂h_{s} through step s+1
  const cCarries = bySequence(B, () => new Float64Array(H)) // LSTM: ∂L/∂c_s through c_{s+1}
  // In the WebAssembly module's memory (products.ts): Uᵀ [G, H] and Wᵀ [G, D], so that da·Wᵀ and du·Uᵀ are products
  // over rows (each sum Σ_j in ascending j); per sequence ∂L/∂(input pre-activations) da and ∂L/∂(recurrent products)
  // du of the current step, du·Uᵀ, da·Wᵀ and (reset-before GRU) ∂L/∂(r ⊙ h_{s−1}).
  const per = (n: number): number[] => bySequence(B, () => n)
  const [UT, WT, ...rest] = workspace([G * H, G * D, ...per(G), ...per(G), ...per(H), ...per(D), ...(variant === 'gru-before' ? per(H) : [])])
  transposeInto(U, H, G, UT!)
  transposeInto(W, D, G, WT!)
  const das = rest.slice(0, B)
  const dus = rest.slice(B, 2 * B)
  const sums = rest.slice(2 * B, 3 * B)
  const dxSteps = rest.slice(3 * B, 4 * B)
  const drhs = variant === 'gru-before' ? rest.slice(4 * B) : undefined
  for (let s = T - 1; s >= 0; s--) backwardStep(s, variant, H, G, D, B, hard, traces, dOuts, dhs, dcs, dxs, carries, cCarries, das, dus, sums, dxSteps, drhs, UT!, WT!)
  return traces.map((_, b) => ({ dh: dhs[b]!, dx: dxs[b]!, ...(dcs ? { dc: dcs[b]! } : {}) }))
}

/** One step of cellBackwardBatch for the whole batch: a module-level function with plain parameters, as forwardStep. */
function backwardStep(
  s: number,
  variant: CellVariant,
  H: number,
  G: number,
  D: number,
  B: number,
  hard: boolean,
  traces: CellTrace[],
  dOuts: ArrayLike<number>[],
  dhs: Float64Array[],
  dcs: Float64Array[] | undefined,
  dxs: Float64Array[],
  carries: Float64Array[],
  cCarries: Float64Array[],
  das: Float64Array[],
  dus: Float64Array[],
  sums: Float64Array[],
  dxSteps: Float64Array[],
  drhs: Float64Array[] | undefined,
  UT: Float64Array,
  WT: Float64Array
): void {
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
    productBatch(das, 2 * H, UT, 2 * H, H, H, drhs!, 0, H)
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
  productBatch(das, 0, WT, 0, D, G, dxSteps, 0, D)
  for (let b = 0; b < B; b++) dxs[b]!.set(dxSteps[b]!, s * D)
  // ∂L/∂h_{s−1} += du · Uᵀ (nothing precedes step 0; no else branch, whose first run at the last step would throw
  // away this function's optimised code at every call)
  if (s > 0) {
    productBatch(dus, 0, UT, 0, H, variant === 'gru-before' ? 2 * H : G, sums, 0, H)
    for (let b = 0; b < B; b++) {
      const carry = carries[b]!
      const sum = sums[b]!
      for (let k = 0; k < H; k++) carry[k] = carry[k]! + sum[k]!
    }
  }
}
