/**
 * Full-resolution data exports: CSV in long form and JSON with configs and metrics. Every stored point is written,
 * nothing is downsampled; numbers use JavaScript's shortest round-trip form, so reading a file back gives the exact
 * float64 values the store holds.
 */
import type { MetricPoint } from '../../shared/protocol'
import type { RunData } from './source'

export const CSV_HEADER = ['run_id', 'metric', 'epoch', 'step', 'wall_ms', 'value'] as const

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Long form: one line per point, runs in the order given, each run's points in store order (metric, then step).
 * String(number) is the shortest text that parses back to the same float64; NaN and ±Infinity (a diverged run) stay
 * visible as NaN, Infinity, -Infinity, which pandas and numpy read as floats.
 */
export function toCsv(data: readonly RunData[]): string {
  const lines: string[] = [CSV_HEADER.join(',')]
  for (const { run, points } of data) {
    const id = csvField(run.id)
    for (const p of points) {
      lines.push(`${id},${csvField(p.name)},${p.epoch},${p.step},${String(p.wallMs)},${String(p.value)}`)
    }
  }
  return lines.join('\r\n') + '\r\n'
}

export interface MetricColumns {
  epoch: number[]
  step: number[]
  wallMs: number[]
  /** Non-finite values are written as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers). */
  value: Array<number | string>
}

export function metricColumns(points: readonly MetricPoint[]): Record<string, MetricColumns> {
  const out: Record<string, MetricColumns> = {}
  for (const p of points) {
    const m = (out[p.name] ??= { epoch: [], step: [], wallMs: [], value: [] })
    m.epoch.push(p.epoch)
    m.step.push(p.step)
    m.wallMs.push(p.wallMs)
    m.value.push(Number.isFinite(p.value) ? p.value : String(p.value))
  }
  return out
}

/**
 * {"format": "gatelab-runs", "version": 1, "generatedAt", "gatelabVersion", "runs": [run record + "metrics"]}, where a
 * run record is the API's RunDetail (config, dataset, summary, final and test metrics, artifacts) and "metrics" maps
 * each metric name to its columns (docs/REPORTS.md).
 */
export function toJson(data: readonly RunData[], meta: { generatedAt: Date; gatelabVersion: string }): string {
  const body = {
    format: 'gatelab-runs',
    version: 1,
    generatedAt: meta.generatedAt.toISOString(),
    gatelabVersion: meta.gatelabVersion,
    runs: data.map(({ run, points }) => ({ ...run, metrics: metricColumns(points) }))
  }
  // A non-finite number elsewhere in a record (e.g. a final loss of NaN) would become null silently; keep its name.
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)) + '\n'
}
