/**
 * How the all-cores row (bench/training.bench.ts) spends its rounds, and the paired reading it shows beside its
 * target figure. Pure arithmetic, unit-tested (test/unit/bench-rounds.test.ts).
 *
 * Why: this VM's speed drifts ±20% from one minute to the next, and a round of the 256-unit row lasts about half a
 * minute, so a side measured at the start of a round and the other at its end can meet different machines. Three
 * things make one run decide more:
 * - **Mirrored order.** Even rounds run GateLab's trainers first, odd rounds PyTorch first, and inside a round the
 *   like-for-like pairs sit next to each other (N trainers beside the N-process pool, one trainer beside one PyTorch
 *   process): a drift that runs one way through two rounds favours each side once.
 * - **More rounds where they are cheap.** The form that cannot win is not re-measured: PyTorch on N threads of one
 *   process ran 3–6× slower than the pool of N one-thread processes at every size (its OpenMP threads spun beside
 *   OpenBLAS's; with OMP_WAIT_POLICY=PASSIVE since 2026-12-02, peer.ts, still about half the pool at 256 units), and at
 *   256 units it was a third of a round's time. It is measured in the first round and again only while
 *   it stays within a factor of the pool (`keepThreaded`), so its best figure is never dropped.
 * - **Paired ratios.** Each round's own ratio (both sides measured back to back) is recorded, and their median shown
 *   beside the median-of-sides ratio, labelled; the target is judged on the median-of-sides ratio as before.
 */
import { median } from './record'

/** Which side a round measures first. Even rounds (0, 2, …) GateLab first; odd rounds PyTorch first. */
export function roundOrder(round: number): 'gatelab-first' | 'peer-first' {
  return round % 2 === 0 ? 'gatelab-first' : 'peer-first'
}

/**
 * The threaded form is re-measured while its best rate so far is at least this share of the pool's best: below it,
 * the drift between rounds (±20%) could never make it the better form.
 */
export const THREADED_KEEP_SHARE = 0.5

/**
 * Whether a later round measures PyTorch's one-process, N-thread form again: yes unless some round measured both forms
 * and the threaded one's best rate was under THREADED_KEEP_SHARE of the pool's best. A form that failed (null) is
 * tried again. Returns the reason when it is not.
 */
export function keepThreaded(threaded: Array<number | null>, pool: Array<number | null>): { keep: true } | { keep: false; reason: string } {
  const best = (list: Array<number | null>): number | null => {
    const rates = list.filter((v): v is number => v !== null)
    return rates.length ? Math.max(...rates) : null
  }
  const t = best(threaded)
  const p = best(pool)
  if (t === null || p === null || t >= THREADED_KEEP_SHARE * p) return { keep: true }
  return {
    keep: false,
    reason:
      `measured in ${threaded.filter((v) => v !== null).length} round(s) only: its best, ${round3(t)} samples/s, was under ` +
      `${THREADED_KEEP_SHARE} × the ${pool.length > 1 ? 'best ' : ''}pool's ${round3(p)}, so it could not be the better form`
  }
}

/** One round's figures, samples/s (null: that form failed or was not measured in this round). */
export interface RoundRates {
  /** GateLab's N trainers together (the sum of their step rates). */
  gatelab: number
  threaded: number | null
  pool: number | null
}

/**
 * Each round's own ratio: GateLab against the better PyTorch form measured in that round (null when neither was).
 * A round that skipped the threaded form compares with the pool, which `keepThreaded` showed is the better one.
 */
export function pairedRatios(rounds: RoundRates[]): Array<number | null> {
  return rounds.map((r) => {
    const best = Math.max(r.threaded ?? 0, r.pool ?? 0)
    return best > 0 ? r.gatelab / best : null
  })
}

/** The median of the rounds' paired ratios (null when a round has none). */
export function pairedRatioMedian(ratios: Array<number | null>): number | null {
  return ratios.length > 0 && ratios.every((r): r is number => r !== null) ? median(ratios) : null
}

function round3(value: number): number {
  return Number(value.toPrecision(3))
}
