/**
 * The trainer's heap keeper (src/main/engine/heap.ts): it collects only once the old generation grew by the allowance
 * over the smallest size seen since its last collection (V8's own collections lower that floor too), and it really
 * collects: garbage promoted to the old generation is gone afterwards. The per-epoch behaviour in a real trainer is
 * test/integration/memory-flat.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { createHeapKeeper, fullGc, oldGenerationBytes } from '../../src/main/engine/heap'

describe('heap keeper', () => {
  it('collects after the allowance of growth over the floor, and V8 lowering the old generation lowers the floor', () => {
    const MB = 2 ** 20
    // Old-generation sizes the keeper reads: at creation, at each epoch end, and after each collection it runs.
    // 28: V8 collected by itself, so 32.5 is 4.5 MB over the floor (only 2.5 over the size after the keeper's collection).
    const readings = [40, 42, 44.5, /* collects: */ 30, 33, 28, 32.5, /* collects: */ 31, 34]
    let i = 0
    const keeper = createHeapKeeper(4 * MB, () => readings[i++]! * MB)!
    expect(keeper).not.toBeNull()
    const collected = Array.from({ length: 6 }, () => keeper.afterEpoch())
    expect(collected).toEqual([false, true, false, false, true, false])
    expect(keeper.collections).toBe(2)
    expect(i).toBe(readings.length)
  })

  it('GATELAB_HEAP_KEEPER=off turns it off', () => {
    expect(createHeapKeeper(undefined, undefined, { GATELAB_HEAP_KEEPER: 'off' })).toBeNull()
  })

  it("V8's full GC is available here and frees promoted garbage", () => {
    const gc = fullGc()
    expect(gc).toBeTypeOf('function')
    gc!()
    const before = oldGenerationBytes()
    // ~8 MB of objects that live long enough to be promoted (they survive two minor GCs), then are dropped.
    let keep: number[][] | null = Array.from({ length: 2000 }, (_, k) => Array.from({ length: 512 }, (_, j) => k + j + 0.5))
    for (let round = 0; round < 4; round++) Array.from({ length: 200_000 }, (_, j) => ({ j }))
    expect(keep.length).toBe(2000)
    keep = null
    const grown = oldGenerationBytes()
    gc!()
    const after = oldGenerationBytes()
    expect(grown - before).toBeGreaterThan(4 * 2 ** 20)
    expect(after).toBeLessThan(grown - 4 * 2 ** 20)
  })
})
