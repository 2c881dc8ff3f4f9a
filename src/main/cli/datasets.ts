/** `gatelab datasets`: the real series bundled with GateLab, for `--task data:NAME`, with their sources and licences. */
import { bundledDatasets } from '../../shared/data/bundled'
import { parseCommandArgs } from './args'

export const datasetsUsage = 'gatelab datasets [--json]   the bundled real series, with sources and licences (use them with --task data:NAME)'

export async function datasets(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('datasets', argv, { json: { type: 'boolean' } })
  if (values.json) {
    process.stdout.write(JSON.stringify(bundledDatasets, null, 2) + '\n')
    return 0
  }
  const out: string[] = []
  for (const d of bundledDatasets) {
    out.push(`data:${d.name} — ${d.title}`)
    out.push(`  ${d.description}`)
    out.push(`  ${d.rows.toLocaleString('en-US')} rows; columns: ${d.columns.length > 8 ? `${d.columns.slice(0, 8).join(', ')}, … (${d.columns.length} in all)` : d.columns.join(', ')}`)
    out.push(`  defaults: --target ${d.target} --time ${d.time} --lookback ${d.lookback}`)
    out.push(`  source: ${d.source}`)
    out.push(`  licence: ${d.licence}`)
    out.push('')
  }
  out.push('Train on one with e.g. `gatelab train --task data:co2-concentration`; any --target, --features, --lookback … overrides its defaults.')
  process.stdout.write(out.join('\n') + '\n')
  return 0
}
