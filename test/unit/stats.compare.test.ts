import { describe, expect, it } from 'vitest'
import { compareAllPairs, compareGroups, formatP, pairedTest, welchTest, type CompareOptions } from '../../src/shared/stats'

const loss: CompareOptions = { metricLabel: 'best validation loss', better: 'lower' }
const seeds = [1, 2, 3, 4, 5]
const lstm = { label: 'LSTM', values: [0.052, 0.061, 0.049, 0.058, 0.055], pairKeys: seeds }
const gru = { label: 'GRU', values: [0.041, 0.048, 0.039, 0.045, 0.042], pairKeys: seeds }

describe('compareGroups', () => {
  it('pairs by seed when both groups share seeds and reports every number with the a − b sign', () => {
    const c = compareGroups(gru, lstm, loss)
    const welch = welchTest(gru.values, lstm.values)
    const paired = pairedTest(gru.values, lstm.values)
    if (!welch.ok || !paired.ok) throw new Error('tests failed')
    expect(c.diff).toBeCloseTo(-0.012, 12)
    expect(c.ci95).toEqual(welch.ci95)
    expect(c.pWelch).toBe(welch.p)
    expect(c.pPaired).toBe(paired.p)
    expect(c.hedgesG).toBeLessThan(0)
    expect(c.paired).toMatchObject({ n: 5, aBetter: 5, bBetter: 0, ties: 0, unmatchedA: 0, unmatchedB: 0 })
    expect(c.bootstrap?.paired).toBe(true)
    expect(c.bootstrapCi95?.[1]).toBeLessThan(0)
    expect(c).toMatchObject({ a: { label: 'GRU', n: 5 }, b: { label: 'LSTM', n: 5 }, favours: 'a', significant: true, warnings: [] })
  })

  it('writes the verdict of issue 8: favoured group first, its difference, interval, p and the pairing', () => {
    const c = compareGroups(gru, lstm, loss)
    const [lo, hi] = c.paired?.ci95 ?? [0, 0]
    expect(c.verdict).toBe(
      `GRU reached a lower best validation loss than LSTM in 5 of 5 seeds: mean difference −0.0120 [${fmt(lo)}, ${fmt(hi)}], p < 0.001, paired by seed.`
    )
    // Swapping the arguments flips every signed field but not the sentence, which always names the better group first.
    const swapped = compareGroups(lstm, gru, loss)
    expect(swapped.diff).toBeCloseTo(0.012, 12)
    expect(swapped.hedgesG).toBeCloseTo(-(c.hedgesG as number), 12)
    expect(swapped.favours).toBe('b')
    expect(swapped.verdict).toBe(c.verdict)
    expect(c.verdict).not.toMatch(/prove/i)
  })

  it('is direction-aware: for accuracy higher is better', () => {
    const acc: CompareOptions = { metricLabel: 'test accuracy', better: 'higher' }
    const c = compareGroups({ label: 'GRU', values: [0.91, 0.93, 0.92], pairKeys: [1, 2, 3] }, { label: 'LSTM', values: [0.95, 0.96, 0.97], pairKeys: [1, 2, 3] }, acc)
    expect(c.favours).toBe('b')
    expect(c.paired).toMatchObject({ aBetter: 0, bBetter: 3 })
    expect(c.verdict).toMatch(/^LSTM reached a higher test accuracy than GRU in 3 of 3 seeds: mean difference 0\.04\d* \[/)
  })

  it('says "not statistically clear" — never "no difference" — when p ≥ 0.05', () => {
    const c = compareGroups(
      { label: 'GRU', values: [0.5, 0.53, 0.47, 0.51], pairKeys: [1, 2, 3, 4] },
      { label: 'LSTM', values: [0.51, 0.5, 0.5, 0.52], pairKeys: [1, 2, 3, 4] },
      loss
    )
    expect(c.significant).toBe(false)
    expect(c.verdict).toMatch(/but the difference is not statistically clear: mean difference −?[\d.]+ \[−[\d.]+, [\d.]+\], p = 0\.\d{3}, paired by seed\.$/)
  })

  it('falls back to Welch when there are no pairing keys, and says so in the verdict', () => {
    const c = compareGroups({ label: 'GRU', values: gru.values }, { label: 'LSTM', values: lstm.values }, loss)
    expect(c.paired).toBeNull()
    expect(c.pPaired).toBeNull()
    expect(c.verdict).toMatch(/^GRU reached a lower best validation loss than LSTM on average: mean difference −0\.012\d? \[.*\], Welch p = 0\.002 \(n = 5 and 5\)\.$/)
  })

  it('does not pair when seeds repeat within a group (grouping left other settings varying)', () => {
    const c = compareGroups({ label: 'GRU', values: [1, 2, 3, 4], pairKeys: [1, 1, 2, 2] }, { label: 'LSTM', values: [2, 3, 4, 5], pairKeys: [1, 2, 3, 4] }, loss)
    expect(c.pPaired).toBeNull()
    expect(c.warnings).toContainEqual(expect.stringMatching(/^Seeds repeat within GRU .* so the comparison is unpaired\.$/))
  })

  it('pairs on the shared seeds only and says how many runs lacked a partner', () => {
    const c = compareGroups({ label: 'GRU', values: [1, 2, 3, 4.5], pairKeys: [1, 2, 3, 9] }, { label: 'LSTM', values: [2, 3.5, 4, 5], pairKeys: [1, 2, 3, 4] }, loss)
    expect(c.paired).toMatchObject({ n: 3, unmatchedA: 1, unmatchedB: 1 })
    expect(c.warnings).toContainEqual('Paired by seed on 3 pairs; 2 runs without a partner are in Welch\'s test only.')
  })

  it('lets the paired estimate decide the favoured group when unmatched runs pull the overall means the other way', () => {
    // Shared seeds 1–3: GRU is lower by 0.1 in each. GRU's extra seed-9 run is very high, so GRU's overall mean is higher.
    const c = compareGroups({ label: 'GRU', values: [1.0, 2.05, 3.0, 9], pairKeys: [1, 2, 3, 9] }, { label: 'LSTM', values: [1.1, 2.1, 3.1], pairKeys: [1, 2, 3] }, loss)
    expect(c.diff).toBeGreaterThan(0)
    expect(c.paired?.estimate).toBeLessThan(0)
    expect(c.favours).toBe('a')
    expect(c.verdict).toMatch(/^GRU reached a lower best validation loss than LSTM in 3 of 3 seeds/)
  })

  it('warns when n < 3 and says the runs are too few, but still reports what it can', () => {
    const c = compareGroups({ label: 'GRU', values: [0.4, 0.42] }, { label: 'LSTM', values: [0.45, 0.44] }, loss)
    expect(c.warnings).toContainEqual(expect.stringMatching(/^Only 2 runs in GRU and 2 runs in LSTM: .*at least 3 seeds/))
    expect(c.verdict).toMatch(/Too few runs to rely on/)
    expect(c.pWelch).not.toBeNull()
    const one = compareGroups({ label: 'GRU', values: [0.4] }, { label: 'LSTM', values: [0.45, 0.44] }, loss)
    expect(one).toMatchObject({ pWelch: null, ci95: null, hedgesG: null, bootstrap: null })
    expect(one.verdict).toMatch(/^Too few runs to test: GRU vs LSTM, mean difference −0\.0\d+ in best validation loss \(n = 1 and 2\)/)
  })

  it('leaves out diverged (NaN) runs and warns that this can flatter the group', () => {
    const c = compareGroups({ label: 'GRU', values: [0.4, Number.NaN, 0.41, 0.39] }, { label: 'LSTM', values: [0.45, 0.44, 0.46] }, loss)
    expect(c.a).toMatchObject({ n: 3, dropped: 1 })
    expect(c.warnings[0]).toBe(
      '1 run in GRU had no finite best validation loss (for example a diverged run) and was left out, which can make GRU look better than it is.'
    )
  })

  it('handles identical and constant groups without NaN', () => {
    const same = compareGroups({ label: 'GRU', values: [1, 1, 1] }, { label: 'LSTM', values: [1, 1, 1] }, loss)
    expect(same).toMatchObject({ diff: 0, pWelch: null, favours: null })
    expect(same.verdict).toBe('GRU and LSTM reached the same best validation loss in every run (n = 3 and 3); no test applies.')
    const shifted = compareGroups({ label: 'GRU', values: [1, 1, 1] }, { label: 'LSTM', values: [2, 2, 2] }, loss)
    expect(shifted.verdict).toMatch(/^GRU reached a lower best validation loss than LSTM in every run, with no run-to-run variation/)
    const empty = compareGroups({ label: 'GRU', values: [Number.NaN] }, { label: 'LSTM', values: [1, 2] }, loss)
    expect(empty.verdict).toBe('Cannot compare: GRU has no run with a finite best validation loss.')
  })

  it('warns when every seed shows exactly the same difference (the paired test is then undefined)', () => {
    const c = compareGroups({ label: 'GRU', values: [1, 2, 3], pairKeys: [1, 2, 3] }, { label: 'LSTM', values: [1.5, 2.5, 3.5], pairKeys: [1, 2, 3] }, loss)
    expect(c.paired).toBeNull()
    expect(c.warnings).toContainEqual(expect.stringMatching(/^The paired test by seed is undefined/))
    expect(c.pWelch).not.toBeNull()
  })
})

describe('compareAllPairs', () => {
  it('compares every pair once and Holm-adjusts the primary p-values', () => {
    const rnn = { label: 'RNN', values: [0.08, 0.09, 0.07, 0.1, 0.085], pairKeys: seeds }
    const pairs = compareAllPairs([lstm, gru, rnn], loss)
    expect(pairs.map((p) => [p.a, p.b])).toEqual([[0, 1], [0, 2], [1, 2]])
    const raw = pairs.map((p) => p.comparison.pPaired as number)
    // Holm never lowers a p-value and the smallest is multiplied by the number of tests (3).
    pairs.forEach((p, i) => expect(p.pHolm as number).toBeGreaterThanOrEqual(raw[i] as number))
    expect(Math.min(...(pairs.map((p) => p.pHolm) as number[]))).toBeCloseTo(Math.min(1, 3 * Math.min(...raw)), 12)
  })
})

describe('formatP', () => {
  it('keeps three decimals, floors at 0.001 and never rounds a significant p up to the threshold', () => {
    expect(formatP(0.002833)).toBe('p = 0.003')
    expect(formatP(0.0004)).toBe('p < 0.001')
    expect(formatP(0.04996)).toBe('p = 0.04996') // below 0.05, so not shown as "0.050"
    expect(formatP(0.58)).toBe('p = 0.580')
  })
})

function fmt(v: number): string {
  return (v < 0 ? '−' : '') + Math.abs(v).toFixed(4)
}
