/**
 * The `gatelab` command as tests run it: the built CLI (out/main/cli.js, `npm run build`) in a child process, from
 * the repository's root.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cliEntry, repoRoot } from './host'

/** Runs `gatelab ARGS` to the end; env is added to this process's environment. */
export function gatelab(args: string[], options: { env?: Record<string, string>; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliEntry, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    ...(options.timeout ? { timeout: options.timeout } : {})
  })
}

/** `gatelab train ARGS --db DB --json` in its own process, without blocking the test; resolves with the run's id. */
export function trainRun(db: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, 'train', ...args, '--db', db, '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
    child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { runId: string }).runId) : reject(new Error(`train ${args.join(' ')} exited ${code}: ${err}`))))
  })
}
