/**
 * What the Lab needs from the run store, in the API's own shapes, and the adapter that provides it over the Store
 * (src/main/store). Keeping the list here shows at a glance which store capabilities the UI and the runner depend
 * on; the adapter is the one place where store records become API records.
 */
import type { z } from 'zod'
import type { RunConfig } from '../shared/config'
import {
  GateLabError,
  type ArtifactInfo,
  type RunDetail,
  type RunQuery,
  type RunSummary,
  type Series,
  type SweepSummary,
  type runQuerySchema,
  type seriesRequestSchema
} from '../shared/api'
import type { MetricPoint } from '../shared/protocol'
import type { RunRecorder } from './runner/queue'
import type { ClusterStore } from './cluster/clusterStore'
import type { SettingsStore } from './limits/settings'
import type { Store} from './store/store';
import { StoreError, type RunRecord, type RunRow } from './store/store'

export interface LabStore extends RunRecorder {
  /** The database file. */
  readonly path: string
  sqliteVersion(): string
  createRun(input: { config: RunConfig; sweepId?: string; groupKey?: string }): { id: string }
  createSweep(input: { name: string; spec: unknown }): { id: string }
  listSweeps(): SweepSummary[]
  /** Ids of every run of a sweep, in creation order; throws not_found for an unknown sweep. */
  sweepRunIds(sweepId: string): string[]
  listRuns(query: RunQuery | z.output<typeof runQuerySchema>): { rows: RunSummary[]; total: number }
  getRun(id: string): RunDetail
  getRunSummary(id: string): RunSummary
  /** Full run ids from a unique prefix (CLI convenience); throws not_found / bad_request. */
  resolveRunId(prefix: string): string
  updateRun(id: string, changes: { name?: string; notes?: string; tags?: string[] }): RunSummary
  deleteRuns(ids: string[]): number
  archiveRuns(ids: string[], archived: boolean): number
  listMetricNames(runIds: string[]): string[]
  getSeries(request: z.output<typeof seriesRequestSchema>): Series[]
  getRunLog(id: string): string
  /** Every point of a run at full resolution (exports), optionally only some metrics. */
  getFullSeries(runId: string, metrics?: string[]): MetricPoint[]
  getArtifact(runId: string, name: string): { info: ArtifactInfo; data: Uint8Array }
  /** Part of an artifact, with how many bytes the lab file holds (downloads in chunks: src/main/artifacts). */
  readArtifactRange(runId: string, name: string, offset: number, length: number): { info: ArtifactInfo; stored: number; data: Uint8Array }
  /** Writes this process's heartbeat (it owns the runs it trains) and marks orphaned runs interrupted. */
  heartbeat(): void
  /** Ids of runs changed since the last call, by any process. */
  changedRunsSince(): string[]
  close(): void
  /** Closes, removing the lab file when this process created it and recorded nothing in it (Store.closeDiscardingIfNew). */
  closeDiscardingIfNew?(): boolean
  /** The store's Slurm side (src/main/cluster/); absent in stores without it. */
  readonly cluster?: ClusterStore
  /** The lab's settings (src/main/limits/settings.ts); absent in stores without them. */
  readonly settings?: SettingsStore
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    cell: row.cell as RunSummary['cell'],
    task: row.task,
    datasetName: row.datasetName,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    durationMs: row.durationMs,
    paramCount: row.paramCount,
    backend: row.backend,
    engine: row.engine,
    cellForm: row.cellForm,
    seed: row.seed,
    sweepId: row.sweepId,
    groupKey: row.groupKey,
    archived: row.archived,
    tags: row.tags,
    hp: row.hp,
    summary: row.summary,
    best: row.best,
    error: row.error
  }
}

function toDetail(record: RunRecord): RunDetail {
  return {
    ...toSummary(record),
    config: record.config,
    notes: record.notes,
    versions: record.versions ?? {},
    dataset: record.dataset,
    final: record.final ?? {},
    test: record.test ?? {},
    epochs: record.epochs,
    steps: record.steps,
    artifacts: record.artifacts
  }
}

/** StoreErrors that mean "you asked for something that is not there / not allowed" become API errors with that code. */
function api<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof StoreError && error.code === 'not_found') throw new GateLabError({ code: 'not_found', message: error.message })
    if (error instanceof StoreError && error.code === 'invalid') throw new GateLabError({ code: 'bad_request', message: error.message })
    throw error
  }
}

export function createLabStore(store: Store): LabStore {
  return {
    path: store.path,
    sqliteVersion: () => store.sqliteVersion(),
    createRun: (input) => ({ id: store.createRun(input).id }),
    createSweep: (input) => ({ id: store.createSweep(input).id }),
    listSweeps: () => store.listSweeps().map((sweep) => ({ ...sweep, createdAt: new Date(sweep.createdAt).toISOString() })),
    sweepRunIds: (sweepId) =>
      api(() => {
        store.getSweep(sweepId)
        return store.listRuns({ sweepId, archived: 'include', sort: 'createdAt', order: 'asc', limit: 100_000 }).rows.map((r) => r.id)
      }),
    startRun: (id, info) => store.startRun(id, info),
    appendMetrics: (id, points) => store.appendMetrics(id, points),
    addArtifact: (id, artifact) => {
      store.addArtifact(id, artifact)
    },
    finishRun: (id, result) => store.finishRun(id, result),
    setRunLog: (id, text) => store.setRunLog(id, text),
    appendRunLog: (id, text) => store.appendRunLog(id, text),
    listRuns: (query) =>
      api(() => {
        const { dataset, includeArchived, ...rest } = query
        if (dataset && dataset.length > 1) throw new GateLabError({ code: 'bad_request', message: 'Filter on one dataset at a time' })
        const { rows, total } = store.listRuns({ ...rest, dataset: dataset?.[0], archived: includeArchived ? 'include' : 'exclude' })
        return { rows: rows.map(toSummary), total }
      }),
    getRun: (id) => api(() => toDetail(store.getRun(id))),
    getRunSummary: (id) => api(() => toSummary(store.getRunSummary(id))),
    resolveRunId: (prefix) => api(() => store.resolveRunId(prefix)),
    updateRun: (id, changes) => api(() => toSummary(store.updateRun(id, changes))),
    deleteRuns: (ids) => api(() => store.deleteRuns(ids).length),
    archiveRuns: (ids, archived) => api(() => store.archiveRuns(ids, archived)),
    listMetricNames: (runIds) => store.listMetricNames(runIds),
    getSeries: (request) => api(() => store.getSeries(request).series),
    getRunLog: (id) => api(() => store.getRunLog(id)),
    getFullSeries: (runId, metrics) => api(() => store.getFullSeries(runId, metrics)),
    getArtifact: (runId, name) => api(() => store.getArtifact(runId, name)),
    readArtifactRange: (runId, name, offset, length) => api(() => store.readArtifactRange(runId, name, offset, length)),
    heartbeat: () => {
      store.heartbeat()
    },
    changedRunsSince: () => store.changedRunsSince(),
    close: () => store.close(),
    closeDiscardingIfNew: () => store.closeDiscardingIfNew(),
    cluster: store,
    settings: store,
    prepareRun: (id) => store.markPreparing(id)
  }
}
