/**
 * Where the whole training step's time goes (issue 18 item 4-5: the step's own overhead outside the recurrent kernels).
 * For LSTM and GRU (reset-after) at 32, 64, 128 and 256 units, T = 100, B = 32, one input, one output, MSE, Adam with
 * gradient clipping (what the lab trains): ms per step of each phase of src/main/engine/step (recurrent forward and
 * backward in the kernels, the dense head, the loss, the clipping norm, the optimizer, the copies around them), beside
 * the recurrent kernels alone on the same shape (one forward + one backward call, no head, loss or optimizer). The
 * step's own overhead is whole step − kernels alone. The two are measured in alternating rounds (medians), in wall time
 * and in this process's CPU time (steadier on a busy machine, where wall time also counts waiting for a core). Also
 * printed: what the copies inside the recurrent kernel calls cost (each call copies its weights and input in and its
 * output and gradients out, as fused/kernel.ts does: timed here as the same copies on arrays of the same sizes).
 *
 * GATELAB_STEP_ROWS=lstm:64 (comma-separated cell:units filters) runs a subset; GATELAB_BENCH_QUICK=1 fewer rounds.
 */
import { it } from 'vitest'
import { FusedKernel, defaultKernelBuild, weightShapes } from '../src/main/engine/fused'
import { WholeStep } from '../src/main/engine/step'
import { normalizeRunConfig } from '../src/shared/config'
import { median, quick, round, writeRows, type BenchRow } from './record'

const sizes = [32, 64, 128, 256]
const configs = (['lstm', 'gru'] as const).flatMap((cell) => sizes.map((units) => [cell, units] as const))
const filter = (process.env.GATELAB_STEP_ROWS ?? '').split(',').filter(Boolean)
const selected = configs.filter(([cell, units]) => filter.length === 0 || filter.includes(`${cell}:${units}`) || filter.includes(cell))
const rounds = quick ? 3 : 7
const T = 100
const B = 32

function fill(n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (Math.random() - 0.5) * scale)
}

function setup(cell: 'lstm' | 'gru', units: number): { whole: WholeStep; data: { n: number; x: Float32Array; y: Float32Array } } {
  const parsed = normalizeRunConfig({ cell, units, seqLen: T, batch: B, engine: 'fused', lr: 1e-3, clip: 1 })
  if (!parsed.ok) throw new Error(parsed.message)
  const s = weightShapes(cell === 'lstm' ? 'lstm' : 'gru-after', 1, units)
  const initial = [
    fill(s.kernel[0] * s.kernel[1], 0.4), fill(s.recurrentKernel[0] * s.recurrentKernel[1], 2 / Math.sqrt(units)),
    new Float32Array(s.bias.reduce((a, b) => a * b, 1)), fill(units, 0.4), new Float32Array(1)
  ]
  const whole = new WholeStep(parsed.config, { kind: 'regression', seqLen: T, inputSize: 1, outputSize: 1, perStep: false }, initial, { epsilon: 1e-7 })
  const data = { n: B, x: fill(B * T, 2).map((v) => v + 0.5), y: fill(B, 2).map((v) => v + 0.5) }
  return { whole, data }
}

/** Wall and CPU ms per call of `f`, over `steps` calls. */
function timed(steps: number, f: () => void): { wall: number; cpu: number } {
  const t = performance.now()
  const c = process.cpuUsage()
  for (let i = 0; i < steps; i++) f()
  const used = process.cpuUsage(c)
  return { wall: (performance.now() - t) / steps, cpu: (used.user + used.system) / 1000 / steps }
}

/** ms per step of the whole step (wall and CPU) and of each of its phases, over `steps` steps. */
function wholeRound(whole: WholeStep, data: { n: number; x: Float32Array; y: Float32Array }, steps: number): { total: { wall: number; cpu: number }; phases: Record<string, number> } {
  whole.profile = null
  whole.train(data)
  const total = timed(steps, () => whole.train(data))
  // The phases in a separate pass (the marks cost a little themselves).
  whole.profile = {}
  for (let i = 0; i < steps; i++) whole.train(data)
  const phases = Object.fromEntries(Object.entries(whole.profile).map(([k, v]) => [k, v / steps]))
  whole.profile = null
  return { total, phases }
}

