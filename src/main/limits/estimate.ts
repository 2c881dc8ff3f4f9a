/**
 * A run's memory and time, estimated from its configuration before anything is built (issue 19, item 4). Pure
 * arithmetic on the sizes the engine allocates (docs/RELIABILITY.md, "Limits before a run starts"):
 *
 *   data         every split's windows, float32: n·T·D inputs + targets (+ the table a CSV is read into)
 *   weights      P float32 parameters; gradients P more; optimizer state 2P (Adam, RMSprop), P (momentum), 0 (SGD);
 *                the best-epoch snapshot P more (counted with the weights)
 *   activations  what backpropagation through time keeps for the largest pass: a training batch, or an evaluation chunk
 *                of up to 500 sequences (the engine evaluates in chunks of 500; a fused layer runs them at most 128 and
 *                at most 32 MiB of kernel memory at a time, fused/chunk.ts, and its kernel memory stays at its
 *                high-water mark). Fused engine: each layer's kernel workspace
 *                (kernel.ts `layout`: gate activations T·B·G, states, the backward scratch) plus the tensors around it. Layers engine: tfjs-layers unrolls the
 *                cell with TF.js ops and the gradient tape keeps each step's products, ≈ B·(8G + 24H + D) floats a step.
 *   init         the orthogonal initialisation of the largest recurrent kernel (float64 working copy)
 *   overhead     a trainer process with TF.js, its backend and the kernels loaded, measured once (TRAINER_OVERHEAD_BYTES)
 *
 * Time: steps per epoch × seconds per step, where a step costs its floating-point work (6·B·T·G·(D+H) per layer and
 * direction, as kernel.ts `trainingFlops` counts) at a rate taken from the bench (docs/PERFORMANCE.md) plus a fixed cost
 * per step; the validation pass and gate telemetry are added per epoch. It is an estimate, stated as one: the factor in
 * `basis` is how far it was seen off on this machine, more under load.
 */
import type { RunConfig } from '../../shared/config'
import { modelParams } from '../../shared/params'
import { formatBytes, formatSeconds, type MemoryLimit, type MemoryPart, type RunEstimate, type ShrinkHint, type ShrinkSetting } from '../../shared/limits'
import { inferenceRows } from '../engine/fused/chunk'
import { kernelLayoutBytes, kernelRowBytes, type FusedVariant } from '../engine/fused/kernel'

/** The shape and size of a run's data, known without building it (see ./dataSize.ts). */
export interface DataSize {
  kind: 'regression' | 'classification'
  seqLen: number
  inputSize: number
  outputSize: number
  perStep: boolean
  train: number
  val: number
  test: number
  /** Bytes held while the data is read (a CSV's parsed table), beyond the windows themselves. */
  sourceBytes: number
  /** Which setting sets the window length: seqLen (built-in tasks) or lookback (series). */
  lengthSetting: 'seqLen' | 'lookback'
  /** True when the split sizes are settings (built-in tasks), false when the file decides them. */
  samplesAreSettings: boolean
}

/**
 * A trainer with TF.js, the WebAssembly backend and the fused kernels loaded, before any data: its resident memory,
 * measured once on this machine (Node 20, tfjs 4.22: a tiny run's whole peak was 96 MiB; test/integration/limits.test.ts
 * measures it again against a real trainer).
 */
export const TRAINER_OVERHEAD_BYTES = 100 * 2 ** 20
/** The engine evaluates in chunks of this many sequences (engine/train.ts EVAL_CHUNK). */
const EVAL_CHUNK = 500
/** TF.js's WebAssembly backend keeps every tensor in one 32-bit WebAssembly memory: at most 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30
/** Longest build (data + model) allowed before the first step; above it a run is refused as too large to initialise. */
export const MAX_BUILD_SECONDS = 600

/**
 * Rates behind the time estimate, from docs/PERFORMANCE.md's rows. The whole fused step (engine/step) on the native
 * kernels ran at 31–80 GFLOP/s (32–256 units) on the 2 vCPU EPYC with AVX2 and 82–153 on the one with AVX-512, both
 * quiet; on the WebAssembly kernels at 12–40 (and their products alone at LSTM 256 at 23 on the AVX-512 machine). The
 * estimate takes rates below those, since a busy machine runs slower; the layers engine's were measured under load.
 * (Until 2026-12-02 the fused rate was the TF.js-step era's 3 GFLOP/s + 4 ms a step: epochs came out 20–30× too long.)
 */
