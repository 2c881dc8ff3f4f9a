/**
 * TF.js has no global seed: its initializers, dropout and random ops draw their seeds from `Math.random` whenever no
 * seed is passed. Replacing `Math.random` in the trainer process with a seeded generator therefore makes every random
 * draw TF.js makes reproducible, including the dropout masks inside tfjs-layers' recurrent cells, which take no seed.
 * (Passing a fixed seed to a dropout layer instead would draw the same mask on every batch.)
 */
import { createRng } from '../../shared/random'

/** Seeds Math.random for this process; returns a function that puts the original back. */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random
  const rng = createRng(seed)
  Math.random = () => rng.next()
  return () => {
    Math.random = original
  }
}
