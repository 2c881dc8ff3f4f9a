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
  type GateLabApi,
  type SerializedError,
  type SystemInfo,
  type TrainerProbe
} from '../shared/api'
import type { TrainerMessage } from '../shared/protocol'
import { EventHub } from './events'
import type { Db } from './store/db'
import { sqliteVersion } from './store/db'
import type { TrainerProcess, TrainerSpawner } from './runner/trainerProcess'
import packageJson from '../../package.json'

export interface LabOptions {
  mode: SystemInfo['mode']
  db: Db
  dbPath: string
  spawnTrainer: TrainerSpawner
  /** How often live host status is pushed to subscribers. */
  statusIntervalMs?: number
}

export class Lab {
  readonly events = new EventHub<ApiEvent>()
  readonly api: GateLabApi
  private readonly trainers = new Set<TrainerProcess>()
  private probe: Promise<TrainerProbe> | undefined
  private readonly statusTimer: NodeJS.Timeout
  private closed = false

  constructor(private readonly options: LabOptions) {
    this.api = {
      getSystemInfo: () => this.systemInfo(),
      probeTrainer: () => {
        this.probe = this.runProbe()
        return this.probe
      }
    } satisfies GateLabApi
    this.statusTimer = setInterval(() => this.publishStatus(), options.statusIntervalMs ?? 2000)
    this.statusTimer.unref()
  }

  /** The one entry point of both transports: method name and untrusted arguments in, a serializable result out. */
  async dispatch(method: string, args: unknown): Promise<ApiResponse<unknown>> {
    if (!isApiMethod(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `Unknown GateLab API method "${method}"` } }
    }
    const parsed = parseArgs(method, args)
    if (!parsed.ok) return parsed
    try {
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

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.statusTimer)
    await Promise.all([...this.trainers].map((t) => t.stop()))
    this.options.db.close()
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
        sqlite: sqliteVersion(this.options.db)
      },
      platform: process.platform,
      arch: process.arch,
      cpus: os.availableParallelism(),
      totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
      dbPath: this.options.dbPath,
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
