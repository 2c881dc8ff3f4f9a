/**
 * Can this start? One answer for the New run form, from everything the form knows: the shared schema's validation of
 * the draft, and for a CSV file the host's reading of it (a dry run of the import with the form's choices). The Start
 * panel shows its message and every Train button is disabled unless it is ok, so the form never says "valid" beside a
 * preview that says the file cannot be imported.
 *
 * Other checks add a line to `extra` (a message, or null when fine): each is shown and blocks like the rest.
 */
import { inWords } from '../../../shared/wording'
import type { Draft, Validation } from '../lib/runForm'
import type { InspectionState } from './useCsvInspection'

export interface Readiness {
  ok: boolean
  /** What stops the run, in the form's words; null when it can start. */
  message: string | null
  /** True while the file is being read: not an error, but not yet a yes. */
  pending: boolean
}

/** The form's labels of the fields whose errors the Start panel repeats. */
const fieldLabels: Record<string, string> = {
  task: 'Data',
  seqLen: 'Sequence length T',
  samples: 'Training sequences',
  target: 'Target column',
  lookback: 'Lookback',
  horizon: 'Horizon',
  stride: 'Stride',
  valPct: 'Validation %',
  testPct: 'Test %',
  units: 'Units per layer',
  layers: 'Layers',
  dropout: 'Dropout',
  lr: 'Learning rate',
  batch: 'Batch size',
  epochs: 'Epochs',
  clip: 'Gradient clip',
  seed: 'Seed',
  earlyStopping: 'Patience',
  name: 'Name'
}

const no = (message: string, pending = false): Readiness => ({ ok: false, message, pending })

export function readiness({ draft, validation, csv, extra = [] }: { draft: Draft; validation: Validation; csv: InspectionState; extra?: ReadonlyArray<string | null> }): Readiness {
  if (draft.source === 'csv' && !draft.csvPath.trim()) return no('Choose a CSV file: pick one, drop it on the form, or type its path.')
  const field = Object.entries(validation.fields)[0]
  if (field) return no(`${fieldLabels[field[0]] ?? field[0]}: ${field[1]}`)
  if (!validation.ok) return no(validation.message ?? 'The configuration is not valid.')
  if (draft.source === 'csv') {
    if (csv.state === 'idle' || csv.state === 'loading') return no('Reading the file…', true)
    if (csv.state === 'error') return no(inWords(csv.message, 'ui'))
    const inspection = csv.value
    const error = inspection.problems.find((p) => p.severity === 'error')
    if (error) return no(inWords(error.message, 'ui'))
    if (!inspection.selection || !inspection.plan) return no('Choose the target column: the column to predict.')
  }
  const other = extra.find((m) => m)
  if (other) return no(other)
  return { ok: true, message: null, pending: false }
}
