/**
 * `gatelab log RUN`: the run's trainer log (src/main/runner/log) as the run page's log card shows it — what ran and on
 * what, one line per epoch, warnings, the end. `--follow` prints lines as a running run writes them, until it ends.
 */
import { terminalText } from './terminal'
import { UsageError, parseCommandArgs } from './args'
import { openForReading } from './runs'

export const logUsage = 'gatelab log RUN [--db PATH] [--follow]   the trainer log of one run: backend and kernels chosen and why, one line per epoch, warnings, the end'

const FINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted'])
const POLL_MS = 500

export async function logCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('log', argv, { db: { type: 'string' }, follow: { type: 'boolean' } })
  if (positionals.length !== 1) throw new UsageError('log: give exactly one run id (or a unique prefix of one); `gatelab runs` lists them')
  const store = openForReading(values.db)
  try {
    const id = store.resolveRunId(positionals[0]!)
    const print = (text: string): void => {
      if (text) process.stdout.write(terminalText(text, { keepNewlines: true }))
    }
    let shown = store.getRunLog(id)
    if (!values.follow) {
      if (shown.trim() === '') console.error(`gatelab: run ${id} has no log yet (status ${store.getRunSummary(id).status}).`)
      print(shown)
      return 0
    }
    print(shown)
    for (;;) {
      const done = FINAL.has(store.getRunSummary(id).status)
      const text = store.getRunLog(id)
      // The log only grows while the run trains; at the end it is written once more with the trainer's own output.
      print(text.startsWith(shown) ? text.slice(shown.length) : text)
      shown = text
      if (done) return 0
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  } finally {
    store.close()
  }
}
