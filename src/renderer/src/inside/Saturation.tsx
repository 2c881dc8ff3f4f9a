/**
 * Karpathy's saturation scatter: per gate, one dot per unit at (left-saturated fraction, right-saturated fraction)
 * over the sequences of a split. One run: a panel per gate. Two runs: a row per role, the gates that play it side by
 * side (alignment.ts), GRU 1 − z computed from z's statistics (left and right swap).
 */
import { useMemo } from 'react'
import type { GateStatistics, InspectStatistics } from '../../../shared/inspect'
import '../charts/sweepEcharts'
import { Chart } from '../charts/Chart'
import type { EChartsCoreOption } from '../charts/echarts'
import { cellColors, chartFrame, chartPalette, chartTooltip, useTheme } from '../theme'
import { complementStats, sideLabel, roleOf, sortUnits, type AlignedRow, type AlignedSide, type UnitGateStats, type UnitSortKey } from './alignment'
import type { CellKind } from './scales'
import type { Direction } from './model'
import { formatValue } from './format'

/** Per-unit statistics of one gate statistic record. */
export function unitStats(g: GateStatistics): UnitGateStats[] {
  const [, bins] = g.histogram.shape
  return g.mean.map((mean, u) => ({ left: g.leftSaturated[u]!, right: g.rightSaturated[u]!, mean, histogram: g.histogram.values.slice(u * bins, (u + 1) * bins) }))
}

/** The statistics of one side of an aligned row (1 − z from z), or null when the split's statistics lack the gate. */
export function sideStats(stats: InspectStatistics | undefined, layer: number, direction: Direction, side: AlignedSide): { gate: GateStatistics; units: UnitGateStats[] } | null {
  const g = stats?.gates.find((x) => x.layer === layer && x.direction === direction && x.gate === side.trace)
  if (!g) return null
  const units = unitStats(g)
  return { gate: g, units: side.complement ? units.map(complementStats) : units }
}

export function SaturationChart({ title, units, cell, thresholds, selectedUnit, onSelectUnit, testId }: { title: string; units: UnitGateStats[]; cell: CellKind; thresholds: [number, number]; selectedUnit: number | null; onSelectUnit?: (unit: number) => void; testId: string }): React.JSX.Element {
  const theme = useTheme()
  const option = useMemo<EChartsCoreOption>(() => {
    const pal = chartPalette[theme]
    const color = cellColors[theme][cell]
    const axis = (name: string): object => ({
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.25,
      name,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: pal.muted, fontSize: 11 },
      axisLabel: { color: pal.muted, fontSize: 10 },
      axisLine: { lineStyle: { color: pal.axis } },
      splitLine: { lineStyle: { color: pal.split } }
    })
    return {
      ...chartFrame(pal),
      grid: { left: 44, right: 12, top: 10, bottom: 40 },
      tooltip: {
        ...chartTooltip(pal),
        trigger: 'item',
        formatter: (p: { value: [number, number, number, number] }) =>
          `unit ${p.value[2]}<br/>left-saturated ${formatValue(p.value[0])}<br/>right-saturated ${formatValue(p.value[1])}<br/>mean ${formatValue(p.value[3])}`
      },
      xAxis: axis(`left-saturated (< ${thresholds[0]})`),
      yAxis: { ...axis(`right-saturated (> ${thresholds[1]})`), nameGap: 30 },
      series: [
        // The triangle left + right ≤ 1 is where dots can be; its edge for scale.
        { type: 'line', data: [[0, 1], [1, 0]], symbol: 'none', silent: true, lineStyle: { color: pal.axis, type: 'dashed', width: 1 } },
        {
          type: 'scatter',
          symbolSize: 7,
          itemStyle: { color, opacity: 0.8, borderColor: pal.bg, borderWidth: 0.5 },
          data: units.map((s, u) => ({ value: [s.left, s.right, u, s.mean], ...(u === selectedUnit ? { symbolSize: 13, itemStyle: { color, borderColor: pal.text, borderWidth: 2, opacity: 1 } } : {}) }))
        }
      ]
    }
  }, [theme, cell, units, thresholds, selectedUnit])
  return (
    <figure className="saturation-chart" data-testid={testId} data-units={units.length} data-selected-unit={selectedUnit ?? ''}>
      <figcaption className="tex-caption">{title}</figcaption>
      <Chart
        option={option}
        height={220}
        // A click on a unit's dot picks that unit (its heatmap row and its gates as lines), as a click on a heatmap row does.
        onItemClick={onSelectUnit && ((item) => item.seriesIndex === 1 && onSelectUnit(item.dataIndex))}
        aria-label={`Saturation of ${title}: one dot per unit (${units.length}), left-saturated fraction across, right-saturated up${onSelectUnit ? '; click a dot to pick its unit' : ''}`}
      />
    </figure>
  )
}

