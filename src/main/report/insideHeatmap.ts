/**
 * Units × time heatmaps for the report's "Inside the cell" section, as compact vector SVG (docs/REPORTS.md).
 *
 * A heatmap of 128 units × 1,000 steps is 128,000 cells; one <rect> each would be megabytes, and one embedded <image>
 * would not be vector. So values are quantized to a few colour levels (10 for gates on a sequential 0–1 scale, 11 on a
 * diverging scale for states), equal neighbours along time are merged into one run, and every run of a level becomes
 * one subpath ("M col row h len v1 h-len z") of that level's single <path>, drawn in cell coordinates under one
 * scale transform. When that is still too large, time is averaged into fewer columns and only the most active units
 * are shown; the figure's caption states every reduction.
 */
import { FONT_FAMILY, figureId, type Figure } from './charts'
import { escapeHtml } from './html'

/** Sequential 0–1 (viridis, 10 steps): gate values. */
export const GATE_COLORS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']
/** Diverging, symmetric about 0 (RdBu reversed, 11 steps): states h and c. */
export const STATE_COLORS = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f']

export interface HeatmapPanel {
  /** First word bold (e.g. "f"), the rest under it (e.g. "forget gate"). */
  label: string
  /** [rows, T] row-major (values[row·T + t]): one row per unit (or input feature), the time axis in columns. */
  matrix: { shape: [number, number]; values: ArrayLike<number> }
  /** gate: sequential 0–1; state: diverging about 0 (h on ±1, c on ± its largest magnitude); input: diverging on ± its largest magnitude. */
  kind: 'gate' | 'state' | 'input'
}

export interface HeatmapOptions {
  kind: string
  name: string
  title: string
  /** What the figure shows, before the reductions (which are appended). */
  caption: string
  panels: HeatmapPanel[]
  /** Most columns drawn (time is averaged into bins beyond). */
  maxColumns?: number
  /** Most unit rows drawn per panel (the units whose values vary most over time across the panels are kept). */
  maxUnits?: number
  /** Budget of merged runs per figure; time resolution halves until it fits. */
  maxRuns?: number
}

const WIDTH = 800
const LEFT = 96
const RIGHT = 72
const TOP = 34
const PANEL_GAP = 16
const AXIS = 34

function quantize(v: number, kind: HeatmapPanel['kind'], range: number): number {
  if (!Number.isFinite(v)) return -1
  if (kind === 'gate') return Math.max(0, Math.min(GATE_COLORS.length - 1, Math.floor(v * GATE_COLORS.length)))
  const u = range > 0 ? v / range : 0
  const n = STATE_COLORS.length
  return Math.max(0, Math.min(n - 1, Math.floor(((u + 1) / 2) * n)))
}

/** One row's values at `cols` columns: bin means along time, column j covering steps [j·T/cols, (j+1)·T/cols). */
function rowSeries(values: ArrayLike<number>, T: number, row: number, cols: number): Float64Array {
  const out = new Float64Array(cols)
  for (let j = 0; j < cols; j++) {
    const from = Math.floor((j * T) / cols)
    const to = Math.max(from + 1, Math.floor(((j + 1) * T) / cols))
    let sum = 0
    for (let t = from; t < to; t++) sum += values[row * T + t]!
    out[j] = sum / (to - from)
  }
  return out
}

/** Units ranked by the standard deviation over time of their values, summed over panels; the top `count` in unit order. */
function activeUnits(panels: readonly HeatmapPanel[], T: number, H: number, count: number): number[] {
  if (count >= H) return Array.from({ length: H }, (_, k) => k)
  const score = new Float64Array(H)
  for (const p of panels) {
    for (let k = 0; k < H; k++) {
      let s = 0
      let s2 = 0
      for (let t = 0; t < T; t++) {
        const v = p.matrix.values[k * T + t]!
        s += v
        s2 += v * v
      }
      score[k] = score[k]! + Math.sqrt(Math.max(0, s2 / T - (s / T) ** 2))
    }
  }
  return Array.from({ length: H }, (_, k) => k)
    .sort((a, b) => score[b]! - score[a]! || a - b)
    .slice(0, count)
    .sort((a, b) => a - b)
}

interface Encoded {
  paths: string[]
  runs: number
}

function encodePanel(panel: HeatmapPanel, T: number, rowsShown: readonly number[], cols: number, range: number, colors: readonly string[]): Encoded {
  const subpaths: string[][] = colors.map(() => [])
  let runs = 0
  rowsShown.forEach((unit, row) => {
    const series = rowSeries(panel.matrix.values, T, unit, cols)
    let start = 0
    let level = quantize(series[0]!, panel.kind, range)
    for (let j = 1; j <= cols; j++) {
      const next = j < cols ? quantize(series[j]!, panel.kind, range) : -2
      if (next === level) continue
      if (level >= 0) {
        subpaths[level]!.push(`M${start} ${row}h${j - start}v1h${start - j}z`)
        runs++
      }
      start = j
      level = next
    }
  })
  return { paths: subpaths.map((s, i) => (s.length > 0 ? `<path fill="${colors[i]}" d="${s.join('')}"/>` : '')).filter(Boolean), runs }
}

function fmtTick(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(2)
}

function timeTicks(T: number): number[] {
  const target = 8
  const raw = T / target
  const pow = 10 ** Math.floor(Math.log10(Math.max(1, raw)))
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow
  const ticks = [1]
  for (let t = step; t <= T; t += step) if (t !== 1) ticks.push(t)
  return ticks
}