const rates = {
  fusedFlops: { native: 50e9, wasm: 15e9 },
  fusedStepSeconds: 0.0003,
  layersFlops: 0.4e9,
  /** tfjs-layers dispatches a handful of ops per time step and layer, forward and backward. */
  layersSecondsPerTimeStep: 0.0004,
  /**
   * float64 JavaScript loops: the orthogonal initialisation (engine/init.ts measured 0.2 GFLOP/s under load: 5 s at
   * 512 units, 41 s at 1,024), the gate telemetry.
   */
  jsFlops: 0.25e9,
  /** Generating or windowing one input value. */
  dataSecondsPerValue: 25e-9
}

export interface EstimateOptions {
  limit: MemoryLimit
  /** The TF.js backend the trainer will use; 'auto' here means the WebAssembly backend (tfjs-node is optional). */
  backend?: RunConfig['backend']
  /**
   * Which fused kernels the trainer will run (engine/native: the native module when it is built and loads, else the
   * WebAssembly kernels). WebAssembly kernels keep each layer's workspace in one 32-bit memory of at most 4 GiB;
   * without this option the estimate assumes them, the stricter case.
   */
  kernels?: 'native' | 'wasm'
}

const F32 = 4
const F64 = 8

function gates(cell: RunConfig['cell']): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1
}

/**
 * Floats of one fused layer's kernel workspace (src/main/engine/fused/kernel.ts `layout`) that are really written: the
 * forward regions for the largest pass (B sequences: a training batch or an inference chunk), the backward ones for a
 * training batch (trainB). Reserved but never written pages take no memory.
 */
export function fusedWorkspaceFloats(cell: RunConfig['cell'], B: number, T: number, D: number, H: number, returnSequences: boolean, trainB = B): number {
  const G = gates(cell) * H
  const bias = 2 * G
  const y = returnSequences ? B * T * H : B * H
  const aux = cell === 'lstm' ? (T + 1) * B * H : cell === 'rnn' ? 0 : T * B * H
  const aux2 = cell === 'lstm' ? T * B * H : cell === 'rnn' ? 0 : B * G
  const forward = B * T * D + D * G + H * G + bias + T * B * D + T * B * G + aux + aux2 + (T + 1) * B * H + y
  const yTrain = returnSequences ? trainB * T * H : trainB * H
  const backward = yTrain + trainB * T * D + D * G + H * G + bias + G * H + G * D + 3 * trainB * H + trainB * T * D
  return forward + backward
}

