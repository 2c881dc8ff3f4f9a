/**
 * Starts a real GateLab host in browser mode (`node out/main/cli.js serve`) in a child process and hands back the URL
 * it printed, for integration and end-to-end tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(__dirname, '..', '..')
export const cliEntry = join(repoRoot, 'out', 'main', 'cli.js')

export interface RunningHost {
  url: string
  origin: string
  token: string
  dbPath: string
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function tempDir(prefix = 'gatelab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Whether this process can mount a small tmpfs (root and mount(8)): the full-disk tests need one. */
export function canMountTmpfs(): boolean {
  const dir = tempDir('gatelab-mount-probe-')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' })
    execFileSync('umount', [dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export async function startHost(options: { args?: string[]; env?: Record<string, string>; command?: string[] } = {}): Promise<RunningHost> {
  const dbPath = join(tempDir(), 'lab.db')
  const command = options.command ?? [cliEntry, 'serve', '--db', dbPath, ...(options.args ?? [])]
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    // Tests write their data files under the system's temporary folder (tempDir): the host may read them there, as a
    // user who added that folder in settings (src/main/access/dataPaths.ts); a test that checks the rule sets its own.
    env: { ...process.env, GATELAB_DATA_DIRS: tmpdir(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t))
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`No URL line within 60 s.\nstdout: ${out}\nstderr: ${err}`)), 60_000)
    const check = (): void => {
      const match = /GateLab is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolveUrl(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`The host exited with ${code} before printing its URL.\nstdout: ${out}\nstderr: ${err}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dbPath,
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null) child.kill(signal)
      return exited
    }
  }
}

/** One API call to a running host over HTTP (what the browser-mode client does), resolving with its value. */
export async function callApi<T>(host: Pick<RunningHost, 'origin' | 'token'>, method: string, args: unknown): Promise<T> {
  const res = await fetch(`${host.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
    body: JSON.stringify(args)
  })
  const body = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`)
  return body.value
}

/** Polls getRun until the run completes; throws with its status if it fails, is cancelled or the time runs out. */
export async function waitForRunCompleted(host: Pick<RunningHost, 'origin' | 'token'>, id: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { status } = await callApi<{ status: string }>(host, 'getRun', { id })
    if (status === 'completed') return
    if (status === 'failed' || status === 'cancelled' || Date.now() > deadline) throw new Error(`the run did not complete: ${status}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}
