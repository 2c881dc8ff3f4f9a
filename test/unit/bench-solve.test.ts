// The time-to-solve row's words and figures (bench/solve.ts, issue 18): it says exactly who solved which seeds, and
// gives a ratio only as far as the seeds allow — exact, or a bound said as such. Pure logic: the bench itself is not
// run in CI. The first case is the quiet run of 2026-12-01 21:15 (LSTM, T = 200, cap 2,000 steps), whose row said
// "not solved … in every one of 3 seeds" although GateLab had solved 2 of them.
import { describe, expect, it } from 'vitest'
import { solvedText, summarizeSolve, type SolveAttempt } from '../../bench/solve'

const attempt = (seed: number, solved: boolean, steps: number, seconds: number): SolveAttempt => ({ seed, solved, steps, seconds })

describe('time to solve: who solved what', () => {
  it('says GateLab solved 2 of 3 seeds, PyTorch 1, with the median exact and the ratio an upper bound', () => {
    const ours = [attempt(1, true, 1600, 12.3), attempt(2, false, 2000, 16.4), attempt(3, true, 1900, 15.3)]
    const theirs = [attempt(1, false, 2000, 131), attempt(2, true, 1900, 122), attempt(3, false, 2000, 134)]
    const s = summarizeSolve(ours, theirs, 2000)
    expect(s.unit).not.toMatch(/every one/)
    expect(s.unit).toBe('s (median of 3 seeds: solved 2 of 3 seeds within 2000 steps (seeds 1 and 3); seed 2 not solved, having trained longer than the median before giving up)')
    expect(s.value).toBe(15.3)
    expect(s.solvedSeeds).toBe('2 of 3')
    expect(s.torchSolvedSeeds).toBe('1 of 3')
    expect(s.outcome).toBe('GateLab solved 2 of 3 seeds within 2000 steps (seeds 1 and 3); PyTorch solved 1 of 3 seeds within 2000 steps (seed 2)')
    // PyTorch's median is at least 131 s (two seeds gave up there), so the ratio is at most 15.3 / 131.
    expect(s.ratio).toBeUndefined()
    expect(s.ratioAtMost).toBe(0.117)
    expect(s.ratioAtLeast).toBeUndefined()
  })

  it('gives the exact ratio when both sides solved every seed', () => {
    const s = summarizeSolve([attempt(1, true, 500, 1.4), attempt(2, true, 600, 1.5), attempt(3, true, 600, 1.3)], [attempt(1, true, 500, 12), attempt(2, true, 700, 13), attempt(3, true, 900, 14)], 3000)
    expect(s).toMatchObject({ value: 1.4, unit: 's (median of 3 seeds)', baseline: 13, ratio: 0.108, solvedSeeds: '3 of 3' })
    expect(s.outcome).toBe('GateLab solved all 3 seeds; PyTorch solved all 3 seeds')
  })

  it('reports no median and a lower bound of the ratio when GateLab solved 1 of 3 and PyTorch all', () => {
    const s = summarizeSolve([attempt(1, false, 1000, 8), attempt(2, true, 900, 7), attempt(3, false, 1000, 8.2)], [attempt(1, true, 800, 60), attempt(2, true, 900, 70), attempt(3, true, 700, 50)], 1000)
    expect(s.value).toBe(0)
    expect(s.unit).toBe('s (solved 1 of 3 seeds within 1000 steps (seed 2): no median time to solve)')
    expect(s.ratioAtLeast).toBe(0.133)
    expect(s.ratioAtMost).toBeUndefined()
  })

  it('says "its one seed" and "none of" where that is what happened, and no ratio without the peer', () => {
    expect(solvedText([attempt(1, false, 1000, 8)], 1000)).toBe('did not solve its one seed (1) within 1000 steps')
    expect(solvedText([attempt(1, false, 1000, 8), attempt(2, false, 1000, 9), attempt(3, false, 1000, 9)], 1000)).toBe('solved none of 3 seeds within 1000 steps')
    const s = summarizeSolve([attempt(1, true, 400, 3)], null, 1500)
    expect(s).toMatchObject({ value: 3, unit: 's (its one seed)', torchSolvedSeeds: null })
    expect(s.outcome).toBe('GateLab solved its one seed (1); PyTorch gave no figure')
    expect(s.ratio ?? s.ratioAtMost ?? s.ratioAtLeast).toBeUndefined()
  })
})
