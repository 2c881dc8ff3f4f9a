import { useState } from 'react'
import { MetricChart, type ChartRun, type MetricChartProps } from '../charts/MetricChart'
import type { RunStyle } from '../charts/runStyles'
import { isDiagnostic, orderMetrics } from '../lib/series'
import { describeTelemetryMetric, isTelemetryMetric } from '../../../shared/telemetry'
import type { ChartSettings } from './ChartControls'
import { metricContext } from '../../../shared/figures'
import { isClassificationTask, type RunConfig } from '../../../shared/config'

/**
 * The charts of a page: model metrics first, process diagnostics (learning rate, epoch time, tensor counts) folded
 * away underneath and only drawn when opened.
 */
export function MetricGrid({
  runs,
  styles,
  metrics,
  settings,
  grouping,
  configs,
  references
}: {
  runs: ChartRun[]
  styles: Map<string, RunStyle>
  metrics: string[]
  settings: ChartSettings
  grouping?: MetricChartProps['grouping']
  /** The runs' configurations, so titles can say the unit ("validation loss (MSE, scaled)"). */
  configs?: ReadonlyArray<RunConfig | null | undefined>
  /** Baseline reference lines per metric (the run page). */
  references?: (metric: string) => MetricChartProps['references']
}): React.JSX.Element {
  const context = configs ? metricContext(configs, isClassificationTask) : undefined
  const [open, setOpen] = useState(false)
  const [insideOpen, setInsideOpen] = useState(false)
  const ordered = orderMetrics(metrics.filter((m) => !isTelemetryMetric(m)))
  // Gate telemetry (src/shared/telemetry.ts): many curves per run, folded away in the order the trainer names them.
  const telemetry = metrics.filter(isTelemetryMetric)
  const main = ordered.filter((m) => !isDiagnostic(m))
  const diagnostics = ordered.filter(isDiagnostic)
  const chart = (m: string): React.JSX.Element => (
    <MetricChart key={m} runs={runs} styles={styles} metric={m} x={settings.x} smoothing={settings.smoothing} logScale={settings.logScale} grouping={grouping ?? null} context={context} references={references?.(m)} />
  )
  const telemetryChart = (m: string): React.JSX.Element => (
    <MetricChart
      key={m}
      runs={runs}
      styles={styles}
      metric={m}
      title={`${m} · ${describeTelemetryMetric(m) ?? ''}`}
      x={settings.x}
      smoothing={settings.smoothing}
      // The gradient-flow ratio spans decades; gate fractions live in [0, 1].
      logScale={settings.logScale || m.startsWith('grad/')}
      grouping={grouping ?? null}
    />
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
      {telemetry.length > 0 && (
        <details className="diagnostics telemetry" open={insideOpen} onToggle={(e) => setInsideOpen(e.currentTarget.open)}>
          <summary>
            Inside the cell: gate telemetry <span className="muted">({telemetry.length} curves: gate means and saturation, gradient flow through time, per layer)</span>
          </summary>
          {insideOpen && <div className="charts-grid">{telemetry.map(telemetryChart)}</div>}
        </details>
      )}
    </>
  )
}
