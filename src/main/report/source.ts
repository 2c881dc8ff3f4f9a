/**
 * What reports and exports read from the lab, and the one place that reads it. Everything downstream (HTML, CSV,
 * JSON, weights) is a pure function of `RunData`, so builders are tested on data made in the test, and the real Store
 * (any LabStore) plugs in here.
 */
import type { RunDetail } from '../../shared/api'
import type { MetricPoint } from '../../shared/protocol'
import type { LabStore } from '../labStore'
import { StoreError } from '../store/errors'
import { ReportError } from './errors'

/** The read methods reports need; the Lab's store satisfies it. With resolveRunId, unique id prefixes work too (CLI). */
export type ReportSource = Pick<LabStore, 'getRun' | 'getFullSeries' | 'getArtifact'> & Partial<Pick<LabStore, 'resolveRunId'>>

/** One run with every metric point at full resolution (ordered by metric, then step, as the store returns them). */
export interface RunData {
  run: RunDetail
  points: MetricPoint[]
}

/** At most this many runs in one report or export: a comparison beyond that is unreadable and the HTML unwieldy. */
export const MAX_RUNS = 100

/**
 * Splits and checks `--runs a,b,c` style input: trimmed, no empties, no duplicates (kept in first-seen order so the
 * report's colours follow the order the user gave).
 */
export function parseRunIds(text: string | readonly string[]): string[] {
  const parts = (typeof text === 'string' ? text.split(',') : [...text]).map((s) => s.trim()).filter((s) => s !== '')
  const ids = [...new Set(parts)]
  if (ids.length === 0) throw new ReportError('invalid', 'No run ids given: pass --runs ID[,ID...] (see `gatelab runs` or the Runs page)')
  if (ids.length > MAX_RUNS) throw new ReportError('invalid', `Too many runs (${ids.length}): at most ${MAX_RUNS} in one report or export`)
  return ids
}

function isNotFound(error: unknown): boolean {
  return error instanceof StoreError ? error.code === 'not_found' : (error as { code?: unknown } | null)?.code === 'not_found'
}

/** Every requested run with its full-resolution metrics; names all unknown ids at once rather than the first only. */
export function loadRuns(source: ReportSource, ids: readonly string[]): RunData[] {
  const runs: RunDetail[] = []
  const missing: string[] = []
  for (const id of ids) {
    try {
      runs.push(source.getRun(source.resolveRunId ? source.resolveRunId(id) : id))
    } catch (error) {
      if (!isNotFound(error)) throw error
      missing.push(id)
    }
  }
  if (missing.length > 0) {
    const list = missing.map((id) => `"${id}"`).join(', ')
    throw new ReportError('not_found', `No run ${list} in this lab${missing.length > 1 ? ' (' + missing.length + ' runs)' : ''}. Check the ids (and --db): \`gatelab runs\` and the Runs page list them.`)
  }
  // Two prefixes may name the same run: report it once.
  const unique = [...new Map(runs.map((run) => [run.id, run])).values()]
  return unique.map((run) => ({ run, points: source.getFullSeries(run.id) }))
}

/** The bytes of an artifact the run recorded, or null when it has none by that name. */
export function readArtifact(source: ReportSource, run: RunDetail, name: string): Uint8Array | null {
  if (!run.artifacts.some((a) => a.name === name)) return null
  return source.getArtifact(run.id, name).data
}