/** ms of the recurrent kernels alone: one forward and one backward call on the step's shape (copies in and out included). */
function kernelsRound(cell: 'lstm' | 'gru', units: number, steps: number): { wall: number; cpu: number } {
  const variant = cell === 'lstm' ? 'lstm' : 'gru-after'
  const shape = { batch: B, steps: T, inputDim: 1 }
  const s = weightShapes(variant, 1, units)
  const w = { kernel: fill(s.kernel[0] * s.kernel[1], 0.4), recurrentKernel: fill(s.recurrentKernel[0] * s.recurrentKernel[1], 0.1), bias: fill(s.bias.reduce((a, b) => a * b, 1), 0.1) }
  const x = fill(B * T, 1)
  const dy = fill(B * units, 0.1)
  const spec = { variant, units, hardSigmoid: false, returnSequences: false } as const
  const kernel = kernels.get(`${cell}${units}`) ?? new FusedKernel()
  kernels.set(`${cell}${units}`, kernel)
  const once = (): void => {
    const { ticket } = kernel.forward(spec, shape, x, w)
    kernel.backward(spec, shape, ticket, () => ({ x, w }), dy)
  }
  once()
  return timed(steps, once)
}
const kernels = new Map<string, FusedKernel>()

/** ms of the copies one forward and one backward kernel call make (fused/kernel.ts: weights, x and dy in; y, dx, dW, dU, db out). */
function copiesRound(cell: 'lstm' | 'gru', units: number, steps: number): number {
  const s = weightShapes(cell === 'lstm' ? 'lstm' : 'gru-after', 1, units)
  const sizes = [s.kernel[0] * s.kernel[1], s.recurrentKernel[0] * s.recurrentKernel[1], s.bias.reduce((a, b) => a * b, 1)]
  const memory = new Float32Array(sizes.reduce((a, b) => a + b, 0) * 3 + B * T * 2 + B * units * 2)
  const w = sizes.map((n) => fill(n, 0.1))
  const x = fill(B * T, 1)
  const dy = fill(B * units, 0.1)
  return timed(steps, () => {
    let at = 0
    for (const a of [...w, x]) {
      memory.set(a, at)
      at += a.length
    }
    memory.slice(at, at + B * units)
    memory.set(dy, at)
    for (const n of [B * T, ...sizes]) memory.slice(at, at + n)
  }).wall
}

const rows: BenchRow[] = []

it('the whole step, phase by phase, against the recurrent kernels alone', () => {
  const table: string[] = []
  for (const [cell, units] of selected) {
    const { whole, data } = setup(cell, units)
    const steps = Math.max(5, Math.round(3200 / units))
    const totals: number[] = []
    const alone: number[] = []
    const totalsCpu: number[] = []
    const aloneCpu: number[] = []
    const copies: number[] = []
    const phaseRuns: Array<Record<string, number>> = []
    for (let r = 0; r < rounds; r++) {
      const w = wholeRound(whole, data, steps)
      totals.push(w.total.wall)
      totalsCpu.push(w.total.cpu)
      phaseRuns.push(w.phases)
      const k = kernelsRound(cell, units, steps)
      alone.push(k.wall)
      aloneCpu.push(k.cpu)
      copies.push(copiesRound(cell, units, steps))
    }
    const total = median(totals)
    const kernelMs = median(alone)
    const cpu = median(totalsCpu)
    const kernelCpu = median(aloneCpu)
    const copyMs = median(copies)
    const names = Object.keys(phaseRuns[0]!)
    const phases = Object.fromEntries(names.map((n) => [n, round(median(phaseRuns.map((p) => p[n] ?? 0)), 3)]))
    rows.push({
      name: `whole step ${cell} ${units}u T${T} B${B}: own overhead outside the recurrent kernels`,
      value: round(total - kernelMs),
      unit: 'ms/step',
      cell,
      units,
      wholeStepMs: round(total),
      kernelsAloneMs: round(kernelMs),
      wholeStepCpuMs: round(cpu),
      kernelsAloneCpuMs: round(kernelCpu),
      ownOverheadCpuMs: round(cpu - kernelCpu),
      copiesInKernelCallsMs: round(copyMs),
      phasesMs: phases,
      kernels: defaultKernelBuild()
    })
    table.push(
      `${cell.padEnd(4)} ${String(units).padStart(4)} | whole ${round(total, 3)} ms, kernels alone ${round(kernelMs, 3)} ms, ` +
        `own overhead ${round(total - kernelMs, 3)} ms; CPU time ${round(cpu, 3)} − ${round(kernelCpu, 3)} = ${round(cpu - kernelCpu, 3)} ms; ` +
        `copies inside the kernel calls ${round(copyMs, 2)} ms | ${Object.entries(phases).map(([k, v]) => `${k} ${v}`).join(', ')}`
    )
    console.log(table[table.length - 1])
  }
  console.log(`\nwhole step by phase (${defaultKernelBuild()}, ${rounds} alternating rounds, medians, ms per step)\n${table.join('\n')}`)
  writeRows('step', rows)
})
