/**
 * `gatelab settings [--memory-limit SIZE|default] [--db PATH] [--json]`: shows or changes the lab's settings. The
 * memory limit is what `train`, `sweep` and the New run form check each run's estimate against (src/main/limits).
 */
import { Store } from '../store/store'
import { resolveDbPath } from '../paths'
import { UsageError, parseCommandArgs } from './args'
import { labSettings, setMemoryLimit } from '../limits'
import { formatBytes } from '../../shared/limits'

export const settingsUsage = 'gatelab settings [--memory-limit SIZE|default] [--db PATH] [--json]   show or change the lab’s settings (e.g. the memory limit runs are checked against)'

export async function settings(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('settings', argv, {
    'memory-limit': { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' }
  })
  if (positionals.length > 0) throw new UsageError(`settings: unexpected argument "${positionals[0]}"`)
  const store = Store.open(resolveDbPath(values.db), { owner: { kind: 'cli' } })
  try {
    const limit = values['memory-limit']
    const result = limit === undefined ? labSettings(store) : setMemoryLimit(store, limit === 'default' ? null : limit)
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
    else {
      const source = result.memoryLimit.source === 'setting' ? 'set for this lab' : 'the default: half of this machine’s memory'
      console.log(`memory limit: ${formatBytes(result.memoryLimit.bytes)} (${source}); runs whose estimate is above it are refused`)
    }
    return 0
  } finally {
    store.close()
  }
}
