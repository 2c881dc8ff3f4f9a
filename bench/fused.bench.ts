/**
 * Fused LSTM/GRU training throughput against PyTorch on the same machine, in the same run (issue 10).
 *
 * Each row is a real TF.js training step as the engine runs it — tf.variableGrads + Adam applyGradients: fused recurrent
 * layer (forward over the sequence and backward through time in the native kernels where built, else WebAssembly), dense head, MSE on the last step, Adam update — against bench/peers/torch_rnn.py
 * (nn.LSTM / nn.GRU, one thread) with the same sizes, loss and optimizer, run at its best through bench/peer.ts (an
 * optimized BLAS proven loaded, OpenBLAS's core pinning unset for the peer; no ratio otherwise, with the reason).
 * GRU is reset-after on both sides. The fused figure and the PyTorch figure of a row are measured back to back, several times alternately, and each is the median
 * of its repetitions, so the ratio stays meaningful on a busy machine. Also printed: the effective GFLOP/s of the
 * recurrent layer's matrix products per row, the WebAssembly kernel's matrix-multiply ceiling and the native single-core
 * sgemm ceiling (OpenBLAS through PyTorch, and GateLab's native kernel) on the step's own product shapes, and the
 * kernels' own forward + backward time on the row's shape in each build (native targets, relaxed SIMD, SIMD128).
 * After the rounds, each row's whole step and the peer also take 20 short paired turns (pairedTurns, below), each with
 * the ceiling measured in the same turn: the row "… whole step, paired turns" is the reading issue 18's targets are
 * judged on since 2026-12-02 (docs/PERFORMANCE.md says why).
 *
 * GATELAB_FUSED_ROWS=lstm:64 (comma-separated cell:units filters) runs a subset; GATELAB_BENCH_QUICK=1 fewer repetitions;
 * GATELAB_FUSED_TURNS and GATELAB_FUSED_CEILING_BURSTS set the paired turns.
 */
import { it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { FusedKernel, defaultKernelBuild, fusedGRU, fusedLSTM, trainingFlops, weightShapes, type FusedVariant, type KernelBuild } from '../src/main/engine/fused'
import { KernelInstance, type KernelMemory } from '../src/main/engine/fused/wasm'
import { NativeKernelInstance, nativeKernelStatus, nativeTargetsHere } from '../src/main/engine/native'
import { countFromEnv, median, quartiles, quick, round, writeRows, type BenchRow } from './record'
import { PeerSession, peerFields, peerLabel, runPeer, type PeerRecord } from './peer'
import { wholeStep } from './whole-step'

// Issue 18's target rows: 32, 64, 128 and 256 units at T = 100 (--quick too, with fewer rounds).
const sizes = [32, 64, 128, 256]
const configs: Array<[cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number]> = (['lstm', 'gru'] as const).flatMap((cell) =>
  sizes.map((units) => [cell, units, 100, 32] as [cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number])
)
const filter = (process.env.GATELAB_FUSED_ROWS ?? '').split(',').filter(Boolean)
const selected = configs.filter(([cell, units]) => filter.length === 0 || filter.includes(`${cell}:${units}`) || filter.includes(cell))
// Five alternating rounds: this VM has slow spells lasting seconds; a median over five rides them out better than three.
const rounds = quick ? 2 : 5
// Paired turns per row (pairedTurns): about 1 s each. GATELAB_FUSED_TURNS=N sets them.
const turns = countFromEnv('GATELAB_FUSED_TURNS', quick ? 8 : 20)
// The ceiling in each turn: best of this many bursts of about 2 ms per product shape, on each side (OpenBLAS, ours).
// GATELAB_FUSED_CEILING_BURSTS=N sets it (more bursts: a higher best, a longer turn). 40, as the rounds' ceiling: with 10 the
// ceiling read 61-64 GFLOP/s at GRU 128 and the share 65-66%; with 40, 71.9 and 59% (2026-12-02, quiet).
const ceilingBursts = countFromEnv('GATELAB_FUSED_CEILING_BURSTS', 40)

/**
 * ms per training batch of the fused model (median over `reps` timed runs of `steps` batches each). One batch is the
 * engine's training step (src/main/engine/train.ts): tf.variableGrads of the MSE over every trainable variable, then
 * Adam's applyGradients, inside tf.tidy, reading the loss back.
 */
async function fusedMsPerBatch(cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number, reps: number): Promise<number> {
  const layer = cell === 'lstm' ? fusedLSTM({ units, inputShape: [seqLen, 1] }) : fusedGRU({ units, inputShape: [seqLen, 1] })
  const model = tf.sequential({ layers: [layer, tf.layers.dense({ units: 1 })] })
  const optimizer = tf.train.adam(1e-3)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const xs = tf.randomUniform([batch, seqLen, 1])
  const ys = tf.randomUniform([batch, 1])
  const step = (): number =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables)
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })))
      return value.dataSync()[0]!
    })
  const times = timedRuns(step, Math.max(3, Math.round(400 / (units * seqLen / 100))), reps)
  tf.dispose([xs, ys])
  optimizer.dispose()
  model.dispose()
  return median(times)
}

