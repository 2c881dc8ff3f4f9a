/**
 * The words and figures of a time-to-solve row (bench/training.bench.ts): who solved which seeds within the step cap,
 * the median time to solve where it is known, and the ratio to PyTorch's — exact, or a bound said as such.
 *
 * An unsolved seed counts with the time it trained before giving up, a lower bound of its time to solve. So a side's
 * median is known exactly when the seeds it did not solve trained longer than that median (e.g. 2 of 3 solved, the
 * third gave up after the longest time), bounded from above when more than half its seeds were solved, and bounded
 * from below always.
 */
import { median, round } from './record'

export interface SolveAttempt {
  seed: number
  solved: boolean
  /** Steps to solve, or the steps trained before giving up. */
  steps: number | null
  /** Seconds to solve, or the seconds trained before giving up. */
  seconds: number
}

export interface SolveSummary {
  /** GateLab's median seconds to solve where bounded from above (exact or "at most"), else 0. */
  value: number
  unit: string
  /** "2 of 3": GateLab's seeds solved within the cap. */
  solvedSeeds: string
  torchSolvedSeeds: string | null
  /** Who solved what, in one sentence. */
  outcome: string
  baseline?: number
  ratio?: number
  ratioAtMost?: number
  ratioAtLeast?: number
}

/** A side's median time to solve: `lower` ≤ median ≤ `upper` (Infinity when more than half its seeds were not solved). */
export function medianBounds(list: SolveAttempt[]): { lower: number; upper: number } {
  return { lower: median(list.map((a) => a.seconds)), upper: median(list.map((a) => (a.solved ? a.seconds : Infinity))) }
}

const seedList = (list: SolveAttempt[]): string => {
  const seeds = list.map((a) => a.seed)
  return `seed${seeds.length > 1 ? 's' : ''} ${seeds.length > 1 ? `${seeds.slice(0, -1).join(', ')} and ${seeds[seeds.length - 1]}` : seeds[0]}`
}

/** "solved 2 of 3 seeds within 2000 steps (seeds 1 and 3)", "solved all 3 seeds", "solved none of 3 seeds within …". */
export function solvedText(list: SolveAttempt[], maxSteps: number): string {
  const solved = list.filter((a) => a.solved)
  const n = list.length
  if (n === 1) return solved.length ? `solved its one seed (${list[0]!.seed})` : `did not solve its one seed (${list[0]!.seed}) within ${maxSteps} steps`
  if (solved.length === n) return `solved all ${n} seeds`
  if (solved.length === 0) return `solved none of ${n} seeds within ${maxSteps} steps`
  return `solved ${solved.length} of ${n} seeds within ${maxSteps} steps (${seedList(solved)})`
}

export function summarizeSolve(ours: SolveAttempt[], theirs: SolveAttempt[] | null, maxSteps: number): SolveSummary {
  const n = ours.length
  const solved = ours.filter((a) => a.solved)
  const unsolved = ours.filter((a) => !a.solved)
  const mine = medianBounds(ours)
  const exact = Number.isFinite(mine.upper) && mine.upper === mine.lower
  const seeds = n === 1 ? 'its one seed' : `median of ${n} seeds`
  let unit: string
  if (solved.length === n) unit = n === 1 ? 's (its one seed)' : `s (median of ${n} seeds)`
  else if (exact) {
    unit = `s (${seeds}: ${solvedText(ours, maxSteps)}; ${seedList(unsolved)} not solved, having trained longer than the median before giving up)`
  } else if (Number.isFinite(mine.upper)) unit = `s (at most: ${seeds}, ${solvedText(ours, maxSteps)})`
  else unit = `s (${solvedText(ours, maxSteps)}: no median time to solve)`
  const outcome = `GateLab ${solvedText(ours, maxSteps)}; PyTorch ${theirs ? solvedText(theirs, maxSteps) : 'gave no figure'}`
  const summary: SolveSummary = {
    value: Number.isFinite(mine.upper) ? round(mine.upper) : 0,
    unit,
    solvedSeeds: `${solved.length} of ${n}`,
    torchSolvedSeeds: theirs ? `${theirs.filter((a) => a.solved).length} of ${theirs.length}` : null,
    outcome
  }
  if (!theirs || theirs.length === 0) return summary
  const peer = medianBounds(theirs)
  const peerExact = Number.isFinite(peer.upper) && peer.upper === peer.lower
  if (exact && peerExact) return { ...summary, baseline: round(peer.upper), ratio: round(mine.upper / peer.upper) }
  // Bounds: our median is at most mine.upper and at least mine.lower; the peer's likewise.
  if (Number.isFinite(mine.upper)) summary.ratioAtMost = round(mine.upper / peer.lower)
  if (Number.isFinite(peer.upper)) summary.ratioAtLeast = round(mine.lower / peer.upper)
  return summary
}