/** One run: a panel per gate of the layer and direction. */
export function SaturationGrid({ stats, cell, layer, direction, selectedUnit, onSelectUnit, runId }: { stats: InspectStatistics; cell: CellKind; layer: number; direction: Direction; selectedUnit: number | null; onSelectUnit?: (unit: number) => void; runId: string }): React.JSX.Element {
  const gates = stats.gates.filter((g) => g.layer === layer && g.direction === direction)
  return (
    <div className="saturation-grid">
      {gates.map((g) => (
        <SaturationChart key={g.gate} title={`${g.gate} · ${roleOf(g.gate)}`} units={unitStats(g)} cell={cell} thresholds={g.thresholds} selectedUnit={selectedUnit} onSelectUnit={onSelectUnit} testId={`saturation-${runId}-${g.gate}`} />
      ))}
    </div>
  )
}

/** Two runs: a row per role, the gates that play it side by side; an empty slot says there is no counterpart. */
export function SaturationRows({ rows, runs }: { rows: AlignedRow[]; runs: Array<{ id: string; label: string; cell: CellKind; stats: InspectStatistics | undefined; layer: number; direction: Direction }> }): React.JSX.Element {
  return (
    <div className="saturation-rows">
      {rows.map((row) => (
        <div key={row.role} className="saturation-row" data-role={row.role}>
          <p className="aligned-role">{row.role}</p>
          <div className="aligned-pair">
            {row.sides.map((side, k) => {
              const run = runs[k]!
              if (!side) return <div key={k} className="no-counterpart">no counterpart in the {run.cell.toUpperCase()}</div>
              const s = sideStats(run.stats, run.layer, run.direction, side)
              if (!s) return <div key={k} className="no-counterpart">no statistics for {sideLabel(side)}</div>
              return <SaturationChart key={k} title={`${run.label} · ${sideLabel(side)}`} units={s.units} cell={run.cell} thresholds={s.gate.thresholds} selectedUnit={null} testId={`saturation-${run.id}-${side.complement ? '1-' : ''}${side.trace}`} />
            })}
          </div>
        </div>
      ))}
    </div>
  )
}

const sortKeys = [
  ['right', 'right-saturated'],
  ['left', 'left-saturated'],
  ['mean', 'mean'],
  ['neither', 'unsaturated']
] as const

/** The sort choices for a run's units: by number, or by a gate's statistic. */
export function sortChoices(stats: InspectStatistics | undefined, layer: number, direction: Direction): Array<{ value: string; label: string }> {
  const out = [{ value: 'unit', label: 'unit number' }]
  for (const g of stats?.gates ?? []) {
    if (g.layer !== layer || g.direction !== direction) continue
    for (const [key, words] of sortKeys) out.push({ value: `${g.gate}:${key}`, label: `${g.gate} ${words}` })
  }
  return out
}

/**
 * Two runs: the sort choices by role (a row of the aligned gates), e.g. "keeps the old memory · right-saturated". Each
 * run sorts its own units by the gate that plays the role in it (LSTM f, GRU z; 1 − z's statistics for the GRU's
 * admitting gate): units are not matched across runs, so each side gets its own order.
 */
export function roleSortChoices(rows: readonly AlignedRow[]): Array<{ value: string; label: string }> {
  const out = [{ value: 'unit', label: 'unit number' }]
  rows.forEach((row, r) => {
    const gates = row.sides.map((side) => (side ? sideLabel(side) : '–')).join(' ↔ ')
    for (const [key, words] of sortKeys) out.push({ value: `${r}:${key}`, label: `${row.role} (${gates}) ${words}` })
  })
  return out
}

/** Run k's unit order for a role sort choice, or undefined (unit number, no counterpart, statistics not there yet). */
export function roleOrder(choice: string, rows: readonly AlignedRow[], k: 0 | 1, stats: InspectStatistics | undefined, layer: number, direction: Direction): number[] | undefined {
  const [r, key] = choice.split(':')
  const row = rows[Number(r)]
  const side = row?.sides[k]
  if (!side || !key || !sortKeys.some(([k2]) => k2 === key)) return undefined
  const s = sideStats(stats, layer, direction, side)
  return s ? sortUnits(s.units, key as Exclude<UnitSortKey, 'unit'>) : undefined
}

export function parseSortChoice(value: string): { gate: string; key: Exclude<UnitSortKey, 'unit'> } | null {
  const [gate, key] = value.split(':')
  if (!gate || !key || !['left', 'right', 'mean', 'neither'].includes(key)) return null
  return { gate, key: key as Exclude<UnitSortKey, 'unit'> }
}
