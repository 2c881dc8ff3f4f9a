/**
 * The metric against one swept setting: a point per run, coloured by cell, and a thin line through each cell's mean
 * per setting when settings repeat (over seeds). Learning-rate-like settings use a log axis; text settings are
 * categories.
 */
import { useMemo } from 'react'
import './sweepEcharts'
import { Chart } from './Chart'
import type { EChartsCoreOption } from './echarts'
import { cellColors, chartFrame, chartPalette, chartTooltip, useTheme } from '../theme'
import { cellLabels, formatMetric } from '../format'
import { formatTick, meansBy, type Cell, type SweepPlot } from '../lib/sweepView'
import { escapeHtml, formatSetting } from './ParallelChart'

const cellOrder: Cell[] = ['lstm', 'gru', 'rnn']

export function ScatterChart({ plot, axisIndex, metricLabel, height = 240 }: { plot: SweepPlot; axisIndex: number; metricLabel: string; height?: number }): React.JSX.Element {
  const theme = useTheme()
  const axis = plot.axes[axisIndex]!
  const option = useMemo<EChartsCoreOption>(() => {
    const pal = chartPalette[theme]
    const colors = cellColors[theme]
    const present = cellOrder.filter((c) => plot.rows.some((r) => r.cell === c))
    const means = meansBy(plot.rows, axisIndex)
    const repeats = [...means.values()].some((pts) => pts.some((p) => p.n > 1))
    const series: object[] = []
    for (const cell of present) {
      const rows = plot.rows.filter((r) => r.cell === cell)
      series.push({
        type: 'scatter',
        id: `points:${cell}`,
        name: cellLabels[cell],
        symbolSize: 8,
        itemStyle: { color: colors[cell], opacity: 0.85, borderColor: pal.bg, borderWidth: 1 },
        emphasis: { scale: 1.5 },
        data: rows.map((r) => ({ name: r.name, value: [r.values[axisIndex]!, r.metric] }))
      })
      if (repeats) {
        series.push({
          type: 'line',
          id: `mean:${cell}`,
          name: `${cellLabels[cell]} mean`,
          silent: true,
          showSymbol: true,
          symbol: 'diamond',
          symbolSize: 7,
          animation: false,
          lineStyle: { color: colors[cell], width: 1.4, opacity: 0.75 },
          itemStyle: { color: colors[cell] },
          emphasis: { disabled: true },
          data: (means.get(cell) ?? []).map((p) => [p.x, p.y])
        })
      }
    }
    return {
      ...chartFrame(pal),
      grid: { left: 58, right: 18, top: 14, bottom: 40 },
      tooltip: {
        ...chartTooltip(pal),
        trigger: 'item',
        formatter: (p: { name: string; value: [number | string, number]; color: string; seriesId: string }) =>
          `<div style="color:${p.color};font-weight:600">${escapeHtml(p.name)}</div><div>${escapeHtml(axis.key)} <b style="float:right;margin-left:14px">${escapeHtml(formatSetting(p.value[0]))}</b></div><div>${escapeHtml(metricLabel)} <b style="float:right;margin-left:14px">${formatMetric(p.value[1])}</b></div>`
      },
      xAxis: {
        type: axis.kind,
        ...(axis.kind === 'category' ? { data: axis.categories, axisLabel: { color: pal.muted, fontSize: 11, formatter: (v: string) => cellLabels[v] ?? v } } : { scale: true, boundaryGap: ['8%', '8%'], ...(axis.integer ? { minInterval: 1 } : {}) }),
        ...(axis.kind !== 'category' ? { axisLabel: { color: pal.muted, fontSize: 11, formatter: (v: number) => formatTick(v), hideOverlap: true } } : {}),
        name: axis.key,
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: { color: pal.muted, fontSize: 11 },
        axisLine: { lineStyle: { color: pal.axis } },
        axisTick: { lineStyle: { color: pal.axis } },
        splitLine: { show: false }
      },
      yAxis: {
        type: 'value',
        scale: true,
        axisLine: { show: false },
        axisLabel: { color: pal.muted, fontSize: 11, formatter: (v: number) => formatMetric(v) },
        splitLine: { lineStyle: { color: pal.split } }
      },
      series
    }
  }, [plot, axisIndex, axis, metricLabel, theme])
  const axisKey = `${axis.key}:${axis.kind}:${(axis.categories ?? []).join('|')}`
  return (
    <figure className="metric-chart sweep-scatter" data-testid={`scatter-${axis.key}`}>
      <figcaption>
        <span className="metric-name">
          {metricLabel} <span className="muted">vs</span> <span className="mono">{axis.key}</span>
        </span>
        {axis.kind === 'log' && <span className="badge subtle">log x</span>}
      </figcaption>
      <Chart
        key={axisKey}
        option={option}
        height={height}
        aria-label={`${metricLabel} against ${axis.key}, one point per run (${plot.rows.length} runs), coloured by cell`}
        data={{ points: String(plot.rows.length), key: axis.key }}
      />
    </figure>
  )
}
