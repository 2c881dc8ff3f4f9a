/**
 * "Predictions over time" on the run page (issue 16, item 8): the run's prediction and the truth across its whole test
 * split, persistence overlaid (a toggle), and the residuals below — all in the data's original units, the unit named
 * in the axis titles — with "Download predictions (CSV)", the same table `gatelab export RUN --format predictions`
 * writes (getPredictionTable / exportRuns 'predictions', src/main/export/predictions.ts).
 *
 * Series with a time column are drawn against calendar time; data without one (and the built-in tasks) against the
 * position in the test split. Multi-step forecasts draw the first step ahead (the CSV has every step). Classification
 * runs have no curve to draw: the card says what the CSV holds and offers it.
 */
import { useEffect, useMemo, useState } from 'react'
import { BarChart } from 'echarts/charts'
import type { RunDetail } from '../../../../shared/api'
import { echartsValueAxis, extentOf, formatTick, linearAxis } from '../../../../shared/figures'
import { predictionUnit, type PredictionTable } from '../../../../shared/predictions'
import { useApi } from '../../api/context'
import { Chart } from '../../charts/Chart'
import { echarts } from '../../charts/echarts'
import { cellColors, chartFrame, chartPalette, chartTooltip, useTheme } from '../../theme'
import { download } from '../ExportMenu'
import { hasWeights } from '../PredictionsCard'

echarts.use([BarChart])

type State = { state: 'loading' } | { state: 'ok'; table: PredictionTable } | { state: 'none'; reason: string }
type Saving = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; name: string } | { kind: 'error'; message: string }

/** The rows the charts draw: every row, or the first step ahead of each window for multi-step forecasts. */
function drawnRows(table: PredictionTable): number[] {
  const all = table.time.values.map((_, r) => r)
  return table.step ? all.filter((r) => table.step!.values[r] === 1) : all
}

const axisTitle = (name: string, unit: string): string => (unit ? `${name} (${unit})` : name)

