// The all-cores row's rounds (bench/rounds.ts, issue 18): mirrored order, when PyTorch's threaded form is measured
// again, and each round's paired ratio. Pure logic (the bench itself is not run in CI).
import { describe, expect, it } from 'vitest'
import { keepThreaded, pairedRatioMedian, pairedRatios, roundOrder, THREADED_KEEP_SHARE } from '../../bench/rounds'

describe('all-cores rounds', () => {
  it('mirrors the order from one round to the next', () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual(['gatelab-first', 'peer-first', 'gatelab-first', 'peer-first'])
  })

  it('measures the threaded form again only while it could be the better one', () => {
    // Nothing measured yet, or a form failed: measure it.
    expect(keepThreaded([], [])).toEqual({ keep: true })
    expect(keepThreaded([null], [320])).toEqual({ keep: true })
    expect(keepThreaded([60], [null])).toEqual({ keep: true })
    // At 256 units (measured): 57 samples/s on 2 threads against 324 for the pool of 2 processes.
    const dropped = keepThreaded([57.27], [323.6])
    expect(dropped.keep).toBe(false)
    expect(!dropped.keep && dropped.reason).toContain('57.3 samples/s')
    expect(!dropped.keep && dropped.reason).toContain('324')
    // Within the share (drift could make it the better form): kept; exactly at the share too.
    expect(keepThreaded([200], [320])).toEqual({ keep: true })
    expect(keepThreaded([THREADED_KEEP_SHARE * 300], [300])).toEqual({ keep: true })
    // The best of each form counts: one fast threaded round keeps it.
    expect(keepThreaded([57, 170], [300, 330])).toEqual({ keep: true })
  })

  it("gives each round's own ratio against the better form measured in that round, and their median", () => {
    const ratios = pairedRatios([
      { gatelab: 650, threaded: 57, pool: 325 },
      { gatelab: 600, threaded: null, pool: 300 },
      { gatelab: 700, threaded: 400, pool: 280 },
      { gatelab: 500, threaded: null, pool: null }
    ])
    expect(ratios).toEqual([2, 2, 1.75, null])
    expect(pairedRatioMedian(ratios.slice(0, 3))).toBe(2)
    // A round without any peer figure gives no median (not a median of the others).
    expect(pairedRatioMedian(ratios)).toBeNull()
    expect(pairedRatioMedian([])).toBeNull()
  })
})
