/**
 * The ECharts form of an AxisSpec (axis.ts), for the lab's canvas charts and the exported SVG alike: the fitted range,
 * labels only at the spec's ticks (customValues, so ECharts never labels a raw data end like 2.8999989006097664),
 * grid lines at the labels, and minor ticks on log axes.
 */
import type { AxisSpec } from './axis'

export interface AxisLook {
  text: string
  line: string
  grid: string
  fontSize?: number
}

export function echartsValueAxis(spec: AxisSpec, look: AxisLook, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: spec.log ? 'log' : 'value',
    min: spec.min,
    max: spec.max,
    ...(spec.log ? { logBase: 10 } : {}),
    axisLine: { onZero: false, lineStyle: { color: look.line } },
    axisTick: { show: true, lineStyle: { color: look.line }, customValues: spec.log ? spec.minor : spec.ticks, length: 4 },
    axisLabel: { color: look.text, fontSize: look.fontSize ?? 11, customValues: spec.ticks, formatter: (v: number) => spec.format(v), hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: look.grid } },
    ...extra
  }
}