/**
 * ms per training batch of the whole step in one call (src/main/engine/step, what the trainer runs for engine "fused"
 * without dropout): the same model, loss and optimizer as `fusedMsPerBatch`, no TF.js tensor per step.
 */
function wholeStepMsPerBatch(cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number, reps: number): { median: number; best: number } {
  const { train } = wholeStep(cell, units, seqLen, batch)
  const times = timedRuns(train, Math.max(3, Math.round(400 / (units * seqLen / 100))), reps)
  return { median: median(times), best: Math.min(...times) }
}

/** ms per call of `step`: three warm-up calls, then `reps` timed runs of `steps` calls each. */
function timedRuns(step: () => unknown, steps: number, reps: number): number[] {
  for (let i = 0; i < 3; i++) step()
  const times: number[] = []
  for (let r = 0; r < reps; r++) {
    const t = performance.now()
    for (let i = 0; i < steps; i++) step()
    times.push((performance.now() - t) / steps)
  }
  return times
}

/** The one-thread PyTorch peer on the same step (bench/peer.ts: at its best, or a reason and no figure). */
function torchMsPerBatch(cell: string, units: number, seqLen: number, batch: number, reps: number): { ms: number; record: PeerRecord } | { reason: string; record?: PeerRecord } {
  const steps = Math.max(3, Math.round(100 / (units * seqLen / 100)))
  const result = runPeer<{ msPerBatch: number }>('torch_rnn.py', ['--config', `${cell},${units},${seqLen},${batch}`, '--steps', String(steps), '--reps', String(reps)], 1)
  return 'ok' in result ? { ms: result.ok.msPerBatch, record: result.ok } : result
}

/**
 * GFLOP/s of the kernels' blocked matrix product alone on an [m × k]·[k × n] product. The best of the timed runs, not
 * the median: a ceiling is what the core does when nothing else takes it away (the bench measures it once per round, so
 * the rounds give its spread over the same minutes as the step's).
 */
function gemmRate(wasm: KernelMemory, m: number, n: number, k: number, bursts = 40): number {
  const a = wasm.start
  const b = a + m * k * 4
  const c = b + k * n * 4
  wasm.reserve(c + m * n * 4 - a)
  const mem = wasm.f32
  for (let i = 0; i < m * k + k * n; i++) mem[a / 4 + i] = Math.random()
  // About 2 ms per timed run, 40 runs: long enough that one slow moment of this VM does not decide the figure.
  const reps = Math.max(3, Math.round(4e7 / (2 * m * n * k)))
  let best = Infinity
  for (let r = 0; r < bursts; r++) {
    const t = performance.now()
    for (let i = 0; i < reps; i++) wasm.exports.gemm_nn(m, n, k, a, b, c)
    best = Math.min(best, (performance.now() - t) / 1000 / reps)
  }
  return (2 * m * n * k) / best / 1e9
}

/** The three products of a step — h·U [B,H]·[H,G], dZ·Uᵀ [B,G]·[G,H], hᵀ·dZ [H,B]·[B,G] — as [m, n, k]. */
const stepShapes = (batch: number, gates: number, units: number): Array<[number, number, number]> => [[batch, gates, units], [batch, units, gates], [units, gates, batch]]

