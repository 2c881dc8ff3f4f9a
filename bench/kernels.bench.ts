/**
 * The recurrent kernels alone (issue 18, items 5-6): one forward and one backward call of the native (or WebAssembly)
 * kernels on Float32Arrays, no TF.js, no head, no optimizer — the part of a training step docs/KERNELS.md's arithmetic
 * is about. Per row: ms per batch in process CPU time (best of the rounds: a ceiling-like figure, what the core does
 * when nothing else takes it away; CPU time rather than wall time, so other processes on a busy machine count less), GFLOP/s of the recurrent layer's products, and the share of the native sgemm ceiling given in
 * GATELAB_SGEMM_CEILING (GFLOP/s, e.g. the figure bench/fused.bench.ts prints) when set.
 *
 * GATELAB_KERNEL_ROWS=lstm:256,gru:128 picks rows (default LSTM and GRU at 128 and 256 units, T = 100, batch 32, one
 * input feature); GATELAB_NATIVE_KERNELS_PATH another build of the module, for A/B runs (alternate the two processes).
 */
import { it } from 'vitest'
import { FusedKernel, defaultKernelBuild, trainingFlops, weightShapes, type FusedVariant } from '../src/main/engine/fused'
import { nativeKernelStatus } from '../src/main/engine/native'
import { quick, round } from './record'

const all: Array<[FusedVariant, number]> = [['lstm', 128], ['lstm', 256], ['gru-after', 128], ['gru-after', 256]]
const filter = (process.env.GATELAB_KERNEL_ROWS ?? '').split(',').filter(Boolean).map((f) => f.replace(/^gru:/, 'gru-after:'))
const rows = all.filter(([v, u]) => filter.length === 0 || filter.includes(`${v}:${u}`))
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const ceiling = Number(process.env.GATELAB_SGEMM_CEILING) || undefined

it('recurrent kernels alone: forward + backward per batch', () => {
  const lines: string[] = []
  for (const [variant, units] of rows) {
    const T = 100
    const B = 32
    const shape = { batch: B, steps: T, inputDim: 1 }
    const s = weightShapes(variant, 1, units)
    const fill = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * scale)
    const w = { kernel: fill(s.kernel[0] * s.kernel[1], 0.4), recurrentKernel: fill(s.recurrentKernel[0] * s.recurrentKernel[1], 2 / Math.sqrt(units)), bias: fill(s.bias.reduce((a, b) => a * b, 1), 0.2) }
    const x = fill(B * T, 2)
    const dy = fill(B * units, 0.2)
    const spec = { variant, units, hardSigmoid: false, returnSequences: false }
    const kernel = new FusedKernel()
    let fwd = Infinity
    let bwd = Infinity
    for (let r = 0; r < (quick ? 15 : 40); r++) {
      const t0 = cpuMs()
      const { ticket } = kernel.forward(spec, shape, x, w)
      const t1 = cpuMs()
      kernel.backward(spec, shape, ticket, () => ({ x, w }), dy)
      const t2 = cpuMs()
      if (r > 1) {
        fwd = Math.min(fwd, t1 - t0)
        bwd = Math.min(bwd, t2 - t1)
      }
    }
    const gflops = trainingFlops(variant, shape, units) / ((fwd + bwd) / 1000) / 1e9
    lines.push(
      `${variant.padEnd(9)} ${String(units).padStart(4)} | ${defaultKernelBuild()} | forward ${round(fwd, 4)} ms + backward ${round(bwd, 4)} ms = ` +
        `${round(fwd + bwd, 4)} ms | ${round(gflops, 3)} GFLOP/s${ceiling ? ` = ${Math.round((100 * gflops) / ceiling)}% of ${ceiling}` : ''}`
    )
  }
  console.log(`\nrecurrent kernels alone (${nativeKernelStatus().reason}; best of the rounds)\n${lines.join('\n')}`)
})
