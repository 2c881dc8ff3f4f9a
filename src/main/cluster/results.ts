/**
 * A trial's result folder, BUNDLE/results/RUN_ID/ — the only place an array task writes, and what the importer reads.
 *
 *   attempt-K/started.json     the trainer's run:started facts (atomic)           K = SLURM_RESTART_COUNT of the task
 *   attempt-K/metrics.jsonl    one metric point per line, appended while training (a last line without "\n" is
 *                              still being written and is not read)
 *   attempt-K/artifacts/NAME   weights and topology (each written atomically)
 *   attempt-K/log.txt          the trainer's stdout/stderr
 *   attempt-K/stopped.json     the task was stopped by a signal (scancel, time limit, requeue, preemption): Slurm's
 *                              own state says which
 *   summary.json               last, atomically (temporary file + rename): the trial is complete. It names its
 *                              attempt, the number of metric lines and every artifact's sha256, so a copy that is not
 *                              whole (rsync still running) is recognised.
 *
 * No SQLite here: SQLite's locking does not work over NFS; plain files written by one process each do.
 */
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { TrialSummary } from '../../shared/cluster'
import { runStartedSchema, type MetricPoint } from '../../shared/protocol'
import type { RunStartInfo } from '../store/store'
import { ArtifactPathError, resolveArtifactFile } from '../artifacts/paths'

export const SUMMARY_FILE = 'summary.json'
export const STARTED_FILE = 'started.json'
export const METRICS_FILE = 'metrics.jsonl'
export const STOPPED_FILE = 'stopped.json'
export const LOG_FILE = 'log.txt'

export const resultsDir = (bundleDir: string): string => join(bundleDir, 'results')
export const trialDir = (bundleDir: string, runId: string): string => join(bundleDir, 'results', runId)
export const attemptDir = (bundleDir: string, runId: string, attempt: number): string => join(trialDir(bundleDir, runId), `attempt-${attempt}`)

/** Writes a file so that a reader sees either nothing or all of it: temporary file, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w')
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    let off = 0
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The attempts a trial folder holds, ascending. */
export function attemptsOf(bundleDir: string, runId: string): number[] {
  let names: string[]
  try {
    names = readdirSync(trialDir(bundleDir, runId))
  } catch {
    return []
  }
  return names
    .map((n) => /^attempt-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
}

export type SummaryRead = { kind: 'none' } | { kind: 'ok'; summary: TrialSummary } | { kind: 'broken'; problem: string }

/** summary.json: absent, whole, or broken (truncated, not JSON, wrong run): a broken one is never read as complete. */
export function readSummary(bundleDir: string, runId: string): SummaryRead {
  const path = join(trialDir(bundleDir, runId), SUMMARY_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' }
    return { kind: 'broken', problem: `${path} cannot be read: ${(error as Error).message}` }
  }
  try {
    const summary = JSON.parse(text) as TrialSummary
    if (summary.format !== 1 || summary.runId !== runId || !Number.isInteger(summary.attempt) || !Number.isInteger(summary.metricLines)) {
      return { kind: 'broken', problem: `${path} is not a summary of run ${runId}` }
    }
    return { kind: 'ok', summary }
  } catch {
    return { kind: 'broken', problem: `${path} is half-written (not valid JSON): left for later` }
  }
}

export function readStarted(dir: string): RunStartInfo | null {
  try {
    const parsed = runStartedSchema.safeParse({ type: 'run:started', runId: '', ...(JSON.parse(readFileSync(join(dir, STARTED_FILE), 'utf8')) as object) })
    if (!parsed.success) return null
    const { type: _t, runId: _r, ...info } = parsed.data
    return info
  } catch {
    return null
  }
}

/**
 * The complete metric lines of an attempt after byte `from`: the points, how many bytes and lines they take. A last
 * line without its newline is still being written and is left for the next read; a line in the middle that does not
 * parse is a damaged file (reported, never skipped silently).
 */
export function readMetricLines(dir: string, from: number, maxLines = Number.POSITIVE_INFINITY): { points: MetricPoint[]; bytes: number; lines: number; problem?: string } {
  let buf: Buffer
  try {
    const whole = readFileSync(join(dir, METRICS_FILE))
    buf = whole.subarray(Math.min(from, whole.byteLength))
  } catch {
    return { points: [], bytes: 0, lines: 0 }
  }
  const points: MetricPoint[] = []
  let pos = 0
  let lines = 0
  while (pos < buf.byteLength && lines < maxLines) {
    const nl = buf.indexOf(10, pos)
    if (nl < 0) break
    const text = buf.toString('utf8', pos, nl)
    let point: MetricPoint
    try {
      // Checked by hand rather than with the zod schema: this runs for millions of points on a big import.
      const raw = JSON.parse(text) as Record<string, unknown>
      const { epoch, step, name, value, wallMs } = raw
      if (!Number.isInteger(epoch) || !Number.isInteger(step) || typeof name !== 'string' || typeof wallMs !== 'number') throw new Error('malformed')
      if (value !== null && typeof value !== 'number') throw new Error('malformed')
      // NaN travels as null in JSON.
      point = { epoch: epoch as number, step: step as number, name, value: value === null ? Number.NaN : value, wallMs }
    } catch {
      return { points, bytes: pos, lines, problem: `${join(dir, METRICS_FILE)}: line ${lines + 1} after byte ${from} is damaged` }
    }
    points.push(point)
    pos = nl + 1
    lines++
  }
  return { points, bytes: pos, lines }
}

/** Serialises metric points as JSON lines (NaN → null). */
export function metricLines(points: readonly MetricPoint[]): string {
  let out = ''
  for (const p of points) out += JSON.stringify({ epoch: p.epoch, step: p.step, name: p.name, value: Number.isNaN(p.value) ? null : p.value, wallMs: p.wallMs }) + '\n'
  return out
}

/** Reads an artifact named in a summary and checks its size and hash; null when missing or not (yet) whole. */
export function readArtifact(dir: string, entry: TrialSummary['artifacts'][number]): Uint8Array | null {
  try {
    const data = readFileSync(resolveArtifactFile(join(dir, 'artifacts'), entry.name)) // a plain name, a file inside the folder (src/main/artifacts)
    if (data.byteLength !== entry.bytes || sha256(data) !== entry.sha256) return null
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  } catch {
    return null
  }
}

/**
 * Why an artifact a summary names is refused outright, never to be read however long the import waits: a name that
 * is not a plain file name (folders, "..", an absolute path), a link to a file outside the attempt's folder, or not a
 * regular file. Null when it is a plain file inside the folder, or not there (yet).
 */
export function artifactRefusal(dir: string, entry: TrialSummary['artifacts'][number]): string | null {
  try {
    resolveArtifactFile(join(dir, 'artifacts'), entry.name)
    return null
  } catch (error) {
    return error instanceof ArtifactPathError && error.code !== 'missing' ? error.message : null
  }
}

export function ensureDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
}