function colorBar(x: number, y: number, h: number, colors: readonly string[], lo: number, hi: number): string {
  const n = colors.length
  const cell = h / n
  const parts = colors.map((c, i) => `<rect x="${x}" y="${(y + h - (i + 1) * cell).toFixed(2)}" width="10" height="${(cell + 0.3).toFixed(2)}" fill="${c}"/>`)
  parts.push(`<text x="${x + 14}" y="${y + 8}" font-size="10" fill="#5b6475">${fmtTick(hi)}</text>`)
  parts.push(`<text x="${x + 14}" y="${y + h}" font-size="10" fill="#5b6475">${fmtTick(lo)}</text>`)
  return parts.join('')
}

/** One figure: the panels stacked on one shared time axis (steps 1…T), units (or features) down each panel. */
export function heatmapFigure(options: HeatmapOptions): Figure & { columns: number; unitsShown: number[]; runs: number } {
  const { panels } = options
  const T = panels[0]!.matrix.shape[1]
  const unitPanels = panels.filter((p) => p.kind !== 'input')
  const H = unitPanels[0]?.matrix.shape[0] ?? 0
  const maxUnits = options.maxUnits ?? 32
  const maxRuns = options.maxRuns ?? 6000
  const shown = activeUnits(unitPanels, T, H, maxUnits)
  const rowsOf = (p: HeatmapPanel): number[] => (p.kind === 'input' ? Array.from({ length: Math.min(p.matrix.shape[0], maxUnits) }, (_, k) => k) : shown)
  // Symmetric ranges: gates 0–1; h on ±1 always; c and inputs on ± their largest magnitude.
  const ranges = panels.map((p) => {
    if (p.kind === 'gate') return 1
    if (p.kind === 'state' && p.label.startsWith('h')) return 1
    let m = 0
    for (let j = 0; j < p.matrix.values.length; j++) {
      const v = p.matrix.values[j]!
      if (Number.isFinite(v)) m = Math.max(m, Math.abs(v))
    }
    return m > 0 ? m : 1
  })
  let cols = Math.min(T, options.maxColumns ?? 200)
  let encoded: Encoded[]
  for (;;) {
    encoded = panels.map((p, i) => encodePanel(p, T, rowsOf(p), cols, ranges[i]!, p.kind === 'gate' ? GATE_COLORS : STATE_COLORS))
    const runs = encoded.reduce((sum, e) => sum + e.runs, 0)
    if (runs <= maxRuns || cols <= 10) break
    cols = Math.max(10, Math.floor(cols / 2))
  }
  const plotW = WIDTH - LEFT - RIGHT
  const sx = plotW / cols
  const parts: string[] = []
  let y0 = TOP
  panels.forEach((p, i) => {
    const rows = rowsOf(p)
    const rowPx = Math.max(2, Math.min(p.kind === 'input' ? 12 : 8, Math.floor((p.kind === 'input' ? 36 : 120) / rows.length)))
    const panelH = rows.length * rowPx
    parts.push(`<g transform="translate(${LEFT} ${y0}) scale(${sx.toFixed(5)} ${rowPx})" shape-rendering="crispEdges">${encoded[i]!.paths.join('')}</g>`)
    parts.push(`<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${panelH}" fill="none" stroke="#c9c8c0" stroke-width="0.5"/>`)
    const [head, ...rest] = p.label.split(' ')
    const mid = y0 + panelH / 2
    parts.push(`<text x="${LEFT - 8}" y="${(rest.length > 0 ? mid - 2 : mid + 4).toFixed(1)}" text-anchor="end" font-size="13" font-weight="600" fill="#1d2330">${escapeHtml(head ?? '')}</text>`)
    if (rest.length > 0) parts.push(`<text x="${LEFT - 8}" y="${(mid + 10).toFixed(1)}" text-anchor="end" font-size="10" fill="#5b6475">${escapeHtml(rest.join(' '))}</text>`)
    const colors = p.kind === 'gate' ? GATE_COLORS : STATE_COLORS
    parts.push(colorBar(LEFT + plotW + 8, y0, Math.max(panelH, 24), colors, p.kind === 'gate' ? 0 : -ranges[i]!, p.kind === 'gate' ? 1 : ranges[i]!))
    y0 += Math.max(panelH, 24) + PANEL_GAP
  })
  const axisY = y0 - PANEL_GAP + 4
  for (const t of timeTicks(T)) {
    const x = LEFT + ((t - 0.5) / T) * plotW
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${axisY}" y2="${axisY + 4}" stroke="#5b6475" stroke-width="0.8"/>`)
    parts.push(`<text x="${x.toFixed(1)}" y="${axisY + 15}" text-anchor="middle" font-size="10" fill="#5b6475">${t}</text>`)
  }
  parts.push(`<text x="${LEFT + plotW / 2}" y="${axisY + 28}" text-anchor="middle" font-size="11" fill="#5b6475">time step t</text>`)
  const height = axisY + AXIS
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>` +
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="#1d2330">${escapeHtml(options.title)}</text>` +
    parts.join('') +
    '</svg>'
  const reductions: string[] = []
  if (shown.length < H) reductions.push(`${shown.length} of ${H} units shown, top to bottom in unit order (those whose values vary most over the sequence)`)
  else reductions.push(`units 1–${H} top to bottom`)
  if (cols < T) reductions.push(`time averaged into ${cols} columns of ${(T / cols).toFixed(1)} steps`)
  reductions.push(`colours quantized to ${GATE_COLORS.length} levels for gates (0–1) and ${STATE_COLORS.length} for states and inputs (symmetric about 0)`)
  const runs = encoded.reduce((sum, e) => sum + e.runs, 0)
  return {
    id: figureId(options.kind, options.name),
    title: options.title,
    caption: `${options.caption} Drawn as vector: ${reductions.join('; ')}.`,
    svg,
    width: WIDTH,
    height,
    columns: cols,
    unitsShown: shown,
    runs
  }
}