/** The ceiling of a row in some kernels: the best rate of the step's three products. */
function gemmCeiling(instance: KernelMemory, batch: number, gates: number, units: number, bursts = 40): number {
  return Math.max(...stepShapes(batch, gates, units).map(([m, n, k]) => gemmRate(instance, m, n, k, bursts)))
}

/**
 * The native single-core sgemm ceiling on the step's own product shapes (issue 18's yardstick): the better of
 * OpenBLAS through PyTorch (bench/peers/torch_gemm.py, one thread, the peer's BLAS proven) and GateLab's own native
 * kernel (when built). Undefined parts are missing (with the reason in the row).
 */
function nativeCeiling(batch: number, gates: number, units: number): { blas?: number; ours?: number; reason?: string } {
  const shapes = stepShapes(batch, gates, units).flatMap(([m, n, k]) => ['--shape', `${m},${n},${k}`])
  const peer = runPeer<{ shapes: Array<{ gflops: number }> }>('torch_gemm.py', shapes, 1)
  const blas = 'ok' in peer ? Math.max(...peer.ok.shapes.map((x) => x.gflops)) : undefined
  const native = nativeKernelStatus()
  const ours = native.used ? gemmCeiling(new NativeKernelInstance(native.target), batch, gates, units) : undefined
  return { blas, ours, reason: 'reason' in peer ? peer.reason : undefined }
}

/**
 * ms of the kernels alone (one forward and one backward call, no TF.js) on a row's shape, for each build of the
 * kernels: what the relaxed-SIMD build (fused multiply-add) gains over the SIMD128 one. Builds alternate; best of 15.
 */
function kernelMsByBuild(variant: FusedVariant, units: number, seqLen: number, batch: number): Partial<Record<KernelBuild, number>> {
  const shape = { batch, steps: seqLen, inputDim: 1 }
  const s = weightShapes(variant, 1, units)
  const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * 0.4)
  const w = { kernel: fill(s.kernel[0] * s.kernel[1]), recurrentKernel: fill(s.recurrentKernel[0] * s.recurrentKernel[1]), bias: fill(s.bias.reduce((a, b) => a * b, 1)) }
  const x = fill(batch * seqLen)
  const dy = fill(batch * units)
  const spec = { variant, units, hardSigmoid: false, returnSequences: false }
  const builds: KernelBuild[] = [...nativeTargetsHere().map((t) => `native-${t}` as const), 'relaxed-simd', 'simd128']
  const kernels = builds.map((b) => new FusedKernel(b))
  const best = builds.map(() => Infinity)
  const reps = Math.max(2, Math.round(40 / (units * seqLen / 1600)))
  for (let round = 0; round < 16; round++) {
    kernels.forEach((kernel, i) => {
      const t = performance.now()
      for (let r = 0; r < reps; r++) {
        const { ticket } = kernel.forward(spec, shape, x, w)
        kernel.backward(spec, shape, ticket, () => ({ x, w }), dy)
      }
      // The first round warms the code up (V8 tiers WebAssembly up while it runs).
      if (round > 0) best[i] = Math.min(best[i]!, (performance.now() - t) / reps)
    })
  }
  return Object.fromEntries(builds.map((b, i) => [b, best[i]!]))
}

/** What the paired turns of a row measured (pairedTurns). */
interface PairedTurns {
  turns: number
  /** Per turn: PyTorch's ms per step over the whole step's, each measured in the same turn (about 0.3 s apart). */
  ratios: number[]
  /** Per turn: the whole step's GFLOP/s over the native sgemm ceiling measured in the same turn. */
  shares: number[]
  wholeMs: number[]
  torchMs: number[]
  /** Per turn: PyTorch's process CPU ms per step over this process's (every thread), the same turn's steps. */
  cpuRatios: number[]
  ceilings: number[]
  record?: PeerRecord
  reason?: string
}

