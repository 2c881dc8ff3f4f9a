/**
 * Keeps a trainer's peak memory flat over epochs (issue 18 item 5) by collecting V8's old generation at an epoch's end
 * once it has grown by a fixed allowance since the last time it was this small.
 *
 * Why (measured, docs/PERFORMANCE.md "Peak memory over epochs"): the TF.js training step (runs with dropout, and
 * engine "layers") creates thousands of short-lived JavaScript objects per step — Tensor objects, tape nodes, scope
 * sets. A few of them are still reachable when a minor GC runs, so about 12 KB per step (0.25 MB per epoch of 20
 * batches) is promoted to the old generation and dies there. The live heap after a full GC stays at 32 MB at every
 * epoch, and the tensor count, the wasm backend's heap and the ArrayBuffers stay constant, so nothing leaks; but V8
 * collects the old generation only when it reaches a limit it sets at up to about 4× the live heap, so the resident
 * set grew linearly for hundreds of epochs (+0.29 MB per epoch over 120 epochs in the bench) before the first
 * collection. Collecting once per `allowance` of promoted garbage bounds that growth to the allowance. A full GC of
 * this heap took 15–70 ms in GC traces; with 4 MB it runs about every 16 epochs of a 64-unit dropout run, about 1% of the
 * training time, and seldom or never for the whole fused step, whose old generation V8 already collects by itself.
 *
 * The collector is V8's own `gc()`: exposed for new contexts with --expose-gc and taken from one (as Jest's leak
 * detector does); where that is not possible the keeper is null and the run trains as before.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Old-generation growth (bytes) allowed before an epoch end collects it: the bound on the resident set's growth. */
export const HEAP_ALLOWANCE_BYTES = 4 * 2 ** 20

export interface HeapKeeper {
  /** Called at every epoch's end; collects when the old generation grew by the allowance. True when it collected. */
  afterEpoch(): boolean
  /** How many collections it ran so far. */
  readonly collections: number
}

/** Bytes in the old generation (old space and large objects): where promoted garbage waits for a full GC. */
export function oldGenerationBytes(): number {
  let bytes = 0
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'old_space' || space.space_name === 'large_object_space') bytes += space.space_used_size
  }
  return bytes
}

let cached: (() => void) | null | undefined

/** V8's full garbage collection, or null where this runtime does not allow it. */
export function fullGc(): (() => void) | null {
  if (cached !== undefined) return cached
  const global = (globalThis as { gc?: () => void }).gc
  if (typeof global === 'function') return (cached = global)
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    cached = typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    cached = null
  }
  return cached
}

/**
 * The keeper for this trainer, or null: where V8's gc() is not available, or when GATELAB_HEAP_KEEPER=off (the
 * regression test trains once without it to show the growth it prevents).
 */
export function createHeapKeeper(allowance = HEAP_ALLOWANCE_BYTES, measure = oldGenerationBytes, env: NodeJS.ProcessEnv = process.env): HeapKeeper | null {
  if ((env.GATELAB_HEAP_KEEPER ?? '').toLowerCase() === 'off') return null
  const gc = fullGc()
  if (!gc) return null
  // The smallest old generation seen since the last collection: V8's own full GCs lower it too.
  let floor = measure()
  let collections = 0
  return {
    afterEpoch() {
      const used = measure()
      floor = Math.min(floor, used)
      if (used - floor <= allowance) return false
      gc()
      collections++
      floor = measure()
      return true
    },
    get collections() {
      return collections
    }
  }
}
