/**
 * The Lab service: the host's implementation of the GateLab API. It runs in plain Node; the Electron IPC binding and
 * the HTTP transport both call `dispatch`, so validation and error handling happen here once.
 */
import os from 'node:os'
import {
  GateLabError,
  isApiMethod,
  parseArgs,
  type ApiEvent,
  type ApiResponse,
  type ApiHandlers,
  type RunSummary,
  type SerializedError,
  type SystemInfo,
  type TrainerProbe
} from '../shared/api'
import type { TrainerMessage } from '../shared/protocol'
import { normalizeRunConfig, type RunConfig } from '../shared/config'
import { EventHub } from './events'
import type { TrainerProcess, TrainerSpawner } from './runner/trainerProcess'
import { RunQueue } from './runner/queue'
import { planSweep, sizeSweep } from './sweeps'
import { exportRunsHandler } from './report/handlers'
import { runPredictions } from './report/exports'
import { predictionTableOf } from './export/files'
import { inspectRun } from './inspect'
import type { PdfRenderer } from './report/pdf.node'
import { inspectCsv } from './data/inspect'
import { DataError } from '../shared/data/errors'
import { resolve } from 'node:path'
import { compareRuns } from '../shared/comparison'
import type { LabStore } from './labStore'
import { checkRequestPaths } from './access/requests'
import { dataRoots } from './access/dataPaths'
import { addedDataFolders, describeDataFolders, saveDataFolders } from './settings/dataFolders'
import packageJson from '../../package.json'
import { ClusterService } from './cluster/service'
import { checkRunLimits, resolveMemoryLimit } from './limits'
import { limitsHandlers } from './limits/handlers'
import { minSplitWindows } from '../shared/baselines/splitSize'
import { inspectBundled } from './data/inspectBundled'
import { artifactHandlers } from './artifacts'

export interface LabOptions {
  mode: SystemInfo['mode']
  store: LabStore
  spawnTrainer: TrainerSpawner
  /** Trainer processes at once; default: the number of cores. */
  concurrency?: number
  /** How often live host status is pushed to subscribers. */
  statusIntervalMs?: number
  /** How often other processes' changes to the database are looked for (and this owner's heartbeat written). */
  syncIntervalMs?: number
  /** Turns report HTML into PDF: Chromium under Node, printToPDF in the desktop app; absent → PDF export says how to get one. */
  pdf?: PdfRenderer
  /** Folders the API may read data files from, besides home and the lab's data folder (src/main/access/dataPaths.ts). */
  dataRoots?: string[]
}

export class Lab {
  readonly events = new EventHub<ApiEvent>()
  readonly api: ApiHandlers
  private readonly trainers = new Set<TrainerProcess>()
  private probe: Promise<TrainerProbe> | undefined
  private readonly statusTimer: NodeJS.Timeout
  private readonly syncTimer: NodeJS.Timeout
  private readonly queue: RunQueue
  readonly store: LabStore
  /** Slurm sweeps: submitting, following, importing, scancel (src/main/cluster/). */
  readonly cluster: ClusterService
  private closed = false

