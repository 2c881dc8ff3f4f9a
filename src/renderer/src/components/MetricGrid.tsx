import { useState } from 'react'
import { MetricChart, type ChartRun, type MetricChartProps } from '../charts/MetricChart'
import type { RunStyle } from '../charts/runStyles'
import { isDiagnostic, orderMetrics } from '../lib/series'
import type { ChartSettings } from './ChartControls'

/**
 * The charts of a page: model metrics first, process diagnostics (learning rate, epoch time, tensor counts) folded
 * away underneath and only drawn when opened.
 */
export function MetricGrid({
  runs,
  styles,
  metrics,
  settings,
  grouping
}: {
  runs: ChartRun[]
  styles: Map<string, RunStyle>
  metrics: string[]
  settings: ChartSettings
  grouping?: MetricChartProps['grouping']
}): React.JSX.Element {
  const [open, setOpen] = useState(false)
  const ordered = orderMetrics(metrics)
  const main = ordered.filter((m) => !isDiagnostic(m))
  const diagnostics = ordered.filter(isDiagnostic)
  const chart = (m: string): React.JSX.Element => (
    <MetricChart key={m} runs={runs} styles={styles} metric={m} x={settings.x} smoothing={settings.smoothing} logScale={settings.logScale} grouping={grouping ?? null} />
  )
  return (
    <>
      <div className="charts-grid">{main.map(chart)}</div>
      {diagnostics.length > 0 && (
        <details className="diagnostics" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>
            Diagnostics <span className="muted">({diagnostics.join(', ')})</span>
          </summary>
          {open && <div className="charts-grid">{diagnostics.map(chart)}</div>}
        </details>
      )}
    </>
  )
}
