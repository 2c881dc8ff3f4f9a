/**
 * `gatelab sweep --spec FILE.json`: expands a grid/random sweep over settings × cells × seeds (src/shared/sweep.ts),
 * trains its runs through the queue (concurrency limit), shows the sweep's progress on stderr, and with --json prints
 * the sweep id and its runs with their status. Exit 0 when every run completed, 1 otherwise, 2 for a bad spec.
 */
import { GateLabError, type RunSummary } from '../../shared/api'
import { createNodeLab } from '../host'
import { resolveDbPath } from '../paths'
import { UsageError, intFlag, parseCommandArgs } from './args'
import { formatLoss } from './progress'
import { absoluteCsvTask, readJsonObject } from './trainArgs'
import { dirname, resolve } from 'node:path'
import { slurmSweep, slurmSweepFlags } from './clusterSweep'

export const sweepUsage = 'gatelab sweep --spec FILE.json [--db PATH] [--concurrency N] [--memory-limit SIZE] [--json]   train every run of a sweep'

const specExample = '{"base": {"task": "adding"}, "grid": {"cell": ["lstm", "gru"]}, "seeds": [1, 2, 3]}'

export async function sweep(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sweep', argv, {
    spec: { type: 'string' },
    db: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    'memory-limit': { type: 'string' },
    ...slurmSweepFlags
  })
  if (positionals.length > 0) throw new UsageError(`sweep: unexpected argument "${positionals[0]}"`)
  if (!values.spec) throw new UsageError(`sweep: --spec FILE.json is required, e.g. ${specExample}`)
  const spec = readJsonObject(values.spec, '--spec', specExample)
  // Relative CSV paths in a spec are relative to the spec file, wherever the sweep is started from.
  const specDir = dirname(resolve(values.spec))
  if (typeof spec.base === 'object' && spec.base !== null) {
    const base = spec.base as Record<string, unknown>
    if (base.task !== undefined) base.task = absoluteCsvTask(base.task, specDir)
  }
  if (typeof spec.grid === 'object' && spec.grid !== null && Array.isArray((spec.grid as Record<string, unknown>).task)) {
    const grid = spec.grid as Record<string, unknown[]>
    grid.task = grid.task!.map((t) => absoluteCsvTask(t, specDir))
  }
  if (values.slurm) return slurmSweep(spec, values.spec, values)
  const slurmOnly = (['partition', 'time', 'cpus-per-task', 'mem', 'parallel', 'per-task', 'sbatch-arg', 'dir'] as const).find((f) => values[f] !== undefined)
  if (slurmOnly) throw new UsageError(`sweep: --${slurmOnly} is for Slurm sweeps: add --slurm`)
  const concurrency = intFlag('concurrency', values.concurrency, 1, 256)
  const lab = createNodeLab({ dbPath: resolveDbPath(values.db), mode: 'node', owner: 'cli', concurrency })
  let started
  try {
    started = await lab.startSweep(spec, values['memory-limit'])
  } catch (error) {
    // Refused before anything was recorded: a lab this command created is removed again.
    await lab.close({ discardIfNew: true })
    if (error instanceof GateLabError && error.code === 'too_large') throw error // exit 2 with the estimate's own words
    throw new UsageError((error as Error).message.replace(/^Invalid sweep spec: /, `${values.spec}: `))
  }
  const { sweepId, name, runIds } = started
  console.error(`Sweep ${sweepId} "${name}": ${runIds.length} runs`)
  let cancelled = false
  const onSignal = (): void => {
    if (cancelled) return
    cancelled = true
    console.error('\nCancelling the sweep: queued runs are dropped, running ones stop within a batch…')
    for (const id of runIds) void lab.api.cancelRun({ id }).catch(() => undefined)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const counts = (): string => {
    const statuses = runIds.map((id) => lab.store.getRunSummary(id).status)
    const n = (s: string): number => statuses.filter((x) => x === s).length
    return `${n('completed')} completed, ${n('running')} running, ${n('preparing')} preparing, ${n('queued')} queued, ${n('failed')} failed, ${n('cancelled')} cancelled`
  }
  const ticker = setInterval(() => console.error(`  ${counts()}`), 10_000)
  try {
    await Promise.all(runIds.map((id) => lab.waitForRun(id)))
    clearInterval(ticker)
    const runs = runIds.map((id) => lab.store.getRunSummary(id))
    console.error(`Sweep ${sweepId} finished: ${counts()}`)
    if (values.json) process.stdout.write(JSON.stringify({ sweepId, name, runs: runs.map(sweepRunJson) }) + '\n')
    else printTable(runs)
    return runs.every((r) => r.status === 'completed') ? 0 : 1
  } finally {
    clearInterval(ticker)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await lab.close()
  }
}

function sweepRunJson(run: RunSummary): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    cell: run.cell,
    seed: run.seed,
    group: run.groupKey ? (JSON.parse(run.groupKey) as unknown) : null,
    paramCount: run.paramCount,
    best: run.best,
    error: run.error
  }
}

function printTable(runs: RunSummary[]): void {
  for (const run of runs) {
    const best = run.best ? `best ${run.best.metric} ${formatLoss(run.best.value)} (epoch ${run.best.epoch})` : (run.error ?? '')
    console.error(`  ${run.id}  ${run.status.padEnd(9)} ${run.cell.padEnd(4)} seed ${String(run.seed).padEnd(10)} ${run.groupKey ?? ''}  ${best}`)
  }
}
