/**
 * The lab's ECharts charts as drawn in Chromium, read from the real ECharts instance in the page (test/e2e/charts and
 * the docs' Compare pictures): the y axis' range at the plot's edges, every text and its box, the y ticks and grid
 * lines, the hover markers and the series; and the checks every log axis must pass (assertAxis).
 */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

export interface Box { text: string; x: number; y: number; width: number; height: number }
export interface Drawn {
  size: { width: number; height: number }
  rect: { x: number; y: number; width: number; height: number }
  yMin: number
  yMax: number
  texts: Box[]
  yTicks: Array<{ y: number; length: number }>
  gridLines: number[]
  markers: Array<{ x: number; y: number }>
  dpr: number
  series: Array<{ id: string; data: Array<[number, number]> }>
  pixels: Array<{ id: string; px: number[] }>
}

/** Whether x is a whole multiple of step (to a millionth of a step). */
export const multipleOf = (x: number, step: number): boolean => Math.abs(x / step - Math.round(x / step)) < 1e-6

/**
 * The y labels are at least three, all whole multiples of one 1-2-5 × 10ⁿ step inside the range, at most 8 characters,
 * each beside its own major tick and grid line; shorter minor ticks lie between every two labels; no two texts of the
 * chart overlap and none leaves the chart.
 */
export function assertAxis(d: Drawn): void {
  const labels = d.texts.filter((t) => t.x + t.width <= d.rect.x && t.y + t.height >= d.rect.y - 8 && t.y <= d.rect.y + d.rect.height + 8)
  expect(labels.length).toBeGreaterThanOrEqual(3)
  for (const l of labels) expect(l.text.length).toBeLessThanOrEqual(8)
  const values = labels.map((l) => Number(l.text.replace('−', '-'))).sort((a, b) => a - b)
  for (const v of values) expect(Number.isFinite(v)).toBe(true)
  const step = Math.min(...values.slice(1).map((v, i) => v - values[i]!))
  const p = 10 ** Math.floor(Math.log10(step) + 1e-9)
  const mantissa = Math.round((step / p) * 1000) / 1000
  expect([1, 2, 5]).toContain(mantissa)
  for (const v of values) {
    expect(multipleOf(v, mantissa * p)).toBe(true)
    expect(v).toBeGreaterThanOrEqual(d.yMin * (1 - 1e-9))
    expect(v).toBeLessThanOrEqual(d.yMax * (1 + 1e-9))
  }
  // Major ticks (the longer ones) and grid lines sit at the labels; minor ticks are shorter and fall between labels.
  const longest = Math.max(...d.yTicks.map((t) => t.length))
  const major = d.yTicks.filter((t) => t.length === longest).map((t) => t.y).sort((a, b) => a - b)
  const minor = d.yTicks.filter((t) => t.length < longest).map((t) => t.y)
  expect(major).toHaveLength(labels.length)
  // Grid lines only at labels (the plot's bottom edge is also the x axis line), not at every minor tick.
  for (const y of d.gridLines) expect(Math.min(Math.abs(y - (d.rect.y + d.rect.height)), ...major.map((m) => Math.abs(m - y)))).toBeLessThan(1)
  for (const l of labels) expect(Math.min(...major.map((y) => Math.abs(y - (l.y + l.height / 2))))).toBeLessThan(2)
  for (let k = 1; k < major.length; k++) expect(minor.some((y) => y > major[k - 1]! && y < major[k]!)).toBe(true)
  // Nothing overlaps or is clipped by the chart's edges.
  for (let a = 0; a < d.texts.length; a++) {
    const t = d.texts[a]!
    expect(t.x).toBeGreaterThanOrEqual(0)
    expect(t.y).toBeGreaterThanOrEqual(0)
    expect(t.x + t.width).toBeLessThanOrEqual(d.size.width)
    expect(t.y + t.height).toBeLessThanOrEqual(d.size.height)
    for (let b = a + 1; b < d.texts.length; b++) {
      const u = d.texts[b]!
      const overlap = t.x < u.x + u.width && u.x < t.x + t.width && t.y < u.y + u.height && u.y < t.y + t.height
      expect(overlap, `"${t.text}" overlaps "${u.text}"`).toBe(false)
    }
  }
}

