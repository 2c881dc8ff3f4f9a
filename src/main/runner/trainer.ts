/**
 * Entry of a trainer process: one per run, started by the host through a TrainerSpawner. It computes and reports;
 * it never opens the database. Built as its own bundle through the `?modulePath` import in trainerPath.ts.
 */
import { chooseBackend, parseBackendName, type BackendChoice } from '../engine/backend'
import { hostMessageSchema, toProtocolError, type HostMessage, type TrainerMessage } from '../../shared/protocol'
import { describeIssues } from '../../shared/api'
import { connectToParent } from './parentPort'

const port = connectToParent()
const send = (message: TrainerMessage): void => port.send(message)

let backend: Promise<BackendChoice> | undefined
function loadBackend(): Promise<BackendChoice> {
  backend ??= chooseBackend(parseBackendName(process.env.GATELAB_BACKEND))
  return backend
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
        pid: process.pid
      })
      return
    }
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
