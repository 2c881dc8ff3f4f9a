/**
 * The one figure style of GateLab: the lab's charts (renderer) and every export (report HTML/PDF, SVG/PNG/PDF figures,
 * pgfplots) take their colours, line styles and fonts from here, so a run looks the same everywhere. A run's colour
 * says its cell (LSTM blue, GRU orange, RNN grey); a line style and a slight shade tell runs of the same cell apart,
 * assigned in the order the runs are given (the first LSTM is always solid blue, the first GRU solid orange).
 */

export type FigureTheme = 'light' | 'dark'
export type CellName = 'lstm' | 'gru' | 'rnn'

export const cellColors = {
  light: { lstm: '#2f6fdb', gru: '#e07a1f', rnn: '#7a7d85' },
  dark: { lstm: '#5b92f0', gru: '#f0953f', rnn: '#9a9ca3' }
} as const

/** Colours for groups that are not cells (grouping by a hyperparameter): distinct, colour-blind friendly (Okabe–Ito). */
export const groupColors = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'] as const

export type Dash = 'solid' | number[]
export interface RunStyle {
  color: string
  dash: Dash
}

export const dashes: Dash[] = ['solid', [6, 4], [2, 3], [10, 3, 2, 3], [14, 5], [4, 2, 4, 6]]

/**
 * Fonts every platform has one of; resvg (PNG), Chromium (PDF) and the browser pick the first installed, so the text is
 * real text in an SVG and looks the same in all outputs. Single quotes: ECharts writes it into a double-quoted attribute.
 */
export const FIGURE_FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

function mix(hex: string, toward: string, t: number): string {
  const parse = (h: string): number[] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16))
  const a = parse(hex)
  const b = parse(toward)
  return `#${a.map((v, i) => Math.round(v + (b[i]! - v) * t).toString(16).padStart(2, '0')).join('')}`
}

export function cellColor(cell: string, theme: FigureTheme = 'light'): string {
  return (cellColors[theme] as Record<string, string>)[cell] ?? cellColors[theme].rnn
}

/** Each run's colour and dash, in the order given. */
export function runStyles(runs: ReadonlyArray<{ id: string; cell: string }>, theme: FigureTheme = 'light'): Map<string, RunStyle> {
  const perCell: Record<string, number> = {}
  const out = new Map<string, RunStyle>()
  for (const run of runs) {
    const k = perCell[run.cell] ?? 0
    perCell[run.cell] = k + 1
    const base = cellColor(run.cell, theme)
    // Alternate darker and lighter shades around the cell colour; the dash pattern carries most of the distinction.
    const shade = k === 0 ? base : mix(base, k % 2 === 1 ? (theme === 'dark' ? '#ffffff' : '#000000') : theme === 'dark' ? '#000000' : '#ffffff', Math.min(0.12 * Math.ceil(k / 2), 0.4))
    out.set(run.id, { color: shade, dash: dashes[k % dashes.length]! })
  }
  return out
}

/** The colour of a group: its cell's when the groups are cells, else the group palette's. */
export function groupColor(cell: string | null, index: number, theme: FigureTheme = 'light'): string {
  return cell ? cellColor(cell, theme) : groupColors[index % groupColors.length]!
}

/** The SVG stroke-dasharray for a dash, for legends drawn in HTML. */
export function dashArray(dash: Dash): string | undefined {
  return dash === 'solid' ? undefined : dash.join(' ')
}

/** The pgfplots line style for a dash ("solid", "dashed", "dotted", "dash dot", "loosely dashed", "densely dashed"). */
export function pgfDash(dash: Dash): string {
  const i = dashes.findIndex((d) => JSON.stringify(d) === JSON.stringify(dash))
  return ['solid', 'dashed', 'dotted', 'dash dot', 'loosely dashed', 'densely dashed'][i < 0 ? 0 : i]!
}
