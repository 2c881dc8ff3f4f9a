/**
 * The `gatelab` command. Runs in plain Node (never imports electron). Exit codes: 0 ok, 1 the work failed (a run
 * failed), 2 bad input — with a one-line message on stderr, never a stack trace.
 */
import { UsageError } from './args'
import { serve, serveUsage } from './serve'
import { train, trainUsage } from './train'
import { sweep, sweepUsage } from './sweep'
import { compare, compareUsage } from './compare'
import { StoreError } from '../store/errors'
import { GateLabError } from '../../shared/api'
import { datasets, datasetsUsage } from './datasets'
import { inspectCsvCommand, inspectUsage } from './inspect'
import { inspectRunCommand, inspectRunUsage } from './inspectRun'
import { runs, runsUsage, show, showUsage } from './runs'
import { report, reportUsage } from './report'
import { exportCommand, exportUsage } from './export'
import { doctor, doctorUsage } from './doctor'
import { restore, restoreUsage } from './restore'
import packageJson from '../../../package.json'
import { importCommand, importUsage } from './clusterImport'
import { worker, workerUsage } from './clusterWorker'
import { slurmSweepUsage } from './clusterSweep'
import { settings, settingsUsage } from './settings'
import { applyMinSplitWindows } from '../splitSetting'
import { logCommand, logUsage } from './log'

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  serve,
  train,
  sweep,
  compare,
  datasets,
  'inspect-csv': inspectCsvCommand,
  inspect: inspectRunCommand,
  runs,
  show,
  log: logCommand,
  report,
  export: exportCommand,
  doctor,
  restore,
  import: importCommand,
  worker,
  settings
}

const usage = `GateLab ${packageJson.version}: train and compare LSTM and GRU networks.

Usage:
  ${trainUsage}
  ${sweepUsage}
  ${slurmSweepUsage}
  ${importUsage}
  ${workerUsage}
  ${compareUsage}
  ${runsUsage}
  ${showUsage}
  ${logUsage}
  ${reportUsage}
  ${exportUsage}
  ${serveUsage}
  ${datasetsUsage}
  ${inspectUsage}
  ${inspectRunUsage}
  ${doctorUsage}
  ${restoreUsage}
  ${settingsUsage}
  gatelab --version
  gatelab --help
Every command also takes --min-split-windows N (or GATELAB_MIN_SPLIT_WINDOWS=N): validation or test splits with fewer
windows than N (default 30) are warned about, in the CLI and in the UI that \`serve\` serves.
`

export async function main(args: string[]): Promise<number> {
  let argv: string[]
  try {
    argv = applyMinSplitWindows(args)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-v') {
    console.log(packageJson.version)
    return 0
  }
  const run = commands[command]
  if (!run) throw new UsageError(`Unknown command "${command}". Run \`gatelab --help\` for the list.`)
  return run(rest)
}

/** Errors about the file or the request the user gave (not a SQLite file, a newer GateLab, an unknown run…). */
function isBadInput(error: unknown): boolean {
  if (error instanceof GateLabError) return error.code === 'bad_request' || error.code === 'not_found' || error.code === 'too_large'
  return error instanceof StoreError && !['disk_full', 'locked', 'io'].includes(error.code)
}

// Output piped into a reader that stops early (`gatelab runs | head`): the closed pipe ends the command quietly, as
// for any Unix tool, instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}

// Errors the user can fix (bad flags, unusable files) are expected; anything else is reported without a stack
// unless GATELAB_DEBUG is set.
main(process.argv.slice(2)).then(
  (code) => exitAfterOutput(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`gatelab: ${message}`)
    if (process.env.GATELAB_DEBUG && error instanceof Error) console.error(error.stack)
    exitAfterOutput(error instanceof UsageError || isBadInput(error) ? 2 : 1)
  }
)

/**
 * Exits once everything written so far has reached stdout and stderr. Writes to a pipe are asynchronous in Node, so
 * exiting at once cut `gatelab runs --json | jq` off at 64 KiB; an empty write's callback runs after the writes before it.
 */
function exitAfterOutput(code: number): void {
  let pending = 2
  const done = (): void => {
    if (--pending === 0) process.exit(code)
  }
  process.stdout.write('', done)
  process.stderr.write('', done)
}
