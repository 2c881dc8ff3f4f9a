/**
 * `gatelab export --runs ID[,ID...] --format csv|json|weights|svg|png --out PATH [--db PATH]`
 * (figures: one zip with every figure as SVG, PDF and PNG 2× plus pgfplots code and its CSV data): the runs' data at full
 * resolution (CSV long form, JSON with configs), their best weights (tfjs files + the plain JSON layout), or every
 * report figure as SVG or PNG at 2x. csv and json write one file; weights, svg and png write into a folder.
 *
 * `gatelab export RUN --format predictions [--out FILE] [--force]`: one run's test split as CSV — time, target,
 * prediction and each baseline's prediction in the data's original units (src/main/export/predictions.ts); the run
 * may be named with --runs too, and --out defaults to gatelab-RUN-predictions.csv.
 */
import { exportFormats, type ExportFormat } from '../report/exports'
import { UsageError, parseCommandArgs } from './args'
import { runExport } from './report'

export const exportUsage =
  'gatelab export --runs ID[,ID...] --format csv|json|weights|svg|png|figures --out PATH [--db PATH] [--force]   data, weights or figures (figures: one zip with SVG, PDF, PNG and pgfplots)\n' +
  '  gatelab export RUN --format predictions [--out FILE.csv] [--db PATH] [--force]   the test split: time, target, prediction, baselines, in original units'

const cliFormats: readonly ExportFormat[] = exportFormats.filter((f) => f !== 'html' && f !== 'pdf')

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', argv, {
    runs: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    db: { type: 'string' },
    force: { type: 'boolean' }
  })
  if (values.format?.toLowerCase() === 'predictions') return exportPredictions(values, positionals)
  if (positionals.length > 0) throw new UsageError(`export: unexpected argument "${positionals[0]}"`)
  if (!values.runs) throw new UsageError('export: --runs ID[,ID...] is required (the runs to export)')
  if (!values.format) throw new UsageError(`export: --format is required: ${cliFormats.join(', ')}`)
  const format = values.format.toLowerCase() as ExportFormat
  if (!cliFormats.includes(format)) {
    const hint = format === 'html' || format === 'pdf' ? ` (for a report use \`gatelab report --out FILE.${format}\`)` : ''
    throw new UsageError(`export: --format must be one of ${cliFormats.join(', ')}, not "${values.format}"${hint}`)
  }
  const single = format === 'csv' || format === 'json' || format === 'figures'
  if (!values.out) throw new UsageError(`export: --out is required (${single ? `a .${format === 'figures' ? 'zip' : format} file` : 'a folder'})`)
  return runExport('export', { db: values.db, runs: values.runs, format, out: values.out, folder: !single, force: values.force })
}

/** `export RUN --format predictions`: one run, one CSV file (default name gatelab-RUN-predictions.csv). */
function exportPredictions(values: { runs?: string; out?: string; db?: string; force?: boolean }, positionals: string[]): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`export: unexpected argument "${positionals[1]}" (predictions are exported one run at a time)`)
  if (positionals.length === 1 && values.runs) throw new UsageError('export: name the run once, either as RUN or with --runs')
  const run = positionals[0] ?? values.runs
  if (!run) throw new UsageError('export: name the run: gatelab export RUN --format predictions [--out FILE.csv]')
  if (run.includes(',')) throw new UsageError(`export: predictions are exported one run at a time, not "${run}"`)
  const out = values.out ?? `gatelab-${run}-predictions.csv`
  return runExport('export', { db: values.db, runs: run, format: 'predictions', out, folder: false, force: values.force })
}
