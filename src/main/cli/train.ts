/**
 * `gatelab train`: trains one run in a trainer process, records it in the lab's database, shows a progress bar on
 * stderr, and with --json prints exactly one JSON object on stdout. Exit 0 completed, 1 failed or cancelled, 2 bad
 * input (nothing is written to the store for bad input).
 */
import { inWords } from '../../shared/wording'
import type { RunDetail } from '../../shared/api'
import { createNodeLab } from '../host'
import { resolveDbPath } from '../paths'
import { ProgressBar, formatLoss } from './progress'
import { parseTrainArgs, trainFlags } from './trainArgs'
import { checkDataSource } from './dataCheck'
import { baselinesJson, runBaselineReport } from '../../shared/baselines/skill'
import { baselineLines } from './baselineText'

export const trainUsage = `gatelab train [--config FILE.json] [--task adding|copy|sine|order|noise|data:NAME|csv:PATH]
                [--seq-len N] [--samples N] [--cell lstm|gru|rnn] [--units N] [--layers N] [--epochs N]
                [--batch N] [--lr X] [--clip X] [--seed N] [--memory-limit SIZE] [--db PATH] [--json]   train one run
                (every setting: ${Object.keys(trainFlags)
                  .map((f) => `--${f}`)
                  .join(' ')})`

/** The --json result: the run's outcome in one object. */
export function trainResult(run: RunDetail): Record<string, unknown> {
  const final: Record<string, number> = { ...run.final }
  for (const [name, value] of Object.entries(run.test)) final[`test${name[0]!.toUpperCase()}${name.slice(1)}`] = value
  return {
    runId: run.id,
    status: run.status,
    cell: run.cell,
    paramCount: run.paramCount,
    backend: run.backend,
    engine: run.engine,
    cellForm: run.cellForm,
    seed: run.seed,
    epochs: run.epochs,
    steps: run.steps,
    durationMs: run.durationMs,
    final,
    best: run.best ? { [run.best.metric]: run.best.value, epoch: run.best.epoch } : null,
    error: run.error,
    // Which fused kernels ran (native-avx2, relaxed-simd, ...) and why native ones did or did not (engine/native).
    ...(run.versions?.['fused-kernels'] ? { fusedKernels: run.versions['fused-kernels'], fusedKernelsWhy: run.versions['fused-kernels-why'] ?? null } : {}),
    ...baselinesJson(runBaselineReport(run))
  }
}

export async function train(argv: string[]): Promise<number> {
  const { config, dbPath: dbFlag, json, memoryLimit } = parseTrainArgs(argv)
  // Bad data is bad input: say so before anything is written to the store.
  await checkDataSource(config)
  const lab = createNodeLab({ dbPath: resolveDbPath(dbFlag), mode: 'node', owner: 'cli', concurrency: 1 })
  try {
    // Its memory and time estimate against the limit (src/main/limits): above it, exit 2 before the run is created.
    await lab.checkLimits([config], memoryLimit)
  } catch (error) {
    // Refused before anything was recorded: a lab this command created is removed again.
    await lab.close({ discardIfNew: true })
    throw error
  }
  const bar = new ProgressBar()
  const unsubscribe = lab.events.subscribe((event) => {
    if (event.type === 'run:progress') bar.update(event)
  })
  let interrupted = false
  const [id] = lab.startRuns([config])
  const onSignal = (): void => {
    if (interrupted) return
    interrupted = true
    bar.done()
    console.error('Cancelling the run (it stops within one batch)…')
    void lab.api.cancelRun({ id: id! }).catch(() => undefined)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  if (!json) console.error(`Run ${id}: ${config.cell} on ${config.task}, seed ${config.seed}`)
  try {
    await lab.waitForRun(id!)
    bar.done()
    const run = lab.store.getRun(id!)
    if (json) process.stdout.write(JSON.stringify(trainResult(run)) + '\n')
    else printSummary(run)
    return run.status === 'completed' ? 0 : 1
  } finally {
    unsubscribe()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await lab.close()
  }
}

function printSummary(run: RunDetail): void {
  const lines = [`Run ${run.id} ${run.status}${run.error ? `: ${inWords(run.error, 'cli')}` : ''}`]
  if (run.paramCount !== null) lines.push(`  ${run.cellForm ?? run.cell}, ${run.paramCount.toLocaleString('en')} parameters, backend ${run.backend}, engine ${run.engine}`)
  const metrics = Object.entries(run.final).map(([k, v]) => `${k} ${formatLoss(v)}`)
  if (metrics.length) lines.push(`  final: ${metrics.join(', ')}`)
  const test = Object.entries(run.test).map(([k, v]) => `${k} ${formatLoss(v)}`)
  if (test.length) lines.push(`  test:  ${test.join(', ')}`)
  if (run.best) lines.push(`  best ${run.best.metric} ${formatLoss(run.best.value)} at epoch ${run.best.epoch}`)
  if (run.durationMs !== null) lines.push(`  ${run.epochs ?? 0} epochs, ${(run.durationMs / 1000).toFixed(1)} s`)
  lines.push(...baselineLines(run).map((l) => `  ${l}`))
  console.error(lines.join('\n'))
}