  constructor(private readonly options: LabOptions) {
    const store = (this.store = options.store)
    this.cluster = new ClusterService({
      store: store.cluster,
      onRunsChanged: (ids) => ids.forEach((id) => this.publishRun(id)),
      roots: () => dataRoots(this.store.path, [...(this.options.dataRoots ?? []), ...addedDataFolders(this.store.settings)])
    })
    this.queue = new RunQueue({
      spawnTrainer: (name) => this.spawnTrainer(name),
      recorder: store,
      concurrency: options.concurrency,
      artifactsWhere: `the lab ${resolve(store.path)}`, // for the trainer log's weights line (src/main/runner/log)
      events: {
        onRunChanged: (id) => this.publishRun(id),
        // The trainer's message carries its own type; spread first so the event type wins.
        onProgress: (progress) => this.events.publish({ ...progress, type: 'run:progress' }),
        onMetrics: (runId, points) => this.events.publish({ type: 'run:metrics', runId, points })
      }
    })
    this.api = {
      getSystemInfo: () => this.systemInfo(),
      getDataFolders: async () => describeDataFolders(store.path, store.settings), // src/main/settings
      setDataFolders: async ({ folders }) => {
        saveDataFolders(store.settings, folders)
        return describeDataFolders(store.path, store.settings)
      },
      probeTrainer: () => {
        this.probe = this.runProbe()
        return this.probe
      },
      getLabPath: async () => ({ dbPath: store.path }),
      listRuns: async (query) => store.listRuns(query),
      getRun: async ({ id }) => store.getRun(id),
      startRuns: async ({ configs }) => {
        await this.checkLimits(configs) // src/main/limits: refused (too_large) before anything is created
        return { runIds: this.startRuns(configs) }
      },
      cancelRun: async ({ id }) => this.cancelRun(id),
      updateRun: async ({ id, ...changes }) => {
        const run = store.updateRun(id, changes)
        this.events.publish({ type: 'run:update', run })
        return run
      },
      deleteRuns: async ({ ids }) => {
        const busy = ids.filter((id) => this.queue.has(id))
        if (busy.length > 0) {
          throw new GateLabError({ code: 'bad_request', message: `Cancel ${busy.join(', ')} first: a queued or running run cannot be deleted` })
        }
        const deleted = store.deleteRuns(ids)
        this.events.publish({ type: 'runs:removed', ids })
        return { deleted }
      },
      archiveRuns: async ({ ids, archived }) => ({ changed: store.archiveRuns(ids, archived ?? true) }),
      listMetrics: async ({ runIds }) => ({ metrics: store.listMetricNames(runIds) }),
      getSeries: async (request) => ({ series: store.getSeries(request) }),
      getRunLog: async ({ id }) => ({ text: store.getRunLog(id) }),
      getPredictions: async ({ id }) => {
        const result = await runPredictions(store, store.getRun(id))
        return 'reason' in result ? { ok: false, reason: result.reason } : { ok: true, ...result }
      },
      getPredictionTable: async ({ id }) => predictionTableOf(store, store.getRun(id)),
      validateConfig: async ({ config }) => normalizeRunConfig(config),
      startSweep: async ({ spec }) => this.startSweep(spec),
      planSweep: async ({ spec }) => sizeSweep(spec),
      inspectCsv: async ({ path, options }) => {
        try {
          return await inspectCsv(resolve(path), options)
        } catch (error) {
          // Nothing to inspect (missing, empty, binary file): the DataError's message says which and what to do.
          if (error instanceof DataError) throw new GateLabError({ code: 'bad_request', message: error.neutral }) // place-neutral: the UI renders it
          throw error
        }
      },
      listSweeps: async () => ({ sweeps: store.listSweeps() }),
      exportRuns: exportRunsHandler(store, options.pdf),
      compareRuns: async ({ runIds, sweepId, groupBy, metric, stat }) => {
        const ids = runIds ?? store.sweepRunIds(sweepId!)
        return compareRuns(ids.map((id) => store.getRun(id)), { groupBy, metric, stat })
      },
      inspectRun: (request) => inspectRun(store, request),
      ...limitsHandlers(() => store.settings),
      getSplitSettings: async () => ({ minSplitWindows: minSplitWindows() }),
      inspectBundled: async ({ name, options }) => {
        try {
          return await inspectBundled(name, options)
        } catch (error) {
          if (error instanceof DataError) throw new GateLabError({ code: 'bad_request', message: error.neutral }) // place-neutral: the UI renders it
          throw error
        }
      },
      ...artifactHandlers(store), // a run's stored files for download (src/main/artifacts)
      ...this.cluster.handlers
    } satisfies ApiHandlers
    this.statusTimer = setInterval(() => this.publishStatus(), options.statusIntervalMs ?? 2000)
    this.statusTimer.unref()
    this.syncTimer = setInterval(() => this.sync(), options.syncIntervalMs ?? 1000)
    this.syncTimer.unref()
  }

