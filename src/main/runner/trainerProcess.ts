/**
 * The host's handle on one trainer process. The environment-specific spawners (spawner.node.ts with
 * child_process.fork, spawner.electron.ts with utilityProcess.fork) only adapt their child to `ChildAdapter`;
 * everything else lives here once: message validation, request/reply by sequence id, the captured log, knowing why
 * the child died, and a graceful stop that escalates to a kill.
 */
import { trainerMessageSchema, type HostMessage, type ProtocolError, type TrainerMessage } from '../../shared/protocol'
import { describeIssues } from '../../shared/api'

/** How a trainer process ended, in terms a run's error field can show. */
export interface TrainerExit {
  /** 'exited' (code 0 or a requested stop), 'crashed' (non-zero code), 'killed' (signal), 'oom' (out of memory). */
  reason: 'exited' | 'crashed' | 'killed' | 'oom'
  code: number | null
  signal: string | null
  /** One human-readable sentence, including the last lines the trainer wrote to stderr. */
  message: string
}

export interface ChildAdapter {
  readonly pid: number | undefined
  postMessage(message: HostMessage): void
  onMessage(listener: (message: unknown) => void): void
  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void
  /** `oom` is set where the platform tells us (Electron's child-process-gone reason). */
  onExit(listener: (exit: { code: number | null; signal: string | null; oom?: boolean }) => void): void
  kill(signal?: NodeJS.Signals): void
}

export interface SpawnOptions {
  /** Shown in process lists and logs, e.g. "gatelab-trainer run-12". */
  name: string
  env?: Record<string, string>
}

/** The one spawner interface; the host picks the implementation that fits its environment. */
export type TrainerSpawner = (options: SpawnOptions) => TrainerProcess

export class TrainerError extends Error {
  readonly details: unknown
  constructor(error: ProtocolError) {
    super(error.message)
    this.name = error.name
    this.details = error.details
  }
}

const LOG_LIMIT = 2000

export class TrainerProcess {
  /** Renamed by the run queue when the trainer is handed on to the next run. */
  name: string
  /** stdout and stderr of the trainer, line by line, prefixed with the stream; kept for the run's log (the last LOG_LIMIT). */
  readonly log: string[] = []
  private lines = 0
  readonly exited: Promise<TrainerExit>
  private readonly listeners = new Set<(message: TrainerMessage) => void>()
  private readonly pending = new Map<number, { resolve: (m: TrainerMessage) => void; reject: (e: Error) => void }>()
  private nextSeq = 1
  private exit: TrainerExit | undefined
  private stopping = false

  constructor(
    name: string,
    private readonly child: ChildAdapter
  ) {
    this.name = name
    child.onOutput((stream, text) => {
      for (const line of text.split('\n')) if (line !== '') this.appendLog(`[${stream}] ${line}`)
    })
    child.onMessage((raw) => this.receive(raw))
    this.exited = new Promise((resolve) => {
      child.onExit(({ code, signal, oom }) => {
        this.exit = this.describeExit(code, signal, oom === true)
        for (const { reject } of this.pending.values()) reject(new Error(`Trainer ${this.name} stopped: ${this.exit.message}`))
        this.pending.clear()
        resolve(this.exit)
      })
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  get running(): boolean {
    return this.exit === undefined
  }

  onMessage(listener: (message: TrainerMessage) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  send(message: HostMessage): void {
    if (this.exit) throw new Error(`Trainer ${this.name} has already stopped: ${this.exit.message}`)
    this.child.postMessage(message)
  }

  /** Sends a request with a fresh sequence id and resolves with the reply that echoes it (Infinity: no time limit). */
  request<T extends TrainerMessage>(build: (seq: number) => HostMessage, timeoutMs = 60_000): Promise<T> {
    const seq = this.nextSeq++
    return new Promise<T>((resolve, reject) => {
      // No timer for an unbounded request (a training run): setTimeout would treat Infinity as 1 ms.
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.pending.delete(seq)
            reject(new Error(`Trainer ${this.name} did not answer within ${timeoutMs} ms`))
          }, timeoutMs)
        : undefined
      this.pending.set(seq, {
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m as T)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
      this.send(build(seq))
    })
  }

  /** Resolves when the trainer said it is ready (or rejects if it died first). */
  ready(timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Trainer ${this.name} did not start within ${timeoutMs} ms`)), timeoutMs)
      const off = this.onMessage((m) => {
        if (m.type === 'ready') {
          clearTimeout(timer)
          off()
          resolve()
        }
      })
      void this.exited.then((exit) => {
        clearTimeout(timer)
        off()
        reject(new Error(`Trainer ${this.name} stopped before it was ready: ${exit.message}`))
      })
    })
  }

  /** Asks the trainer to shut down, and kills it if it has not gone after `graceMs`. */
  async stop(graceMs = 3000): Promise<TrainerExit> {
    if (this.exit) return this.exit
    this.stopping = true
    try {
      this.child.postMessage({ type: 'shutdown' })
    } catch {
      // The channel is already closed; the kill below settles it.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }

  kill(): void {
    this.stopping = true
    this.child.kill('SIGKILL')
  }

  private receive(raw: unknown): void {
    const parsed = trainerMessageSchema.safeParse(raw)
    if (!parsed.success) {
      this.appendLog(`[host] ${describeIssues('message from trainer', parsed.error.issues)}`)
      return
    }
    const message = parsed.data
    const seq = 'seq' in message ? message.seq : undefined
    if (seq !== undefined && this.pending.has(seq)) {
      const waiter = this.pending.get(seq)!
      this.pending.delete(seq)
      if (message.type === 'error') waiter.reject(new TrainerError(message.error))
      else waiter.resolve(message)
    }
    for (const listener of this.listeners) listener(message)
  }

  /** How many lines the trainer has written in all (the log keeps only the last LOG_LIMIT). */
  get logged(): number {
    return this.lines
  }

  /** The lines written since `logged` read `mark` (those still kept). */
  logSince(mark: number): string[] {
    return this.log.slice(Math.max(0, this.log.length - (this.logged - mark)))
  }

  private appendLog(line: string): void {
    this.lines++
    this.log.push(line)
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT)
  }

  private describeExit(code: number | null, signal: string | null, oom: boolean): TrainerExit {
    const lastErrors = this.log.filter((l) => l.startsWith('[stderr]')).slice(-3).map((l) => l.slice(9)).join(' | ')
    const tail = lastErrors ? ` Last output: ${lastErrors}` : ''
    if (oom) return { reason: 'oom', code, signal, message: `The trainer ran out of memory.${tail}` }
    if (signal) {
      const requested = this.stopping ? ' (stopped by GateLab)' : ''
      return { reason: 'killed', code, signal, message: `The trainer was killed by ${signal}${requested}.${tail}` }
    }
    if (code === 0 || (this.stopping && code !== null)) return { reason: 'exited', code, signal, message: 'The trainer exited normally.' }
    return { reason: 'crashed', code, signal, message: `The trainer crashed with exit code ${code}.${tail}` }
  }
}
