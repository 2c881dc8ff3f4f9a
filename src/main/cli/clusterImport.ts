/**
 * `gatelab import DIR [--wait]`: merges a Slurm sweep bundle's results into the lab, exactly once (docs/CLUSTER.md).
 * Where Slurm's commands are on PATH it also asks Slurm for the tasks' states and ends the runs whose task ended
 * without a summary (cancelled, time limit, …); with --wait it repeats until every run of the bundle is final.
 * Exit 0 when every run is final and completed (or, without --wait, when the import went through), 1 when runs
 * failed, 2 bad input (not a bundle).
 */
import { resolve } from 'node:path'
import type { ImportReport } from '../../shared/cluster'
import { Store } from '../store/store'
import { resolveDbPath } from '../paths'
import { BundleError } from '../cluster/bundle'
import { importBundle } from '../cluster/importer'
import { pollClusterRuns } from '../cluster/watcher'
import { UsageError, intFlag, parseCommandArgs } from './args'

export const importUsage = 'gatelab import DIR [--wait] [--interval S] [--db PATH] [--json]   merge a Slurm sweep bundle\'s results into the lab (exactly once)'

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('import', argv, {
    db: { type: 'string' },
    json: { type: 'boolean' },
    wait: { type: 'boolean' },
    interval: { type: 'string' }
  })
  if (positionals.length !== 1) throw new UsageError('import: give one sweep bundle folder, e.g. gatelab import gatelab-sweeps/sweep-20261201-120000-abcd')
  const bundleDir = resolve(positionals[0]!)
  const intervalMs = (intFlag('interval', values.interval, 1, 3600) ?? 5) * 1000
  // synchronous 'normal': no fsync per run imported. A power cut may lose the last commits (never corrupt the file),
  // and importing again brings them back: the import is idempotent.
  const store = Store.open(resolveDbPath(values.db), { owner: { kind: 'cli' }, synchronous: 'normal' })
  let stop = false
  const onSignal = (): void => {
    stop = true
  }
  process.on('SIGINT', onSignal)
  try {
    let report: ImportReport
    try {
      report = importBundle(store, bundleDir)
    } catch (error) {
      if (error instanceof BundleError) throw new UsageError(error.message)
      throw error
    }
    for (;;) {
      // Slurm's word on the tasks (where its commands are here), which also imports what is new.
      const polled = await pollClusterRuns(store, [bundleDir])
      for (const r of polled.reports) {
        report.points += r.points
        report.finished += r.finished
        report.restarted += r.restarted
        report.incomplete = r.incomplete
        for (const p of r.problems) if (!report.problems.includes(p)) report.problems.push(p)
      }
      for (const p of polled.problems) if (!report.problems.includes(p)) report.problems.push(p)
      const open = store.listClusterRuns({ bundleDir }).filter((r) => ['queued', 'running', 'interrupted'].includes(r.status)).length
      if (!values.wait || open === 0 || stop) break
      if (!values.json) console.error(`  ${describeCounts(store, bundleDir)}`)
      await new Promise((r) => setTimeout(r, intervalMs))
    }
    const counts: ImportReport['counts'] = {}
    for (const r of store.listClusterRuns({ bundleDir })) counts[r.status] = (counts[r.status] ?? 0) + 1
    report = { ...report, counts }
    if (values.json) process.stdout.write(JSON.stringify(report) + '\n')
    else {
      console.error(
        `Imported ${bundleDir} (sweep ${report.sweepId}): ${report.points} new metric points, ${report.finished} runs finished${report.created ? `, ${report.created} runs new to this lab` : ''}\n  ${describeCounts(store, bundleDir)}`
      )
      for (const p of report.problems) console.error(`  note: ${p}`)
    }
    const open = (counts.queued ?? 0) + (counts.running ?? 0) + (counts.interrupted ?? 0)
    if (values.wait && open === 0) return (counts.failed ?? 0) + (counts.cancelled ?? 0) > 0 ? 1 : 0
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    store.close()
  }
}

function describeCounts(store: Store, bundleDir: string): string {
  const counts: Record<string, number> = {}
  for (const r of store.listClusterRuns({ bundleDir })) counts[r.status] = (counts[r.status] ?? 0) + 1
  return ['completed', 'running', 'queued', 'failed', 'cancelled'].map((s) => `${counts[s] ?? 0} ${s}`).join(', ')
}
