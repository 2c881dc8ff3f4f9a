/** Trainer processes in the desktop app: Electron's utilityProcess.fork, which knows why a child died. */
import { app, utilityProcess, type Details } from 'electron'
import { TrainerProcess, type TrainerSpawner } from './trainerProcess'

export function createElectronSpawner(trainerEntry: string): TrainerSpawner {
  return ({ name, env }) => {
    const child = utilityProcess.fork(trainerEntry, [], {
      serviceName: name,
      stdio: 'pipe',
      env: { ...process.env, ...env, GATELAB_TRAINER_NAME: name }
    })
    // Electron says why a utility process went away (oom, killed, crashed) on the app, not on the child.
    let gone: Details['reason'] | undefined
    const onGone = (_event: unknown, details: Details): void => {
      if (details.type === 'Utility' && details.serviceName === name) gone = details.reason
    }
    app.on('child-process-gone', onGone)
    return new TrainerProcess(name, {
      get pid() {
        return child.pid
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onOutput: (listener) => {
        child.stdout?.setEncoding('utf8').on('data', (text: string) => listener('stdout', text))
        child.stderr?.setEncoding('utf8').on('data', (text: string) => listener('stderr', text))
      },
      onExit: (listener) => {
        child.on('exit', (code) => {
          // child-process-gone may arrive just after exit; give it one turn of the event loop.
          setImmediate(() => {
            app.off('child-process-gone', onGone)
            listener({ code, signal: gone === 'killed' ? 'SIGKILL' : null, oom: gone === 'oom' })
          })
        })
      },
      kill: () => {
        child.kill()
      }
    })
  }
}
