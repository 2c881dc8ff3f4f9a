/**
 * The host's reading of the form's CSV file (inspectCsv: dialect, columns and types, the first rows, problems, a dry
 * run of the import with the form's choices), asked for a moment after the path or a choice changes. The page holds
 * it, so the preview shows it and the Start panel's readiness (readiness.ts) judges by the same result.
 */
import { useEffect, useState } from 'react'
import type { ApiResults } from '../../../shared/api'
import { useApi } from '../api/context'
import type { Draft } from '../lib/runForm'

export type Inspection = ApiResults['inspectCsv']
export type InspectionState =
  | { state: 'idle' }
  | { state: 'loading'; key: string }
  | { state: 'ok'; key: string; value: Inspection }
  | { state: 'error'; key: string; message: string }

/** The inspectCsv options a draft stands for (the run's own choices, so the dry run predicts the run). */
export function inspectOptions(d: Draft): Record<string, unknown> {
  const options: Record<string, unknown> = { previewRows: 8 }
  const int = (text: string): number | undefined => (/^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined)
  const pct = (text: string): number | undefined => {
    const n = Number(text.trim())
    return text.trim() !== '' && Number.isFinite(n) && n >= 1 && n <= 45 ? Math.round(n * 10) / 1000 : undefined
  }
  if (d.target) options.target = d.target
  if (d.features.length > 0) options.features = d.features
  if (d.time) options.time = d.time
  if (int(d.lookback) !== undefined) options.lookback = int(d.lookback)
  if (int(d.horizon) !== undefined) options.horizon = int(d.horizon)
  if (int(d.stride) !== undefined) options.stride = int(d.stride)
  if (pct(d.valPct) !== undefined) options.valFraction = pct(d.valPct)
  if (pct(d.testPct) !== undefined) options.testFraction = pct(d.testPct)
  options.scaling = d.scaling
  if (d.csv.delimiter) options.delimiter = d.csv.delimiter
  if (d.csv.decimal) options.decimal = d.csv.decimal
  options.missing = d.csv.missing
  return options
}

export function useCsvInspection(draft: Draft): InspectionState {
  const api = useApi()
  const path = draft.source === 'csv' ? draft.csvPath.trim() : ''
  const options = inspectOptions(draft)
  const key = path ? `${path}|${JSON.stringify(options)}` : ''
  const [result, setResult] = useState<InspectionState>({ state: 'idle' })

  useEffect(() => {
    if (!key) return
    let cancelled = false
    // Asked a moment after the last change (typing is not a request per key); until it answers the reading is "loading".
    const timer = setTimeout(() => {
      api.inspectCsv({ path, options }).then(
        (value) => !cancelled && setResult({ state: 'ok', key, value }),
        (e: Error) => !cancelled && setResult({ state: 'error', key, message: e.message })
      )
    }, 300)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
    // key stands for the path and every option.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key])

  if (!key) return { state: 'idle' }
  // A reading of other choices is never shown as this one's: the Start panel must not judge by an old answer.
  if (result.state === 'idle' || result.key !== key) return { state: 'loading', key }
  return result
}
