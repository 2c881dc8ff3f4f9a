/**
 * A small seeded pseudo-random generator for everything GateLab draws at random: the built-in datasets, shuffling,
 * and (inside a trainer) TF.js's own initializers and dropout masks through a seeded `Math.random`.
 *
 * Why our own: TF.js has no global seed and `Math.random` cannot be seeded, yet a run must be reproducible from its
 * recorded seed. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator) passes PractRand, has a period of at least
 * 2^32 per seed and is a few lines of 32-bit integer arithmetic, so it gives the same stream in Node, Electron and
 * the browser. Pure: no I/O, usable by host, trainer, renderer and tests.
 */

export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  /** Standard normal (Box–Muller). */
  normal(): number
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[]
}

/** splitmix32: spreads one 32-bit seed over sfc32's four words, so nearby seeds give unrelated streams. */
function splitmix32(state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`A random seed must be an integer from 0 to 4294967295, got ${seed}`)
  }
  const init = splitmix32(seed)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t
  }
  // Warm-up: the first outputs of sfc32 still carry some structure of the seed.
  for (let i = 0; i < 12; i++) nextUint32()

  const next = (): number => nextUint32() / 4294967296
  let spareNormal: number | undefined
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal
        spareNormal = undefined
        return value
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()))
      const theta = 2 * Math.PI * next()
      spareNormal = r * Math.sin(theta)
      return r * Math.cos(theta)
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const tmp = items[i] as (typeof items)[number]
        items[i] = items[j] as (typeof items)[number]
        items[j] = tmp
      }
      return items
    }
  }
}

/**
 * A seed for one purpose ("data:train", "init", "shuffle", ...) derived from the run's seed, so each consumer has its
 * own stream: drawing more training samples never changes the validation set, and changing the batch size never
 * changes the initial weights.
 */
export function deriveSeed(seed: number, purpose: string): number {
  // FNV-1a over the purpose, mixed with the scrambled seed through splitmix32.
  let h = 0x811c9dc5
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return splitmix32((splitmix32(seed)() ^ h) >>> 0)()
}
