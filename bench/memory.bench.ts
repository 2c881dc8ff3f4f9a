/**
 * Issue 18 item 5, "peak memory stays flat over epochs": a real trainer process trains 60 epochs (--quick; 120 in the
 * full run) and its memory is sampled at every epoch's end — the resident set (VmRSS), the peak resident set of that epoch (VmHWM, reset to the
 * current RSS after each reading through /proc/PID/clear_refs; where that is not allowed, the peak so far) and the live
 * TF.js tensors the trainer itself records (`numTensors`). TF.js's byte count is not recorded per epoch by the trainer;
 * the RSS covers every byte the process holds, the whole step's JavaScript arrays and the kernels' memory included.
 *
 * Two rows: the whole training step (engine fused, no dropout — what most runs train with) and the TF.js step (the
 * same with dropout 0.1, which keeps the TF.js step), LSTM 64, T = 50, the adding problem, 20 batches of 32 and a
 * 320-sequence validation set per epoch, Adam. The rule is bench/memory-flat.ts: the first quarter of the epochs (at
 * least 10) is the warm-up, and what it adds is reported on its own as the one-time rise; the least-squares slope of the
 * per-epoch peak over the epochs after it, times their span, is the growth; "flat" when that is at most max(5 MB, 2% of
 * their mean peak) and the tensor count does not grow after epoch 1. The row says which epochs were judged and why.
 * The PyTorch peer (bench/peers/torch_memory.py, one thread, the same model and data sizes) is sampled the same way for
 * comparison; it has no bearing on the verdict.
 *
 * GATELAB_HEAP_KEEPER=off trains without the trainer's epoch-end collection of V8's old generation
 * (src/main/engine/heap.ts), to show the growth it prevents in the TF.js step.
 */
import { it } from 'vitest'
import { allCores, peerFields, runPeer, type PeerRecord } from './peer'
import { quick, round, writeRows, type BenchRow } from './record'
import { resetPeakRss, rssOf, trainOnce } from './trainer'
import { judgeFlat, warmUpEpochs, type FlatVerdict } from './memory-flat'

// 60 epochs with --quick (judged over 21-60: 30 were too few to judge after a 20-epoch warm-up), 120 in the full run.
// GATELAB_MEMORY_EPOCHS=N sets it.
const epochs = Number(process.env.GATELAB_MEMORY_EPOCHS ?? (quick ? 60 : 120))
const mb = (value: number): number => round(value, 4)
const data = { task: 'adding', seqLen: 50, units: 64, samples: 640, valSamples: 320, testSamples: 32, batch: 32, lr: 1e-3, seed: 1 } as const

