/**
 * The float64 cell math's WebAssembly products (src/shared/cells/products.ts): the embedded module was compiled
 * from products.c as it is (the source hash recorded beside it), and each product is bit for bit the JavaScript loop
 * u[j] = ((0 + v_0·M_0j) + v_1·M_1j) + … it stands for — one vector or a pair, every remainder of the four-row blocking,
 * column ranges that start inside the matrix, rows from inside the matrix, and values whose sums round.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { productBatch, transposeInto, workspace } from '../../src/shared/cells/products'
import { mulberry32 } from '../helpers/random'

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex')

describe('cells WebAssembly products', () => {
  it('the embedded module was compiled from products.c as it is (source and flags hash)', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'cells-wasm.mjs')
    const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toContain('the embedded module was compiled from products.c as it is')
    expect(result.status).toBe(0)
  })

  it.each([1, 2, 3, 5])('batch of %i: bit-identical to the plain JavaScript loop for every row count and column range', (B) => {
    const r = mulberry32(B)
    for (const rows of [1, 2, 3, 4, 5, 6, 7, 9, 33]) {
      for (const [cols, from, to, mRow, vOffset] of [[12, 0, 12, 0, 0], [12, 4, 11, 0, 2], [7, 3, 7, 2, 1]] as const) {
        const totalRows = rows + mRow
        // Values of mixed magnitude so that the order of the additions shows in the low bits.
        const [M, ...rest] = workspace([totalRows * cols, ...Array.from({ length: B }, () => vOffset + rows), ...Array.from({ length: B }, () => cols)])
        for (let i = 0; i < M!.length; i++) M![i] = (r() - 0.5) * 10 ** Math.floor(r() * 6 - 3)
        const vs = rest.slice(0, B)
        const us = rest.slice(B)
        for (const v of vs) for (let i = 0; i < v.length; i++) v[i] = (r() - 0.5) * 10 ** Math.floor(r() * 4 - 2)
        for (const u of us) u.fill(123.5)
        productBatch(vs, vOffset, M!, mRow, cols, rows, us, from, to)
        for (let b = 0; b < B; b++) {
          const expected = Float64Array.from(us[b]!)
          for (let j = from; j < to; j++) {
            let sum = 0
            for (let k = 0; k < rows; k++) sum += vs[b]![vOffset + k]! * M![(mRow + k) * cols + j]!
            expected[j] = sum
          }
          // Columns outside [from, to) are left alone; inside, the same bits as the loop.
          expect(bits(us[b]!), `B ${B}, rows ${rows}, cols ${cols} [${from}, ${to}), mRow ${mRow}`).toBe(bits(expected))
          expect(us[b]![0]).toBe(from > 0 ? 123.5 : expected[0])
        }
      }
    }
  })

  it('transposeInto gives M[k, j] at [j, k]', () => {
    const M = Float64Array.from({ length: 6 }, (_, i) => i)
    const into = new Float64Array(6)
    transposeInto(M, 2, 3, into)
    expect([...into]).toEqual([0, 3, 1, 4, 2, 5])
  })
})
