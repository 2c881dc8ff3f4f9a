/**
 * Issue 18 item 5, "peak memory stays flat over epochs": a real trainer process trains 30 epochs (--quick; 60 in the
 * full run) and its memory is sampled at every epoch's end — the resident set (VmRSS), the peak resident set of that epoch (VmHWM, reset to the
 * current RSS after each reading through /proc/PID/clear_refs; where that is not allowed, the peak so far) and the live
 * TF.js tensors the trainer itself records (`numTensors`). TF.js's byte count is not recorded per epoch by the trainer;
 * the RSS covers every byte the process holds, the whole step's JavaScript arrays and the kernels' memory included.
 *
 * Two rows: the whole training step (engine fused, no dropout — what most runs train with) and the TF.js step (the
 * same with dropout 0.1, which keeps the TF.js step), LSTM 64, T = 50, the adding problem, 20 batches of 32 and a
 * 320-sequence validation set per epoch, Adam. Each row reports the first and last epoch's peak, the least-squares
 * slope of the per-epoch peak over epochs 2–N (epoch 1 is the warm-up: TF.js, the kernels, the data and the optimizer
 * state are allocated then), and says "flat" when that slope adds up to at most max(5 MB, 2% of the mean peak) over
 * those epochs and the tensor count does not grow. The PyTorch peer (bench/peers/torch_memory.py, one thread, the same
 * model and data sizes) is sampled the same way for comparison; it has no bearing on the verdict.
 */
import { it } from 'vitest'
import { allCores, peerFields, runPeer, type PeerRecord } from './peer'
import { quick, round, writeRows, type BenchRow } from './record'
import { resetPeakRss, rssOf, trainOnce } from './trainer'

// 30 epochs (--quick too); the full run takes 60, to see whether a rise levels off. GATELAB_MEMORY_EPOCHS=N sets it.
const epochs = Number(process.env.GATELAB_MEMORY_EPOCHS ?? (quick ? 30 : 60))
const mb = (value: number): number => round(value, 4)
const data = { task: 'adding', seqLen: 50, units: 64, samples: 640, valSamples: 320, testSamples: 32, batch: 32, lr: 1e-3, seed: 1 } as const