/**
 * The whole step against PyTorch and against the native sgemm ceiling in paired turns. This VM's speed drifts by
 * ±20% over seconds to minutes, so figures measured a minute apart (five rounds of a few seconds per side, above) can
 * differ by more than the targets' margins. Here every side stays warm in its own process (the PyTorch peer and its
 * BLAS ceiling in --serve mode, bench/peer.ts PeerSession) and the sides take short turns of about 0.3 s, the order
 * swapped every turn; each turn gives one ratio (PyTorch's ms over GateLab's, measured next to each other) and one share
 * of the ceiling (the step's rate over the ceiling measured in the same turn: the better of OpenBLAS and GateLab's own
 * kernel, best of 40 bursts of about 2 ms per product shape by default, as the rounds' ceiling). The row reports the median over the turns and the spread.
 */
async function pairedTurns(cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number, turns: number): Promise<PairedTurns> {
  const gates = (cell === 'lstm' ? 4 : 3) * units
  const flops = trainingFlops(cell === 'lstm' ? 'lstm' : 'gru-after', { batch, steps: seqLen, inputDim: 1 }, units)
  const out: PairedTurns = { turns, ratios: [], shares: [], wholeMs: [], torchMs: [], cpuRatios: [], ceilings: [] }
  const peer = await PeerSession.open('torch_rnn.py', ['--config', `${cell},${units},${seqLen},${batch}`])
  const shapes = stepShapes(batch, gates, units).flatMap(([m, n, k]) => ['--shape', `${m},${n},${k}`])
  const blas = await PeerSession.open('torch_gemm.py', shapes)
  try {
    if ('reason' in peer) return { ...out, reason: peer.reason, record: peer.record }
    out.record = peer.record
    const native = nativeKernelStatus()
    const ours = native.used ? new NativeKernelInstance(native.target) : undefined
    const { train } = wholeStep(cell, units, seqLen, batch)
    let cpuMine = 0
    let cpuTheirs = 0
    const timeOurs = (steps: number): number => {
      const t = performance.now()
      const c = process.cpuUsage()
      for (let i = 0; i < steps; i++) train()
      const used = process.cpuUsage(c)
      cpuMine = (used.user + used.system) / 1000 / steps
      return (performance.now() - t) / steps
    }
    const timeTheirs = async (steps: number): Promise<number> => {
      const answer = await peer.session.ask<{ msPerBatch: number; cpuMsPerBatch: number }>(String(steps))
      cpuTheirs = answer.cpuMsPerBatch
      return answer.msPerBatch
    }
    // Warm up, then size each side's turn to about 0.3 s (at least 2 steps).
    for (let i = 0; i < 3; i++) train()
    const oursSteps = Math.max(2, Math.round(300 / timeOurs(2)))
    const theirSteps = Math.max(2, Math.round(300 / (await timeTheirs(2))))
    for (let turn = 0; turn < turns; turn++) {
      let mine: number
      let theirs: number
      if (turn % 2 === 0) {
        mine = timeOurs(oursSteps)
        theirs = await timeTheirs(theirSteps)
      } else {
        theirs = await timeTheirs(theirSteps)
        mine = timeOurs(oursSteps)
      }
      const blasNow = 'reason' in blas ? 0 : Math.max(...(await blas.session.ask<{ shapes: Array<{ gflops: number }> }>(String(ceilingBursts))).shapes.map((x) => x.gflops))
      const oursNow = ours ? gemmCeiling(ours, batch, gates, units, ceilingBursts) : 0
      const ceiling = Math.max(blasNow, oursNow)
      out.wholeMs.push(mine)
      out.torchMs.push(theirs)
      out.ratios.push(theirs / mine)
      out.cpuRatios.push(cpuTheirs / cpuMine)
      if (ceiling > 0) {
        out.ceilings.push(ceiling)
        out.shares.push(flops / (mine / 1000) / 1e9 / ceiling)
      }
    }
    return out
  } finally {
    if ('session' in peer) peer.session.close()
    if ('session' in blas) blas.session.close()
  }
}

const rows: BenchRow[] = []

