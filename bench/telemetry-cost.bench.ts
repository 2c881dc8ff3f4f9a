/**
 * Issue 18 (all-cores rows): what the epoch-end gate telemetry itself costs, without a trainer around it —
 * telemetryMetrics (src/main/engine/telemetry.ts) on a random float64 network of the shape the all-cores rows train
 * (the `noise` task: one input feature, T = 100, regression on the last step) with the probe size the trainer uses at
 * that width (probeSize). Per row: the median and the best over the repetitions of the wall time and of the process's
 * CPU time (user + system; robust to other processes sharing the cores) of one telemetryMetrics call — the
 * `telemetryMs` a trainer records at each epoch's end, minus reading the weights out of TF.js.
 *
 * `npx vitest run --config vitest.bench.config.mts bench/telemetry-cost.bench.ts`
 * GATELAB_TELEMETRY_COST=lstm:256,gru:128 (comma-separated cell:units[:layers[:bi]]) runs a subset.
 */
import { it } from 'vitest'
import { probeSize, telemetryMetrics } from '../src/main/engine/telemetry'
import type { CellVariant } from '../src/shared/cells'
import { randomNetwork, randomProbe } from '../test/helpers/network'
import { median, quick, round, writeRows, type BenchRow } from './record'

interface Case {
  variant: CellVariant
  units: number
  layers: number
  bidirectional: boolean
}

const T = 100
const defaults: Case[] = [
  ...(['lstm', 'gru-after'] as const).flatMap((variant) => [32, 128, 256].map((units) => ({ variant, units, layers: 1, bidirectional: false }))),
  { variant: 'lstm', units: 128, layers: 2, bidirectional: true },
  { variant: 'gru-before', units: 128, layers: 1, bidirectional: false }
]

function selected(): Case[] {
  const only = (process.env.GATELAB_TELEMETRY_COST ?? '').split(',').filter(Boolean)
  if (only.length === 0) return defaults
  return only.map((s) => {
    const [cell, units, layers, bi] = s.split(':')
    const variant = (cell === 'gru' ? 'gru-after' : cell) as CellVariant
    return { variant, units: Number(units), layers: Number(layers ?? 1), bidirectional: bi === 'bi' }
  })
}

it('gate telemetry: cost of one epoch-end telemetryMetrics call at 32, 128 and 256 units, T = 100', { timeout: 30 * 60_000 }, () => {
  const rows: BenchRow[] = []
  for (const c of selected()) {
    const net = randomNetwork({ ...c, inputDim: 1 }, 1)
    const size = probeSize(c.units)
    const probe = randomProbe(net, T, size, 2)
    const reps = Math.max(3, Math.min(quick ? 5 : 9, Math.round(2000 / ((c.units / 32) ** 2 * size * c.layers * (c.bidirectional ? 2 : 1)))))
    telemetryMetrics(net, probe) // warm-up: compile
    const wall: number[] = []
    const cpu: number[] = []
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      telemetryMetrics(net, probe)
      wall.push(performance.now() - t0)
      const used = process.cpuUsage(c0)
      cpu.push((used.user + used.system) / 1000)
    }
    const name = `telemetry cost: ${c.variant} ${c.units}u${c.layers > 1 ? ` ${c.layers} layers` : ''}${c.bidirectional ? ' bidirectional' : ''} T${T}, probe ${size}`
    rows.push({ name, value: round(median(wall)), unit: 'ms', bestMs: round(Math.min(...wall)), cpuMs: round(median(cpu)), bestCpuMs: round(Math.min(...cpu)), reps, probe: size, units: c.units, cell: c.variant })
    console.log(`${name.padEnd(72)} wall median ${round(median(wall))} best ${round(Math.min(...wall))} ms | cpu median ${round(median(cpu))} best ${round(Math.min(...cpu))} ms (${reps} reps)`)
  }
  writeRows('telemetry-cost', rows)
})
