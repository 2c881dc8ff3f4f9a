/**
 * The gate inspector's float64 math (src/shared/cells, docs/INSPECT.md), issue 14 §10 targets: the traces of one
 * sequence of T = 1,000 at 128 units in under 200 ms, and gate statistics over 1,000 sequences × T = 100 × 128 units
 * in under 3 s. One layer, one input feature (the adding problem's width is 2; inputs cost little next to the
 * recurrent products), random weights of the trained scale; the same loops the inspector runs (no TF.js).
 * Each figure is the median of several repetitions in one thread. Statistics run through the fused WebAssembly
 * forward pass (float32, src/main/inspect/kernelStats.ts); the full run adds the float64 fallback for comparison.
 */
import { it } from 'vitest'
import {
  accumulateTrace,
  accumulatorsFor,
  attribute,
  cellForward,
  networkBackward,
  networkForward,
  paramSizes,
  type CellVariant,
  type Network
} from '../src/shared/cells'
import { kernelStatistics } from '../src/main/inspect/kernelStats'
import { median, quick, round, writeRows, type BenchRow } from './record'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

function network(variant: CellVariant, units: number, inputDim: number): Network {
  const r = rng(7)
  const spec = { variant, units, inputDim, hardSigmoid: false }
  const sizes = paramSizes(spec)
  const fill = (n: number, k: number): Float64Array => Float64Array.from({ length: n }, () => r() * k)
  const scale = 2 / Math.sqrt(units)
  return {
    inputDim,
    layers: [{ spec, bidirectional: false, returnSequences: false, directions: [{ kernel: fill(sizes.kernel, 1), recurrentKernel: fill(sizes.recurrentKernel, scale), bias: fill(sizes.bias, 0.2) }] }],
    head: { inputDim: units, units: 1, kernel: fill(units, scale), bias: new Float64Array(1) },
    perStep: false,
    kind: 'regression'
  }
}

/** CPU time of this thread's process (user + system), ms: less sensitive than wall time to a machine shared with others. */
const cpuNow = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
let lastCpuMs = 0

/** Median wall time of `reps` runs (ms); the median CPU time is left in lastCpuMs. */
function time(fn: () => void, reps: number, warmUp = true): number {
  if (warmUp) fn() // JIT
  const times: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < reps; i++) {
    const t = performance.now()
    const c = cpuNow()
    fn()
    cpu.push(cpuNow() - c)
    times.push(performance.now() - t)
  }
  lastCpuMs = median(cpu)
  return median(times)
}

// GATELAB_INSPECT_ROWS=traces,gradients,ig,stats picks rows (default all).
const only = (process.env.GATELAB_INSPECT_ROWS ?? '').split(',').filter(Boolean)
const wanted = (row: string): boolean => only.length === 0 || only.includes(row)

it('inspector math: traces, gradients, attribution, statistics', { timeout: 1_800_000 }, () => {
  const rows: BenchRow[] = []
  // Print each row as it is measured: on a loaded machine the whole file takes minutes.
  const push = (row: BenchRow): void => {
    const withCpu = { ...row, cpuMs: round(lastCpuMs) }
    console.log(`${row.name}: ${row.value} ${row.unit} wall, ${withCpu.cpuMs} ms CPU`)
    rows.push(withCpu)
  }
  const H = 128
  for (const variant of ['lstm', 'gru-after'] as const) {
    const net = network(variant, H, 1)
    const spec = net.layers[0]!.spec
    const params = net.layers[0]!.directions[0]!
    const T = 1000
    const x = Float64Array.from({ length: T }, rng(3))
    const reps = quick ? 3 : 7
    if (wanted('traces')) push({ name: `inspect traces ${variant} T=1000 H=128 (every gate and state)`, value: round(time(() => cellForward(spec, params, x, T), reps)), unit: 'ms', target: '< 200 ms' })
    if (wanted('gradients')) push({
      name: `inspect traces + dL/dh_t (+ dL/dc_t) ${variant} T=1000 H=128`,
      value: round(time(() => {
        const pass = networkForward(net, x, T)
        networkBackward(net, pass, Float64Array.of(1))
      }, reps)),
      unit: 'ms'
    })
    if (wanted('ig')) push({
      name: `inspect integrated gradients (50 steps) ${variant} T=1000 H=128`,
      value: round(time(() => attribute(net, x, T, Float64Array.of(0), 50), quick ? 1 : 3, !quick)),
      unit: 'ms'
    })
    // Statistics: 1,000 sequences × T = 100, every gate per unit (saturation, mean, histogram), as splitStatistics does.
    const N = 1000
    const Ts = 100
    const xs = Float64Array.from({ length: N * Ts }, rng(5))
    const xs32 = Float32Array.from(xs)
    const all = Array.from({ length: N }, (_, i) => i)
    if (!wanted('stats')) continue
    const statsMs = time(() => kernelStatistics(net, xs32, Ts, all, new Set([0])), quick ? 1 : 3)
    push({ name: `inspect gate statistics ${variant} 1000 seqs × T=100 × H=128`, value: round(statsMs), unit: 'ms', target: '< 3000 ms', how: 'fused WebAssembly forward (float32), as the inspector computes them' })
    if (!quick) {
      // For comparison: the same statistics in float64 scalar JavaScript (the fallback when the kernels are absent).
      const float64Ms = time(() => {
        const acc = accumulatorsFor(variant, H)
        for (let i = 0; i < N; i++) accumulateTrace(acc, cellForward(spec, params, xs.subarray(i * Ts, (i + 1) * Ts), Ts))
      }, 1)
      push({ name: `inspect gate statistics ${variant} 1000 seqs × T=100 × H=128, float64 fallback`, value: round(float64Ms), unit: 'ms' })
    }
  }
  writeRows('inspect', rows)
})
