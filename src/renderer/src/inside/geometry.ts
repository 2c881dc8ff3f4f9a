/**
 * The arithmetic of the time-aligned plots: every heatmap and line strip of an Inside view maps step t to the same x,
 * so one time axis runs down the page. Pure and O(1): a hover turns a pixel into (row, step) with two divisions, and
 * the value under it is one array read.
 */

/** Left and right margins shared by every time-aligned plot (labels on the left, the colour key on the right). */
export const AXIS_LEFT = 64
export const AXIS_RIGHT = 52

/** Where the plotting area sits inside a canvas, in CSS pixels. */
export interface PlotRect {
  x: number
  y: number
  width: number
  height: number
}

export interface Cursor {
  /** Row of the heatmap as drawn (after sorting); the unit is `order[row]`. */
  row: number
  step: number
}

/** The step under x, or null outside the plot. Step t covers [x0 + t·w/T, x0 + (t+1)·w/T). */
export function stepAt(x: number, rect: PlotRect, steps: number): number | null {
  const fx = (x - rect.x) / rect.width
  if (!(fx >= 0) || fx >= 1 || steps <= 0) return null
  return Math.min(steps - 1, Math.floor(fx * steps))
}

/** The row under y, or null outside the plot. */
export function rowAt(y: number, rect: PlotRect, rows: number): number | null {
  const fy = (y - rect.y) / rect.height
  if (!(fy >= 0) || fy >= 1 || rows <= 0) return null
  return Math.min(rows - 1, Math.floor(fy * rows))
}

/** The cell under a pointer, or null. */
export function hitTest(x: number, y: number, rect: PlotRect, rows: number, steps: number): Cursor | null {
  const step = stepAt(x, rect, steps)
  const row = rowAt(y, rect, rows)
  return step === null || row === null ? null : { row, step }
}

/** The left edge of step t and its width (for drawing the cursor). */
export function stepSpan(step: number, rect: PlotRect, steps: number): { x: number; width: number } {
  const w = rect.width / steps
  return { x: rect.x + step * w, width: w }
}

/** The x of the centre of step t (for line plots). */
export function stepCenter(step: number, rect: PlotRect, steps: number): number {
  return rect.x + ((step + 0.5) * rect.width) / steps
}

export function rowSpan(row: number, rect: PlotRect, rows: number): { y: number; height: number } {
  const h = rect.height / rows
  return { y: rect.y + row * h, height: h }
}

/** The value of (unit, step) in a unit-major matrix: values[unit · steps + step]. */
export function valueAt(values: ArrayLike<number>, steps: number, unit: number, step: number): number {
  return values[unit * steps + step]!
}

/** Keys that move a keyboard cursor; Home/End jump along time, PageUp/PageDown by a tenth of it. */
export function moveCursor(cursor: Cursor, key: string, rows: number, steps: number): Cursor | null {
  const page = Math.max(1, Math.round(steps / 10))
  const clampStep = (s: number): number => Math.min(steps - 1, Math.max(0, s))
  const clampRow = (r: number): number => Math.min(rows - 1, Math.max(0, r))
  switch (key) {
    case 'ArrowLeft':
      return { ...cursor, step: clampStep(cursor.step - 1) }
    case 'ArrowRight':
      return { ...cursor, step: clampStep(cursor.step + 1) }
    case 'ArrowUp':
      return { ...cursor, row: clampRow(cursor.row - 1) }
    case 'ArrowDown':
      return { ...cursor, row: clampRow(cursor.row + 1) }
    case 'Home':
      return { ...cursor, step: 0 }
    case 'End':
      return { ...cursor, step: steps - 1 }
    case 'PageUp':
      return { ...cursor, step: clampStep(cursor.step - page) }
    case 'PageDown':
      return { ...cursor, step: clampStep(cursor.step + page) }
    default:
      return null
  }
}

/** Time ticks: 0, about `target` round step numbers, and the last step T − 1 (a round tick crowding it is dropped). */
export function timeTicks(steps: number, target = 8): number[] {
  if (steps <= 1) return [0]
  const raw = steps / target
  const p = 10 ** Math.floor(Math.log10(raw))
  const every = [1, 2, 5, 10].find((s) => s * p >= raw)! * p
  const out: number[] = [0]
  for (let t = every; t < steps - 1; t += every) out.push(t)
  if (out.length > 1 && steps - 1 - out[out.length - 1]! <= every / 2) out.pop()
  out.push(steps - 1)
  return out
}
