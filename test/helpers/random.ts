/**
 * mulberry32: a small seeded pseudo-random generator for tests that draw their own inputs or moments, so a failure
 * can be replayed from its seed. The same stream for the same seed everywhere (the fixtures depend on that). The app's
 * own generator is src/shared/random.ts (sfc32); this one only serves tests whose recorded seeds name its streams.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
