/**
 * The ECharts form of an AxisSpec (axis.ts), for the lab's canvas charts and the exported SVG alike: the fitted range,
 * labels only at the spec's ticks (customValues, so ECharts never labels a raw data end like 2.8999989006097664),
 * ticks and grid lines at the labels, and on log axes the minor ticks, drawn shorter by a second axis over the same
 * range (ECharts draws grid lines at every tick of an axis, and a grid line per minor tick would bury the labels).
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
    axisTick: { show: true, lineStyle: { color: look.line }, customValues: spec.ticks, length: 5 },
    axisLabel: { color: look.text, fontSize: look.fontSize ?? 11, customValues: spec.ticks, formatter: (v: number) => spec.format(v), hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: look.grid } },
    ...extra
  }
}

/**
 * The minor ticks of a log axis as a second axis with the same range and position (no labels, line or grid lines),
 * or nothing when the axis has none. Put it after the main axis: `yAxis: [main, ...echartsMinorAxis(spec, look, 'left')]`.
 */
export function echartsMinorAxis(spec: AxisSpec, look: AxisLook, position: 'left' | 'right' | 'top' | 'bottom'): Array<Record<string, unknown>> {
  const minor = spec.minor.filter((m) => !spec.ticks.includes(m))
  if (!spec.log || minor.length === 0) return []
  return [
    {
      type: 'log',
      logBase: 10,
      min: spec.min,
      max: spec.max,
      position,
      silent: true,
      axisLine: { show: false },
      axisLabel: { show: false },
      axisPointer: { show: false },
      splitLine: { show: false },
      axisTick: { show: true, lineStyle: { color: look.line }, customValues: minor, length: 3 }
    }
  ]
}
