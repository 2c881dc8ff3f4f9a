/**
 * Colour scales of the Inside view, as 256-entry lookup tables (one packed RGBA word per entry) so a 128 × 1,000
 * heatmap fills its pixels with one table lookup each.
 *
 * - Gates (and memory retention) live in [0, 1]: a sequential scale from the page's background (0, closed) through the
 *   cell's own colour (LSTM blue, GRU orange, RNN grey) to its deepest shade (1, open). More ink = more open.
 * - States (c, h, the candidates g and n, attributions) are signed: a diverging scale, purple below 0, the page's
 *   background at 0, green above 0 (purple–green stays clear of the cells' blue and orange, and of red–green
 *   colour blindness). Its range is symmetric: ±1 for tanh-bounded values, ±max|x| (rounded up) for the others.
 *
 * Colours are interpolated in OKLab, so equal steps in value look like equal steps in colour.
 */
import type { Theme } from '../theme'

export type CellKind = 'lstm' | 'gru' | 'rnn'
export type ScaleKind = 'sequential' | 'diverging'

type Rgb = [number, number, number]

function hexToRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb
}

const toLinear = (c: number): number => {
  const v = c / 255
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
}
const fromLinear = (v: number): number => {
  const c = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055
  return Math.round(Math.min(1, Math.max(0, c)) * 255)
}

/** sRGB (0–255) to OKLab (Björn Ottosson, 2020). */
export function rgbToOklab([r8, g8, b8]: Rgb): Rgb {
  const r = toLinear(r8)
  const g = toLinear(g8)
  const b = toLinear(b8)
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
  return [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s]
}

export function oklabToRgb([L, A, B]: Rgb): Rgb {
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3
  return [
    fromLinear(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    fromLinear(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    fromLinear(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s)
  ]
}

/** Anchors at positions 0..1, interpolated piecewise-linearly in OKLab. */
function ramp(anchors: Array<[number, string]>): Uint32Array {
  const labs = anchors.map(([p, hex]) => [p, rgbToOklab(hexToRgb(hex))] as const)
  const out = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    const x = i / 255
    let k = 0
    while (k < labs.length - 2 && x > labs[k + 1]![0]) k++
    const [p0, a] = labs[k]!
    const [p1, b] = labs[k + 1]!
    const t = p1 === p0 ? 0 : Math.min(1, Math.max(0, (x - p0) / (p1 - p0)))
    const [r, g, bl] = oklabToRgb([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t])
    out[i] = packRgba(r, g, bl)
  }
  return out
}

/** One pixel as the little-endian word ImageData's Uint32 view expects (A B G R from the high byte down). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
}

export function unpackRgba(word: number): [number, number, number, number] {
  return [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, (word >>> 24) & 255]
}

export function rgbaToCss(word: number): string {
  const [r, g, b] = unpackRgba(word)
  return `rgb(${r}, ${g}, ${b})`
}

/** Each scale's anchors: the zero end is the page's surface colour of the theme. */
const sequentialAnchors: Record<Theme, Record<CellKind, Array<[number, string]>>> = {
  light: {
    lstm: [[0, '#fbfbf9'], [0.55, '#2f6fdb'], [1, '#0c1f4a']],
    gru: [[0, '#fbfbf9'], [0.55, '#e07a1f'], [1, '#4a1c02']],
    rnn: [[0, '#fbfbf9'], [0.55, '#7a7d85'], [1, '#1c1d1f']]
  },
  dark: {
    lstm: [[0, '#1e2024'], [0.55, '#5b92f0'], [1, '#e3edff']],
    gru: [[0, '#1e2024'], [0.55, '#f0953f'], [1, '#fff0dc']],
    rnn: [[0, '#1e2024'], [0.55, '#9a9ca3'], [1, '#f2f2f0']]
  }
}

const divergingAnchors: Record<Theme, Array<[number, string]>> = {
  light: [[0, '#40004b'], [0.2, '#9970ab'], [0.5, '#f7f7f5'], [0.8, '#5aae61'], [1, '#00441b']],
  dark: [[0, '#f0d7f7'], [0.2, '#b07cc6'], [0.5, '#1e2024'], [0.8, '#4fae66'], [1, '#d5f5db']]
}

const cache = new Map<string, Uint32Array>()

/** The 256-entry table of a scale; index 0 is the low end (0, or −range), 255 the high end (1, or +range). */
export function lut(kind: ScaleKind, theme: Theme, cell: CellKind = 'lstm'): Uint32Array {
  const key = `${kind}:${theme}:${kind === 'sequential' ? cell : ''}`
  let table = cache.get(key)
  if (!table) {
    table = ramp(kind === 'sequential' ? sequentialAnchors[theme][cell] : divergingAnchors[theme])
    cache.set(key, table)
  }
  return table
}

/** The value range a scale maps onto 0..255. */
export interface Domain {
  lo: number
  hi: number
}

/**
 * The table index of a value: clamped to the domain; NaN maps to -1 (drawn as "no value"). Pure arithmetic, O(1).
 */
export function lutIndex(value: number, domain: Domain): number {
  if (Number.isNaN(value)) return -1
  const t = (value - domain.lo) / (domain.hi - domain.lo)
  if (!(t > 0)) return 0
  return t >= 1 ? 255 : Math.min(255, Math.floor(t * 256))
}

/** A "nice" symmetric bound at or above max|x|: 1, 2, 2.5, 5 × a power of ten (±1 for tanh-bounded values). */
export function niceSymmetric(values: ArrayLike<number>, bounded = false): Domain {
  if (bounded) return { lo: -1, hi: 1 }
  let m = 0
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!)
    if (a > m && Number.isFinite(a)) m = a
  }
  if (m === 0) return { lo: -1, hi: 1 }
  const p = 10 ** Math.floor(Math.log10(m))
  const step = [1, 2, 2.5, 5, 10].find((s) => s * p >= m * (1 - 1e-12))! * p
  return { lo: -step, hi: step }
}

/** The domain of a sequential (gate) scale: always [0, 1], so 0.5 looks the same in every heatmap. */
export const unitDomain: Domain = { lo: 0, hi: 1 }
