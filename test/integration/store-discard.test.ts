/**
 * Store.closeDiscardingIfNew (used when a command is refused before it records anything, e.g. a run above the memory
 * limit): a lab file this open created, with nothing recorded in it, is removed with its folders; any other lab stays.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store } from '../../src/main/store/store'
import { config } from '../fixtures/store/helpers'

const owner = { owner: { kind: 'cli' as const } }

describe('closeDiscardingIfNew', () => {
  it('removes a lab this open created and nothing was recorded in: the file, its companions and the new folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-discard-'))
    const path = join(dir, 'a', 'b', 'lab.db')
    const store = Store.open(path, owner)
    expect(existsSync(`${path}-reserve`)).toBe(true)
    expect(store.closeDiscardingIfNew()).toBe(true)
    expect(readdirSync(dir)).toEqual([])
  })

  it('keeps a new lab once a run is recorded in it, and a lab that existed before the open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-discard-'))
    const path = join(dir, 'lab.db')
    const first = Store.open(path, owner)
    first.createRun({ config: config() })
    expect(first.closeDiscardingIfNew()).toBe(false)
    expect(existsSync(path)).toBe(true)

    const empty = join(dir, 'empty.db')
    Store.open(empty, owner).close()
    const again = Store.open(empty, owner)
    expect(again.closeDiscardingIfNew()).toBe(false)
    expect(existsSync(empty)).toBe(true)
    const reopened = Store.open(path, owner)
    expect(reopened.listRuns({}).total).toBe(1)
    reopened.close()
  })
})
