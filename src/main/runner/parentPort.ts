/**
 * The trainer's end of the channel to the host, the same whether the trainer was started by Electron's
 * utilityProcess.fork (messages on `process.parentPort`) or Node's child_process.fork (`process.send`).
 */
export interface ParentPort {
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
}

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

export function connectToParent(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort
  if (electronPort) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data))
    }
  }
  const send = process.send?.bind(process)
  if (!send) throw new Error('The GateLab trainer must be started by the GateLab host (it has no channel to a parent)')
  // A host that was killed cannot stop us: when the channel closes, nobody records our work any more, so stop
  // (Electron ends utility processes with their parent by itself).
  process.on('disconnect', () => process.exit(0))
  return {
    send: (message) => {
      send(message)
    },
    onMessage: (listener) => {
      process.on('message', listener)
    }
  }
}