/** The chart as drawn: the y axis' range at the plot's edges, every text and its box, the y ticks, the series. */
export const readChart = (page: Page, metric: string): Promise<Drawn> =>
  page.getByTestId(`chart-${metric}`).locator('[data-runs]').evaluate((el) => {
    interface Rect { x: number; y: number; width: number; height: number; applyTransform(m: unknown): void; clone(): Rect }
    interface Shape { x1?: number; y1?: number; x2?: number; y2?: number; symbolType?: string }
    interface Displayable { type: string; style?: { text?: string }; shape?: Shape; transform?: unknown; parent?: { x: number; y: number }; getBoundingRect(): Rect; invisible?: boolean }
    interface Instance {
      getZr(): { storage: { getDisplayList(update: boolean): Displayable[] } }
      getModel(): { getComponent(kind: string, i: number): { coordinateSystem: { getRect(): Rect } } }
      getOption(): { series: Array<{ id: string; data: Array<[number, number]> }> }
      convertFromPixel(finder: object, px: [number, number]): number | number[]
      convertToPixel(finder: object, v: number | number[]): number | number[]
      getDevicePixelRatio(): number
    }
    const chart = (el as unknown as { echartsInstance: Instance }).echartsInstance
    const rect = chart.getModel().getComponent('grid', 0).coordinateSystem.getRect()
    const list = chart.getZr().storage.getDisplayList(true)
    const texts = list
      .filter((d) => typeof d.style?.text === 'string' && d.style.text !== '')
      .map((d) => {
        const r = d.getBoundingRect().clone()
        if (d.transform) r.applyTransform(d.transform)
        return { text: d.style!.text!, x: r.x, y: r.y, width: r.width, height: r.height }
      })
    // Horizontal tick marks left of the plot (grid lines span the plot; these end at its left edge).
    const yTicks = list
      .filter((d) => d.type === 'line' && d.shape!.y1 === d.shape!.y2 && Math.max(d.shape!.x1!, d.shape!.x2!) <= rect.x + 0.5 && Math.min(d.shape!.x1!, d.shape!.x2!) < rect.x - 0.5)
      .map((d) => ({ y: d.shape!.y1!, length: Math.abs(d.shape!.x2! - d.shape!.x1!) }))
    const gridLines = list.filter((d) => d.type === 'line' && d.shape!.y1 === d.shape!.y2 && Math.abs(d.shape!.x2! - d.shape!.x1!) > rect.width / 2).map((d) => d.shape!.y1!)
    // Hover markers: symbols ECharts shows on the series at the pointer (symbol 'none' draws nothing).
    const markers = list
      .filter((d) => d.type === 'path' && d.shape?.symbolType !== undefined && d.shape.symbolType !== 'none' && !d.invisible && d.parent)
      .map((d) => ({ x: d.parent!.x, y: d.parent!.y }))
    const yAt = (py: number): number => (chart.convertFromPixel({ gridIndex: 0 }, [rect.x, py]) as number[])[1]!
    return {
      size: { width: (el as unknown as { clientWidth: number }).clientWidth, height: (el as unknown as { clientHeight: number }).clientHeight },
      rect: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      yMin: yAt(rect.y + rect.height),
      yMax: yAt(rect.y),
      texts,
      yTicks,
      gridLines,
      markers,
      dpr: chart.getDevicePixelRatio(),
      series: chart.getOption().series.map((s) => ({ id: s.id, data: s.data.map((p) => [p[0], p[1]] as [number, number]) })),
      pixels: (chart.getOption().series.find((s) => s.id.startsWith('mean:')) ? chart.getOption().series.filter((s) => s.id.startsWith('mean:') || s.id.startsWith('band:') || s.id.startsWith('lower:')) : []).map((s) => ({
        id: s.id,
        px: s.data.map((p) => (chart.convertToPixel({ yAxisIndex: 0 }, p[1]) as number))
      }))
    }
  })

/** A group's band as drawn: lower edge and upper edge (lower + band) per point. */
export function bandEdges(d: Drawn, group: string): { lower: number[]; upper: number[] } {
  const series = new Map(d.series.map((s) => [s.id, s.data]))
  const lower = series.get(`lower:${group}`)!.map((p) => p[1])
  return { lower, upper: series.get(`band:${group}`)!.map((p, i) => lower[i]! + p[1]) }
}

/**
 * A real mouse move over point `index` of `group`'s mean line in the drawn chart `d`; returns the tooltip's value for
 * each group ("LSTM · mean of 3  0.1672" rows), the hovered x pixel and the hover markers drawn at that x afterwards.
 */
export async function hoverMean(page: Page, metric: string, d: Drawn, group: string, index: number, groups: readonly string[]): Promise<{ values: Record<string, number>; xPx: number; markers: Array<{ x: number; y: number }> }> {
  const chart = page.getByTestId(`chart-${metric}`)
  const mean = d.series.find((s) => s.id === `mean:${group}`)!.data
  const box = (await chart.locator('canvas').first().boundingBox())!
  const meanPx = d.pixels.find((p) => p.id === `mean:${group}`)!.px
  const xPx = await chart.locator('[data-runs]').evaluate((el, x) => (el as unknown as { echartsInstance: { convertToPixel(f: object, v: number): number } }).echartsInstance.convertToPixel({ xAxisIndex: 0 }, x), mean[index]![0])
  await page.mouse.move(box.x + xPx, box.y + meanPx[index]!)
  const tooltip = chart.locator('.chart-wrap [data-runs] > div').filter({ hasText: 'mean of' })
  await expect.poll(() => tooltip.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`${group} · mean of`))
  const rows = await tooltip.locator('div', { hasText: 'mean of' }).allTextContents()
  const values: Record<string, number> = {}
  for (const g of groups) {
    const row = rows.find((r) => r.startsWith(`${g} · mean of`))
    expect(row, `the tooltip has a row for ${g}: ${rows.join(' | ')}`).toBeDefined()
    values[g] = Number(row!.replace(/^.* mean of \d+\s*/, '').replace('−', '-'))
  }
  const after = await readChart(page, metric)
  return { values, xPx, markers: after.markers.filter((m) => Math.abs(m.x - xPx) < 1) }
}
