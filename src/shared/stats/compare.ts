/**
 * Comparing two groups of runs on one metric: every number the compare view, reports and `gatelab compare` show,
 * plus a plain-language verdict.
 *
 * Differences are a − b (first group minus second), in `diff`, `ci95`, the paired estimate and `hedgesG`. The verdict
 * names the group the data favour first and states the difference in that order, so its sign reads naturally
 * ("GRU reached a lower … than LSTM: mean difference −0.012"). Paired analysis is used when both groups carry
 * pairing keys (seeds), no key repeats within a group, and at least 2 keys are shared; otherwise `paired` and
 * `pPaired` are null and the verdict rests on Welch's test.
 *
 * Wording: a p-value below 0.05 is reported as a difference, never as proof; above it, as "not statistically
 * clear", never as evidence of no difference.
 */
import { bootstrapMeanDiff, bootstrapPairedMeanDiff, type BootstrapOptions, type BootstrapResult } from './bootstrap'
import { describe, type Interval } from './descriptive'
import { hedgesG, holmAdjust, pairedTest, welchTest, type TTest } from './ttest'

export type PairKey = string | number | null | undefined

export interface GroupSample {
  /** How the verdict names the group, e.g. "GRU" or "cell=gru, units=32". */
  label: string
  values: readonly number[]
  /** Pairing key of each value (e.g. its run's seed), same length as `values`. */
  pairKeys?: readonly PairKey[]
}

export interface CompareOptions {
  /** The metric in words, e.g. "best validation loss". */
  metricLabel: string
  /** Whether lower (losses, errors) or higher (accuracy) values are better. */
  better: 'lower' | 'higher'
  /** What the pairing keys are, in words (default "seed"). */
  pairLabel?: string
  /** Bootstrap settings, or false to skip the bootstrap. */
  bootstrap?: BootstrapOptions | false
  /** Significance level used only for the verdict's wording (default 0.05). */
  alpha?: number
}

/** Fewer values than this in a group (or pairs, when paired) and the bootstrap interval is not shown. */
export const minBootstrapValues = 5

export interface GroupStats {
  label: string
  n: number
  dropped: number
  mean: number | null
  sd: number | null
  se: number | null
  ci95: Interval | null
}

export interface PairedResult extends TTest {
  /** Complete pairs used. */
  n: number
  /** Pairs in which a's value was better / worse / equal, by the metric's direction. */
  aBetter: number
  bBetter: number
  ties: number
  /** Runs with a key the other group lacks (left out of the paired test, still in Welch's). */
  unmatchedA: number
  unmatchedB: number
}

export interface Comparison {
  a: GroupStats
  b: GroupStats
  /** mean(a) − mean(b); null when a group has no finite value. */
  diff: number | null
  /** Welch 95% interval of diff. */
  ci95: Interval | null
  pWelch: number | null
  welch: TTest | null
  paired: PairedResult | null
  pPaired: number | null
  /** Hedges' g of a − b (pooled-SD standardizer, bias-corrected). */
  hedgesG: number | null
  bootstrap: BootstrapResult | null
  /** The bootstrap interval to show: BCa when defined, else percentile; null with fewer than minBootstrapValues. */
  bootstrapCi95: Interval | null
  /**
   * What the verdict quotes, a − b: the paired mean difference and its interval when paired, else Welch's; p is the
   * Holm-adjusted one when the comparison has three or more groups (compareAllPairs).
   */
  quoted: { test: 'paired' | 'Welch'; estimate: number; ci95: Interval; p: number; adjusted: 'Holm' | null } | null
  /**
   * The group the primary estimate favours (the paired mean difference when paired, else `diff`), by the metric's
   * direction; null when it is 0 or unknown.
   */
  favours: 'a' | 'b' | null
  /** The primary test (paired when available, else Welch) has p < alpha. */
  significant: boolean
  verdict: string
  warnings: string[]
}

const MINUS = '\u2212'

function decimalsFor(halfWidth: number | null, value: number): number {
  const ref = halfWidth !== null && halfWidth > 0 ? halfWidth : Math.abs(value)
  if (!(ref > 0) || !Number.isFinite(ref)) return 3
  // Two significant digits of the interval's half-width (or three of the value when there is no interval).
  const d = (halfWidth !== null && halfWidth > 0 ? 1 : 2) - Math.floor(Math.log10(ref))
  return Math.min(12, Math.max(0, d))
}

