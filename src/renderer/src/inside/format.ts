/** How the Inside view writes numbers, steps and units (one place, so tooltips, readouts and tests agree). */

/** A trace value to 7 significant digits: as much as a float32 holds, so the tooltip shows the stored value. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'no value'
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a < 1e-4 || a >= 1e6) return v.toExponential(4)
  return String(Number(v.toPrecision(7)))
}

/** A short axis label: 3 significant digits. */
export function formatTick(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0).replace('e-', 'e−').replace('e+', 'e')
  return String(Number(v.toPrecision(3))).replace('-', '−')
}

/** Steps and units are counted from 0, as in `gatelab inspect`'s CSV and JSON (t = 0 … T−1). */
export const stepLabel = (step: number): string => `t = ${step}`
export const unitLabel = (unit: number): string => `unit ${unit}`
