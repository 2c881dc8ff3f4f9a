/** The metric picker and the Best / Last switch shared by the statistics panel and the sweep plots. */
import type { MetricStat } from '../../../shared/comparison'

interface Props {
  metric: string
  metrics: string[]
  setMetric: (metric: string) => void
  stat: MetricStat
  setStat: (stat: MetricStat) => void
}

export function MetricStatControls({ metric, metrics, setMetric, stat, setStat }: Props): React.JSX.Element {
  return (
    <>
      <label className="control">
        Metric
        <select value={metric} onChange={(e) => setMetric(e.target.value)}>
          {(metrics.includes(metric) ? metrics : [metric, ...metrics]).map((m) => (
            <option key={m} value={m}>{m}</option>
          ))}
        </select>
      </label>
      <div className="control" role="group" aria-label="Value per run">
        <span>Value per run</span>
        <div className="segmented small">
          {(['best', 'last'] as const).map((s) => (
            <button key={s} type="button" className={stat === s ? 'on' : ''} aria-pressed={stat === s} onClick={() => setStat(s)}>
              {s === 'best' ? 'Best' : 'Last'}
            </button>
          ))}
        </div>
      </div>
    </>
  )
}