  /** Queues runs from untrusted configurations; all are validated before any is created. */
  startRuns(inputs: unknown[]): string[] {
    const configs: RunConfig[] = inputs.map((input, index) => {
      const result = normalizeRunConfig(input)
      if (!result.ok) {
        const which = inputs.length > 1 ? ` (configuration ${index + 1} of ${inputs.length})` : ''
        throw new GateLabError({ code: 'bad_request', message: result.message + which })
      }
      return result.config
    })
    const ids = configs.map((config) => this.store.createRun({ config }).id)
    for (const [i, id] of ids.entries()) {
      this.publishRun(id)
      void this.queue.enqueue(id, configs[i]!)
    }
    return ids
  }

  /**
   * Checks each configuration's memory and time estimate against the memory limit (`memoryLimit` "8G", else the lab's
   * setting, else half of this machine's memory); throws a too_large GateLabError naming the run and what to shrink.
   * Invalid configurations are left to startRuns, which says what is wrong with them.
   */
  async checkLimits(inputs: readonly unknown[], memoryLimit?: string): Promise<void> {
    const configs = inputs.flatMap((input) => {
      const result = normalizeRunConfig(input, () => 0)
      return result.ok ? [result.config] : []
    })
    await checkRunLimits(configs, resolveMemoryLimit(this.store.settings, memoryLimit), this.options.mode === 'node' ? 'cli' : 'ui')
  }

  /** Expands a sweep spec, records the sweep and queues its runs (all validated and checked before any is created). */
  async startSweep(spec: unknown, memoryLimit?: string): Promise<{ sweepId: string; name: string; runIds: string[] }> {
    const plan = await planSweep(spec)
    if (!plan.ok) throw new GateLabError({ code: 'bad_request', message: plan.message })
    await this.checkLimits(plan.runs.map((r) => r.config), memoryLimit)
    const sweepId = this.store.createSweep({ name: plan.name, spec }).id
    const runIds = plan.runs.map(({ config, varied }) => {
      // Runs that differ only by seed share a group key: the unit of aggregation across seeds.
      const { seed: _seed, ...group } = varied
      return this.store.createRun({ config, sweepId, groupKey: JSON.stringify(group) }).id
    })
    for (const [i, id] of runIds.entries()) {
      this.publishRun(id)
      void this.queue.enqueue(id, plan.runs[i]!.config)
    }
    return { sweepId, name: plan.name, runIds }
  }

  /** Resolves when the run has reached its final state (for the CLI). */
  waitForRun(id: string): Promise<void> {
    return this.queue.enqueued(id) ?? Promise.resolve()
  }

  private async cancelRun(id: string): Promise<{ status: RunSummary['status'] }> {
    // A Slurm run: scancel its task; the watcher records the outcome.
    if ((await this.cluster.cancel([id])).length > 0) return { status: this.store.getRunSummary(id).status }
    if (this.queue.cancel(id)) return { status: this.queue.has(id) ? 'running' : 'cancelled' }
    const run = this.store.getRun(id)
    if (run.status === 'queued' || run.status === 'preparing' || run.status === 'running') {
      throw new GateLabError({ code: 'bad_request', message: `Run ${id} belongs to another GateLab process; cancel it there` })
    }
    throw new GateLabError({ code: 'bad_request', message: `Run ${id} is already ${run.status}` })
  }

  private publishRun(id: string): void {
    try {
      this.events.publish({ type: 'run:update', run: this.store.getRunSummary(id) })
    } catch (error) {
      console.error(`GateLab: could not read run ${id}: ${(error as Error).message}`)
    }
  }

  /** Heartbeat for the runs this process owns, and live updates for runs other processes write. */
  private sync(): void {
    try {
      this.store.heartbeat()
      for (const id of this.store.changedRunsSince()) this.publishRun(id)
    } catch (error) {
      console.error(`GateLab: database sync failed: ${(error as Error).message}`)
    }
  }

