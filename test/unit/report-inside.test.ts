/** The report's compact vector heatmaps (src/main/report/insideHeatmap.ts): exact encoding, and reductions stated. */
import { describe, expect, it } from 'vitest'
import { GATE_COLORS, STATE_COLORS, heatmapFigure } from '../../src/main/report/insideHeatmap'
import { parseInside } from '../../src/main/cli/report'

/** The `d` of the path filled with `color`, or '' when that level does not occur. */
function pathOf(svg: string, color: string): string {
  return new RegExp(`<path fill="${color}" d="([^"]*)"/>`).exec(svg)?.[1] ?? ''
}

describe('inside heatmaps', () => {
  it('draws each run of equal colour along time as one subpath of that colour, row by row', () => {
    // 2 units × 5 steps, unit-major; gates quantize to 10 levels: 0.05 → level 0, 0.95 → level 9, 0.55 → level 5.
    const values = [0.05, 0.05, 0.95, 0.95, 0.95, 0.55, 0.55, 0.55, 0.55, 0.05]
    const fig = heatmapFigure({ kind: 'inside-heatmap', name: 'test', title: 'T', caption: 'C.', panels: [{ label: 'f forget gate', matrix: { shape: [2, 5], values }, kind: 'gate' }] })
    expect(pathOf(fig.svg, GATE_COLORS[0]!)).toBe('M0 0h2v1h-2zM4 1h1v1h-1z')
    expect(pathOf(fig.svg, GATE_COLORS[9]!)).toBe('M2 0h3v1h-3z')
    expect(pathOf(fig.svg, GATE_COLORS[5]!)).toBe('M0 1h4v1h-4z')
    expect(fig.runs).toBe(4)
    expect(fig.columns).toBe(5)
    expect(fig.svg).not.toMatch(/<image|<script|href=/)
    expect(fig.caption).toContain('units 1–2 top to bottom')
  })

  it('puts states on a scale symmetric about 0 (h on ±1)', () => {
    const fig = heatmapFigure({ kind: 'k', name: 'n', title: 'T', caption: 'C.', panels: [{ label: 'h hidden state', matrix: { shape: [1, 3], values: [-1, 0, 0.999] }, kind: 'state' }] })
    expect(pathOf(fig.svg, STATE_COLORS[0]!)).toBe('M0 0h1v1h-1z')
    expect(pathOf(fig.svg, STATE_COLORS[5]!)).toBe('M1 0h1v1h-1z')
    expect(pathOf(fig.svg, STATE_COLORS[10]!)).toBe('M2 0h1v1h-1z')
  })

  it('keeps a 128-unit × 1,000-step LSTM figure vector and under 300 KB, stating every reduction', () => {
    const H = 128
    const T = 1000
    let seed = 1
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const noise = (scale: number): number[] => Array.from({ length: H * T }, () => rand() * scale)
    const panels = ['i', 'f', 'g', 'o', 'c', 'h'].map((n) => ({ label: n, matrix: { shape: [H, T] as [number, number], values: noise(n === 'c' ? 4 : 1) }, kind: (n === 'c' || n === 'h' || n === 'g' ? 'state' : 'gate') as 'gate' | 'state' }))
    const fig = heatmapFigure({ kind: 'k', name: 'big', title: 'T', caption: 'C.', panels })
    expect(Buffer.byteLength(fig.svg)).toBeLessThan(300 * 1024)
    expect(fig.unitsShown).toHaveLength(32)
    expect(fig.columns).toBeLessThan(T)
    expect(fig.runs).toBeLessThanOrEqual(6000)
    expect(fig.caption).toContain('32 of 128 units shown')
    expect(fig.caption).toContain(`time averaged into ${fig.columns} columns`)
    expect(fig.svg).not.toMatch(/<image/)
  })
})

describe('report --inside-seq', () => {
  it('takes a test index or "worst", only with --inside', () => {
    expect(parseInside(false, undefined)).toBeNull()
    expect(parseInside(true, undefined)).toEqual({ sequence: 0 })
    expect(parseInside(true, '7')).toEqual({ sequence: 7 })
    expect(parseInside(true, 'worst')).toEqual({ sequence: 'worst' })
    expect(() => parseInside(true, '-1')).toThrow(/index .* or "worst"/)
    expect(() => parseInside(false, '3')).toThrow('--inside-seq needs --inside')
  })
})
