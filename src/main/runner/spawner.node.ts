/** Trainer processes under plain Node (browser mode, CLI, tests): child_process.fork of the built trainer entry. */
import { fork } from 'node:child_process'
import { TrainerProcess, type TrainerSpawner } from './trainerProcess'

export function createNodeSpawner(trainerEntry: string): TrainerSpawner {
  return ({ name, env }) => {
    const child = fork(trainerEntry, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...env, GATELAB_TRAINER_NAME: name },
      serialization: 'advanced'
    })
    return new TrainerProcess(name, {
      pid: child.pid,
      postMessage: (message) => {
        child.send(message)
      },
      onMessage: (listener) => child.on('message', listener),
      onOutput: (listener) => {
        child.stdout?.setEncoding('utf8').on('data', (text: string) => listener('stdout', text))
        child.stderr?.setEncoding('utf8').on('data', (text: string) => listener('stderr', text))
      },
      // 'exit' can fire before the pipes drained; 'close' waits for them so the log holds the last words.
      onExit: (listener) => child.on('close', (code, signal) => listener({ code, signal })),
      kill: (signal) => {
        child.kill(signal)
      }
    })
  }
}