interface EpochMemory {
  epoch: number
  rssMb: number
  peakMb: number
  numTensors: number | null
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
    const verdict = judgeFlat(samples)
    if (!verdict) {
      rows.push({ name, value: 0, unit: 'MB', skipped: `${samples.length} epochs sampled: none after the warm-up (epochs 1-${warmUpEpochs(epochs)}) to judge` })
      continue
    }
    const tensors = samples.map((s) => s.numTensors).filter((n): n is number => n !== null)
    const tensorsFlat = tensors.length < 2 || Math.max(...tensors.slice(1)) <= tensors[1]!
    const flat = verdict.flat && tensorsFlat
    rows.push({
      name,
      value: mb(verdict.last),
      unit: `MB peak RSS in the last epoch (first ${mb(verdict.first)} MB; ${flat ? 'flat' : 'NOT flat'})`,
      flat,
      why: why(verdict, tensorsFlat),
      ...verdictFields(verdict),
      heapKeeper: process.env.GATELAB_HEAP_KEEPER === 'off' ? 'off (GATELAB_HEAP_KEEPER=off)' : 'on (src/main/engine/heap.ts)',
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
    console.log(`${name}: ${why(verdict, tensorsFlat)}; tensors ${tensors[0]} → ${tensors.at(-1)} [${outcome.step}, ${outcome.kernels}]`)
  }

  // The PyTorch peer, the same run sampled the same way (for comparison only).
  const peer = runPeer<{ epochs: Array<{ epoch: number; rssMb: number; peakMb: number }>; peakResettable: boolean }>(
    'torch_memory.py',
    ['--cell', 'lstm', '--units', '64', '--seq-len', '50', '--samples', '640', '--val', '320', '--batch', '32', '--epochs', String(epochs)],
    1
  )
  const name = `peak memory over ${epochs} epochs: PyTorch lstm 64u T50 (peer, for comparison)`
  const verdict = 'ok' in peer ? judgeFlat(peer.ok.epochs) : null
  if ('ok' in peer && verdict) {
    rows.push({
      name,
      value: mb(verdict.last),
      unit: `MB peak RSS in the last epoch (first ${mb(verdict.first)} MB; ${verdict.flat ? 'flat' : 'NOT flat'})`,
      flat: verdict.flat,
      why: why(verdict, true, 'the interpreter, the data and the optimizer state'),
      ...verdictFields(verdict),
      perEpoch: peer.ok.epochs.map((s) => [s.epoch, s.rssMb, s.peakMb]),
      perEpochColumns: ['epoch', 'rssMb', 'peakMb'],
      ...peerFields(peer.ok as PeerRecord)
    })
    console.log(`${name}: ${why(verdict, true, 'the interpreter, the data and the optimizer state')}`)
  } else if ('ok' in peer) {
    rows.push({ name, value: 0, unit: 'MB', skipped: `${peer.ok.epochs.length} epochs sampled: none after the warm-up to judge` })
  } else {
    rows.push({ name, value: 0, unit: 'MB', torchMissing: peer.reason, ...(peer.record ? peerFields(peer.record) : {}) })
  }
  writeRows('training-memory', rows)
})

/** The verdict's figures for a row. */
function verdictFields(v: FlatVerdict): Record<string, unknown> {
  return {
    firstEpochPeakMb: mb(v.first),
    lastEpochPeakMb: mb(v.last),
    warmUpEpochs: `1-${v.warmUp}`,
    judgedEpochs: `${v.warmUp + 1}-${v.lastEpoch}`,
    warmUpRiseMb: Number(v.warmUpRiseMb.toFixed(2)),
    warmUpHighMb: Number(v.warmUpHighMb.toFixed(2)),
    slopeMbPerEpoch: round(v.slopeMbPerEpoch, 3),
    fittedGrowthMb: Number(v.fittedGrowthMb.toFixed(2)),
    allowanceMb: Number(v.allowanceMb.toFixed(2))
  }
}

/** What a trainer's warm-up allocates (docs/PERFORMANCE.md "Peak memory over epochs"). */
const TRAINER_RISE = 'initialisation, V8\'s young generation reaching its working size, garbage ArrayBuffers reaching the level at which V8 collects them'

/** The verdict in words: which epochs were judged, the one-time rise apart, and why flat or not. */
function why(v: FlatVerdict, tensorsFlat: boolean, riseWhy = TRAINER_RISE): string {
  const judged = `epochs ${v.warmUp + 1}-${v.lastEpoch}`
  const rise =
    `one-time rise +${fixed(v.warmUpRiseMb)} MB over the warm-up (epochs 1-${v.warmUp}, highest +${fixed(v.warmUpHighMb)} MB above epoch 1: ` +
    `${riseWhy}; not counted as growth)`
  const growth = `${v.slopeMbPerEpoch.toFixed(3)} MB/epoch over ${judged}, ${fixed(v.fittedGrowthMb)} MB in all`
  const verdict = !tensorsFlat
    ? 'NOT flat: the live tensor count grows'
    : v.flat
      ? `flat: within the allowance of ${fixed(v.allowanceMb)} MB (max of 5 MB and 2% of the mean peak)`
      : `NOT flat: more than the allowance of ${fixed(v.allowanceMb)} MB (max of 5 MB and 2% of the mean peak)`
  return `${rise}; ${growth}; ${verdict}`
}

/** MB to one decimal, for the row's words (round() keeps significant digits: 24 would read 20). */
function fixed(mbValue: number): string {
  return mbValue.toFixed(1)
}
