/**
 * The run store: every run, metric point, artifact and log of a lab in one SQLite file (docs/STORE.md).
 *
 * How a host uses it:
 *
 *   const store = Store.open(dbPath, { owner: { kind: 'app' }, nativeBinding })   // migrates, recovers orphans
 *   setInterval(() => store.heartbeat(), HEARTBEAT_INTERVAL_MS)                      // liveness + orphan recovery
 *   const run = store.createRun({ config, sweepId, groupKey })                      // status queued
 *   on trainer 'run:started'  → store.startRun(run.id, message)                     // status running
 *   on trainer 'metrics'      → store.appendMetrics(run.id, message.points)        // one transaction per batch
 *   on trainer 'artifact'     → store.addArtifact(run.id, message)
 *   on trainer 'run:finished' → store.finishRun(run.id, message)
 *   trainer log (stdout/stderr) → store.appendRunLog(run.id, text)
 *   UI: listRuns, getRun, getSeries, getFullSeries, setNotes, setTags, archiveRuns, deleteRuns
 *   other processes' writes: if (store.hasExternalChanges()) { const c = store.changesSince(cursor); cursor = c.cursor }
 *   store.close()
 *
 * Every method is synchronous (better-sqlite3) and throws only StoreError (./errors.ts) for anything the file or the
 * caller got wrong; its `code` says which, its message names the file and what to do.
 *
 * Several processes may open the same file (the app, browser mode, a CLI sweep). Each registers as an owner with a
 * pid and a heartbeat; the runs it creates or starts are owned by it. A run left `queued` or `running` becomes
 * `interrupted` only when its owner is gone: it closed, or its pid is dead (or reused) on this host AND its heartbeat
 * is older than `staleAfterMs`; for an owner on another host the stale heartbeat alone decides.
 */
import { createHash, randomInt } from 'node:crypto'
import { existsSync, rmdirSync, statSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RunConfig } from '../../shared/config'
import type { ArtifactInfo, MetricSummary, RunSummaryHp } from '../../shared/api'
import { artifactNameProblem } from '../../shared/artifacts'
import type { ClusterRunInfo } from '../../shared/cluster'
import type { MetricPoint, RunStatus, runFinishedSchema, runStartedSchema } from '../../shared/protocol'
import type { z } from 'zod'
import packageJson from '../../../package.json'
import { configureConnection, openConnection, type Db, type OpenOptions } from './db'
import { M4, makeBuckets, type Buckets } from './downsample'
import { StoreError, toStoreError } from './errors'
import { GATELAB_APPLICATION_ID, LATEST_VERSION, migrate } from './migrations'
import { ownerProcessState, processIdentity, thisHost } from './owners'
import { checkOnOpen } from './integrity'
import { own } from '../../shared/keys'
import { recordedProgress } from './progress'
import { ensureReserve, openReadOnly, releaseReserve, removeStubs } from './diskspace'
import { Where } from './where'

export { StoreError } from './errors'
export type { StoreErrorCode } from './errors'

/** How often a host should call `heartbeat()`. */
export const HEARTBEAT_INTERVAL_MS = 5_000
/** An owner whose heartbeat is older than this (and whose pid is dead) is gone. Six missed heartbeats. */
export const DEFAULT_STALE_AFTER_MS = 30_000

export type OwnerKind = 'app' | 'browser' | 'cli' | 'test'

export interface StoreOpenOptions extends OpenOptions {
  owner: { kind: OwnerKind }
  /** See DEFAULT_STALE_AFTER_MS. */
  staleAfterMs?: number
  /**
   * 'full' (default): every commit is on disk before it returns, so even a power cut loses nothing committed.
   * 'normal': commits survive a crash of GateLab but the last ones may be lost to a power cut (never corrupted);
   * no fsync per commit. For bulk imports and benchmarks.
   */
  synchronous?: 'full' | 'normal'
  /** How long a write waits for another process's write lock before failing with `locked` (default 5000 ms). */
  busyTimeoutMs?: number
  /** Only read the lab: no owner row, no recovery, writes refused (see openReadOnly). */
  readOnly?: boolean
}

export interface NewRun {
  /** Normalized (normalizeRunConfig): stored complete; its name, notes and tags become the run's. */
  config: RunConfig
  sweepId?: string
  /** Free-form key that groups runs for comparisons (e.g. the sweep point without the seed). */
  groupKey?: string
  /** Keep this id instead of making one (a run imported from a Slurm sweep bundle keeps the id it was submitted with). */
  id?: string
}

export type RunStartInfo = Omit<z.infer<typeof runStartedSchema>, 'type' | 'runId'>
export type RunFinishInfo = Omit<z.infer<typeof runFinishedSchema>, 'type' | 'seq' | 'runId'>
export type ArtifactKind = 'weights' | 'topology' | 'predictions' | 'report' | (string & {})

/** Per metric of a run: count, last value and extremes with where they happened; the API's own type. */
export type { MetricSummary }

/** One row of a run list: everything a table shows, without the config JSON. */
export interface RunRow {
  id: string
  name: string
  status: RunStatus
  archived: boolean
  cell: string
  /** The config's task: adding, copy, …, data:NAME, csv:PATH. */
  task: string
  /** The dataset's name once the trainer built it (run:started), else null. */
  datasetName: string | null
  datasetHash: string | null
  seed: number | null
  backend: string | null
  engine: string | null
  cellForm: string | null
  paramCount: number | null
  totalSteps: number | null
  epochs: number | null
  steps: number | null
  durationMs: number | null
  /** ISO 8601 times (UTC). */
  createdAt: string
  startedAt: string | null
  endedAt: string | null
  updatedAt: string
  sweepId: string | null
  groupKey: string | null
  error: string | null
  tags: string[]
  /** Key hyperparameters from the config, for tables. */
  hp: RunSummaryHp
  /** From run:finished: the watched metric's best value and its epoch. */
  best: RunFinishInfo['best']
  summary: Record<string, MetricSummary>
}

export type { ArtifactInfo }

/** Everything about one run. */
export interface RunRecord extends RunRow {
  config: RunConfig
  notes: string
  versions: Record<string, string> | null
  /** What the trainer reported about the data (run:started), or null before that. */
  dataset: RunStartInfo['dataset'] | null
  final: Record<string, number> | null
  test: Record<string, number> | null
  artifacts: ArtifactInfo[]
  owner: { pid: number; hostname: string; kind: string; heartbeatAt: number; closedAt: number | null } | null
}

export interface RunQuery {
  status?: RunStatus | RunStatus[]
  cell?: string | string[]
  /** Matches the dataset name or the config's task. */
  dataset?: string
  /** Every tag given must be on the run. */
  tag?: string | string[]
  sweepId?: string
  groupKey?: string
  ids?: string[]
  /** Case-insensitive substring of the name or the notes. */
  text?: string
  /** Archived runs are hidden unless asked for. */
  archived?: 'exclude' | 'include' | 'only'
  /** A column (createdAt, name, status, cell, task, dataset, paramCount, durationMs, …) or `summary:METRIC:STAT`
   * with STAT one of last, min, max, count. Default createdAt. Missing values sort last in both orders. */
  sort?: string
  order?: 'asc' | 'desc'
  /** Default 100, at most 100,000. */
  limit?: number
  offset?: number
}

export type SeriesX = 'step' | 'epoch' | 'wallMs'

export interface SeriesQuery {
  /** At most 100 runs. */
  runIds: string[]
  metric: string
  x?: SeriesX
  /** Point budget per run (default 1000). */
  points?: number
  /** Only points with x in [min, max]; by default the x range spanned by all the runs. */
  range?: [number, number]
}

export interface Series {
  runId: string
  metric: string
  x: SeriesX
  /** [x, y] pairs in ascending x (NaN values are left out: they cannot be drawn). */
  points: [number, number][]
  /** True when points were dropped to fit the budget. */
  downsampled: boolean
  /** Drawable points in range at full resolution. */
  total: number
  /** The step of the series's last recorded point (whatever the range), null when it has none: live points after it are newer. */
  lastStep: number | null
}

export interface SeriesResult {
  metric: string
  x: SeriesX
  /** The shared x range the buckets cut, or null when no run has this metric. */
  range: [number, number] | null
  buckets: number
  series: Series[]
  /** Requested ids that are not (or no longer) in the store. */
  missing: string[]
}

export interface SweepRecord {
  id: string
  name: string
  spec: unknown
  createdAt: number
}

/** A run trained by a Slurm array task (src/main/cluster/), as the importer and the watcher see it. */
export type ClusterRunRow = Omit<ClusterRunInfo, 'runId'> & {
  id: string
  /** How far the importer has read the attempt's metrics file (src/main/cluster/importer.ts). */
  importedBytes: number
  importedLines: number
}

/** One exactly-once import step of a cluster run (Store.importClusterStep). */
export interface ClusterImportStep {
  /** The attempt and byte count the importer read from the store before reading the files. */
  expect: { attempt: number | null; bytes: number }
  attempt: number
  /** The attempt's run:started facts, when the run is not running yet. */
  started?: RunStartInfo | null
  points: readonly MetricPoint[]
  /** Bytes and lines of the attempt's metrics.jsonl imported after this step. */
  bytes: number
  lines: number
  artifacts?: readonly { kind: ArtifactKind; name: string; mediaType: string; data: Uint8Array }[]
  log?: string
  /** The summary's outcome: the run's final state. */
  finish?: RunFinishInfo
}