  /** The one entry point of both transports: method name and untrusted arguments in, a serializable result out. */
  async dispatch(method: string, args: unknown): Promise<ApiResponse<unknown>> {
    if (!isApiMethod(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `Unknown GateLab API method "${method}"` } }
    }
    const parsed = parseArgs(method, args)
    if (!parsed.ok) return parsed
    try {
      checkRequestPaths(method, parsed.value, dataRoots(this.store.path, [...(this.options.dataRoots ?? []), ...addedDataFolders(this.store.settings)])) // src/main/access
      const handler = this.api[method] as (a: unknown) => Promise<unknown>
      return { ok: true, value: await handler(parsed.value) }
    } catch (error) {
      return { ok: false, error: toSerializedError(error) }
    }
  }

  /** Starts a trainer process, tracked so close() can stop it and status can count it. */
  spawnTrainer(name: string, env?: Record<string, string>): TrainerProcess {
    if (this.closed) throw new GateLabError({ code: 'internal', message: 'The lab is shutting down' })
    const trainer = this.options.spawnTrainer({ name, env })
    this.trainers.add(trainer)
    void trainer.exited.then(() => this.trainers.delete(trainer))
    return trainer
  }

  /** Process ids of the trainers this lab is running (for diagnostics and tests). */
  trainerPids(): number[] {
    return [...this.trainers].flatMap((t) => (t.pid !== undefined && t.running ? [t.pid] : []))
  }

  /**
   * Stops the trainers and closes the store. `discardIfNew`: a command refused before it did anything (a run above the
   * memory limit) leaves no empty lab behind when it created the lab file (Store.closeDiscardingIfNew).
   */
  async close(options: { discardIfNew?: boolean } = {}): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.statusTimer)
    clearInterval(this.syncTimer)
    this.cluster.close()
    await this.queue.shutdown()
    await Promise.all([...this.trainers].map((t) => t.stop()))
    if (options.discardIfNew && this.store.closeDiscardingIfNew) this.store.closeDiscardingIfNew()
    else this.store.close()
  }

  private async systemInfo(): Promise<SystemInfo> {
    this.probe ??= this.runProbe()
    // A failed probe must not hide the rest of the system info; the next call tries again.
    const probe = await this.probe.catch((error: unknown) => {
      this.probe = undefined
      throw error
    })
    return {
      appName: packageJson.productName,
      appVersion: packageJson.version,
      mode: this.options.mode,
      versions: {
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        v8: process.versions.v8,
        tfjs: probe.tfjsVersion,
        sqlite: this.store.sqliteVersion()
      },
      platform: process.platform,
      arch: process.arch,
      cpus: os.availableParallelism(),
      totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
      dbPath: this.store.path,
      backends: probe.backends,
      trainer: probe
    }
  }

  private async runProbe(): Promise<TrainerProbe> {
    const started = performance.now()
    const trainer = this.spawnTrainer('gatelab-trainer probe')
    try {
      await trainer.ready()
      const reply = await trainer.request<Extract<TrainerMessage, { type: 'probe:result' }>>((seq) => ({ type: 'probe', seq }))
      return {
        backend: reply.backend,
        backends: reply.backends,
        tfjsVersion: reply.tfjsVersion,
        pid: reply.pid,
        ...(reply.kernels ? { kernels: reply.kernels } : {}),
        startupMs: Math.round(performance.now() - started)
      }
    } catch (error) {
      throw new GateLabError({
        code: 'trainer_failed',
        message: `The trainer process could not be probed: ${error instanceof Error ? error.message : String(error)}`,
        details: trainer.log.slice(-20)
      })
    } finally {
      await trainer.stop()
    }
  }

  private publishStatus(): void {
    if (this.events.size === 0) return
    this.events.publish({
      type: 'host:status',
      uptimeMs: Math.round(process.uptime() * 1000),
      rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
      trainers: this.trainers.size
    })
  }
}

function toSerializedError(error: unknown): SerializedError {
  if (error instanceof GateLabError) return { code: error.code, message: error.message, details: error.details }
  // Unexpected: keep the stack in the host's log, send the UI only the message.
  console.error('GateLab: internal error:', error)
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}
