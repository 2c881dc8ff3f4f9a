/**
 * The lab's charts in the one figure style (src/shared/figures): a log y axis fitted to the drawn data with 1-2-5 × 10ⁿ
 * labels and minor ticks, tick labels rounded to what the axis needs, and the legend of group mean lines.
 */
import { cellLabels } from '../../../shared/config'
import { echartsMinorAxis, echartsValueAxis, extentOf, formatTick, logAxis } from '../../../shared/figures'
import { groupBy } from '../lib/groupStats'
import { cellColors, groupColors, type chartPalette, type Theme } from '../theme'

type Palette = (typeof chartPalette)[keyof typeof chartPalette]
interface LineSeries {
  id?: string
  data?: unknown
}

/** The y values a set of line series draws (a stacked band's top is its lower edge plus its height). */
export function drawnValues(series: readonly object[]): number[] {
  const byId = new Map<string, unknown[]>()
  for (const s of series as LineSeries[]) if (s.id && Array.isArray(s.data)) byId.set(s.id, s.data)
  const out: number[] = []
  for (const [id, data] of byId) {
    const ys = data.map((p) => (Array.isArray(p) ? Number(p[1]) : NaN))
    if (id.startsWith('band:')) {
      const lower = byId.get(`lower:${id.slice(5)}`) ?? []
      ys.forEach((y, i) => {
        const lo = lower[i]
        if (Array.isArray(lo)) out.push(Number(lo[1]) + y)
      })
    } else out.push(...ys)
  }
  return out
}

/**
 * The y axes: one linear axis with clean tick labels, or a log axis fitted to the data followed by the axis that draws
 * its minor ticks (the series use the first).
 */
export function chartAxisY(log: boolean, series: readonly object[], pal: Palette): [Record<string, unknown>, ...Array<Record<string, unknown>>] {
  const extent = log ? extentOf(drawnValues(series), true) : null
  if (log && extent) {
    const spec = logAxis(extent[0], extent[1])
    const look = { text: pal.muted, line: pal.axis, grid: pal.split }
    return [echartsValueAxis(spec, look, { axisLine: { show: false }, minorSplitLine: { show: false } }), ...echartsMinorAxis(spec, look, 'left')]
  }
  return [
    {
      type: log ? 'log' : 'value',
      scale: true,
      axisLine: { show: false },
      axisLabel: { color: pal.muted, fontSize: 11, formatter: (v: number) => formatTick(v) },
      splitLine: { lineStyle: { color: pal.split } }
    }
  ]
}

export interface GroupLegendEntry {
  key: string
  label: string
  color: string
  n: number
}

/** One legend entry per group mean line, in the chart's colours and order. */
export function groupLegend(
  runs: ReadonlyArray<{ id: string; cell: 'lstm' | 'gru' | 'rnn'; group?: string }>,
  grouping: { byCell: boolean },
  theme: Theme
): GroupLegendEntry[] {
  return groupBy(runs, (r) => r.group ?? r.cell).map((g, gi) => ({
    key: g.key,
    label: cellLabels[g.key] ?? g.key,
    color: grouping.byCell ? cellColors[theme][g.items[0]!.cell] : groupColors[gi % groupColors.length]!,
    n: g.items.length
  }))
}
