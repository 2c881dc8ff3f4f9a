/**
 * Merging a bundle's result folders into the lab, exactly once (`gatelab import DIR`, and the lab's watcher).
 *
 * Keyed by run id and attempt: the store remembers per run which attempt it imported and how many bytes of that
 * attempt's metrics.jsonl; each step appends only the complete lines after that point, in one transaction that
 * applies only if nobody imported them meanwhile (Store.importClusterStep). So importing twice, importing while
 * tasks still write, or two importers at once never duplicate a run or a metric point. A newer attempt (a requeued
 * task that started over) replaces the older attempt's points. A trial is final only with a whole summary.json
 * whose metric line count and artifact hashes match the files: a half-written or half-copied result is reported and
 * left for a later import, never read as complete.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ImportReport, ManifestLine, TrialSummary } from '../../shared/cluster'
import type { RunConfig } from '../../shared/config'
import type { RunStatus } from '../../shared/protocol'
import type { ClusterImportStep, ClusterRunRow } from '../store/store'
import { StoreError } from '../store/errors'
import { readBundleInfo, readManifest, jobIdOfTrial } from './bundle'
import type { ClusterStore } from './clusterStore'
import { artifactRefusal, attemptDir, attemptsOf, LOG_FILE, readArtifact, readMetricLines, readStarted, readSummary } from './results'

const finalStatuses = new Set<RunStatus>(['completed', 'failed', 'cancelled'])

/** Makes sure the lab knows the bundle's sweep and runs (a bundle copied from another machine brings them along). */
function adopt(store: ClusterStore, bundleDir: string, manifest: ManifestLine[], info: ReturnType<typeof readBundleInfo>): { rows: Map<string, ClusterRunRow>; created: number } {
  const rows = new Map(store.listClusterRuns({ bundleDir }).map((r) => [r.id, r]))
  const unknown = manifest.filter((l) => !rows.has(l.runId))
  if (unknown.length === 0) return { rows, created: 0 }
  // Runs known under another bundle path (the folder moved or was copied back): re-point them here.
  const known = new Set(store.listClusterRuns({ ids: unknown.map((l) => l.runId) }).map((r) => r.id))
  const missing = unknown.filter((l) => !known.has(l.runId) && !runExists(store, l.runId))
  if (missing.length > 0) {
    try {
      store.getSweep(info.sweepId)
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'not_found') throw error
      store.createSweep({ id: info.sweepId, name: info.name, spec: info.spec })
    }
    store.createRuns(
      missing.map((l) => ({ id: l.runId, config: l.config as unknown as RunConfig, sweepId: info.sweepId, groupKey: l.groupKey ?? undefined }))
    )
  }
  store.addClusterRuns(unknown.map((l) => ({ id: l.runId, bundleDir, trial: l.trial, jobId: jobIdOfTrial(info, l.trial) })))
  return { rows: new Map(store.listClusterRuns({ bundleDir }).map((r) => [r.id, r])), created: missing.length }
}

function runExists(store: ClusterStore, id: string): boolean {
  try {
    store.getRunSummary(id)
    return true
  } catch (error) {
    if (error instanceof StoreError && error.code === 'not_found') return false
    throw error
  }
}

function readLog(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, LOG_FILE), 'utf8')
  } catch {
    return undefined
  }
}

type StepOutcome = { step: ClusterImportStep | null; incomplete: boolean; problem?: string }

/** The next import step of one run from its files, or null when there is nothing new. */
function planStep(bundleDir: string, row: ClusterRunRow): StepOutcome {
  const read = readSummary(bundleDir, row.id)
  const final = finalStatuses.has(row.status)
  if (read.kind === 'ok') return planFinished(bundleDir, row, read.summary)
  const problem = read.kind === 'broken' ? read.problem : undefined
  const attempts = attemptsOf(bundleDir, row.id)
  if (attempts.length === 0) return { step: null, incomplete: !final, problem }
  const attempt = attempts[attempts.length - 1]!
  // A run the watcher already ended (cancelled, timed out) keeps that outcome unless a newer attempt starts.
  if (final && row.attempt === attempt) return { step: null, incomplete: false, problem }
  const dir = attemptDir(bundleDir, row.id, attempt)
  const sameAttempt = row.attempt === attempt
  const from = sameAttempt ? row.importedBytes : 0
  const started = row.status === 'running' && sameAttempt ? null : readStarted(dir)
  const metrics = readMetricLines(dir, from)
  if (metrics.lines === 0 && sameAttempt && !started) return { step: null, incomplete: true, problem: problem ?? metrics.problem }
  if (!started && !sameAttempt && (row.status !== 'queued' || metrics.lines === 0)) {
    // The attempt has not reported its start yet: nothing to show until it does.
    return { step: null, incomplete: true, problem: problem ?? metrics.problem }
  }
  return {
    step: {
      expect: { attempt: row.attempt, bytes: row.importedBytes },
      attempt,
      started,
      points: metrics.points,
      bytes: from + metrics.bytes,
      lines: (sameAttempt ? row.importedLines : 0) + metrics.lines
    },
    incomplete: true,
    problem: problem ?? metrics.problem
  }
}