export interface Changes {
  /** Pass this back next time. */
  cursor: number
  changed: RunRow[]
  deleted: string[]
}

/** Rows per multi-row metrics INSERT (7 parameters each; SQLite allows 32,766 per statement). */
const INSERT_CHUNK = 64

const statuses: readonly RunStatus[] = ['queued', 'preparing', 'running', 'completed', 'failed', 'cancelled', 'interrupted']
/** A queued run whose trainer is building its data and model reads as "preparing" (migration 4, src/main/limits). */
/** A run id among a JSON array of ids (one parameter, however many ids). */
const RUN_ID_IN = 'r.id in (select value from json_each(?))'
const STATUS_EXPR = `(case when r.status = 'queued' and r.preparing_at is not null then 'preparing' else r.status end)`
const finishedStatuses = new Set<RunStatus>(['completed', 'failed', 'cancelled'])

const sortColumns: Record<string, string> = {
  id: 'r.id',
  name: 'r.name',
  status: STATUS_EXPR,
  cell: 'r.cell',
  task: 'r.task',
  dataset: 'r.dataset_name',
  seed: 'r.seed',
  backend: 'r.backend',
  engine: 'r.engine',
  paramCount: 'r.param_count',
  totalSteps: 'r.total_steps',
  epochs: 'r.epochs',
  steps: 'r.steps',
  durationMs: 'r.duration_ms',
  createdAt: 'r.created_at',
  startedAt: 'r.started_at',
  endedAt: 'r.ended_at',
  updatedAt: 'r.updated_at',
  sweepId: 'r.sweep_id',
  groupKey: 'r.group_key'
}
const notNullSortColumns = new Set(['id', 'name', 'status', 'cell', 'task', 'createdAt', 'updatedAt'])
const summaryStats: Record<string, string> = { last: 'last', min: 'min', max: 'max', count: 'count' }
const seriesColumns: Record<SeriesX, string> = { step: 'step', epoch: 'epoch', wallMs: 'wall_ms' }

const ROW_COLUMNS = `r.rid, r.id, r.name, ${STATUS_EXPR} as status, r.archived, r.cell, r.task, r.dataset_name, r.dataset_hash, r.seed,
  r.backend, r.engine, r.cell_form, r.param_count, r.total_steps, r.epochs, r.steps, r.duration_ms, r.created_at,
  r.started_at, r.ended_at, r.updated_at, r.sweep_id, r.group_key, r.error, r.best,
  json_object('units', json_extract(r.config, '$.units'), 'layers', json_extract(r.config, '$.layers'), 'lr', json_extract(r.config, '$.lr'),
    'batch', json_extract(r.config, '$.batch'), 'epochs', json_extract(r.config, '$.epochs'), 'optimizer', json_extract(r.config, '$.optimizer'),
    'seqLen', json_extract(r.config, '$.seqLen'),
    -- The settings that applied (src/shared/runSettings.ts): the data keys of the config and what the trainer recorded.
    'samples', json_extract(r.config, '$.samples'), 'valSamples', json_extract(r.config, '$.valSamples'), 'testSamples', json_extract(r.config, '$.testSamples'),
    'target', json_extract(r.config, '$.target'), 'features', json_extract(r.config, '$.features'), 'lookback', json_extract(r.config, '$.lookback'),
    'horizon', json_extract(r.config, '$.horizon'), 'stride', json_extract(r.config, '$.stride'),
    'valFraction', json_extract(r.config, '$.valFraction'), 'testFraction', json_extract(r.config, '$.testFraction'),
    'data', case when r.dataset is null then null else json_object('train', json_extract(r.dataset, '$.train'), 'val', json_extract(r.dataset, '$.val'),
      'test', json_extract(r.dataset, '$.test'), 'window', json_extract(r.dataset, '$.meta.table.window'),
      'features', json_extract(r.dataset, '$.meta.features'), 'targets', json_extract(r.dataset, '$.meta.targets')) end) as hp`

interface RowDb {
  rid: number
  id: string
  name: string
  status: RunStatus
  archived: number
  cell: string
  task: string
  dataset_name: string | null
  dataset_hash: string | null
  seed: number | null
  backend: string | null
  engine: string | null
  cell_form: string | null
  param_count: number | null
  total_steps: number | null
  epochs: number | null
  steps: number | null
  duration_ms: number | null
  created_at: number
  started_at: number | null
  ended_at: number | null
  updated_at: number
  sweep_id: string | null
  group_key: string | null
  error: string | null
  best: string | null
  hp: string
}

interface SummaryDb {
  run_rid: number
  name: string
  count: number
  last: number | null
  last_step: number | null
  last_epoch: number | null
  min: number | null
  min_step: number | null
  min_epoch: number | null
  max: number | null
  max_step: number | null
  max_epoch: number | null
}

interface OwnerDb {
  id: number
  pid: number
  hostname: string
  kind: string
  identity: string | null
  heartbeat_at: number
  closed_at: number | null
}

/**
 * Run ids read as their creation time in UTC plus four random characters, e.g. `20261128-064512-k3f9`: sortable as
 * strings in creation order (to the second), readable in a terminal, and unique enough that a clash (retried) is rare
 * even with several processes creating runs in the same second. Sweep ids are the same with a `sweep-` prefix.
 */
export function newId(now: number, prefix = ''): string {
  const iso = new Date(now).toISOString() // 2026-11-28T06:45:12.345Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'
  let suffix = ''
  for (let i = 0; i < 4; i++) suffix += alphabet[randomInt(alphabet.length)]
  return `${prefix}${stamp}-${suffix}`
}

export class Store {
  readonly path: string
  readonly ownerId: number
  private readonly staleAfterMs: number
  private readonly ridCache = new Map<string, number>()
  private readonly nameCache = new Map<string, number>()
  private lastDataVersion: number
  private pollCursor: number
  private closed = false
  /** What Store.open created (a new file, the folders above it), for closeDiscardingIfNew. */
  private createdOnOpen: { created: string[]; had: { shm: boolean; wal: boolean } } | null = null
  /** Set by the first SQLITE_CORRUPT: from then on this store refuses every write to the file (the error says why). */
  private damage: StoreError | undefined
  private readonly stmt: ReturnType<Store['prepareStatements']>
  /** Opened with `readOnly` (or by openReadOnly): no owner row, every write refused. */
  readonly readOnly: boolean
  private cleanupReadOnly: (() => void) | undefined

  private constructor(
    private readonly db: Db,
    path: string,
    options: StoreOpenOptions
  ) {
    this.path = path
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
    this.stmt = this.prepareStatements()
    const now = Date.now()
    this.readOnly = options.readOnly === true
    this.ownerId = this.readOnly ? 0 : Number(
      this.db
        .prepare('insert into owners (pid, hostname, kind, identity, started_at, heartbeat_at) values (?, ?, ?, ?, ?, ?)')
        .run(process.pid, thisHost, options.owner.kind, processIdentity(process.pid), now, now).lastInsertRowid
    )
    this.lastDataVersion = this.dataVersion()
    this.pollCursor = this.currentCursor()
  }