/** Formats a number with a real minus sign and a fixed number of decimals. */
export function formatNumber(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals)
  const isZero = Number(text) === 0
  return (value < 0 && !isZero ? MINUS : '') + text
}

/** "p = 0.003", "p < 0.001"; never rounds a p below alpha up to alpha. */
export function formatP(p: number, alpha = 0.05): string {
  if (p < 0.001) return 'p < 0.001'
  let text = p.toFixed(3)
  // 0.04996 must not read as "0.050": add digits until the shown value is below alpha too.
  for (let d = 4; d <= 8 && p < alpha && Number(text) >= alpha; d++) text = p.toFixed(d)
  return `p = ${text}`
}

function groupStats(sample: GroupSample): GroupStats {
  const s = describe(sample.values)
  return { label: sample.label, n: s.n, dropped: s.dropped, mean: s.mean, sd: s.sd, se: s.se, ci95: s.ci95 }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

interface Pairing {
  a: number[]
  b: number[]
  unmatchedA: number
  unmatchedB: number
}

/** Matches values by key; null with a reason when the groups cannot be paired. */
function pairByKey(a: GroupSample, b: GroupSample, pairLabel: string): { pairing: Pairing | null; warning: string | null } {
  if (!a.pairKeys || !b.pairKeys) return { pairing: null, warning: null }
  for (const s of [a, b]) {
    if (s.pairKeys && s.pairKeys.length !== s.values.length) {
      throw new RangeError(`${s.label}: pairKeys must have one key per value (got ${s.pairKeys.length} and ${s.values.length})`)
    }
  }
  const index = (s: GroupSample): Map<string, number> | string => {
    const map = new Map<string, number>()
    for (let i = 0; i < s.values.length; i++) {
      const key = s.pairKeys?.[i]
      const v = s.values[i] as number
      if (key === null || key === undefined || !Number.isFinite(v)) continue
      const k = JSON.stringify(key)
      if (map.has(k)) return `${pairLabel}s repeat within ${s.label} (its runs differ in other settings), so the comparison is unpaired`
      map.set(k, v)
    }
    return map
  }
  const ma = index(a)
  const mb = index(b)
  if (typeof ma === 'string') return { pairing: null, warning: ma }
  if (typeof mb === 'string') return { pairing: null, warning: mb }
  const pairing: Pairing = { a: [], b: [], unmatchedA: 0, unmatchedB: 0 }
  for (const [k, v] of ma) {
    const w = mb.get(k)
    if (w === undefined) pairing.unmatchedA++
    else {
      pairing.a.push(v)
      pairing.b.push(w)
    }
  }
  pairing.unmatchedB = mb.size - pairing.a.length
  if (pairing.a.length < 2) {
    return {
      pairing: null,
      warning: pairing.a.length === 1 ? `only 1 ${pairLabel} is shared by both groups, so the comparison is unpaired` : null
    }
  }
  return { pairing, warning: null }
}

/** Compares group a with group b on one metric (see the module comment for conventions). */
export function compareGroups(a: GroupSample, b: GroupSample, options: CompareOptions): Comparison {
  const alpha = options.alpha ?? 0.05
  const pairLabel = options.pairLabel ?? 'seed'
  const metric = options.metricLabel
  const sa = groupStats(a)
  const sb = groupStats(b)
  const warnings: string[] = []

  for (const s of [sa, sb]) {
    if (s.dropped > 0) {
      warnings.push(
        `${plural(s.dropped, 'run')} in ${s.label} had no finite ${metric} (for example a diverged run) and ${s.dropped === 1 ? 'was' : 'were'} left out, which can make ${s.label} look better than it is.`
      )
    }
  }
  const small = [sa, sb].filter((s) => s.n < 3)
  if (small.length > 0) {
    warnings.push(
      `Only ${small.map((s) => `${s.n} ${s.n === 1 ? 'run' : 'runs'} in ${s.label}`).join(' and ')}: with fewer than 3 runs per group the interval and p-value are very unreliable; run at least 3 seeds per group (5 or more is better).`
    )
  }

  const diff = sa.mean !== null && sb.mean !== null ? sa.mean - sb.mean : null
  const welchOutcome = welchTest(a.values, b.values)
  const welch = welchOutcome.ok ? stripOk(welchOutcome) : null
  const g = hedgesG(a.values, b.values)

  const { pairing, warning: pairWarning } = pairByKey(a, b, pairLabel)
  if (pairWarning) warnings.push(capitalize(pairWarning) + '.')
  let paired: PairedResult | null = null
  if (pairing) {
    const outcome = pairedTest(pairing.a, pairing.b)
    let aBetter = 0
    let bBetter = 0
    let ties = 0
    pairing.a.forEach((va, i) => {
      const d = va - (pairing.b[i] as number)
      if (d === 0) ties++
      else if (d < 0 === (options.better === 'lower')) aBetter++
      else bBetter++
    })
    if (!outcome.ok) {
      warnings.push(`The paired test by ${pairLabel} is undefined (${outcome.reason}); the verdict uses Welch's test.`)
    } else {
      paired = { ...stripOk(outcome), aBetter, bBetter, ties, unmatchedA: pairing.unmatchedA, unmatchedB: pairing.unmatchedB }
      if (pairing.unmatchedA + pairing.unmatchedB > 0) {
        warnings.push(
          `Paired by ${pairLabel} on ${plural(pairing.a.length, 'pair')}; ${plural(pairing.unmatchedA + pairing.unmatchedB, 'run')} without a partner ${pairing.unmatchedA + pairing.unmatchedB === 1 ? 'is' : 'are'} in Welch's test only.`
        )
      }
    }
  }

  let bootstrap: BootstrapResult | null = null
  if (options.bootstrap !== false) {
    const bo = options.bootstrap ?? {}
    const outcome = paired && pairing ? bootstrapPairedMeanDiff(pairing.a, pairing.b, bo) : bootstrapMeanDiff(a.values, b.values, bo)
    bootstrap = outcome.ok ? stripOk(outcome) : null
  }

  // The primary analysis decides which group is favoured: with unmatched runs the paired estimate (shared seeds only)
  // can differ in sign from the difference of all runs' means, and the verdict must agree with the numbers it shows.
  const primary = paired ?? welch
  const estimate = paired ? paired.estimate : diff
  const favours: 'a' | 'b' | null = estimate === null || estimate === 0 ? null : estimate < 0 === (options.better === 'lower') ? 'a' : 'b'

  const significant = primary !== null && primary.p < alpha
  const bootN = paired ? paired.n : Math.min(sa.n, sb.n)
  const bootShown = bootstrap !== null && bootN >= minBootstrapValues
  if (bootstrap !== null && !bootShown) {
    warnings.push(`No bootstrap interval: resampling ${paired ? `${plural(bootN, 'pair')}` : `groups of ${Math.min(sa.n, sb.n)}`} says little (it needs at least ${minBootstrapValues}); the t-interval is shown.`)
  }
  const comparison: Comparison = {
    a: sa,
    b: sb,
    diff,
    ci95: welch?.ci95 ?? null,
    pWelch: welch?.p ?? null,
    welch,
    paired,
    pPaired: paired?.p ?? null,
    hedgesG: g.ok ? g.g : null,
    bootstrap,
    bootstrapCi95: bootShown && bootstrap ? (bootstrap.bca ?? bootstrap.percentile) : null,
    quoted: primary ? { test: paired ? 'paired' : 'Welch', estimate: primary.estimate, ci95: primary.ci95, p: primary.p, adjusted: null } : null,
    favours,
    significant,
    verdict: '',
    warnings
  }
  comparison.verdict = verdictOf(comparison, options, welchOutcome.ok ? null : welchOutcome.reason)
  return comparison
}

function stripOk<T extends { ok: true }>(value: T): Omit<T, 'ok'> {
  const { ok: _ok, ...rest } = value
  return rest
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function verdictOf(c: Comparison, options: CompareOptions, welchReason: string | null): string {
  const metric = options.metricLabel
  // With three or more groups the sentence quotes the Holm-adjusted p (compareAllPairs sets it).
  const pShown = (p: number): string => (c.quoted?.adjusted === 'Holm' ? `Holm-adjusted ${formatP(c.quoted.p, options.alpha)}` : formatP(p, options.alpha))
  const pairLabel = options.pairLabel ?? 'seed'
  const { a, b } = c
  if (a.mean === null || b.mean === null) {
    const empty = a.mean === null ? a : b
    return `Cannot compare: ${empty.label} has no run with a finite ${metric}.`
  }
  // Name the favoured group first and orient every number as (first − second).
  const swap = c.favours === 'b'
  const first = swap ? b : a
  const second = swap ? a : b
  const sign = swap ? -1 : 1
  const estimate = (c.paired ? c.paired.estimate : (c.diff as number)) * sign
  const ci = c.paired?.ci95 ?? c.ci95
  const oriented: Interval | null = ci ? (swap ? [-ci[1], -ci[0]] : [ci[0], ci[1]]) : null
  const direction = estimate < 0 ? 'lower' : 'higher'
  const decimals = decimalsFor(oriented ? (oriented[1] - oriented[0]) / 2 : null, estimate)
  const fmt = (v: number): string => formatNumber(v, decimals)
  const small = a.n < 3 || b.n < 3 ? ' Too few runs to rely on (fewer than 3 in a group).' : ''

  if (c.paired) {
    const p = c.paired
    const wins = swap ? p.bBetter : p.aBetter
    const stats = `mean difference ${fmt(estimate)} [${fmt((oriented as Interval)[0])}, ${fmt((oriented as Interval)[1])}], ${pShown(p.p)}, paired by ${pairLabel}`
    if (c.favours === null) return `${a.label} and ${b.label} reached the same mean ${metric}: ${stats}.${small}`
    if (c.significant) {
      return `${first.label} reached a ${direction} ${metric} than ${second.label} in ${wins} of ${plural(p.n, pairLabel)}: ${stats}.${small}`
    }
    return `${first.label} reached a ${direction} ${metric} than ${second.label} in ${wins} of ${plural(p.n, pairLabel)}, but the difference is not statistically clear: ${stats}.${small}`
  }

  const ns = `n = ${a.n} and ${b.n}`
  if (!c.welch) {
    const shown = `mean difference ${fmt(estimate)}`
    if (welchReason && a.n >= 2 && b.n >= 2) {
      // Both groups without any variation: the data speak for themselves, no test applies.
      if (c.favours === null) return `${a.label} and ${b.label} reached the same ${metric} in every run (${ns}); no test applies.`
      return `${first.label} reached a ${direction} ${metric} than ${second.label} in every run, with no run-to-run variation, so no test applies: ${shown} (${ns}).`
    }
    return `Too few runs to test: ${first.label} vs ${second.label}, ${shown} in ${metric} (${ns}); run at least 3 seeds per group.`
  }
  const stats = `mean difference ${fmt(estimate)} [${fmt((oriented as Interval)[0])}, ${fmt((oriented as Interval)[1])}], Welch ${pShown(c.welch.p)} (${ns})`
  if (c.favours === null) return `${a.label} and ${b.label} reached the same mean ${metric}: ${stats}.${small}`
  if (c.significant) return `${first.label} reached a ${direction} ${metric} than ${second.label} on average: ${stats}.${small}`
  return `${first.label} reached a ${direction} mean ${metric} than ${second.label}, but the difference is not statistically clear: ${stats}.${small}`
}

export interface PairwiseComparison {
  /** Indexes into the groups passed in. */
  a: number
  b: number
  comparison: Comparison
  /** Holm-adjusted p of the primary test (paired when available, else Welch) across all pairs; null when untested. */
  pHolm: number | null
}

/** Compares every pair of groups (i < j) and adjusts the primary p-values for multiple comparisons (Holm). */
export function compareAllPairs(groups: readonly GroupSample[], options: CompareOptions): PairwiseComparison[] {
  const out: PairwiseComparison[] = []
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      out.push({ a: i, b: j, comparison: compareGroups(groups[i] as GroupSample, groups[j] as GroupSample, options), pHolm: null })
    }
  }
  const tested = out.filter((c) => (c.comparison.pPaired ?? c.comparison.pWelch) !== null)
  const adjusted = holmAdjust(tested.map((c) => (c.comparison.pPaired ?? c.comparison.pWelch) as number))
  tested.forEach((c, i) => (c.pHolm = adjusted[i] ?? null))
  // Three or more groups: the verdict quotes, and its wording follows, the Holm-adjusted p.
  if (groups.length >= 3) {
    const alpha = options.alpha ?? 0.05
    for (const c of tested) {
      const q = c.comparison.quoted
      if (!q || c.pHolm === null) continue
      c.comparison.quoted = { ...q, p: c.pHolm, adjusted: 'Holm' }
      c.comparison.significant = c.pHolm < alpha
      c.comparison.verdict = verdictOf(c.comparison, options, null)
    }
  }
  return out
}
