/**
 * The matrix products of the float64 cell math (cell.ts), in WebAssembly (products.c, embedded by
 * scripts/cells-wasm.mjs): u = v · M over M's rows in ascending order, operation for operation the loop
 * u[j] = ((0 + v_0·M_0j) + v_1·M_1j) + … , each multiply and add rounded on its own — so every result is bit-identical
 * to that JavaScript loop, only several times faster (f64x2 lanes across j, and two vectors share each pass over the
 * weights). A product with a matrix's transpose (backpropagation) uses a transposed copy (transposeInto), which keeps
 * each sum in the order Σ_j v_j·M_kj.
 *
 * Operands live in the module's memory: `workspace(lengths)` hands out Float64Array views of it, valid until the next
 * workspace() call (one user at a time: the cell math is synchronous and does not nest).
 */
import { productsWasmBase64 } from './products.wasm'

interface Exports {
  product_rows(v: number, M: number, stride: number, rows: number, u: number, from: number, to: number, firstRow: number): void
  product_pair(v0: number, v1: number, M: number, stride: number, rows: number, u0: number, u1: number, from: number, to: number): void
  __heap_base: { value: number }
}

// Node's type definitions do not declare the WebAssembly global (it lives in the DOM library, which the main process
// does not include); these are the few members used here.
interface Memory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => Memory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: object }
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

let module: { exports: Exports; memory: Memory; base: number } | undefined

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

function load(): NonNullable<typeof module> {
  if (module) return module
  const memory = new WebAssemblyApi.Memory({ initial: 32 })
  const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(decode(productsWasmBase64)), { env: { memory } })
  const exports = instance.exports as unknown as Exports
  module = { exports, memory, base: (Number(exports.__heap_base.value) + 63) & ~63 }
  return module
}

/** Float64Array views of the module's memory, one per length, 64-byte aligned; valid until the next workspace(). */
export function workspace(lengths: readonly number[]): Float64Array[] {
  const m = load()
  const offsets: number[] = []
  let end = m.base
  for (const n of lengths) {
    offsets.push(end)
    end += (n * 8 + 63) & ~63
  }
  const missing = end - m.memory.buffer.byteLength
  if (missing > 0) m.memory.grow(Math.ceil(missing / 65536))
  return lengths.map((n, i) => new Float64Array(m.memory.buffer, offsets[i]!, n))
}

/** into[j·rows + k] = M[k·cols + j]: M [rows, cols] transposed to [cols, rows]. */
export function transposeInto(M: Float64Array, rows: number, cols: number, into: Float64Array): void {
  for (let k = 0; k < rows; k++) for (let j = 0; j < cols; j++) into[j * rows + k] = M[k * cols + j]!
}

/**
 * For each b: us[b][from..to) = vs[b][vOffset … vOffset + rows) · M[mRow …, stride][:, from..to) — rows of M from
 * mRow on, in ascending order. Every array is a workspace() view. Sequences go in pairs (each weight loaded once for
 * two), the odd one alone; the sums are the same either way.
 */
export function productBatch(vs: readonly Float64Array[], vOffset: number, M: Float64Array, mRow: number, stride: number, rows: number, us: readonly Float64Array[], from: number, to: number): void {
  const { exports } = load()
  const m = M.byteOffset + mRow * stride * 8
  const v = (b: number): number => vs[b]!.byteOffset + vOffset * 8
  let b = 0
  for (; b + 2 <= vs.length; b += 2) exports.product_pair(v(b), v(b + 1), m, stride, rows, us[b]!.byteOffset, us[b + 1]!.byteOffset, from, to)
  if (b < vs.length) exports.product_rows(v(b), m, stride, rows, us[b]!.byteOffset, from, to, 0)
}