  /**
   * Opens (or creates) the lab database at `path`, upgrades its schema, registers this process as an owner and marks
   * as interrupted the runs whose owner is gone. A file that is not SQLite, not GateLab's, or from a newer GateLab is
   * refused with a StoreError and left byte-for-byte unchanged.
   */
  static open(path: string, options: StoreOpenOptions): Store {
    if (options.readOnly) return Store.openReadOnly(path, options)
    const created: string[] = []
    const had = { shm: existsSync(`${path}-shm`), wal: existsSync(`${path}-wal`) }
    let db: Db
    try {
      db = openConnection(path, { ...options, onCreated: (p) => created.push(p) })
    } catch (error) {
      removeCreated(path, created, had)
      removeStubs(path, had)
      throw error
    }
    try {
      const fresh = checkFile(db, path) === 'empty'
      // Damage is caught before the first write (WAL mode, the owner row, migrations): docs/RELIABILITY.md.
      if (!fresh) checkOnOpen(db, path)
      // auto_vacuum must be chosen before the file's first page is written (WAL mode writes it): incremental lets
      // deleteRuns give space back to the file system.
      if (fresh) db.pragma('auto_vacuum = INCREMENTAL')
      configureConnection(db, path)
      if (options.synchronous === 'normal') db.pragma('synchronous = NORMAL')
      if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs))}`)
      try {
        migrate(db, packageJson.version)
      } catch (error) {
        throw toStoreError(error, path, 'upgrade the lab database')
      }
      const store = new Store(db, path, options)
      if (created.length > 0) store.createdOnOpen = { created, had }
      store.recoverInterrupted()
      store.forgetOldOwners()
      ensureReserve(path)
      return store
    } catch (error) {
      if (db.open) db.close()
      // A lab that could not be created or opened (a full disk) leaves nothing behind: no empty file, no -wal or -shm
      // stubs that were not there before.
      removeCreated(path, created, had)
      removeStubs(path, had)
      throw toStoreError(error, path, 'open the lab database')
    }
  }

  /**
   * Opens a lab only to read it (no owner row, no recovery, every write refused): what `gatelab runs` and `show` fall
   * back to when the disk is full. On a disk so full that SQLite cannot make its -shm file, a copy is read instead.
   */
  static openReadOnly(path: string, options: StoreOpenOptions): Store {
    if (!existsSync(path)) {
      throw new StoreError('not_found', `There is no GateLab database at ${path}. Check the path given with --db or GATELAB_DB.`, { path })
    }
    let opened: ReturnType<typeof openReadOnly>
    try {
      opened = openReadOnly(path)
    } catch (error) {
      throw toStoreError(error, path, 'open the lab database')
    }
    const { db } = opened
    try {
      if (checkFile(db, path) === 'empty') throw new StoreError('not_found', `${path} is an empty file, not a GateLab lab yet.`, { path })
      checkOnOpen(db, path)
      if ((db.pragma('user_version', { simple: true }) as number) < LATEST_VERSION) {
        throw new StoreError('readonly', `${path} needs a schema upgrade, which cannot be written now. Free some space, then open it again.`, { path })
      }
      const store = new Store(db, path, { ...options, readOnly: true })
      store.cleanupReadOnly = opened.cleanup
      return store
    } catch (error) {
      if (db.open) db.close()
      opened.cleanup()
      throw toStoreError(error, path, 'open the lab database')
    }
  }

  /** The schema version of the file (PRAGMA user_version). */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  // -------------------------------------------------------------------------------------------------------------
  // Runs: life cycle

  createRun(input: NewRun): RunRecord {
    return this.getRun(this.createRuns([input])[0]!)
  }

  /** Creates several runs in one transaction (a sweep's runs appear together, or not at all). Returns their ids in order. */
  createRuns(inputs: readonly NewRun[]): string[] {
    for (const { config } of inputs) {
      if (!config || typeof config.cell !== 'string' || typeof config.task !== 'string') {
        throw new StoreError('invalid', 'createRun needs a normalized run configuration (see normalizeRunConfig).')
      }
    }
    return this.write('create runs in', () => inputs.map((input) => this.insertRun(input)))
  }

  private insertRun(input: NewRun): string {
    const { config } = input
    if (input.sweepId !== undefined && !this.db.prepare('select 1 from sweeps where id = ?').get(input.sweepId)) {
      throw new StoreError('not_found', `There is no sweep "${input.sweepId}" in ${this.path}.`, { path: this.path })
    }
    const now = Date.now()
    const seq = this.bump()
    for (let attempt = 0; ; attempt++) {
      const id = input.id ?? newId(now)
      try {
        const rid = Number(
          this.stmt.insertRun.run({
            id,
            name: config.name ?? '',
            status: 'queued',
            created_at: now,
            updated_at: now,
            cell: config.cell,
            task: config.task,
            seed: config.seed ?? null,
            config: JSON.stringify(config),
            notes: config.notes ?? '',
            sweep_id: input.sweepId ?? null,
            group_key: input.groupKey ?? null,
            owner_id: this.ownerId,
            seq
          }).lastInsertRowid
        )
        this.writeTags(rid, config.tags ?? [])
        return id
      } catch (error) {
        // Another run got the same id this second: draw another suffix.
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && attempt < 10 && input.id === undefined) continue
        throw error
      }
    }
  }

  /** A trainer began building a queued run's data and model: it reads as "preparing" until startRun. */
  markPreparing(id: string): void {
    this.write('mark a run preparing in', () => {
      const now = Date.now()
      this.db.prepare(`update runs set preparing_at = ?, updated_at = ?, seq = ? where rid = ? and status = 'queued'`).run(now, now, this.bump(), this.rid(id))
    })
  }

  /** A lab setting (the `settings` table, one JSON value per key), or undefined when it is not set. */
  getSetting(key: string): unknown {
    const row = this.db.prepare('select value from settings where key = ?').get(key) as { value: string } | undefined
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown)
  }

  /** Sets a lab setting; undefined removes it (back to the default). */
  setSetting(key: string, value: unknown): void {
    this.write('save a setting in', () => {
      if (value === undefined) this.db.prepare('delete from settings where key = ?').run(key)
      else this.db.prepare('insert into settings (key, value) values (?, ?) on conflict(key) do update set value = excluded.value').run(key, JSON.stringify(value))
    })
  }

  /** The trainer built the model and the data: the run is now running, owned by this process. */
  startRun(id: string, info: RunStartInfo): void {
    this.write('start a run in', () => {
      const rid = this.rid(id)
      const now = Date.now()
      const changes = this.db
        .prepare(
          `update runs set status = 'running', started_at = ?, updated_at = ?, seq = ?, owner_id = ?, backend = ?,
             engine = ?, cell_form = ?, param_count = ?, versions = ?, dataset_name = ?, dataset_hash = ?, dataset = ?,
             total_steps = ?
           where rid = ? and status in ('queued', 'interrupted')`
        )
        .run(
          now,
          now,
          this.bump(),
          this.ownerId,
          info.backend,
          info.engine,
          info.cellForm,
          info.paramCount,
          JSON.stringify(info.versions),
          info.dataset.name,
          info.dataset.contentHash,
          JSON.stringify(info.dataset),
          info.totalSteps,
          rid
        ).changes
      if (changes === 0) this.wrongState(id, 'start', 'queued')
    })
  }

  /**
   * Appends a batch of metric points in one transaction and updates the run's per-metric summary. Points keep their
   * arrival order; nothing is deduplicated (a per-batch and a per-epoch point may share a step).
   */
  appendMetrics(id: string, points: readonly MetricPoint[]): void {
    if (points.length === 0) return
    this.write('record metrics in', () => {
      const rid = this.rid(id)
      const sums = new Map<number, SummaryAcc>()
      const insert = this.stmt.insertMetric
      // Rows go to SQLite INSERT_CHUNK at a time through one multi-row statement: far fewer calls across the
      // JavaScript/native boundary than one call per row.
      const many = this.stmt.insertMetrics
      const buffer: (number | null)[] = []
      // Each point's arrival number within its series continues from the summary's count (same transaction).
      const next = new Map<number, number>()
      for (const p of points) {
        if (!Number.isInteger(p.step) || !Number.isInteger(p.epoch) || typeof p.wallMs !== 'number' || typeof p.value !== 'number') {
          throw new StoreError('invalid', `A metric point of run ${id} is malformed: ${JSON.stringify(p)}`)
        }
        const nameId = this.nameId(p.name)
        const value = Number.isNaN(p.value) ? null : p.value
        let seq = next.get(nameId)
        if (seq === undefined) seq = (this.stmt.seriesCount.get(rid, nameId) as number | undefined) ?? 0
        next.set(nameId, seq + 1)
        buffer.push(rid, nameId, seq, p.epoch, p.step, p.wallMs, value)
        if (buffer.length === INSERT_CHUNK * 7) {
          many.run(buffer)
          buffer.length = 0
        }
        let s = sums.get(nameId)
        if (!s) {
          s = { count: 0, last: null, lastStep: 0, lastEpoch: 0, min: null, minStep: null, minEpoch: null, max: null, maxStep: null, maxEpoch: null }
          sums.set(nameId, s)
        }
        s.count++
        s.last = value
        s.lastStep = p.step
        s.lastEpoch = p.epoch
        if (value !== null) {
          if (s.min === null || value < s.min) {
            s.min = value
            s.minStep = p.step
            s.minEpoch = p.epoch
          }
          if (s.max === null || value > s.max) {
            s.max = value
            s.maxStep = p.step
            s.maxEpoch = p.epoch
          }
        }
      }
      for (let i = 0; i < buffer.length; i += 7) insert.run(buffer.slice(i, i + 7))
      for (const [nameId, s] of sums) {
        this.stmt.upsertSummary.run(rid, nameId, s.count, s.last, s.lastStep, s.lastEpoch, s.min, s.minStep, s.minEpoch, s.max, s.maxStep, s.maxEpoch)
      }
      this.touch(rid)
    })
  }

  finishRun(id: string, info: RunFinishInfo): void {
    if (!finishedStatuses.has(info.status)) {
      throw new StoreError('invalid', `finishRun: status must be completed, failed or cancelled, not "${String(info.status)}"`)
    }
    this.write('finish a run in', () => {
      const rid = this.rid(id)
      const now = Date.now()
      // A run that ended without the trainer's own count (killed, crashed, full disk) keeps what its metrics show.
      if (info.status !== 'completed' && !info.epochs && !info.steps) {
        const recorded = recordedProgress(this.db, rid)
        info = { ...info, epochs: recorded.epochs ?? info.epochs, steps: recorded.steps ?? info.steps, best: info.best ?? recorded.best }
      }
      // An interrupted run may still finish: the owner was only presumed gone (e.g. a machine that slept).
      const changes = this.db
        .prepare(
          `update runs set status = ?, ended_at = ?, updated_at = ?, seq = ?, error = ?, final = ?, test = ?, best = ?,
             epochs = ?, steps = ?, duration_ms = ?
           where rid = ? and status in ('queued', 'running', 'interrupted')`
        )
        .run(
          info.status,
          now,
          now,
          this.bump(),
          info.error ?? null,
          JSON.stringify(info.final),
          JSON.stringify(info.test),
          JSON.stringify(info.best),
          info.epochs,
          info.steps,
          info.durationMs,
          rid
        ).changes
      if (changes === 0) this.wrongState(id, 'finish', 'queued, running or interrupted')
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Artifacts and logs

  /** Stores a file the run produced. The same name again replaces it (e.g. the best weights so far). */
  addArtifact(id: string, artifact: { kind: ArtifactKind; name: string; mediaType: string; data: Uint8Array }): ArtifactInfo {
    const nameProblem = artifactNameProblem(artifact.name) // a plain file name (src/shared/artifacts.ts)
    if (nameProblem) throw new StoreError('invalid', nameProblem)
    const sha256 = createHash('sha256').update(artifact.data).digest('hex')
    const createdAt = Date.now()
    this.write('store an artifact in', () => {
      const rid = this.rid(id)
      this.db
        .prepare(
          `insert into artifacts (run_rid, kind, name, media_type, size, sha256, created_at, data) values (?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (run_rid, name) do update set kind = excluded.kind, media_type = excluded.media_type,
             size = excluded.size, sha256 = excluded.sha256, created_at = excluded.created_at, data = excluded.data`
        )
        .run(rid, artifact.kind, artifact.name, artifact.mediaType, artifact.data.byteLength, sha256, createdAt, artifact.data)
      this.touch(rid)
    })
    return { name: artifact.name, kind: artifact.kind, mediaType: artifact.mediaType, bytes: artifact.data.byteLength, sha256, createdAt: iso(createdAt) }
  }

  listArtifacts(id: string): ArtifactInfo[] {
    return this.read(() => this.artifactsOf(this.rid(id)))
  }

  getArtifact(id: string, name: string): { info: ArtifactInfo; data: Uint8Array } {
    return this.read(() => {
      const row = this.db
        .prepare('select name, kind, media_type, size, sha256, created_at, data from artifacts where run_rid = ? and name = ?')
        .get(this.rid(id), name) as (ArtifactDb & { data: Buffer }) | undefined
      if (!row) throw new StoreError('not_found', `Run ${id} has no artifact named "${name}".`, { path: this.path })
      return { info: toArtifact(row), data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) }
    })
  }

  /** Bytes [offset, offset + length) of an artifact, its recorded facts and how many bytes the lab file holds (src/main/artifacts). */
  readArtifactRange(id: string, name: string, offset: number, length: number): { info: ArtifactInfo; stored: number; data: Uint8Array } {
    return this.read(() => {
      const row = this.db
        .prepare('select name, kind, media_type, size, sha256, created_at, length(data) as stored, substr(data, ?, ?) as data from artifacts where run_rid = ? and name = ?')
        .get(offset + 1, length, this.rid(id), name) as (ArtifactDb & { stored: number; data: Buffer | null }) | undefined
      if (!row) throw new StoreError('not_found', `Run ${id} has no artifact named "${name}".`, { path: this.path })
      const data = row.data ?? Buffer.alloc(0)
      return { info: toArtifact(row), stored: row.stored, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
    })
  }

  /** Appends text to the run's trainer log (stdout/stderr as it arrives). */
  appendRunLog(id: string, text: string): void {
    if (text.length === 0) return
    this.write('save a run log in', () => {
      const rid = this.rid(id)
      this.db
        .prepare('insert into run_logs (run_rid, chunk, text) values (?, (select coalesce(max(chunk), 0) + 1 from run_logs where run_rid = ?), ?)')
        .run(rid, rid, text)
    })
  }

  /** Replaces the run's whole log. */
  setRunLog(id: string, text: string): void {
    this.write('save a run log in', () => {
      const rid = this.rid(id)
      this.db.prepare('delete from run_logs where run_rid = ?').run(rid)
      if (text.length > 0) this.db.prepare('insert into run_logs (run_rid, chunk, text) values (?, 1, ?)').run(rid, text)
    })
  }

  getRunLog(id: string): string {
    return this.read(() => {
      const rows = this.db.prepare('select text from run_logs where run_rid = ? order by chunk').pluck().all(this.rid(id)) as string[]
      return rows.join('')
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Editing

  /** Name, notes and tags in one transaction; returns the updated row. */
  updateRun(id: string, changes: { name?: string; notes?: string; tags?: readonly string[] }): RunRow {
    this.write('update a run in', () => {
      if (changes.name !== undefined) this.setName(id, changes.name)
      if (changes.notes !== undefined) this.setNotes(id, changes.notes)
      if (changes.tags !== undefined) this.setTags(id, changes.tags)
    })
    return this.getRunSummary(id)
  }

  setName(id: string, name: string): void {
    if (name.length > 200) throw new StoreError('invalid', 'A run name has at most 200 characters.')
    this.write('rename a run in', () => {
      const rid = this.rid(id)
      this.db.prepare('update runs set name = ? where rid = ?').run(name, rid)
      this.touch(rid)
    })
  }

  setNotes(id: string, notes: string): void {
    if (notes.length > 100_000) throw new StoreError('invalid', 'Run notes have at most 100,000 characters.')
    this.write('save notes in', () => {
      const rid = this.rid(id)
      this.db.prepare('update runs set notes = ? where rid = ?').run(notes, rid)
      this.touch(rid)
    })
  }

  /** Replaces the run's tags (trimmed, deduplicated, 1–64 characters each, at most 64). */
  setTags(id: string, tags: readonly string[]): string[] {
    const clean = normalizeTags(tags)
    this.write('save tags in', () => {
      const rid = this.rid(id)
      this.db.prepare('delete from run_tags where run_rid = ?').run(rid)
      this.writeTags(rid, clean)
      this.touch(rid)
    })
    return clean
  }

  /** Hides runs from the default listing (archived: true) or brings them back (false). Unknown ids are ignored. */
  archiveRuns(ids: readonly string[], archived = true): number {
    return this.write('archive runs in', () => {
      let n = 0
      for (const id of ids) {
        const rid = this.findRid(id)
        if (rid === undefined) continue
        n += this.db.prepare('update runs set archived = ? where rid = ? and archived != ?').run(archived ? 1 : 0, rid, archived ? 1 : 0).changes
        this.touch(rid)
      }
      return n
    })
  }

  /**
   * Deletes runs with their metrics, summaries, artifacts, tags and logs, then gives the space back to the file system
   * (incremental vacuum + WAL checkpoint). Returns the ids deleted; unknown ids are ignored.
   */
  deleteRuns(ids: readonly string[]): string[] {
    const deleted = this.write('delete runs from', () => {
      const done: string[] = []
      for (const id of ids) {
        const rid = this.findRid(id)
        if (rid === undefined) continue
        // Children first, in bulk: faster than letting the cascade find them one by one.
        this.db.prepare('delete from metrics where run_rid = ?').run(rid)
        this.db.prepare('delete from runs where rid = ?').run(rid)
        this.db.prepare('insert or replace into deleted_runs (id, seq) values (?, ?)').run(id, this.bump())
        this.ridCache.delete(id)
        done.push(id)
      }
      return done
    })
    if (deleted.length > 0) this.reclaimSpace()
    return deleted
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sweeps

  createSweep(input: { name?: string; spec?: unknown; id?: string }): SweepRecord {
    const createdAt = Date.now()
    const spec = input.spec ?? {}
    return this.write('create a sweep in', () => {
      for (let attempt = 0; ; attempt++) {
        const id = input.id ?? newId(createdAt, 'sweep-')
        try {
          this.db.prepare('insert into sweeps (id, name, spec, created_at) values (?, ?, ?, ?)').run(id, input.name ?? '', JSON.stringify(spec), createdAt)
          return { id, name: input.name ?? '', spec, createdAt }
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && attempt < 10 && input.id === undefined) continue
          throw error
        }
      }
    })
  }

  getSweep(id: string): SweepRecord {
    return this.read(() => {
      const row = this.db.prepare('select id, name, spec, created_at from sweeps where id = ?').get(id) as
        | { id: string; name: string; spec: string; created_at: number }
        | undefined
      if (!row) throw new StoreError('not_found', `There is no sweep "${id}" in ${this.path}.`, { path: this.path })
      return { id: row.id, name: row.name, spec: JSON.parse(row.spec) as unknown, createdAt: row.created_at }
    })
  }

  /** Every sweep, newest first, with how many of its runs are in each status (one grouped query, no run rows). */
  listSweeps(): (SweepRecord & { counts: Partial<Record<RunStatus, number>>; total: number })[] {
    return this.read(() => {
      const counts = new Map<string, Partial<Record<RunStatus, number>>>()
      for (const c of this.db.prepare('select sweep_id, status, count(*) as n from runs where sweep_id is not null group by sweep_id, status').all() as {
        sweep_id: string
        status: RunStatus
        n: number
      }[]) {
        const m = counts.get(c.sweep_id) ?? {}
        m[c.status] = c.n
        counts.set(c.sweep_id, m)
      }
      return (
        this.db.prepare('select id, name, spec, created_at from sweeps order by created_at desc, id desc').all() as {
          id: string
          name: string
          spec: string
          created_at: number
        }[]
      ).map((r) => {
        const c = counts.get(r.id) ?? {}
        return { id: r.id, name: r.name, spec: JSON.parse(r.spec) as unknown, createdAt: r.created_at, counts: c, total: Object.values(c).reduce((a, b) => a + b, 0) }
      })
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Queries

  listRuns(query: RunQuery = {}): { rows: RunRow[]; total: number } {
    const where = new Where()
    const archived = query.archived ?? 'exclude'
    if (archived === 'exclude') where.add('r.archived = 0')
    if (archived === 'only') where.add('r.archived = 1')
    const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v])
    const status = list(query.status)
    if (status) {
      for (const s of status) if (!statuses.includes(s)) throw new StoreError('invalid', `Unknown run status "${s}"; use one of ${statuses.join(', ')}.`)
      where.in(STATUS_EXPR, status)
    }
    const cells = list(query.cell)
    if (cells) where.in('r.cell', cells)
    if (query.dataset !== undefined) where.add('(r.dataset_name = ? or r.task = ?)', query.dataset, query.dataset)
    for (const tag of list(query.tag) ?? []) where.add('r.rid in (select run_rid from run_tags where tag = ?)', tag)
    if (query.sweepId !== undefined) where.add('r.sweep_id = ?', query.sweepId)
    if (query.groupKey !== undefined) where.add('r.group_key = ?', query.groupKey)
    if (query.ids !== undefined) where.add(RUN_ID_IN, JSON.stringify(query.ids))
    if (query.text !== undefined && query.text.trim() !== '') {
      const pattern = `%${query.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      where.add("(r.name like ? escape '\\' or r.notes like ? escape '\\')", pattern, pattern)
    }
    const whereSql = where.sql
    const params = where.params
    const limit = query.limit ?? 100
    const offset = query.offset ?? 0
    if (!Number.isInteger(limit) || limit < 0 || limit > 100_000) throw new StoreError('invalid', 'limit must be a whole number from 0 to 100000.')
    if (!Number.isInteger(offset) || offset < 0) throw new StoreError('invalid', 'offset must be a whole number ≥ 0.')
    const dir = query.order === 'asc' ? 'asc' : 'desc'

    let join = ''
    let orderExpr: string
    const sort = query.sort ?? 'createdAt'
    const summaryMatch = /^summary:(.+):([a-z]+)$/.exec(sort)
    const joinParams: unknown[] = []
    if (summaryMatch) {
      const stat = own(summaryStats, summaryMatch[2]!)
      if (!stat) throw new StoreError('invalid', `Unknown summary statistic in sort "${sort}"; use last, min, max or count.`)
      join = 'left join metric_summary s on s.run_rid = r.rid and s.name_id = (select id from metric_names where name = ?)'
      joinParams.push(summaryMatch[1])
      orderExpr = `s.${stat}`
    } else {
      const column = own(sortColumns, sort)
      if (!column) {
        throw new StoreError('invalid', `Cannot sort runs by "${sort}"; use one of ${Object.keys(sortColumns).join(', ')} or summary:METRIC:last|min|max|count.`)
      }
      orderExpr = column
    }
    // Missing values sort last in both orders; columns that are never null skip that term so an index can give the order.
    const order = notNullSortColumns.has(sort) ? `${orderExpr} ${dir}, r.rid ${dir}` : `${orderExpr} is null, ${orderExpr} ${dir}, r.rid ${dir}`
    return this.read(() => {
      const total = (this.db.prepare(`select count(*) from runs r ${whereSql}`).pluck().get(...params) as number) ?? 0
      // Two steps: choose the page by rid alone (the sorter then carries only the sort key), then read full rows for
      // that page only. Selecting every column in one query would build all rows (config JSON included) before sorting.
      const rids = this.db
        .prepare(`select r.rid from runs r ${join} ${whereSql} order by ${order} limit ? offset ?`)
        .pluck()
        .all(...joinParams, ...params, limit, offset) as number[]
      return { rows: this.rowsByRid(rids), total }
    })
  }

  getRun(id: string): RunRecord {
    return this.read(() => {
      const rid = this.rid(id)
      const row = this.db
        .prepare(`select ${ROW_COLUMNS}, r.config, r.notes, r.versions, r.dataset, r.final, r.test, r.owner_id from runs r where r.rid = ?`)
        .get(rid) as
        | (RowDb & { config: string; notes: string; versions: string | null; dataset: string | null; final: string | null; test: string | null; owner_id: number | null })
        | undefined
      if (!row) throw this.notFound(id)
      const owner = row.owner_id === null ? undefined : (this.db.prepare('select * from owners where id = ?').get(row.owner_id) as OwnerDb | undefined)
      const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T))
      return {
        ...this.toRows([row])[0]!,
        config: JSON.parse(row.config) as RunConfig,
        notes: row.notes,
        versions: parse(row.versions),
        dataset: parse(row.dataset),
        final: parse(row.final),
        test: parse(row.test),
        artifacts: this.artifactsOf(rid),
        owner: owner ? { pid: owner.pid, hostname: owner.hostname, kind: owner.kind, heartbeatAt: owner.heartbeat_at, closedAt: owner.closed_at } : null
      }
    })
  }

  /** The id of the one run whose id starts with `prefix` (e.g. `20261128-0645`), for the CLI. */
  resolveRunId(prefix: string): string {
    return this.read(() => {
      const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`)
      const ids = this.db.prepare("select id from runs where id like ? escape '\\' order by id limit 6").pluck().all(`${escaped}%`) as string[]
      if (ids.includes(prefix)) return prefix
      if (ids.length === 1) return ids[0]!
      if (ids.length === 0) throw this.notFound(prefix)
      throw new StoreError('invalid', `"${prefix}" matches several runs (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); give more of the id.`)
    })
  }

  /**
   * One metric for up to 100 runs, downsampled on the host to `points` per run with M4 (./downsample.ts) on buckets
   * shared by every run, so the curves of a comparison are sampled at the same x positions.
   */
  getSeries(query: SeriesQuery): SeriesResult {
    const x = query.x ?? 'step'
    const col = seriesColumns[x]
    if (!col) throw new StoreError('invalid', `x must be step, epoch or wallMs, not "${String(x)}".`)
    const budget = query.points ?? 1000
    if (!Number.isInteger(budget) || budget < 4 || budget > 1_000_000) throw new StoreError('invalid', 'points must be a whole number from 4 to 1000000.')
    if (query.runIds.length > 100) throw new StoreError('invalid', `getSeries takes at most 100 runs at once, not ${query.runIds.length}.`)
    if (query.range && !(query.range[0] <= query.range[1])) throw new StoreError('invalid', 'range must be [min, max] with min ≤ max.')
    return this.read(() => {
      const nameId = this.db.prepare('select id from metric_names where name = ?').pluck().get(query.metric) as number | undefined
      const runs: { id: string; rid: number }[] = []
      const missing: string[] = []
      for (const id of query.runIds) {
        const rid = this.findRid(id)
        if (rid === undefined) missing.push(id)
        else runs.push({ id, rid })
      }
      let range: [number, number] | null = query.range ?? null
      if (!range && nameId !== undefined) {
        // One pass over each series, inside SQLite (no row reaches JavaScript).
        const extent = this.db.prepare(`select min(${col}), max(${col}) from metrics where run_rid = ? and name_id = ?`).raw(true)
        let lo = Infinity
        let hi = -Infinity
        for (const r of runs) {
          const [a, b] = extent.get(r.rid, nameId) as [number | null, number | null]
          if (a !== null && a < lo) lo = a
          if (b !== null && b > hi) hi = b
        }
        if (lo <= hi) range = [lo, hi]
      }
      const buckets = makeBuckets(range?.[0] ?? 0, range?.[1] ?? 0, budget)
      const series: Series[] = []
      for (const r of runs) {
        const { points, total, downsampled } = nameId === undefined || !range ? { points: [], total: 0, downsampled: false } : this.seriesOf(r.rid, nameId, col, range, buckets, budget)
        const lastStep = nameId === undefined ? null : ((this.db.prepare('select last_step from metric_summary where run_rid = ? and name_id = ?').pluck().get(r.rid, nameId) as number | null | undefined) ?? null)
        series.push({ runId: r.id, metric: query.metric, x, points, downsampled, total, lastStep })
      }
      return { metric: query.metric, x, range, buckets: buckets.count, series, missing }
    })
  }

  /**
   * One run's series on the shared buckets: its rows in one read (a contiguous stretch of the clustered metrics
   * table), reduced by M4 in JavaScript. (Computing the bucket extremes with GROUP BY in SQL was measured slower: each
   * pass sorts.)
   */
  private seriesOf(
    rid: number,
    nameId: number,
    col: string,
    range: [number, number],
    buckets: Buckets,
    budget: number
  ): { points: [number, number][]; total: number; downsampled: boolean } {
    const rows = this.db
      .prepare(`select ${col}, value from metrics where run_rid = ? and name_id = ? and ${col} between ? and ?`)
      .raw(true)
      .all(rid, nameId, range[0], range[1]) as [number, number | null][]
    const m4 = new M4(buckets, budget)
    for (const [px, py] of rows) m4.add(px, py)
    const { x: xs, y: ys } = m4.result()
    return { points: xs.map((v, i) => [v, ys[i]!]), total: m4.count, downsampled: !m4.complete }
  }

  /**
   * Every point of a run at full resolution (all metrics, or the names given), for export: ordered by metric name, then
   * arrival (a trainer sends points in step order). A NaN value comes back as NaN.
   */
  getFullSeries(id: string, metrics?: readonly string[]): MetricPoint[] {
    return this.read(() => {
      const rid = this.rid(id)
      const names = this.db
        .prepare('select n.id, n.name from metric_summary s join metric_names n on n.id = s.name_id where s.run_rid = ? order by n.name')
        .all(rid) as { id: number; name: string }[]
      const wanted = metrics ? names.filter((n) => metrics.includes(n.name)) : names
      const stmt = this.db.prepare('select epoch, step, wall_ms, value from metrics where run_rid = ? and name_id = ? order by seq').raw(true)
      const out: MetricPoint[] = []
      for (const n of wanted) {
        for (const [epoch, step, wallMs, value] of stmt.iterate(rid, n.id) as Iterable<[number, number, number, number | null]>) {
          out.push({ epoch, step, wallMs, name: n.name, value: value ?? NaN })
        }
      }
      return out
    })
  }

  /** The metric names recorded by any of these runs (sorted), for chart pickers. Unknown ids are ignored. */
  listMetricNames(runIds: readonly string[]): string[] {
    return this.read(
      () =>
        this.db
          .prepare(
            `select distinct n.name from metric_summary s join metric_names n on n.id = s.name_id
             where s.run_rid in (select rid from runs where id in (select value from json_each(?))) order by n.name`
          )
          .pluck()
          .all(JSON.stringify(runIds)) as string[]
    )
  }

  /** One run's list row (no config, artifacts or notes). */
  getRunSummary(id: string): RunRow {
    return this.read(() => {
      const row = this.db.prepare(`select ${ROW_COLUMNS} from runs r where r.rid = ?`).get(this.rid(id)) as RowDb | undefined
      if (!row) throw this.notFound(id)
      return this.toRows([row])[0]!
    })
  }

  sqliteVersion(): string {
    return this.read(() => this.db.prepare('select sqlite_version()').pluck().get() as string)
  }

  // -------------------------------------------------------------------------------------------------------------
  // Several processes, one file

  /**
   * True when another connection (another process, or another Store on this file) committed since the last call.
   * One PRAGMA, no table read: cheap enough to poll every few hundred milliseconds.
   */
  hasExternalChanges(): boolean {
    const v = this.dataVersion()
    const changed = v !== this.lastDataVersion
    this.lastDataVersion = v
    return changed
  }

  /** The runs changed or deleted (by any process) since `cursor`; start from 0, or from `currentCursor()`. */
  changesSince(cursor: number): Changes {
    return this.read(() => {
      const now = this.db.prepare("select value from counters where name = 'change_seq'").pluck().get() as number
      const rows = this.db.prepare(`select ${ROW_COLUMNS} from runs r where r.seq > ? order by r.seq`).all(cursor) as RowDb[]
      const deleted = this.db.prepare('select id from deleted_runs where seq > ? order by seq').pluck().all(cursor) as string[]
      for (const id of deleted) this.ridCache.delete(id)
      return { cursor: now, changed: this.toRows(rows), deleted }
    })
  }

  /**
   * The ids of runs changed and deleted (by any process, this one included) since the previous call; the first call
   * reports what changed since the store was opened.
   */
  pollChanges(): { changed: string[]; deleted: string[] } {
    return this.read(() => {
      const cursor = this.pollCursor
      const now = this.db.prepare("select value from counters where name = 'change_seq'").pluck().get() as number
      if (now === cursor) return { changed: [], deleted: [] }
      const changed = this.db.prepare('select id from runs where seq > ? order by seq').pluck().all(cursor) as string[]
      const deleted = this.db.prepare('select id from deleted_runs where seq > ? order by seq').pluck().all(cursor) as string[]
      for (const id of deleted) this.ridCache.delete(id)
      this.pollCursor = now
      return { changed, deleted }
    })
  }

  /** pollChanges().changed, for callers that learn about deletions elsewhere. */
  changedRunsSince(): string[] {
    return this.pollChanges().changed
  }

  currentCursor(): number {
    return this.read(() => this.db.prepare("select value from counters where name = 'change_seq'").pluck().get() as number)
  }

  /** Records that this process is alive, then marks as interrupted the runs of owners that are gone. Returns those ids. */
  heartbeat(): string[] {
    this.write('record a heartbeat in', () => {
      this.db.prepare('update owners set heartbeat_at = ? where id = ?').run(Date.now(), this.ownerId)
    })
    return this.recoverInterrupted()
  }

  /** Marks as interrupted every queued or running run whose owner is gone (see the header). Returns their ids. */
  recoverInterrupted(): string[] {
    return this.write('recover interrupted runs in', () => {
      const now = Date.now()
      const candidates = this.db
        .prepare(
          `select r.rid, r.id, o.id as owner, o.pid, o.hostname, o.kind, o.identity, o.heartbeat_at, o.closed_at
           from runs r left join owners o on o.id = r.owner_id
           where r.status in ('queued', 'running') and (r.owner_id is null or r.owner_id != ?)
             and not exists (select 1 from cluster_runs c where c.run_rid = r.rid)`
        )
        .all(this.ownerId) as Array<Omit<OwnerDb, 'id'> & { rid: number; id: string; owner: number | null }>
      const done: string[] = []
      for (const c of candidates) {
        let gone: boolean
        if (c.owner === null || c.closed_at !== null) gone = true
        else {
          const state = ownerProcessState({ pid: c.pid, hostname: c.hostname, identity: c.identity })
          gone = state !== 'alive' && now - c.heartbeat_at > this.staleAfterMs
        }
        if (!gone) continue
        const who = c.owner === null ? 'an unknown process' : `GateLab ${c.kind} process ${c.pid} on ${c.hostname}`
        this.interrupt(c.rid, `Interrupted: ${who} stopped before the run finished. Metrics recorded until then are kept.`, c.heartbeat_at ?? now)
        done.push(c.id)
      }
      return done
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Cluster (Slurm) runs. src/main/cluster/ owns the logic; these are its few writes, each one transaction. Cluster
  // runs are never marked interrupted by owner liveness (recoverInterrupted skips them): Slurm, not a GateLab
  // process, runs them, and the watcher ends them with Slurm's own state.

  /** Marks runs as trained by Slurm array tasks, with their results under bundleDir/results/RUN_ID. */
  addClusterRuns(rows: readonly { id: string; bundleDir: string; trial: number; jobId: string | null }[]): void {
    this.write('record cluster runs in', () => {
      const insert = this.db.prepare(
        `insert into cluster_runs (run_rid, bundle_dir, trial, job_id, updated_at) values (?, ?, ?, ?, ?)
         on conflict (run_rid) do update set bundle_dir = excluded.bundle_dir, trial = excluded.trial,
           job_id = coalesce(excluded.job_id, job_id), updated_at = excluded.updated_at`
      )
      const now = Date.now()
      for (const r of rows) {
        const rid = this.rid(r.id)
        insert.run(rid, r.bundleDir, r.trial, r.jobId, now)
        this.touch(rid)
      }
    })
  }

  /** The cluster runs of a bundle (or these ids, or all), in trial order, with their run status. */
  listClusterRuns(filter: { bundleDir?: string; ids?: readonly string[]; sweepId?: string } = {}): ClusterRunRow[] {
    const where = new Where()
    if (filter.bundleDir !== undefined) where.add('c.bundle_dir = ?', filter.bundleDir)
    if (filter.sweepId !== undefined) where.add('r.sweep_id = ?', filter.sweepId)
    if (filter.ids !== undefined) where.add(RUN_ID_IN, JSON.stringify(filter.ids))
    return this.read(
      () =>
        this.db
          .prepare(
            `select r.id, r.sweep_id as sweepId, r.status, c.bundle_dir as bundleDir, c.trial, c.job_id as jobId,
               c.slurm_state as slurmState, c.slurm_reason as slurmReason, c.attempt, c.imported_bytes as importedBytes,
               c.imported_lines as importedLines
             from cluster_runs c join runs r on r.rid = c.run_rid ${where.sql}
             order by c.bundle_dir, c.trial`
          )
          .all(...where.params) as ClusterRunRow[]
    )
  }

  /** Bundles with a run not yet in a final state, or whose task Slurm last showed as not ended (what a watcher follows). */
  activeClusterBundles(): string[] {
    return this.read(
      () =>
        this.db
          .prepare(
            `select distinct c.bundle_dir from cluster_runs c join runs r on r.rid = c.run_rid
             where r.status in ('queued', 'running', 'interrupted')
               or c.slurm_state in ('PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'REQUEUED', 'REQUEUE_HOLD', 'SIGNALING', 'RESIZING', 'STAGE_OUT')
             order by c.bundle_dir`
          )
          .pluck()
          .all() as string[]
    )
  }

  /** Records the scheduler's state of runs; a run whose state or reason changed is touched (watchers see it). */
  setClusterStates(rows: readonly { id: string; jobId?: string | null; state: string | null; reason: string | null }[]): number {
    return this.write('record Slurm states in', () => {
      let changed = 0
      const update = this.db.prepare(
        `update cluster_runs set slurm_state = ?, slurm_reason = ?, job_id = coalesce(?, job_id), updated_at = ?
         where run_rid = ? and (slurm_state is not ? or slurm_reason is not ? or (? is not null and job_id is not ?))`
      )
      for (const r of rows) {
        const rid = this.rid(r.id)
        const jobId = r.jobId ?? null
        if (update.run(r.state, r.reason, jobId, Date.now(), rid, r.state, r.reason, jobId, jobId).changes > 0) {
          this.touch(rid)
          changed++
        }
      }
      return changed
    })
  }

  /**
   * Applies one import step of a cluster run in one transaction, exactly once: it applies only if the run's imported
   * attempt and byte count are still those the importer read (`expect`), so two importers (the lab's watcher and
   * `gatelab import`) never both append the same lines. A different attempt than the one imported (a requeued task
   * that started over) first clears the earlier attempt's metrics, artifacts and outcome. Returns false when the
   * step no longer applies (read again and retry).
   */
  importClusterStep(id: string, step: ClusterImportStep): boolean {
    return this.write('import cluster results into', () => {
      const rid = this.rid(id)
      const row = this.db
        .prepare('select c.attempt, c.imported_bytes as bytes, r.status from cluster_runs c join runs r on r.rid = c.run_rid where c.run_rid = ?')
        .get(rid) as { attempt: number | null; bytes: number; status: RunStatus } | undefined
      if (!row) throw new StoreError('invalid', `Run ${id} is not a cluster run.`, { path: this.path })
      if (row.attempt !== step.expect.attempt || row.bytes !== step.expect.bytes) return false
      let status = row.status
      if (row.attempt !== step.attempt && (row.attempt !== null || finishedStatuses.has(status))) {
        for (const table of ['metrics', 'metric_summary', 'artifacts', 'run_logs']) this.db.prepare(`delete from ${table} where run_rid = ?`).run(rid)
        this.db
          .prepare(
            `update runs set status = 'queued', started_at = null, ended_at = null, final = null, test = null, best = null,
               error = null, epochs = null, steps = null, duration_ms = null where rid = ?`
          )
          .run(rid)
        status = 'queued'
      }
      if (step.started && (status === 'queued' || status === 'interrupted')) {
        this.startRun(id, step.started)
        status = 'running'
      }
      this.appendMetrics(id, step.points)
      for (const artifact of step.artifacts ?? []) this.addArtifact(id, artifact)
      if (step.log !== undefined) this.setRunLog(id, step.log)
      if (step.finish) {
        // A summary always wins, even over an outcome the watcher gave the run before the summary arrived.
        const f = step.finish
        this.db
          .prepare(
            `update runs set status = ?, ended_at = ?, updated_at = ?, error = ?, final = ?, test = ?, best = ?, epochs = ?,
               steps = ?, duration_ms = ? where rid = ?`
          )
          .run(f.status, Date.now(), Date.now(), f.error ?? null, JSON.stringify(f.final), JSON.stringify(f.test), JSON.stringify(f.best), f.epochs, f.steps, f.durationMs, rid)
      }
      this.db
        .prepare('update cluster_runs set attempt = ?, imported_bytes = ?, imported_lines = ?, updated_at = ? where run_rid = ?')
        .run(step.attempt, step.bytes, step.lines, Date.now(), rid)
      this.touch(rid)
      return true
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Maintenance

  /** PRAGMA integrity_check: ['ok'] for a sound file, else SQLite's list of problems. */
  integrityCheck(): string[] {
    return this.read(() => this.db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check)
  }

  /** A consistent copy of the lab at `destination` through SQLite's online backup API (see backup.ts). */
  async backup(destination: string): Promise<void> {
    if (this.closed) throw new StoreError('invalid', `The store for ${this.path} is closed.`, { path: this.path })
    await this.db.backup(destination)
  }

  /** Size of the database file and its WAL, in bytes. */
  fileSize(): { db: number; wal: number } {
    const size = (p: string): number => {
      try {
        return statSync(p).size
      } catch {
        return 0
      }
    }
    return { db: size(this.path), wal: size(`${this.path}-wal`) }
  }

  /**
   * Marks this process's own unfinished runs interrupted (a host that closes while training has lost its trainers),
   * records that this owner closed, and closes the file. Safe to call twice.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.damage || this.readOnly) {
      this.db.close() // a damaged file gets no more writes, not even the closing bookkeeping
      this.cleanupReadOnly?.()
      return
    }
    try {
      this.db
        .transaction(() => {
          // Cluster runs are Slurm's, not this process's: they go on after it closes.
          const own = this.db
            .prepare(
              `select rid from runs r where owner_id = ? and status in ('queued', 'running')
                 and not exists (select 1 from cluster_runs c where c.run_rid = r.rid)`
            )
            .pluck()
            .all(this.ownerId) as number[]
          for (const rid of own) this.interrupt(rid, 'Interrupted: GateLab closed before the run finished. Metrics recorded until then are kept.', Date.now())
          this.db.prepare('update owners set closed_at = ? where id = ?').run(Date.now(), this.ownerId)
        })
        .immediate()
      this.db.pragma('optimize')
    } catch (error) {
      // Closing must not fail because the disk filled up or another process holds the lock: the runs are recovered
      // by the next process that opens the file (this owner's pid will be dead).
      console.error(`GateLab: while closing ${this.path}:`, error instanceof Error ? error.message : error)
    } finally {
      this.db.close()
    }
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /**
   * Closes the lab and, when this open created its file and nothing has been recorded in it since (no run, no sweep,
   * no setting), removes what the open made: the file, its -wal, -shm and -reserve files and the folders it created.
   * A command refused before it did anything (a run above the memory limit) then leaves no empty lab behind. Returns
   * whether it removed them.
   */
  closeDiscardingIfNew(): boolean {
    const created = this.createdOnOpen
    let unused = false
    if (created && !this.closed && !this.readOnly && !this.damage) {
      const count = (table: string): number => this.db.prepare(`select count(*) from ${table}`).pluck().get() as number
      unused = count('runs') === 0 && count('sweeps') === 0 && count('settings') === 0
    }
    this.close()
    if (!created || !unused) return false
    releaseReserve(this.path)
    removeCreated(this.path, created.created, created.had)
    return true
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private prepareStatements() {
    return {
      insertRun: this.db.prepare(
        `insert into runs (id, name, status, created_at, updated_at, cell, task, seed, config, notes, sweep_id, group_key, owner_id, seq)
         values (@id, @name, @status, @created_at, @updated_at, @cell, @task, @seed, @config, @notes, @sweep_id, @group_key, @owner_id, @seq)`
      ),
      insertMetric: this.db.prepare('insert into metrics (run_rid, name_id, seq, epoch, step, wall_ms, value) values (?, ?, ?, ?, ?, ?, ?)'),
      insertMetrics: this.db.prepare(
        `insert into metrics (run_rid, name_id, seq, epoch, step, wall_ms, value) values ${Array(INSERT_CHUNK).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`
      ),
      seriesCount: this.db.prepare('select count from metric_summary where run_rid = ? and name_id = ?').pluck(),
      // In an upsert's SET every expression sees the row as it was before the update, so the order does not matter.
      upsertSummary: this.db.prepare(
        `insert into metric_summary (run_rid, name_id, count, last, last_step, last_epoch, min, min_step, min_epoch, max, max_step, max_epoch)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (run_rid, name_id) do update set
           count = count + excluded.count,
           last = excluded.last, last_step = excluded.last_step, last_epoch = excluded.last_epoch,
           min = case when min is null or excluded.min < min then excluded.min else min end,
           min_step = case when min is null or excluded.min < min then excluded.min_step else min_step end,
           min_epoch = case when min is null or excluded.min < min then excluded.min_epoch else min_epoch end,
           max = case when max is null or excluded.max > max then excluded.max else max end,
           max_step = case when max is null or excluded.max > max then excluded.max_step else max_step end,
           max_epoch = case when max is null or excluded.max > max then excluded.max_epoch else max_epoch end`
      ),
      bump: this.db.prepare("update counters set value = value + 1 where name = 'change_seq' returning value").pluck(),
      touch: this.db.prepare('update runs set seq = ?, updated_at = ? where rid = ?'),
      findRid: this.db.prepare('select rid from runs where id = ?').pluck(),
      findName: this.db.prepare('select id from metric_names where name = ?').pluck(),
      insertName: this.db.prepare('insert into metric_names (name) values (?)')
    }
  }

  /** Runs a write in an immediate transaction (takes the write lock first: no deadlock between processes). */
  private write<T>(doing: string, fn: () => T): T {
    if (this.damage) throw this.damage
    if (this.readOnly) {
      throw new StoreError('readonly', `GateLab opened ${this.path} read-only (the disk is full), so it cannot ${doing} it now. Free some space and try again.`, {
        path: this.path
      })
    }
    return this.guard(doing, () => this.db.transaction(fn).immediate())
  }

  /** The corruption error that stopped writes to this file, if one happened. */
  get damaged(): StoreError | undefined {
    return this.damage
  }

  private read<T>(fn: () => T): T {
    return this.guard('read', fn)
  }

  private guard<T>(doing: string, fn: () => T): T {
    if (this.closed) throw new StoreError('invalid', `The store for ${this.path} is closed.`, { path: this.path })
    try {
      return fn()
    } catch (error) {
      const translated = toStoreError(error, this.path, doing)
      if (translated instanceof StoreError && translated.code === 'corrupt') this.damage ??= translated
      // The first disk-full error frees the reserve, so the writes that end the affected runs still fit.
      if (translated instanceof StoreError && translated.code === 'disk_full') releaseReserve(this.path)
      throw translated
    }
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number
  }

  private bump(): number {
    return this.stmt.bump.get() as number
  }

  private touch(rid: number): void {
    this.stmt.touch.run(this.bump(), Date.now(), rid)
  }

  private interrupt(rid: number, message: string, at: number): void {
    const recorded = recordedProgress(this.db, rid)
    this.db
      .prepare(
        `update runs set status = 'interrupted', ended_at = ?, error = coalesce(error, ?), updated_at = ?, seq = ?,
           epochs = coalesce(epochs, ?), steps = coalesce(steps, ?), best = coalesce(best, ?) where rid = ?`
      )
      .run(at, message, Date.now(), this.bump(), recorded.epochs, recorded.steps, recorded.best ? JSON.stringify(recorded.best) : null, rid)
  }

  private findRid(id: string): number | undefined {
    const cached = this.ridCache.get(id)
    if (cached !== undefined) return cached
    const rid = this.stmt.findRid.get(id) as number | undefined
    if (rid !== undefined) this.ridCache.set(id, rid)
    return rid
  }

  /** rids are never reused (autoincrement), so a cached one is either right or points at a deleted run. */
  private rid(id: string): number {
    const cached = this.ridCache.get(id)
    if (cached !== undefined) {
      // Another process may have deleted it: confirm with the primary key (cheap) rather than trust the cache.
      if (this.db.prepare('select 1 from runs where rid = ?').get(cached)) return cached
      this.ridCache.delete(id)
    }
    const rid = this.findRid(id)
    if (rid === undefined) throw this.notFound(id)
    return rid
  }

  private nameId(name: string): number {
    const cached = this.nameCache.get(name)
    if (cached !== undefined) return cached
    let id = this.stmt.findName.get(name) as number | undefined
    if (id === undefined) id = Number(this.stmt.insertName.run(name).lastInsertRowid)
    this.nameCache.set(name, id)
    return id
  }

  private notFound(id: string): StoreError {
    return new StoreError('not_found', `There is no run "${id}" in ${this.path}. It may have been deleted; \`gatelab runs\` lists the runs.`, {
      path: this.path
    })
  }

  private wrongState(id: string, action: string, expected: string): never {
    const status = this.db.prepare('select status from runs where id = ?').pluck().get(id) as string | undefined
    throw new StoreError('invalid', `Cannot ${action} run ${id}: it is ${status ?? 'gone'}, and only a ${expected} run can be.`, { path: this.path })
  }

  private writeTags(rid: number, tags: readonly string[]): void {
    const insert = this.db.prepare('insert or ignore into run_tags (run_rid, tag) values (?, ?)')
    for (const tag of normalizeTags(tags)) insert.run(rid, tag)
  }

  private artifactsOf(rid: number): ArtifactInfo[] {
    return (
      this.db.prepare('select name, kind, media_type, size, sha256, created_at from artifacts where run_rid = ? order by name').all(rid) as ArtifactDb[]
    ).map(toArtifact)
  }

  /** Full rows for these rids, in the order given. */
  private rowsByRid(rids: readonly number[]): RunRow[] {
    if (rids.length === 0) return []
    const rows = this.db.prepare(`select ${ROW_COLUMNS} from runs r where r.rid in (select value from json_each(?))`).all(JSON.stringify(rids)) as RowDb[]
    const byRid = new Map(rows.map((r) => [r.rid, r]))
    return this.toRows(rids.map((rid) => byRid.get(rid)).filter((r): r is RowDb => r !== undefined))
  }

  private toRows(rows: RowDb[]): RunRow[] {
    if (rows.length === 0) return []
    const rids = JSON.stringify(rows.map((r) => r.rid))
    const tags = new Map<number, string[]>()
    for (const t of this.db.prepare('select run_rid, tag from run_tags where run_rid in (select value from json_each(?)) order by tag').all(rids) as {
      run_rid: number
      tag: string
    }[]) {
      const list = tags.get(t.run_rid)
      if (list) list.push(t.tag)
      else tags.set(t.run_rid, [t.tag])
    }
    const summaries = new Map<number, Record<string, MetricSummary>>()
    for (const s of this.db
      .prepare('select s.*, n.name from metric_summary s join metric_names n on n.id = s.name_id where s.run_rid in (select value from json_each(?))')
      .all(rids) as SummaryDb[]) {
      let m = summaries.get(s.run_rid)
      if (!m) summaries.set(s.run_rid, (m = {}))
      m[s.name] = {
        count: s.count,
        last: s.last,
        lastStep: s.last_step,
        lastEpoch: s.last_epoch,
        min: s.min,
        minStep: s.min_step,
        minEpoch: s.min_epoch,
        max: s.max,
        maxStep: s.max_step,
        maxEpoch: s.max_epoch
      }
    }
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      archived: r.archived === 1,
      cell: r.cell,
      task: r.task,
      datasetName: r.dataset_name,
      datasetHash: r.dataset_hash,
      seed: r.seed,
      backend: r.backend,
      engine: r.engine,
      cellForm: r.cell_form,
      paramCount: r.param_count,
      totalSteps: r.total_steps,
      epochs: r.epochs,
      steps: r.steps,
      durationMs: r.duration_ms,
      createdAt: iso(r.created_at),
      startedAt: iso(r.started_at),
      endedAt: iso(r.ended_at),
      updatedAt: iso(r.updated_at),
      sweepId: r.sweep_id,
      groupKey: r.group_key,
      error: r.error,
      tags: tags.get(r.rid) ?? [],
      hp: JSON.parse(r.hp) as RunRow['hp'],
      best: r.best === null ? null : (JSON.parse(r.best) as RunFinishInfo['best']),
      summary: summaries.get(r.rid) ?? {}
    }))
  }

  /** Gives the pages freed by a delete back to the file system. Best effort: the delete itself already committed. */
  private reclaimSpace(): void {
    try {
      this.db.pragma('incremental_vacuum')
      this.db.pragma('wal_checkpoint(TRUNCATE)')
    } catch (error) {
      console.error(`GateLab: could not shrink ${this.path} after deleting runs:`, error instanceof Error ? error.message : error)
    }
  }

  /**
   * Owners that closed, or died more than a day ago, and own no run any more are only clutter. A live owner is never
   * removed, however old its heartbeat (its next createRun would otherwise point at a missing owner).
   */
  private forgetOldOwners(): void {
    try {
      const dayAgo = Date.now() - 24 * 3600_000
      const candidates = this.db
        .prepare(
          `select id, pid, hostname, identity, heartbeat_at, closed_at from owners o
           where id != ? and (closed_at is not null or heartbeat_at < ?) and not exists (select 1 from runs where owner_id = o.id)`
        )
        .all(this.ownerId, dayAgo) as OwnerDb[]
      const remove = this.db.prepare('delete from owners where id = ?')
      this.db.transaction(() => {
        for (const o of candidates) if (o.closed_at !== null || ownerProcessState(o) !== 'alive') remove.run(o.id)
      })()
    } catch {
      // Housekeeping only; a busy file can be tidied next time.
    }
  }
}

