/**
 * The choices of a CSV or bundled-series import, as one plain object the UI's import dialog can edit and pass to
 * `inspectCsv`, and that `gatelab inspect-csv` fills from its flags. Its keys are the RunConfig's own keys and its
 * defaults come from the RunConfig schema, so an inspection predicts exactly what a run with the same choices does.
 */
import { runConfigSchema } from '../config'
import type { DialectOptions } from './csv'
import type { MissingPolicy } from './prepare'
import type { ScalingKind } from './scaling'
import type { SelectionRequest } from './scan'
import { defaultSplit, type SplitFractions } from './window'

export interface ImportOptions extends DialectOptions, SelectionRequest {
  missing?: MissingPolicy
  /** Steps of input per window; defaults to seqLen (or a bundled series' own lookback). */
  lookback?: number
  horizon?: number
  stride?: number
  scaling?: ScalingKind
  seqLen?: number
  valFraction?: number
  testFraction?: number
}

/** Every choice made: what was given, the rest from the RunConfig defaults. Dialect and selection stay optional (detected). */
export type ResolvedImportOptions = ImportOptions &
  Required<Pick<ImportOptions, 'missing' | 'lookback' | 'horizon' | 'stride' | 'scaling'>> & {
    /** No lookback was chosen: it is fitted to the file's rows, with `lookback` as the cap (fitLookback in window.ts). */
    fitLookback?: boolean
    /** The chronological split (defaultSplit unless valFraction / testFraction were given). */
    split: SplitFractions
  }

const importKeys = ['target', 'features', 'time', 'missing', 'lookback', 'horizon', 'stride', 'scaling', 'delimiter', 'decimal', 'header', 'seqLen', 'valFraction', 'testFraction'] as const

/** The import choices of a run configuration (a RunConfig is one), with the defaults filled. */
export function importOptionsFromConfig(config: ImportOptions, defaults: { lookback?: number } = {}): ResolvedImportOptions {
  const base = runConfigSchema.parse({})
  const picked: ImportOptions = {}
  for (const key of importKeys) {
    const value = config[key]
    if (value !== undefined) Object.assign(picked, { [key]: value })
  }
  return {
    ...picked,
    missing: picked.missing ?? base.missing,
    horizon: picked.horizon ?? base.horizon,
    stride: picked.stride ?? base.stride,
    scaling: picked.scaling ?? base.scaling,
    lookback: picked.lookback ?? defaults.lookback ?? picked.seqLen ?? base.seqLen,
    ...(picked.lookback === undefined && defaults.lookback === undefined ? { fitLookback: true } : {}),
    split: { val: picked.valFraction ?? defaultSplit.val, test: picked.testFraction ?? defaultSplit.test }
  }
}
