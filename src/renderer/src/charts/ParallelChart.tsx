/**
 * Parallel coordinates of a sweep: one vertical axis per swept setting and a last one for the chosen metric, one line
 * per run, coloured by its cell (LSTM blue, GRU orange, RNN grey). Lines that end low on a loss axis are the good runs.
 */
import { useMemo } from 'react'
import './sweepEcharts'
import { Chart } from './Chart'
import type { EChartsCoreOption } from './echarts'
import { cellColors, chartFrame, chartPalette, chartTooltip, useTheme } from '../theme'
import { cellLabels, formatMetric } from '../format'
import { formatTick, type SweepPlot } from '../lib/sweepView'

export function ParallelChart({ plot, metricLabel, height = 320 }: { plot: SweepPlot; metricLabel: string; height?: number }): React.JSX.Element {
  const theme = useTheme()
  const option = useMemo<EChartsCoreOption>(() => {
    const pal = chartPalette[theme]
    const axisCommon = {
      nameLocation: 'end',
      nameGap: 20,
      nameTextStyle: { color: pal.text, fontSize: 12, fontWeight: 600 },
      axisLine: { lineStyle: { color: pal.axis } },
      axisTick: { lineStyle: { color: pal.axis } },
      axisLabel: { color: pal.muted, fontSize: 11 },
      splitLine: { show: false }
    }
    const parallelAxis = [
      ...plot.axes.map((a, i) => ({
        ...axisCommon,
        dim: i,
        name: a.key,
        type: a.kind,
        ...(a.kind === 'category'
          ? {
              data: a.categories,
              // Lines pass through the labels: a backdrop keeps them readable.
              axisLabel: { ...axisCommon.axisLabel, color: pal.text, backgroundColor: pal.bg, padding: [1, 4], borderRadius: 3, formatter: (v: string) => cellLabels[v] ?? v }
            }
          : { scale: true, ...(a.integer ? { minInterval: 1 } : {}) }),
        ...(a.kind !== 'category' ? { axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => formatTick(v) } } : {})
      })),
      {
        ...axisCommon,
        dim: plot.axes.length,
        name: metricLabel,
        type: 'value',
        scale: true,
        nameTextStyle: { ...axisCommon.nameTextStyle, align: 'right' },
        axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => formatMetric(v) }
      }
    ]
    const colors = cellColors[theme]
    return {
      ...chartFrame(pal),
      parallel: { left: 56, right: 96, top: 52, bottom: 28, parallelAxisDefault: { realtime: true } },
      parallelAxis,
      tooltip: {
        ...chartTooltip(pal),
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const row = plot.rows[p.dataIndex]
          if (!row) return ''
          const lines = plot.axes.map((a, i) => `<div>${escapeHtml(a.key)} <b style="float:right;margin-left:14px">${escapeHtml(formatSetting(row.values[i]!))}</b></div>`)
          lines.push(`<div>${escapeHtml(metricLabel)} <b style="float:right;margin-left:14px">${formatMetric(row.metric)}</b></div>`)
          return `<div style="color:${colors[row.cell]};font-weight:600;margin-bottom:2px">${escapeHtml(row.name)}</div>${lines.join('')}`
        }
      },
      series: [
        {
          type: 'parallel',
          id: 'runs',
          smooth: false,
          inactiveOpacity: 0.08,
          activeOpacity: 1,
          emphasis: { lineStyle: { width: 3.2, opacity: 1 } },
          lineStyle: { width: 1.8, opacity: theme === 'dark' ? 0.8 : 0.7 },
          data: plot.rows.map((r) => ({ name: r.name, value: [...r.values, r.metric], lineStyle: { color: colors[r.cell] } }))
        }
      ]
    }
  }, [plot, metricLabel, theme])
  // The axes are part of the coordinate system: a new set of axes needs a new chart, not a merge into the old one.
  const axesKey = [...plot.axes.map((a) => `${a.key}:${a.kind}:${(a.categories ?? []).join('|')}`), metricLabel].join(',')
  return (
    <Chart
      key={axesKey}
      option={option}
      height={height}
      aria-label={`Parallel coordinates: ${plot.axes.map((a) => a.key).join(', ')} to ${metricLabel}, one line per run (${plot.rows.length} runs)`}
      data={{ testid: 'parallel-chart', runs: plot.rows.map((r) => r.runId).join(' '), axes: plot.axes.map((a) => a.key).join(' ') }}
    />
  )
}

export function formatSetting(v: number | string): string {
  if (typeof v === 'number') return formatMetric(v)
  return cellLabels[v] ?? v
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
