/**
 * Parameter counts from the cell equations of CELLS.md, and the unit count that gives a cell the parameter budget of
 * another: the basis of fair comparisons ("GRU with as many parameters as the LSTM").
 *
 *   LSTM  4·(n_in·H + H·H + H)
 *   GRU   3·(n_in·H + H·H + H), plus 3·H for the second bias of reset-after
 *   RNN   n_in·H + H·H + H
 */
import type { Cell } from './config'

export type GruForm = 'reset-after' | 'reset-before'

export interface ModelShape {
  inputSize: number
  /** Regression outputs, or the number of classes. */
  outputSize: number
}

export interface ModelSize {
  cell: Cell
  units: number
  layers: number
  bidirectional: boolean
  /** The GRU form actually computed (it changes the count by 3·H per direction and layer). */
  gruForm: GruForm
}

export function recurrentParams(cell: Cell, nIn: number, units: number, gruForm: GruForm = 'reset-after'): number {
  const perGate = nIn * units + units * units + units
  if (cell === 'lstm') return 4 * perGate
  if (cell === 'gru') return 3 * perGate + (gruForm === 'reset-after' ? 3 * units : 0)
  return perGate
}

/** All trainable parameters: the recurrent stack (each layer fed by the one below, doubled when bidirectional) and the dense head. */
export function modelParams(size: ModelSize, shape: ModelShape): number {
  const directions = size.bidirectional ? 2 : 1
  let total = 0
  let nIn = shape.inputSize
  for (let layer = 0; layer < size.layers; layer++) {
    total += directions * recurrentParams(size.cell, nIn, size.units, size.gruForm)
    nIn = directions * size.units
  }
  return total + nIn * shape.outputSize + shape.outputSize
}

/**
 * The unit count for `size.cell` whose parameter count is closest to `target` (ties go to fewer units). Counts grow
 * monotonically with units, so a binary search finds the crossing.
 */
export function matchUnits(target: number, size: Omit<ModelSize, 'units'>, shape: ModelShape, maxUnits = 4096): { units: number; params: number } {
  const count = (units: number): number => modelParams({ ...size, units }, shape)
  let lo = 1
  let hi = maxUnits
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (count(mid) < target) lo = mid + 1
    else hi = mid
  }
  const candidates = [lo - 1, lo].filter((u) => u >= 1 && u <= maxUnits)
  let best = candidates[0]!
  for (const u of candidates) if (Math.abs(count(u) - target) < Math.abs(count(best) - target)) best = u
  return { units: best, params: count(best) }
}
