/**
 * A run's predictions against truth on its test split, in the data's original units (getPredictions): a scatter of
 * predicted vs true values with the line of perfect prediction, and the reason when there are none.
 */
import { useEffect, useMemo, useState } from 'react'
import type { RunDetail } from '../../../shared/api'
import { useApi } from '../api/context'
import { Chart } from '../charts/Chart'
import '../charts/sweepEcharts'
import { cellColors, chartPalette, useTheme } from '../theme'
import { formatMetric } from '../format'

type State = { state: 'loading' } | { state: 'ok'; split: string; truth: number[]; predicted: number[] } | { state: 'none'; reason: string }

/** Runs that can have predictions: finished, with weights stored. */
export function hasWeights(run: RunDetail): boolean {
  return run.artifacts.some((a) => a.name === 'weights.bin')
}

export function PredictionsCard({ run }: { run: RunDetail }): React.JSX.Element {
  const api = useApi()
  const theme = useTheme()
  const [result, setResult] = useState<State>({ state: 'loading' })
  const ready = hasWeights(run)

  useEffect(() => {
    if (!ready) return
    let live = true
    api.getPredictions({ id: run.id }).then(
      (r) => live && setResult(r.ok ? { state: 'ok', split: r.split, truth: r.truth, predicted: r.predicted } : { state: 'none', reason: r.reason }),
      (error: Error) => live && setResult({ state: 'none', reason: error.message })
    )
    return () => {
      live = false
    }
  }, [api, run.id, ready])

  const option = useMemo(() => {
    if (result.state !== 'ok') return null
    const palette = chartPalette[theme]
    const all = [...result.truth, ...result.predicted]
    // Both axes share one range, so the dashed diagonal is the line of perfect prediction.
    const pad = (Math.max(...all) - Math.min(...all)) * 0.03 || 1
    const lo = Math.min(...all) - pad
    const hi = Math.max(...all) + pad
    return {
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: 'item', formatter: (p: { value: [number, number] }) => `true ${formatMetric(p.value[0])}<br/>predicted ${formatMetric(p.value[1])}` },
      xAxis: { type: 'value', name: 'true', nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: palette.muted }, min: lo, max: hi, axisLabel: { color: palette.muted, formatter: (v: number) => formatMetric(v) }, axisLine: { lineStyle: { color: palette.axis } }, splitLine: { lineStyle: { color: palette.split } } },
      yAxis: { type: 'value', name: 'predicted', nameTextStyle: { color: palette.muted }, min: lo, max: hi, axisLabel: { color: palette.muted, formatter: (v: number) => formatMetric(v) }, axisLine: { lineStyle: { color: palette.axis } }, splitLine: { lineStyle: { color: palette.split } } },
      series: [
        {
          type: 'scatter',
          symbolSize: 5,
          itemStyle: { color: cellColors[theme][run.cell], opacity: 0.65 },
          data: result.truth.map((t, i) => [t, result.predicted[i]])
        },
        // The line of perfect prediction, for scale.
        { type: 'line', data: [[lo, lo], [hi, hi]], symbol: 'none', lineStyle: { color: palette.muted, type: 'dashed', width: 1 }, silent: true }
      ]
    }
  }, [result, theme, run.cell])

  return (
    <section className="card" aria-labelledby="pred-h" data-testid="predictions">
      <h2 id="pred-h">Predictions on the test split</h2>
      {!ready && <p className="muted">Shown once the run has stored its weights (when it finishes).</p>}
      {ready && result.state === 'loading' && <p className="muted">Predicting the test split with the run's best weights…</p>}
      {ready && result.state === 'none' && <p className="muted">No predictions: {result.reason}.</p>}
      {ready && result.state === 'ok' && option && (
        <>
          <p className="muted small">
            {result.truth.length} sequences of the {result.split} split, in the data's original units; the dashed line is a perfect prediction.
          </p>
          <Chart option={option} height={300} aria-label={`Predicted against true values for run ${run.id}`} data={{ points: String(result.truth.length) }} />
        </>
      )}
    </section>
  )
}