function planFinished(bundleDir: string, row: ClusterRunRow, summary: TrialSummary): StepOutcome {
  const sameAttempt = row.attempt === summary.attempt
  if (sameAttempt && finalStatuses.has(row.status) && row.importedLines === summary.metricLines && row.status === summary.status) {
    return { step: null, incomplete: false }
  }
  const dir = attemptDir(bundleDir, row.id, summary.attempt)
  const alreadyLines = sameAttempt ? row.importedLines : 0
  const from = sameAttempt ? row.importedBytes : 0
  const metrics = readMetricLines(dir, from, summary.metricLines - alreadyLines)
  const lines = alreadyLines + metrics.lines
  const artifacts = summary.artifacts.map((a) => ({ entry: a, data: readArtifact(dir, a) }))
  const notWhole = lines < summary.metricLines ? `${summary.metricLines - lines} of its metric lines` : artifacts.find((a) => a.data === null)?.entry.name
  const started = (row.status === 'running' || row.status === 'completed') && sameAttempt ? null : readStarted(dir)
  const base = {
    expect: { attempt: row.attempt, bytes: row.importedBytes },
    attempt: summary.attempt,
    started,
    points: metrics.points,
    bytes: from + metrics.bytes,
    lines
  }
  if (notWhole) {
    // The summary is there but the files it describes are not (yet) whole: a copy still under way. Import the lines
    // that are there; finish later. A name refused outright is not "missing": waiting will not bring it, so it is said.
    const refused = summary.artifacts.map((a) => artifactRefusal(dir, a)).find((r) => r !== null)
    const problem = refused
      ? `Run ${row.id}: its summary.json in ${dir} names an artifact GateLab will not read: ${refused} Nothing outside the attempt's artifacts folder was read; the run stays unfinished until the summary names only files in that folder`
      : `Run ${row.id}: the summary is written but ${notWhole} ${notWhole.includes('lines') ? 'are' : 'is'} missing or not whole in ${dir}; left for a later import`
    return { step: metrics.lines > 0 || !sameAttempt ? base : null, incomplete: true, problem: metrics.problem ?? problem }
  }
  const { status, error, final, test, best, epochs, steps, durationMs } = summary
  return {
    step: {
      ...base,
      artifacts: artifacts.map((a) => ({ kind: a.entry.kind, name: a.entry.name, mediaType: a.entry.mediaType, data: a.data! })),
      log: readLog(dir),
      finish: { status, ...(error ? { error } : {}), final, test, best, epochs, steps, durationMs }
    },
    incomplete: false
  }
}

export interface ImportOptions {
  /** Only these runs of the bundle (the watcher passes the unfinished ones). */
  runIds?: readonly string[]
}

/** Imports every result of a bundle that is not in the lab yet. Safe to call any number of times, concurrently. */
export function importBundle(store: ClusterStore, bundleDirInput: string, options: ImportOptions = {}): ImportReport {
  const bundleDir = resolve(bundleDirInput)
  const info = readBundleInfo(bundleDir)
  const manifest = readManifest(bundleDir)
  const { rows, created } = adopt(store, bundleDir, manifest, info)
  const report: ImportReport = { bundleDir, sweepId: info.sweepId, runs: manifest.length, created, points: 0, finished: 0, restarted: 0, incomplete: 0, problems: [], counts: {} }
  const wanted = options.runIds ? new Set(options.runIds) : null
  for (const line of manifest) {
    if (wanted && !wanted.has(line.runId)) continue
    let row = rows.get(line.runId)
    for (let tries = 0; row && tries < 5; tries++) {
      const outcome = planStep(bundleDir, row)
      if (outcome.problem && tries === 0) report.problems.push(outcome.problem)
      if (!outcome.step) {
        if (outcome.incomplete) report.incomplete++
        break
      }
      const step = outcome.step
      if (store.importClusterStep(row.id, step)) {
        report.points += step.points.length
        if (step.finish) report.finished++
        else if (outcome.incomplete) report.incomplete++
        if (row.attempt !== null && row.attempt !== step.attempt) report.restarted++
        break
      }
      // Another importer got there first: read the store again and plan from there.
      row = store.listClusterRuns({ ids: [line.runId] })[0]
    }
  }
  for (const r of store.listClusterRuns({ bundleDir })) report.counts[r.status] = (report.counts[r.status] ?? 0) + 1
  return report
}
