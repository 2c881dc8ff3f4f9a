/**
 * Entry of a trainer process: one per run, started by the host through a TrainerSpawner. It computes and reports;
 * it never opens the database. Built as its own bundle through the `?modulePath` import in trainerPath.ts.
 *
 * Messages it handles (src/shared/protocol.ts): `probe` (which backend), `train` (one run: run:started, metrics,
 * progress, artifact, then run:finished echoing seq; see src/main/engine/train.ts), `cancel` (the current run stops
 * before its next batch and finishes `cancelled`), `shutdown`.
 */
import { chooseBackend, parseBackendName, type BackendChoice } from '../engine/backend'
import { trainRun } from '../engine/train'
import { defaultKernelBuild } from '../engine/fused'
import { fusedKernelReport } from '../engine/native'
import { hostMessageSchema, toProtocolError, type BackendName, type HostMessage, type TrainerMessage } from '../../shared/protocol'
import { normalizeRunConfig, type RunConfig } from '../../shared/config'
import { describeIssues } from '../../shared/api'
import { connectToParent } from './parentPort'
import { backendReason } from './log/backend'

const port = connectToParent()
const send = (message: TrainerMessage): void => port.send(message)

const backends = new Map<BackendName | 'default', Promise<BackendChoice>>()
/** The default choice (GATELAB_BACKEND, else the fastest present), or the backend a run's config names. */
function loadBackend(requested: RunConfig['backend'] = 'auto'): Promise<BackendChoice> {
  const forced = parseBackendName(process.env.GATELAB_BACKEND)
  if (requested !== 'auto' && forced && forced !== requested) {
    return Promise.reject(
      new Error(`The run asks for the ${requested} backend but GATELAB_BACKEND forces ${forced}; change one of them`)
    )
  }
  const key = requested === 'auto' ? 'default' : requested
  let choice = backends.get(key)
  if (!choice) {
    choice = chooseBackend(requested === 'auto' ? forced : requested)
    backends.set(key, choice)
  }
  return choice
}

/** The run in progress, if any: a trainer trains one run at a time. */
let current: { runId: string; cancel: boolean } | undefined

async function train(message: Extract<HostMessage, { type: 'train' }>): Promise<void> {
  const { seq, runId } = message
  const fail = (error: string): void =>
    send({ type: 'run:finished', seq, runId, status: 'failed', error, final: {}, test: {}, best: null, epochs: 0, steps: 0, durationMs: 0 })
  if (current) return fail(`This trainer is already training run ${current.runId}; start one trainer per run`)
  // The host sends a normalized config; parse it again here (every boundary validates), and insist on its seed,
  // which the run records: a seed made up here would make the run irreproducible.
  if (typeof message.config.seed !== 'number') return fail('The run configuration has no seed: the host must send a normalized configuration')
  const parsed = normalizeRunConfig(message.config)
  if (!parsed.ok) return fail(parsed.message)
  const run = { runId, cancel: false }
  current = run
  try {
    const choice = await loadBackend(parsed.config.backend)
    // Why this backend, for the run's record and its log (src/main/runner/log).
    const backendWhy = backendReason(choice, parsed.config.backend, parseBackendName(process.env.GATELAB_BACKEND))
    send(await trainRun({ runId, seq, config: parsed.config, backend: choice.backend, backendWhy, send, cancelRequested: () => run.cancel }))
  } catch (error) {
    fail(toProtocolError(error).message)
  } finally {
    current = undefined
  }
}

async function handle(message: HostMessage): Promise<void> {
  switch (message.type) {
    case 'probe': {
      const choice = await loadBackend()
      send({
        type: 'probe:result',
        seq: message.seq,
        backend: choice.backend,
        backends: choice.reports,
        tfjsVersion: choice.tfjsVersion,
        pid: process.pid,
        kernels: fusedKernelReport(defaultKernelBuild())
      })
      return
    }
    case 'train':
      return train(message)
    case 'cancel':
      if (current) current.cancel = true
      return
    case 'shutdown':
      process.exit(0)
  }
}

port.onMessage((raw) => {
  const parsed = hostMessageSchema.safeParse(raw)
  if (!parsed.success) {
    const seq = typeof (raw as { seq?: unknown })?.seq === 'number' ? (raw as { seq: number }).seq : undefined
    send({ type: 'error', seq, error: { name: 'ProtocolError', message: describeIssues('message to trainer', parsed.error.issues) } })
    return
  }
  const seq = 'seq' in parsed.data ? parsed.data.seq : undefined
  handle(parsed.data).catch((error: unknown) => send({ type: 'error', seq, error: toProtocolError(error) }))
})

send({ type: 'ready', pid: process.pid })