export function PredictionsOverTime({ run }: { run: RunDetail }): React.JSX.Element | null {
  const api = useApi()
  const theme = useTheme()
  const ready = hasWeights(run)
  const [result, setResult] = useState<State>({ state: 'loading' })
  const [persistence, setPersistence] = useState(true)
  const [saving, setSaving] = useState<Saving>({ kind: 'idle' })

  useEffect(() => {
    if (!ready) return
    let live = true
    api.getPredictionTable({ id: run.id }).then(
      (r) => live && setResult(r.ok ? { state: 'ok', table: r.table } : { state: 'none', reason: r.reason }),
      (error: Error) => live && setResult({ state: 'none', reason: error.message })
    )
    return () => {
      live = false
    }
  }, [api, run.id, ready])

  const table = result.state === 'ok' ? result.table : null
  const regression = table?.kind === 'regression'
  const hasPersistence = table?.columns.some((c) => c.id === 'persistence') ?? false
  const unit = table ? predictionUnit(table) : ''

  const options = useMemo(() => {
    if (!table || table.kind !== 'regression') return null
    const pal = chartPalette[theme]
    const rows = drawnRows(table)
    const col = (id: string): number[] => table.columns.find((c) => c.id === id)?.values ?? []
    const [truth, predicted, last] = [col('target'), col('prediction'), col('persistence')]
    const x = (r: number): number => table.time.values[r]!
    const drawPersistence = persistence && last.length > 0
    const xAxis = {
      type: table.time.kind === 'date' ? 'time' : 'value',
      name: table.time.kind === 'index' ? 'position in the test split' : table.time.name,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: pal.muted },
      min: 'dataMin',
      max: 'dataMax',
      axisLine: { onZero: false, lineStyle: { color: pal.axis } },
      axisLabel: { color: pal.muted, fontSize: 11, hideOverlap: true, ...(table.time.kind === 'date' ? {} : { formatter: (v: number) => formatTick(v) }) },
      splitLine: { show: false }
    }
    const look = { text: pal.muted, line: pal.axis, grid: pal.split }
    const yName = (name: string): Record<string, unknown> => ({ name, nameLocation: 'middle', nameGap: 52, nameTextStyle: { color: pal.muted } })
    const levels = rows.flatMap((r) => [truth[r]!, predicted[r]!, ...(drawPersistence ? [last[r]!] : [])])
    const [lo, hi] = extentOf(levels) ?? [0, 1]
    const grid = { left: 72, right: 16, top: 12, bottom: 44 }
    const line = (name: string, values: number[], color: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      type: 'line',
      name,
      showSymbol: false,
      data: rows.map((r) => [x(r), values[r]]),
      lineStyle: { color, width: 1.5, ...((extra.lineStyle as object) ?? {}) },
      itemStyle: { color },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'lineStyle'))
    })
    const runColor = cellColors[theme][run.cell]
    const tooltip = { ...chartTooltip(pal), trigger: 'axis', valueFormatter: (v: number) => formatTick(v, 5) }
    const levelsOption = {
      ...chartFrame(pal),
      grid,
      tooltip,
      xAxis,
      yAxis: echartsValueAxis(linearAxis(lo, hi), look, yName(axisTitle(table.target.name, unit))),
      series: [
        line('truth', truth, pal.text),
        line('prediction', predicted, runColor),
        ...(drawPersistence ? [line('persistence', last, pal.muted, { lineStyle: { type: [5, 4], width: 1.2 } })] : [])
      ]
    }
    const residual = (values: number[]): number[] => rows.map((r) => values[r]! - truth[r]!)
    const own = residual(predicted)
    const baseline = drawPersistence ? residual(last) : []
    const [rlo, rhi] = extentOf([...own, ...baseline, 0]) ?? [-1, 1]
    const residualsOption = {
      ...chartFrame(pal),
      grid,
      tooltip,
      xAxis,
      yAxis: echartsValueAxis(linearAxis(rlo, rhi), look, yName(axisTitle('residual', unit))),
      series: [
        { type: 'bar', name: 'prediction − truth', data: rows.map((r, k) => [x(r), own[k]]), itemStyle: { color: runColor }, barMaxWidth: 6, barCategoryGap: '10%' },
        ...(drawPersistence
          ? [{ type: 'line', name: 'persistence − truth', showSymbol: false, data: rows.map((r, k) => [x(r), baseline[k]]), lineStyle: { color: pal.muted, width: 1.2, type: [5, 4] }, itemStyle: { color: pal.muted } }]
          : [])
      ]
    }
    return { levels: levelsOption, residuals: residualsOption, points: rows.length }
  }, [table, theme, persistence, run.cell, unit])

  const save = (): void => {
    setSaving({ kind: 'busy' })
    api.exportRuns({ runIds: [run.id], format: 'predictions' }).then(
      (r) => {
        for (const f of r.files) download(f.name, f.mediaType, f.base64)
        setSaving({ kind: 'done', name: r.files[0]?.name ?? '' })
      },
      (error: Error) => setSaving({ kind: 'error', message: error.message })
    )
  }

  if (!ready) return null
  return (
    <section className="card" aria-labelledby="pred-time-h" data-testid="predictions-over-time">
      <h2 id="pred-time-h">{regression && table?.time.kind !== 'index' ? 'Predictions over time' : 'Predictions by position in the test split'}</h2>
      {result.state === 'loading' && <p className="muted">Predicting the whole test split with the run's best weights…</p>}
      {result.state === 'none' && <p className="muted">No predictions: {result.reason}.</p>}
      {table && options && (
        <>
          <p className="muted small">
            {options.points} test {table.time.kind === 'date' ? 'dates' : 'windows'}
            {table.step ? ' (the first step ahead of each window; the CSV has every step)' : ''}, in {unit ? `the data's original units (${unit})` : "the task's own units"}.
            {' '}
            <span className="legend-key" style={{ color: chartPalette[theme].text }}>━ truth</span>{' '}
            <span className="legend-key" style={{ color: cellColors[theme][run.cell] }}>━ prediction</span>
            {hasPersistence && persistence && <> <span className="legend-key" style={{ color: chartPalette[theme].muted }}>┅ persistence</span></>}
          </p>
          {hasPersistence && (
            <label className="control inline small">
              <input type="checkbox" checked={persistence} onChange={(e) => setPersistence(e.target.checked)} data-testid="toggle-persistence" /> Persistence (dashed)
            </label>
          )}
          <div data-testid="predictions-levels">
            <Chart option={options.levels} height={260} aria-label={`Prediction and truth over the test split for run ${run.id}`} data={{ points: String(options.points) }} />
          </div>
          <h3 className="small">Residuals (prediction − truth{unit ? `, ${unit}` : ''})</h3>
          <div data-testid="predictions-residuals">
            <Chart option={options.residuals} height={170} aria-label={`Residuals over the test split for run ${run.id}`} data={{ points: String(options.points) }} />
          </div>
        </>
      )}
      {table && table.kind === 'classification' && (
        <p className="muted small">
          A classification task: the CSV lists, for each {table.step ? 'sequence and step' : 'sequence'} of the test split, the target class, the predicted class, its
          probability and the majority-class baseline.
        </p>
      )}
      {table && (
        <p className="row-actions">
          <button type="button" onClick={save} disabled={saving.kind === 'busy'} data-testid="download-predictions">
            {saving.kind === 'busy' ? 'Preparing…' : 'Download predictions (CSV)'}
          </button>{' '}
          {saving.kind === 'done' && <span className="ok small">{saving.name} downloaded</span>}
          {saving.kind === 'error' && <span className="error small">{saving.message}</span>}
        </p>
      )}
    </section>
  )
}
