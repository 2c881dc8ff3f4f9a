/**
 * M4 downsampling (src/main/store/downsample.ts): what a chart must never lose — first and last point, every extreme,
 * the bucket structure shared by all runs — and the budget it must respect, on random and adversarial series.
 */
import { describe, expect, it } from 'vitest'
import { M4, bucketOf, downsampleM4, makeBuckets } from '../../src/main/store/downsample'
import { mulberry32 } from '../helpers/random'

/** A small deterministic generator, so failures reproduce. */
const rng = mulberry32

describe('buckets', () => {
  it('cut [lo, hi] into budget/4 equal buckets and clamp the ends', () => {
    const b = makeBuckets(0, 100, 40)
    expect(b.count).toBe(10)
    expect(bucketOf(b, 0)).toBe(0)
    expect(bucketOf(b, 9.99)).toBe(0)
    expect(bucketOf(b, 10)).toBe(1)
    expect(bucketOf(b, 100)).toBe(9) // the last point belongs to the last bucket
    expect(bucketOf(b, -5)).toBe(0)
    expect(bucketOf(makeBuckets(3, 3, 40), 3)).toBe(0) // a single x value
  })
})

describe('M4', () => {
  it('keeps first, last, the global extremes and each bucket’s min and max, within the budget', () => {
    const random = rng(1)
    for (let trial = 0; trial < 20; trial++) {
      const n = 2_000 + Math.floor(random() * 20_000)
      const xs = Array.from({ length: n }, (_, i) => i * 3 + 7)
      const ys = xs.map(() => random() * 10 - 5 + (random() < 0.001 ? 100 : 0))
      const budget = 100 + Math.floor(random() * 900)
      const b = makeBuckets(xs[0]!, xs[n - 1]!, budget)
      const out = downsampleM4(xs, ys, b, budget)
      expect(out.x.length).toBeLessThanOrEqual(budget)
      expect(out.x[0]).toBe(xs[0])
      expect(out.y[0]).toBe(ys[0])
      expect(out.x.at(-1)).toBe(xs[n - 1])
      expect(Math.max(...out.y)).toBe(Math.max(...ys))
      expect(Math.min(...out.y)).toBe(Math.min(...ys))
      expect(out.x).toEqual([...out.x].sort((p, q) => p - q))
      // Every bucket's own min and max survive (what makes the drawn line identical at one bucket per pixel).
      const perBucket = new Map<number, { min: number; max: number }>()
      xs.forEach((x, i) => {
        const k = bucketOf(b, x)
        const e = perBucket.get(k) ?? { min: Infinity, max: -Infinity }
        perBucket.set(k, { min: Math.min(e.min, ys[i]!), max: Math.max(e.max, ys[i]!) })
      })
      const kept = new Map<number, number[]>()
      out.x.forEach((x, i) => kept.set(bucketOf(b, x), [...(kept.get(bucketOf(b, x)) ?? []), out.y[i]!]))
      for (const [k, e] of perBucket) {
        expect(Math.min(...kept.get(k)!)).toBe(e.min)
        expect(Math.max(...kept.get(k)!)).toBe(e.max)
      }
      // Every kept point is a real point of the series.
      const original = new Map(xs.map((x, i) => [x, ys[i]!]))
      out.x.forEach((x, i) => expect(original.get(x)).toBe(out.y[i]))
    }
  })

  it('returns every point, sorted by x, when they fit the budget', () => {
    const m4 = new M4(makeBuckets(0, 10, 100), 100)
    for (const x of [5, 1, 3, 2, 4]) m4.add(x, x * 10)
    expect(m4.complete).toBe(true)
    expect(m4.result()).toEqual({ x: [1, 2, 3, 4, 5], y: [10, 20, 30, 40, 50] })
  })

  it('skips NaN values (they cannot be drawn) without losing the points around them', () => {
    const out = downsampleM4([1, 2, 3], [1, null, 3], makeBuckets(1, 3, 40), 40)
    expect(out).toEqual({ x: [1, 3], y: [1, 3] })
  })

  it('keeps a single spike even in a huge flat series', () => {
    const n = 1_000_000
    const xs = new Float64Array(n).map((_, i) => i)
    const ys = new Float64Array(n)
    ys[654_321] = -1
    const out = downsampleM4(xs, ys, makeBuckets(0, n - 1, 1000), 1000)
    expect(out.x.length).toBeLessThanOrEqual(1000)
    expect(out.y).toContain(-1)
    expect(out.x[out.y.indexOf(-1)]).toBe(654_321)
  })

  it('puts two runs with different lengths on the same buckets', () => {
    const b = makeBuckets(0, 1000, 40)
    const long = downsampleM4(Array.from({ length: 1001 }, (_, i) => i), Array.from({ length: 1001 }, (_, i) => Math.sin(i)), b, 40)
    const short = downsampleM4(Array.from({ length: 301 }, (_, i) => i), Array.from({ length: 301 }, (_, i) => Math.cos(i)), b, 40)
    const bucketsOf = (xs: number[]): number[] => [...new Set(xs.map((x) => bucketOf(b, x)))]
    expect(bucketsOf(long.x)).toEqual(Array.from({ length: 10 }, (_, i) => i))
    expect(bucketsOf(short.x)).toEqual([0, 1, 2, 3]) // 0..300 covers the first four of the shared buckets
  })
})