it('fused LSTM/GRU training step vs PyTorch (one thread)', async () => {
  await tf.setBackend('wasm')
  await tf.ready()
  const table: string[] = []
  for (const [cell, units, seqLen, batch] of selected) {
    const ours: number[] = []
    const wholes: number[] = []
    const wholeBests: number[] = []
    const theirs: number[] = []
    // The native sgemm ceiling once per round too (a short burst each: the rate at that moment), so that the step and
    // its ceiling are sampled over the same minutes of this VM's drifting speed.
    const ceilings: number[] = []
    const gates = (cell === 'lstm' ? 4 : 3) * units
    let native: ReturnType<typeof nativeCeiling> = {}
    let peer: PeerRecord | undefined
    let reason = ''
    // Alternate the two measurements so both see the same machine load.
    for (let round_ = 0; round_ < rounds; round_++) {
      ours.push(await fusedMsPerBatch(cell, units, seqLen, batch, 3))
      const whole = wholeStepMsPerBatch(cell, units, seqLen, batch, 3)
      wholes.push(whole.median)
      wholeBests.push(whole.best)
      const peerResult = reason ? undefined : torchMsPerBatch(cell, units, seqLen, batch, 3)
      if (peerResult && 'ms' in peerResult) {
        theirs.push(peerResult.ms)
        peer = peerResult.record
      } else if (peerResult) {
        reason = peerResult.reason
        peer = peerResult.record
      }
      const nativeNow = nativeCeiling(batch, gates, units)
      const ceilingNow = Math.max(nativeNow.blas ?? 0, nativeNow.ours ?? 0)
      if (ceilingNow > 0) ceilings.push(ceilingNow)
      if (ceilingNow >= Math.max(0, ...ceilings)) native = nativeNow
    }
    const ms = median(ours)
    const samplesPerSec = (batch * 1000) / ms
    const flops = trainingFlops(cell === 'lstm' ? 'lstm' : 'gru-after', { batch, steps: seqLen, inputDim: 1 }, units)
    const gflops = flops / (ms / 1000) / 1e9
    const ceiling = gemmCeiling(new KernelInstance(), batch, gates, units)
    // The ceiling: the best round's rate (what the core does when nothing else takes it away), and the median round's.
    const nativeBest = ceilings.length ? Math.max(...ceilings) : undefined
    const nativeMedian = ceilings.length ? median(ceilings) : undefined
    const torchMs = theirs.length ? median(theirs) : undefined
    const torchSamples = torchMs ? (batch * 1000) / torchMs : undefined
    const ratio = torchSamples ? samplesPerSec / torchSamples : undefined
    const rss = process.memoryUsage().rss / 2 ** 20
    const kernelMs = kernelMsByBuild(cell === 'lstm' ? 'lstm' : 'gru-after', units, seqLen, batch)
    rows.push({
      name: `fused ${cell}${cell === 'gru' ? ' reset-after' : ''} ${units}u T${seqLen} B${batch} train step (vs PyTorch 1 thread)`,
      value: round(samplesPerSec),
      unit: 'samples/s',
      ...(torchSamples ? { baseline: round(torchSamples), ratio: round(ratio!) } : {}),
      backend: `fused ${defaultKernelBuild()} + tfjs-${tf.getBackend()}`,
      cell,
      units,
      seqLen,
      batch,
      samplesPerSec: round(samplesPerSec),
      msPerBatch: round(ms),
      gflops: round(gflops),
      gemmCeilingGflops: round(ceiling),
      nativeSgemmCeilingGflops: nativeBest ? round(nativeBest) : null,
      nativeSgemmCeilingMedianGflops: nativeMedian ? round(nativeMedian) : null,
      openblasSgemmGflops: native.blas ? round(native.blas) : null,
      ourNativeGemmGflops: native.ours ? round(native.ours) : null,
      ...(native.reason ? { nativeCeilingMissing: native.reason } : {}),
      shareOfNativeCeiling: nativeBest ? round(gflops / nativeBest) : null,
      kernels: defaultKernelBuild(),
      kernelsWhy: nativeKernelStatus().reason,
      kernelMs: Object.fromEntries(Object.entries(kernelMs).map(([k, v]) => [k, round(v)])),
      peakRssMb: round(rss),
      ...(torchSamples ? { torchSamplesPerSec: round(torchSamples), torchMsPerBatch: round(torchMs!) } : { torchMissing: reason }),
      ...(peer ? peerFields(peer) : {})
    })
    table.push(
      `${cell.padEnd(4)} ${String(units).padStart(4)} ${String(seqLen).padStart(4)} ${String(batch).padStart(3)} | ` +
        `${defaultKernelBuild()} ${round(samplesPerSec, 4)} samples/s ${round(ms, 4)} ms/batch ${round(gflops, 3)} GFLOP/s ` +
        `(wasm ceiling ${round(ceiling, 3)}; native sgemm ceiling ${nativeBest ? `${round(nativeBest, 3)} → ${Math.round((100 * gflops) / nativeBest)}%` : '—'}) | ` +
        `kernels alone ${Object.entries(kernelMs).map(([k, v]) => `${round(v, 3)} ms ${k}`).join(', ')} | ` +
        (torchSamples ? `${peerLabel(peer!)} ${round(torchSamples, 4)} samples/s ${round(torchMs!, 4)} ms → ×${round(ratio!, 3)}` : `PyTorch: ${reason}`)
    )
    console.log(table[table.length - 1])
    // The whole step in one call (engine/step): same shapes, loss and optimizer, measured in the same rounds.
    const wholeMs = median(wholes)
    const wholeBestMs = Math.min(...wholeBests)
    const wholeSamples = (batch * 1000) / wholeMs
    const wholeGflops = flops / (wholeMs / 1000) / 1e9
    const wholeBestGflops = flops / (wholeBestMs / 1000) / 1e9
    // The share of the ceiling read like for like: the median round's step against the median round's ceiling, the
    // best step against the best ceiling (the first figure, shareOfNativeCeiling, sets a median step against the best
    // ceiling, as this bench did until 2026-12-02).
    const shareMedian = nativeMedian ? wholeGflops / nativeMedian : undefined
    const shareBest = nativeBest ? wholeBestGflops / nativeBest : undefined
    const wholeRatio = torchSamples ? wholeSamples / torchSamples : undefined
    rows.push({
      name: `fused ${cell}${cell === 'gru' ? ' reset-after' : ''} ${units}u T${seqLen} B${batch} whole step in one call (vs PyTorch 1 thread)`,
      value: round(wholeSamples),
      unit: 'samples/s',
      ...(torchSamples ? { baseline: round(torchSamples), ratio: round(wholeRatio!) } : {}),
      backend: `whole step ${defaultKernelBuild()}`,
      cell,
      units,
      seqLen,
      batch,
      samplesPerSec: round(wholeSamples),
      msPerBatch: round(wholeMs),
      bestMsPerBatch: round(wholeBestMs),
      tfjsStepMsPerBatch: round(ms),
      gflops: round(wholeGflops),
      nativeSgemmCeilingGflops: nativeBest ? round(nativeBest) : null,
      nativeSgemmCeilingMedianGflops: nativeMedian ? round(nativeMedian) : null,
      shareOfNativeCeiling: nativeBest ? round(wholeGflops / nativeBest) : null,
      shareMedianOfMedianCeiling: shareMedian ? round(shareMedian) : null,
      shareBestOfBestCeiling: shareBest ? round(shareBest) : null,
      kernels: defaultKernelBuild(),
      ...(torchSamples ? { torchSamplesPerSec: round(torchSamples), torchMsPerBatch: round(torchMs!) } : { torchMissing: reason }),
      ...(peer ? peerFields(peer) : {})
    })
    table.push(
      `${cell.padEnd(4)} ${String(units).padStart(4)} ${String(seqLen).padStart(4)} ${String(batch).padStart(3)} | whole step ` +
        `${round(wholeSamples, 4)} samples/s ${round(wholeMs, 4)} ms/batch ${round(wholeGflops, 3)} GFLOP/s ` +
        `(${nativeBest ? `${Math.round((100 * wholeGflops) / nativeBest)}% of the native sgemm ceiling` : 'no native ceiling'}` +
        `${shareMedian && shareBest ? `; like for like: median ${Math.round(100 * shareMedian)}% of ${round(nativeMedian!, 3)}, best ${round(wholeBestMs, 4)} ms ${Math.round(100 * shareBest)}% of ${round(nativeBest!, 3)}` : ''}) | ` +
        (torchSamples ? `PyTorch ${round(torchMs!, 4)} ms → ×${round(wholeRatio!, 3)}` : `PyTorch: ${reason}`)
    )
    console.log(table[table.length - 1])
    // The same whole step against the same peer in paired turns (pairedTurns): the reading least moved by the drift.
    const paired = await pairedTurns(cell, units, seqLen, batch, turns)
    if (paired.ratios.length) {
      const pairedRatio = median(paired.ratios)
      const [ratioLow, ratioHigh] = quartiles(paired.ratios)
      const pairedMs = median(paired.wholeMs)
      const pairedShare = paired.shares.length ? median(paired.shares) : undefined
      const [shareLow, shareHigh] = paired.shares.length ? quartiles(paired.shares) : [undefined, undefined]
      rows.push({
        name: `fused ${cell}${cell === 'gru' ? ' reset-after' : ''} ${units}u T${seqLen} B${batch} whole step, paired turns (vs PyTorch 1 thread)`,
        value: round((batch * 1000) / pairedMs),
        unit: 'samples/s',
        baseline: round((batch * 1000) / median(paired.torchMs)),
        ratio: round(pairedRatio),
        backend: `whole step ${defaultKernelBuild()}`,
        cell,
        units,
        seqLen,
        batch,
        turns: paired.turns,
        ceilingBurstsPerTurn: ceilingBursts,
        msPerBatch: round(pairedMs),
        torchMsPerBatch: round(median(paired.torchMs)),
        ratioQuartiles: [round(ratioLow), round(ratioHigh)],
        ratioOfMedians: round(median(paired.torchMs) / pairedMs),
        // CPU time instead of wall time (each side's process, every thread): what a busy machine moves least.
        cpuRatio: round(median(paired.cpuRatios)),
        turnsAtOrAbove2x: paired.ratios.filter((r) => r >= 2).length,
        nativeSgemmCeilingMedianGflops: paired.ceilings.length ? round(median(paired.ceilings)) : null,
        shareOfNativeCeilingPaired: pairedShare ? round(pairedShare) : null,
        shareQuartiles: shareLow !== undefined ? [round(shareLow), round(shareHigh!)] : null,
        turnRatios: paired.ratios.map((r) => round(r)),
        turnShares: paired.shares.map((r) => round(r)),
        kernels: defaultKernelBuild(),
        covers:
          'the whole step (forward, head, MSE, backward, Adam, one call) and torch_rnn.py\'s step on one fixed batch each, ' +
          'both processes kept warm, short turns of about 0.3 s each in alternating order; ratio = median over turns of ' +
          'PyTorch ms / GateLab ms measured in the same turn; share = median over turns of the step\'s GFLOP/s over the ' +
          `native sgemm ceiling measured in the same turn (best of OpenBLAS and our kernel, best of ${ceilingBursts} bursts per shape)`,
        ...(paired.record ? peerFields(paired.record) : {})
      })
      table.push(
        `${cell.padEnd(4)} ${String(units).padStart(4)} ${String(seqLen).padStart(4)} ${String(batch).padStart(3)} | whole step, ${paired.turns} paired turns: ` +
          `${round(pairedMs, 4)} ms vs PyTorch ${round(median(paired.torchMs), 4)} ms → ×${round(pairedRatio, 3)} (quartiles ×${round(ratioLow, 3)}–×${round(ratioHigh, 3)}; ` +
          `${paired.ratios.filter((r) => r >= 2).length}/${paired.ratios.length} turns ≥ ×2; CPU time ×${round(median(paired.cpuRatios), 3)})` +
          (pairedShare ? ` | ${Math.round(100 * pairedShare)}% of the ceiling measured in the same turn (quartiles ${Math.round(100 * shareLow!)}–${Math.round(100 * shareHigh!)}%, ceiling median ${round(median(paired.ceilings), 3)} GFLOP/s)` : '')
      )
    } else {
      table.push(`${cell.padEnd(4)} ${String(units).padStart(4)} ${String(seqLen).padStart(4)} ${String(batch).padStart(3)} | whole step, paired turns: PyTorch: ${paired.reason}`)
    }
    console.log(table[table.length - 1])
  }
  console.log(`\nfused vs PyTorch (${rounds} alternating rounds, medians)\n${table.join('\n')}`)
  writeRows('fused', rows)
})
