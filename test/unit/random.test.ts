import { describe, expect, it } from 'vitest'
import { createRng, deriveSeed } from '../../src/shared/random'

const draw = (seed: number, n = 1000): number[] => {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => rng.next())
}

describe('seeded random generator', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
    // Neighbouring seeds must not give shifted copies of each other's streams.
    const a = new Set(draw(1, 100))
    expect(draw(2, 100).filter((v) => a.has(v))).toEqual([])
  })

  it('draws uniform numbers in [0, 1) with the right mean and variance', () => {
    const values = draw(7, 100_000)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length
    // SE of the mean is 0.29/sqrt(1e5) ≈ 0.0009: 0.005 is over 5 SE.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005)
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002)
  })

  it('draws standard normals and integers in range', () => {
    const rng = createRng(3)
    const normals = Array.from({ length: 50_000 }, () => rng.normal())
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length
    const sd = Math.sqrt(normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length)
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(Math.abs(sd - 1)).toBeLessThan(0.02)
    const counts = new Array<number>(4).fill(0)
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]!++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400)
  })

  it('shuffles into a permutation, reproducibly', () => {
    const a = createRng(5).shuffle(Array.from({ length: 100 }, (_, i) => i))
    const b = createRng(5).shuffle(Array.from({ length: 100 }, (_, i) => i))
    expect(a).toEqual(b)
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  it('derives distinct, stable seeds per purpose', () => {
    expect(deriveSeed(1, 'shuffle')).toBe(deriveSeed(1, 'shuffle'))
    expect(deriveSeed(1, 'shuffle')).not.toBe(deriveSeed(1, 'init'))
    expect(deriveSeed(1, 'shuffle')).not.toBe(deriveSeed(2, 'shuffle'))
    const seed = deriveSeed(123, 'data:adding:train')
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true)
  })

  it('rejects seeds it cannot represent, saying which', () => {
    expect(() => createRng(-1)).toThrow(/integer from 0 to 4294967295, got -1/)
    expect(() => createRng(1.5)).toThrow(/got 1.5/)
  })
})
