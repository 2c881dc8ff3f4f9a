/**
 * All cores in paired turns: the reading of issue 18's all-cores rows least moved by this VM's drift, beside the rounds
 * of real trainers (bench/training.bench.ts, bench/rounds.ts).
 *
 * Why: a round of the 256-unit row lasts about a minute, and its per-round ratios spread from ×1.3 to ×2.4 in one
 * quiet run (2026-12-02, 08:06), because the two sides met different machines. Here both sides stay warm in their own
 * processes and take short turns on all N cores, as the one-thread rows of the fused bench do:
 * - GateLab: N processes of the whole training step (bench/peers/gatelab_step.ts: the step a trainer runs for engine
 *   "fused", bench/whole-step.ts), N at once, as N trainers of a sweep run;
 * - PyTorch: N one-thread `torch_rnn.py --serve` processes at once (the pool, the better of its two forms at every
 *   size: N intra-op threads in one process ran 3–6× slower here), each proven at its best (bench/peer.ts);
 * - turns of about 0.4 s per side, the order swapped every turn; each turn gives one ratio, GateLab's samples/s summed
 *   over its N processes over PyTorch's summed over its N, measured next to each other.
 * What it leaves out, and the rounds keep: a trainer's per-batch loop (gathering a shuffled batch, a batchLoss point,
 * a yield) and its epoch ends. A trainer's step costs what this step costs (session 8: WholeStep.train() and the
 * bench's loop took the same thread CPU at LSTM 256, 0.5 ms a step of loop work aside).
 */
import { join } from 'node:path'
import { PeerSession, peerFields, peerLabel, type PeerRecord } from './peer'
import { median, quartiles, round, type BenchRow } from './record'

export interface AllCoresTurns {
  processes: number
  turns: number
  /** Per turn: GateLab's summed samples/s over PyTorch's summed samples/s, measured next to each other. */
  ratios: number[]
  gatelabRates: number[]
  torchRates: number[]
  /** Per turn: PyTorch's mean CPU ms per step over GateLab's (every thread of each process). */
  cpuRatios: number[]
  kernels?: string
  record?: PeerRecord
  reason?: string
}

const root = join(__dirname, '..')
const jiti = join(root, 'node_modules', '.bin', 'jiti')
type Answer = { msPerBatch: number; cpuMsPerBatch: number; error?: string }

/** `turns` paired turns of N GateLab whole-step processes against N one-thread PyTorch processes, all at once per side. */
export async function allCoresPairedTurns(cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number, processes: number, turns: number, turnMs = 400): Promise<AllCoresTurns> {
  const out: AllCoresTurns = { processes, turns, ratios: [], gatelabRates: [], torchRates: [], cpuRatios: [] }
  const config = `${cell},${units},${seqLen},${batch}`
  const ours = await Promise.all(Array.from({ length: processes }, () => PeerSession.start(jiti, [join(root, 'bench', 'peers', 'gatelab_step.ts'), '--config', config], { cwd: root })))
  const theirs = await Promise.all(Array.from({ length: processes }, () => PeerSession.open('torch_rnn.py', ['--config', config])))
  const sessions = [...ours, ...theirs].flatMap((s) => ('session' in s ? [s.session] : []))
  try {
    const oursFailed = ours.find((s): s is { reason: string } => 'reason' in s)
    if (oursFailed) return { ...out, reason: `GateLab's whole-step process: ${oursFailed.reason}` }
    const theirsFailed = theirs.find((s): s is { reason: string; record?: PeerRecord } => 'reason' in s)
    if (theirsFailed) return { ...out, reason: theirsFailed.reason, record: theirsFailed.record }
    const gatelab = ours.map((s) => (s as { session: PeerSession; line: string }))
    const ready = JSON.parse(gatelab[0]!.line) as { ready?: boolean; kernels?: string }
    if (!ready.ready) return { ...out, reason: `GateLab's whole-step process did not start: ${gatelab[0]!.line}` }
    out.kernels = ready.kernels
    const torch = theirs.map((s) => (s as { session: PeerSession; record: PeerRecord }))
    out.record = torch[0]!.record
    // One side's turn: every process of the side times `steps` steps at once; the side's rate is their sum.
    const side = async (list: PeerSession[], steps: number): Promise<{ rate: number; cpuMs: number; ms: number }> => {
      const answers = await Promise.all(list.map((s) => s.ask<Answer>(String(steps))))
      const failed = answers.find((a) => a.error !== undefined || !(a.msPerBatch > 0))
      if (failed) throw new Error(`a process answered ${JSON.stringify(failed)}`)
      const mean = (key: 'msPerBatch' | 'cpuMsPerBatch'): number => answers.reduce((t, a) => t + a[key], 0) / answers.length
      return { rate: answers.reduce((t, a) => t + (batch * 1000) / a.msPerBatch, 0), cpuMs: mean('cpuMsPerBatch'), ms: mean('msPerBatch') }
    }
    const gatelabSessions = gatelab.map((g) => g.session)
    const torchSessions = torch.map((t) => t.session)
    // Size each side's turn to about turnMs (at least 2 steps) from a first turn of 2 steps.
    const oursSteps = Math.max(2, Math.round(turnMs / (await side(gatelabSessions, 2)).ms))
    const theirSteps = Math.max(2, Math.round(turnMs / (await side(torchSessions, 2)).ms))
    for (let turn = 0; turn < turns; turn++) {
      let mine: Awaited<ReturnType<typeof side>>
      let other: Awaited<ReturnType<typeof side>>
      if (turn % 2 === 0) {
        mine = await side(gatelabSessions, oursSteps)
        other = await side(torchSessions, theirSteps)
      } else {
        other = await side(torchSessions, theirSteps)
        mine = await side(gatelabSessions, oursSteps)
      }
      out.gatelabRates.push(mine.rate)
      out.torchRates.push(other.rate)
      out.ratios.push(mine.rate / other.rate)
      out.cpuRatios.push(other.cpuMs / mine.cpuMs)
    }
    return out
  } catch (e) {
    return { ...out, reason: (e as Error).message }
  } finally {
    for (const s of sessions) s.close()
  }
}

