/**
 * The whole training step (src/main/engine/step, what the trainer runs for engine "fused" without dropout) on one fixed
 * random batch of a row's shape, for the benchmarks that time it outside a trainer: the fused bench (in its own process)
 * and the all-cores paired turns (bench/peers/gatelab_step.ts, one process per core). One input feature, one output,
 * MSE, Adam at lr 1e-3, the config's defaults otherwise.
 */
import { weightShapes } from '../src/main/engine/fused'
import { WholeStep } from '../src/main/engine/step'
import { normalizeRunConfig } from '../src/shared/config'

export function wholeStep(cell: 'lstm' | 'gru', units: number, seqLen: number, batch: number): { train: () => void; whole: WholeStep } {
  const parsed = normalizeRunConfig({ cell, units, seqLen, batch, engine: 'fused', lr: 1e-3 })
  if (!parsed.ok) throw new Error(parsed.message)
  const variant = cell === 'lstm' ? 'lstm' : 'gru-after'
  const s = weightShapes(variant, 1, units)
  const fill = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * scale)
  const initial = [fill(s.kernel[0] * s.kernel[1], 0.4), fill(s.recurrentKernel[0] * s.recurrentKernel[1], 2 / Math.sqrt(units)), new Float32Array(s.bias.reduce((a, b) => a * b, 1)), fill(units, 0.4), new Float32Array(1)]
  const whole = new WholeStep(parsed.config, { kind: 'regression', seqLen, inputSize: 1, outputSize: 1, perStep: false }, initial, { epsilon: 1e-7 })
  const data = { n: batch, x: fill(batch * seqLen, 2).map((v) => v + 0.5), y: fill(batch, 2).map((v) => v + 0.5) }
  return { train: () => void whole.train(data), whole }
}
