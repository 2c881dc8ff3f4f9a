/**
 * How a run looks in every chart and legend: its colour says the cell (LSTM blue, GRU orange, RNN grey), a line style
 * and a slight shade tell runs of the same cell apart. Assigned in the order runs are given, so the first LSTM is always
 * solid blue and the first GRU solid orange.
 */
import { cellColors, type Theme } from '../theme'

export type Dash = 'solid' | number[]
export interface RunStyle {
  color: string
  dash: Dash
}

export const dashes: Dash[] = ['solid', [6, 4], [2, 3], [10, 3, 2, 3], [14, 5], [4, 2, 4, 6]]

function mix(hex: string, toward: string, t: number): string {
  const parse = (h: string): number[] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16))
  const a = parse(hex)
  const b = parse(toward)
  return `#${a.map((v, i) => Math.round(v + (b[i]! - v) * t).toString(16).padStart(2, '0')).join('')}`
}

export function runStyles(runs: ReadonlyArray<{ id: string; cell: 'lstm' | 'gru' | 'rnn' }>, theme: Theme): Map<string, RunStyle> {
  const perCell: Record<string, number> = {}
  const out = new Map<string, RunStyle>()
  for (const run of runs) {
    const k = perCell[run.cell] ?? 0
    perCell[run.cell] = k + 1
    const base = cellColors[theme][run.cell]
    // Alternate darker and lighter shades around the cell colour; the dash pattern carries most of the distinction.
    const shade = k === 0 ? base : mix(base, k % 2 === 1 ? (theme === 'dark' ? '#ffffff' : '#000000') : theme === 'dark' ? '#000000' : '#ffffff', Math.min(0.12 * Math.ceil(k / 2), 0.4))
    out.set(run.id, { color: shade, dash: dashes[k % dashes.length]! })
  }
  return out
}

/** The SVG stroke-dasharray for a dash, for legends drawn in HTML. */
export function dashArray(dash: Dash): string | undefined {
  return dash === 'solid' ? undefined : dash.join(' ')
}