export function estimateRun(config: RunConfig, data: DataSize, options: EstimateOptions): RunEstimate {
  const T = data.seqLen
  const D = data.inputSize
  const H = config.units
  const G = gates(config.cell) * H
  const dirs = config.bidirectional ? 2 : 1
  const L = config.layers
  const gruForm = config.gruForm === 'reset-before' || (config.engine === 'layers' && config.gruForm === 'auto') ? 'reset-before' : 'reset-after'
  const P = modelParams({ cell: config.cell, units: H, layers: L, bidirectional: config.bidirectional, gruForm }, { inputSize: D, outputSize: data.outputSize })
  const targetWidth = data.kind === 'classification' ? 1 : data.outputSize
  const perSeq = (T * D + (data.perStep ? T : 1) * targetWidth) * F32
  const n = data.train + data.val + data.test

  // Per layer: its input width and whether it returns every step.
  const layerInputs = Array.from({ length: L }, (_, l) => (l === 0 ? D : dirs * H))
  const returnsSeq = (l: number): boolean => l < L - 1 || data.perStep
  const evalB = Math.min(EVAL_CHUNK, Math.max(data.val, data.test, 1))
  // A fused layer runs an evaluation chunk through its kernel as many rows at a time as fused/layers.ts does
  // (fused/chunk.ts: bounded in rows and in kernel memory).
  const variant: FusedVariant = config.cell === 'lstm' ? 'lstm' : config.cell === 'rnn' ? 'rnn' : gruForm === 'reset-before' ? 'gru-before' : 'gru-after'
  const kernelSpec = (l: number) => ({ variant, units: H, returnSequences: returnsSeq(l) })
  // Per layer, the sequences of its largest pass: a training batch or that many of an evaluation chunk.
  const passB = layerInputs.map((Dl, l) =>
    config.engine !== 'fused' ? Math.max(config.batch, evalB) : Math.max(config.batch, Math.min(evalB, inferenceRows(kernelRowBytes(kernelSpec(l), T, Dl))))
  )
  const largestPass = Math.max(...passB)
  // Whether evaluation, not the training batch, sets the activations' size (and so whether the validation and test
  // sizes or the batch size are the settings to shrink for them).
  const evalSetsActivations = largestPass > config.batch

  const dataBytes = n * perSeq + data.train * 8 + data.sourceBytes
  const weightBytes = 2 * P * F32 // the weights and the best-epoch snapshot
  const gradBytes = P * F32
  const optimizerSlots = config.optimizer === 'adam' || config.optimizer === 'rmsprop' ? 2 : config.optimizer === 'sgd' && config.momentum > 0 ? 1 : 0
  const optimizerBytes = optimizerSlots * P * F32

  // Tensors around the recurrent layers for a pass of B sequences: inputs, outputs, their gradients.
  const tensorFloats = (B: number): number => layerInputs.reduce((sum, Dl, l) => sum + dirs * (2 * B * T * Dl + 2 * (returnsSeq(l) ? B * T * H : B * H)), 0)
  let activationBytes: number
  let heapActivationBytes: number
  // The largest kernel layout of one layer and direction, reserved whole: what one WebAssembly kernel memory must hold.
  const largestLayoutBytes = config.engine !== 'fused' ? 0 : Math.max(...layerInputs.map((Dl, l) => kernelLayoutBytes(kernelSpec(l), { batch: passB[l]!, steps: T, inputDim: Dl })))
  if (config.engine === 'fused') {
    const workspace = layerInputs.reduce((sum, Dl, l) => sum + dirs * fusedWorkspaceFloats(config.cell, passB[l]!, T, Dl, H, returnsSeq(l), config.batch), 0)
    const tensors = Math.max(tensorFloats(config.batch), tensorFloats(evalB))
    activationBytes = (workspace + tensors) * F32
    heapActivationBytes = tensors * F32
  } else {
    // Calibrated on a real run (test/integration/limits.test.ts): the step's matrix products, gate slices, their
    // activations and the gradients the backward pass allocates for them.
    const tapeFloats = (B: number): number => layerInputs.reduce((sum, Dl) => sum + dirs * T * B * (8 * G + 24 * H + Dl), 0)
    // Training keeps the tape; evaluation (no tape) holds about one step's worth per layer plus the outputs.
    activationBytes = Math.max(tapeFloats(config.batch) + tensorFloats(config.batch), tensorFloats(evalB)) * F32
    heapActivationBytes = activationBytes
  }
  // Gate telemetry runs float64 traces of its probe batch (1–8 sequences) forward and back.
  const probe = !config.telemetry ? 0 : Math.min(H <= 64 ? 8 : H <= 128 ? 4 : H <= 256 ? 2 : 1, Math.max(data.val, 1))
  const telemetryBytes = probe * L * dirs * T * (G + 4 * H) * F64 * 2
  activationBytes += telemetryBytes

  // The orthogonal initialisation works on an m × n float64 copy of the largest recurrent kernel [H, G].
  const initM = Math.max(H, G)
  const initN = Math.min(H, G)
  const initBytes = initM * initN * (F64 + F32)

  const lengthLabel = data.lengthSetting === 'seqLen' ? 'steps' : 'steps of lookback'
  const parts: MemoryPart[] = [
    { key: 'overhead', label: 'trainer process', bytes: TRAINER_OVERHEAD_BYTES },
    { key: 'data', label: `data (${n.toLocaleString('en')} windows × ${T} ${lengthLabel} × ${D} inputs)`, bytes: dataBytes },
    { key: 'weights', label: `weights (${P.toLocaleString('en')} parameters + the best-epoch copy)`, bytes: weightBytes },
    { key: 'gradients', label: 'gradients', bytes: gradBytes },
    { key: 'optimizer', label: `optimizer state (${config.optimizer})`, bytes: optimizerBytes },
    { key: 'activations', label: `activations kept for backpropagation through time (${config.engine} engine, ${largestPass} sequences × ${T} steps)`, bytes: activationBytes },
    { key: 'init', label: 'orthogonal initialisation', bytes: initBytes }
  ]
  const totalBytes = parts.reduce((s, p) => s + p.bytes, 0)

  // Time.
  const kernels = options.kernels ?? 'wasm'
  const fusedFlops = rates.fusedFlops[kernels]
  const stepFlops = layerInputs.reduce((sum, Dl) => sum + dirs * 6 * config.batch * T * G * (Dl + H), 0)
  const secondsPerStep =
    config.engine === 'fused'
      ? stepFlops / fusedFlops + rates.fusedStepSeconds
      : stepFlops / rates.layersFlops + rates.layersSecondsPerTimeStep * T * L * dirs
  const stepsPerEpoch = Math.ceil(data.train / config.batch)
  const evalFlops = layerInputs.reduce((sum, Dl) => sum + dirs * 2 * data.val * T * G * (Dl + H), 0)
  const evalSeconds =
    config.engine === 'fused'
      ? evalFlops / fusedFlops + Math.ceil(data.val / EVAL_CHUNK) * rates.fusedStepSeconds
      : evalFlops / rates.layersFlops + Math.ceil(data.val / EVAL_CHUNK) * rates.layersSecondsPerTimeStep * T * L * dirs
  const telemetrySeconds = (probe * L * dirs * T * G * (D + H) * 6) / rates.jsFlops
  const secondsPerEpoch = stepsPerEpoch * secondsPerStep + evalSeconds + telemetrySeconds
  const initSeconds = L * dirs * (2 * initM * initN * initN) / rates.jsFlops
  const buildSeconds = n * T * D * rates.dataSecondsPerValue + initSeconds
  const engineRate =
    config.engine === 'fused'
      ? `${fusedFlops / 1e9} GFLOP/s + ${rates.fusedStepSeconds * 1000} ms a step, below the whole fused step's measured rate on the ${kernels === 'native' ? 'native' : 'WebAssembly'} kernels`
      : `${rates.layersFlops / 1e9} GFLOP/s + ${rates.layersSecondsPerTimeStep * 1000} ms per time step and layer, the layers engine's rate measured under load`
  const timeBasis =
    `${stepsPerEpoch.toLocaleString('en')} steps × ${formatSeconds(secondsPerStep)} (${(stepFlops / 1e9).toPrecision(3)} GFLOP a step at ${engineRate}, ` +
    `docs/PERFORMANCE.md) + validation; an estimate: expect up to 3× either way, more on a busy machine`

  // Checks.
  const reasons: string[] = []
  const wasmBackend = (options.backend ?? config.backend) !== 'tensorflow' && (options.backend ?? config.backend) !== 'cpu'
  const heapBytes = weightBytes + gradBytes + optimizerBytes + heapActivationBytes + config.batch * perSeq
  if (wasmBackend && heapBytes > WASM_HEAP_BYTES * 0.9) {
    reasons.push(`Its tensors need about ${formatBytes(heapBytes)}, and TF.js's WebAssembly backend holds at most ${formatBytes(WASM_HEAP_BYTES)}.`)
  }
  if (config.engine === 'fused' && (options.kernels ?? 'wasm') === 'wasm' && largestLayoutBytes > WASM_HEAP_BYTES * 0.95) {
    reasons.push(
      `Its largest recurrent layer needs about ${formatBytes(largestLayoutBytes)} of kernel memory, and the WebAssembly kernels that run here (the native kernels are not in use) hold at most ${formatBytes(WASM_HEAP_BYTES)} per layer.`
    )
  }
  if (buildSeconds > MAX_BUILD_SECONDS) {
    const init = initSeconds > buildSeconds / 2 ? `; ${formatSeconds(initSeconds)} of it the orthogonal initialisation of ${H} units` : ''
    reasons.push(`Building it would take about ${formatSeconds(buildSeconds)} before the first step (the limit is ${formatSeconds(MAX_BUILD_SECONDS)}${init}).`)
  }
  const overMemory = totalBytes > options.limit.bytes
  const fits = !overMemory && reasons.length === 0

  // What to shrink: the settings whose parts are biggest, biggest first.
  const grows: [ShrinkSetting, number][] = [
    ['units', weightBytes + gradBytes + optimizerBytes + activationBytes + initBytes],
    [data.lengthSetting, dataBytes + activationBytes],
    ...(data.samplesAreSettings ? ([['samples', data.train * perSeq], ['valSamples', data.val * perSeq + (evalSetsActivations ? activationBytes : 0)], ['testSamples', data.test * perSeq]] as [ShrinkSetting, number][]) : []),
    ['batch', evalSetsActivations ? 0 : activationBytes],
    ...(L > 1 ? ([['layers', activationBytes + weightBytes]] as [ShrinkSetting, number][]) : [])
  ]
  const shrink: ShrinkHint[] = grows
    .filter(([, bytes]) => bytes > 0.05 * totalBytes || !overMemory)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([setting, bytes]) => ({ setting, bytes }))

  return {
    memory: {
      totalBytes,
      parts,
      basis:
        'the trainer’s peak: data, weights, optimizer state and gradients held at once, with the activations of its largest pass ' +
        `(a batch of ${config.batch}, or an evaluation chunk of ${evalB}) and a measured ${formatBytes(TRAINER_OVERHEAD_BYTES)} process overhead`
    },
    time: { stepsPerEpoch, secondsPerStep, secondsPerEpoch, buildSeconds, basis: timeBasis },
    limit: options.limit,
    fits,
    reasons,
    shrink
  }
}