interface ArtifactDb {
  name: string
  kind: string
  media_type: string
  size: number
  sha256: string
  created_at: number
}

function toArtifact(r: ArtifactDb): ArtifactInfo {
  return { name: r.name, kind: r.kind, mediaType: r.media_type, bytes: r.size, sha256: r.sha256, createdAt: iso(r.created_at) }
}

function iso(ms: number): string
function iso(ms: number | null): string | null
function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** A MetricSummary being accumulated: the last point's step and epoch are always known while adding. */
type SummaryAcc = Omit<MetricSummary, 'lastStep' | 'lastEpoch'> & { lastStep: number; lastEpoch: number }

export function normalizeTags(tags: readonly string[]): string[] {
  const out = new Set<string>()
  for (const raw of tags) {
    const tag = raw.trim()
    if (tag.length === 0) continue
    if (tag.length > 64) throw new StoreError('invalid', `A tag has at most 64 characters: "${tag.slice(0, 20)}…"`)
    out.add(tag)
  }
  if (out.size > 64) throw new StoreError('invalid', 'A run has at most 64 tags.')
  return [...out].sort()
}

/** Removes what a failed creation made: the new file, its -wal/-shm stubs, the folders it made (if empty). */
function removeCreated(path: string, created: readonly string[], had: { shm: boolean; wal: boolean }): void {
  if (created.length === 0) return
  removeStubs(path, had)
  for (const p of [...created].reverse()) {
    try {
      if (p === path) {
        for (const f of [`${path}-wal`, `${path}-shm`, path]) if (existsSync(f)) unlinkSync(f)
      } else {
        // p is the top folder this open made; remove it and the folders below it on the way to the file.
        for (let d = dirname(path); ; d = dirname(d)) {
          rmdirSync(d)
          if (d === p || d === dirname(d)) break
        }
      }
    } catch {
      // best effort: a folder that is not empty stays
    }
  }
}

/** Refuses, before anything is written, a file that is not GateLab's or that a newer GateLab wrote. */
function checkFile(db: Db, path: string): 'empty' | 'gatelab' {
  const appId = db.pragma('application_id', { simple: true }) as number
  const version = db.pragma('user_version', { simple: true }) as number
  const tables = db.prepare("select count(*) from sqlite_master where type = 'table'").pluck().get() as number
  if (appId === GATELAB_APPLICATION_ID) {
    if (version > LATEST_VERSION) {
      throw new StoreError(
        'newer_version',
        `${path} was written by a newer GateLab (database schema ${version}; this GateLab ${packageJson.version} knows up to ${LATEST_VERSION}). ` +
          'It was left untouched: update GateLab to open it, or choose another file with --db.',
        { path }
      )
    }
    return 'gatelab'
  }
  if (appId === 0 && version === 0 && tables === 0) return 'empty' // a new or empty file: ours to initialise
  throw new StoreError(
    'not_gatelab',
    `${path} is an SQLite database but not a GateLab lab (it has ${tables} table${tables === 1 ? '' : 's'} of its own). ` +
      'It was left untouched: choose another file with --db or GATELAB_DB.',
    { path }
  )
}