interface EpochMemory {
  epoch: number
  rssMb: number
  peakMb: number
  numTensors: number | null
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

/** First/last epoch, slope over epochs 2.., the growth it adds up to, and the verdict. */
function judge(samples: Array<{ epoch: number; peakMb: number }>): {
  first: number
  last: number
  slopeMbPerEpoch: number
  /** The slope over the second half of the epochs alone: near 0 when an early rise has levelled off. */
  secondHalfSlopeMbPerEpoch: number
  fittedGrowthMb: number
  allowanceMb: number
  flat: boolean
} {
  const after = samples.filter((s) => s.epoch > 1)
  const k = slope(
    after.map((s) => s.epoch),
    after.map((s) => s.peakMb)
  )
  const mean = after.reduce((a, s) => a + s.peakMb, 0) / after.length
  const growth = k * (after.length - 1)
  const allowance = Math.max(5, 0.02 * mean)
  const half = after.slice(Math.floor(after.length / 2))
  const k2 = slope(
    half.map((s) => s.epoch),
    half.map((s) => s.peakMb)
  )
  return { first: samples[0]!.peakMb, last: samples.at(-1)!.peakMb, slopeMbPerEpoch: k, secondHalfSlopeMbPerEpoch: k2, fittedGrowthMb: growth, allowanceMb: allowance, flat: growth <= allowance }
}

it('peak memory over epochs of a real trainer (whole step and TF.js step), with the PyTorch peer beside it', { timeout: 30 * 60_000 }, async () => {
  const rows: BenchRow[] = []
  const variants = [
    { label: 'whole step', config: { ...data, cell: 'lstm' as const, epochs, engine: 'fused' as const } },
    { label: 'TF.js step (dropout 0.1)', config: { ...data, cell: 'lstm' as const, epochs, engine: 'fused' as const, dropout: 0.1 } }
  ]
  for (const { label, config } of variants) {
    const samples: EpochMemory[] = []
    let resettable = true
    const name = `peak memory over ${epochs} epochs: fused lstm 64u T50, ${label}`
    let outcome
    try {
      outcome = await trainOnce(config, {}, {
        onEpochEnd: (epoch, points, pid) => {
          const memory = rssOf(pid)
          if (!memory) return
          const tensors = points.find((p) => p.name === 'numTensors')
          samples.push({ epoch, ...memory, numTensors: tensors ? tensors.value : null })
          resettable = resetPeakRss(pid) && resettable
        }
      })
    } catch (error) {
      rows.push({ name, value: 0, unit: 'MB', skipped: (error as Error).message })
      continue
    }
    if (samples.length < 3) {
      rows.push({ name, value: 0, unit: 'MB', skipped: `only ${samples.length} epochs sampled (no /proc here?)` })
      continue
    }
    const verdict = judge(samples)
    const tensors = samples.map((s) => s.numTensors).filter((n): n is number => n !== null)
    const tensorsFlat = tensors.length < 2 || Math.max(...tensors.slice(1)) <= tensors[1]!
    const flat = verdict.flat && tensorsFlat
    rows.push({
      name,
      value: mb(verdict.last),
      unit: `MB peak RSS in the last epoch (first ${mb(verdict.first)} MB; ${flat ? 'flat' : 'NOT flat'})`,
      flat,
      firstEpochPeakMb: mb(verdict.first),
      lastEpochPeakMb: mb(verdict.last),
      slopeMbPerEpoch: round(verdict.slopeMbPerEpoch, 2),
      secondHalfSlopeMbPerEpoch: round(verdict.secondHalfSlopeMbPerEpoch, 2),
      fittedGrowthMb: round(verdict.fittedGrowthMb, 2),
      allowanceMb: round(verdict.allowanceMb, 2),
      numTensorsFirst: tensors[0] ?? null,
      numTensorsLast: tensors.at(-1) ?? null,
      tensorsFlat,
      peakPerEpoch: resettable ? 'VmHWM reset every epoch (clear_refs)' : 'VmHWM not resettable here: peak so far',
      perEpoch: samples.map((s) => [s.epoch, s.rssMb, s.peakMb, s.numTensors]),
      perEpochColumns: ['epoch', 'rssMb', 'peakMb', 'numTensors'],
      fusedStep: outcome.step,
      fusedKernels: outcome.kernels,
      backend: outcome.backend,
      quick,
      cores: allCores
    })
    console.log(
      `${name}: peak ${mb(verdict.first)} MB (epoch 1) → ${mb(verdict.last)} MB (epoch ${epochs}), slope ${round(verdict.slopeMbPerEpoch, 2)} MB/epoch over epochs 2-${epochs} ` +
        `(${round(verdict.secondHalfSlopeMbPerEpoch, 2)} over the second half), ` +
        `tensors ${tensors[0]} → ${tensors.at(-1)}: ${flat ? 'flat' : 'NOT flat'} [${outcome.step}, ${outcome.kernels}]`
    )
  }

  // The PyTorch peer, the same run sampled the same way (for comparison only).
  const peer = runPeer<{ epochs: Array<{ epoch: number; rssMb: number; peakMb: number }>; peakResettable: boolean }>(
    'torch_memory.py',
    ['--cell', 'lstm', '--units', '64', '--seq-len', '50', '--samples', '640', '--val', '320', '--batch', '32', '--epochs', String(epochs)],
    1
  )
  const name = `peak memory over ${epochs} epochs: PyTorch lstm 64u T50 (peer, for comparison)`
  if ('ok' in peer) {
    const verdict = judge(peer.ok.epochs)
    rows.push({
      name,
      value: mb(verdict.last),
      unit: `MB peak RSS in the last epoch (first ${mb(verdict.first)} MB; ${verdict.flat ? 'flat' : 'NOT flat'})`,
      flat: verdict.flat,
      firstEpochPeakMb: mb(verdict.first),
      lastEpochPeakMb: mb(verdict.last),
      slopeMbPerEpoch: round(verdict.slopeMbPerEpoch, 2),
      secondHalfSlopeMbPerEpoch: round(verdict.secondHalfSlopeMbPerEpoch, 2),
      fittedGrowthMb: round(verdict.fittedGrowthMb, 2),
      perEpoch: peer.ok.epochs.map((s) => [s.epoch, s.rssMb, s.peakMb]),
      perEpochColumns: ['epoch', 'rssMb', 'peakMb'],
      ...peerFields(peer.ok as PeerRecord)
    })
    console.log(`${name}: peak ${mb(verdict.first)} → ${mb(verdict.last)} MB, slope ${round(verdict.slopeMbPerEpoch, 2)} MB/epoch`)
  } else {
    rows.push({ name, value: 0, unit: 'MB', torchMissing: peer.reason, ...(peer.record ? peerFields(peer.record) : {}) })
  }
  writeRows('training-memory', rows)
})