/** The all-cores row's paired-turns row and its printed line (name: the all-cores row's name). */
export function turnsRow(name: string, t: AllCoresTurns, shape: { cell: string; units: number; seqLen: number; batch: number }): { row: BenchRow; line: string } {
  const label = `${name}, paired turns (${t.processes} whole-step processes vs ${t.processes} one-thread PyTorch processes)`
  if (t.reason !== undefined || t.ratios.length === 0) {
    const why = t.reason ?? 'no turn was measured'
    return { row: { name: label, value: 0, unit: 'samples/s', ...shape, cores: t.processes, skipped: why }, line: `${label}: not measured (${why})` }
  }
  const ratio = median(t.ratios)
  const [low, high] = quartiles(t.ratios)
  const ours = median(t.gatelabRates)
  const theirs = median(t.torchRates)
  const atOrAbove2x = t.ratios.filter((r) => r >= 2).length
  const row: BenchRow = {
    name: label,
    value: round(ours),
    unit: 'samples/s (all processes, training steps)',
    baseline: round(theirs),
    ratio: round(ratio),
    covers: 'the median over turns of each turn\'s ratio: GateLab\'s N whole-step processes (the step a trainer runs, without its per-batch loop and epoch ends) against N one-thread PyTorch processes, each side\'s samples/s summed over its processes, the two sides measured about 0.4 s apart (bench/allcores-turns.ts)',
    ...shape,
    cores: t.processes,
    turns: t.turns,
    ratioQuartiles: [round(low), round(high)],
    turnsAtOrAbove2x: atOrAbove2x,
    ratioOfMedians: round(ours / theirs),
    cpuRatio: round(median(t.cpuRatios)),
    turnRatios: t.ratios.map((r) => round(r)),
    fusedKernels: t.kernels,
    ...(t.record ? peerFields(t.record) : {})
  }
  const line =
    `${label}: GateLab ${round(ours, 4)} samples/s vs PyTorch ${round(theirs, 4)} → ×${round(ratio, 3)} (quartiles ×${round(low, 3)}–×${round(high, 3)}; ` +
    `${atOrAbove2x} of ${t.ratios.length} turns ≥ ×2; ratio of medians ×${round(ours / theirs, 3)}; CPU ×${round(median(t.cpuRatios), 3)}) [${t.kernels}; ${t.record ? peerLabel(t.record) : ''}]`
  return { row, line }
}
