/**
 * The PyTorch peer at its best, and the proof of it (issue 18). Every benchmark that compares against PyTorch runs its
 * peer script through here:
 *
 * - Debian's python3-torch (for /usr/bin/python3; the pyenv python3 on PATH has no torch) calls whatever libblas.so.3
 *   the alternatives system selects. The peer reports, from its own /proc/self/maps and threadpoolctl, which library
 *   that was, OpenBLAS's version and core type, and its thread counts (bench/peers/peer_info.py). Against the
 *   reference (netlib) BLAS, or a BLAS it cannot identify, `peerProblem` says why and the benchmark reports no ratio.
 * - OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (set on some machines to guard old OpenBLAS builds) pin OpenBLAS to older
 *   kernels (Haswell: no AVX-512). They are removed from the peer's environment only — this process, the trainers and
 *   the tests keep theirs. The thread variables are set to the peer's thread count.
 * - Two peers: one thread against one GateLab trainer, and all cores against GateLab on all cores. On all cores
 *   PyTorch gets the better of one process with N intra-op threads and N one-thread processes run together (a process
 *   pool, as a sweep would use), whichever trains more samples per second.
 *
 * `scripts/peer-setup.sh` installs the peer and selects OpenBLAS.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

export const peerPython = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
export const peersDir = join(__dirname, 'peers')
export const allCores = cpus().length

/** What peer_info.py reports about the BLAS the peer process loaded. */
export interface PeerBlas {
  library: 'openblas' | 'reference' | 'mkl' | 'blis' | 'atlas' | 'unknown' | 'none loaded'
  path: string | null
  coreType: string | null
  version: string | null
  threads: number | null
  threadingLayer?: string | null
  env?: Record<string, string | null>
  torchBlasInfo?: string | null
}

export interface PeerRecord {
  torch: string
  torchThreads: number
  blas: PeerBlas
}

/**
 * The environment of a peer process: this one's, minus OpenBLAS's core pinning, with `threads` threads everywhere.
 * With more than one thread also OMP_WAIT_POLICY=PASSIVE: by default libgomp's idle threads spin, and torch's OpenMP
 * threads spinning beside OpenBLAS's own pthreads left PyTorch on 2 threads 2–2.7× slower than passive waiting
 * (2026-12-02, torch_rnn.py on this 2-core machine, OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = 2, samples/s spinning →
 * passive: LSTM 512 20 → 44, GRU 128 144–161 → 386–388, LSTM 64 404–419 → 583–600, LSTM 256 60 → 125; OpenBLAS
 * alone on 2 threads, or torch on 2 with OpenBLAS on 1, did no better).
 */
export function peerEnv(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base }
  delete env.OPENBLAS_CORETYPE
  delete env.OPENBLAS_L2_SIZE
  const n = String(threads)
  return { ...env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, ...(threads > 1 ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}) }
}

/** The alternatives name of libblas.so.3 on this machine (Debian multiarch). */
export function blasAlternative(): string {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'x64' ? 'x86_64-linux-gnu' : `${process.arch}-linux-gnu`
  return `libblas.so.3-${triplet}`
}

const fix = (): string =>
  `run scripts/peer-setup.sh (apt-get install -y python3-torch libopenblas0-pthread python3-threadpoolctl; ` +
  `update-alternatives --set ${blasAlternative()} /usr/lib/${blasAlternative().slice('libblas.so.3-'.length)}/openblas-pthread/libblas.so.3)`

/**
 * Why this peer is not PyTorch at its best, or undefined when it is: an optimized BLAS (OpenBLAS, MKL, BLIS) loaded,
 * OpenBLAS free to pick its own core type, and the thread count asked for.
 */
export function peerProblem(record: PeerRecord, threads: number): string | undefined {
  const { blas } = record
  if (blas.library === 'reference') {
    return `PyTorch is calling the reference (netlib) BLAS ${blas.path ?? ''}, 5-7x slower than OpenBLAS on these products: not PyTorch at its best, so no ratio is reported; ${fix()}`
  }
  if (!['openblas', 'mkl', 'blis'].includes(blas.library)) {
    return `cannot tell which BLAS PyTorch loaded (${blas.library}${blas.path ? `: ${blas.path}` : ''}), so no ratio is reported; ${fix()}`
  }
  if (blas.env?.OPENBLAS_CORETYPE || blas.env?.OPENBLAS_L2_SIZE) {
    return `the peer ran with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE set (${JSON.stringify(blas.env)}), which pins OpenBLAS to older kernels; no ratio is reported`
  }
  if (record.torchThreads !== threads) return `the peer ran on ${record.torchThreads} threads, not ${threads}; no ratio is reported`
  return undefined
}

/** The fields every peer row records: the torch version, its threads, and the BLAS actually loaded. */
export function peerFields(record: PeerRecord, prefix = 'torch'): Record<string, unknown> {
  return {
    [`${prefix}Version`]: record.torch,
    [`${prefix}Threads`]: record.torchThreads,
    [`${prefix}Blas`]: record.blas.library,
    [`${prefix}BlasCoreType`]: record.blas.coreType,
    [`${prefix}BlasVersion`]: record.blas.version,
    [`${prefix}BlasThreads`]: record.blas.threads,
    [`${prefix}BlasPath`]: record.blas.path,
    // How idle OpenMP threads wait (peerEnv sets PASSIVE above one thread); null: libgomp's default, spinning.
    [`${prefix}OmpWaitPolicy`]: record.blas.env?.OMP_WAIT_POLICY ?? null
  }
}

/** A short label for tables: "OpenBLAS 0.3.21 Zen, 1 thread". */
export function peerLabel(record: PeerRecord): string {
  const b = record.blas
  return `PyTorch ${record.torch} on ${b.library}${b.version ? ` ${b.version}` : ''}${b.coreType ? ` ${b.coreType}` : ''}, ${record.torchThreads} thread${record.torchThreads === 1 ? '' : 's'}`
}

export type PeerResult<T> = { ok: T & PeerRecord } | { reason: string; record?: PeerRecord }

function parse<T>(status: number | null, stdout: string | undefined, stderr: string | undefined, error: string | undefined, threads: number): PeerResult<T> {
  const line = stdout?.trim().split('\n').pop()
  if (status !== 0 || !line) return { reason: line || stderr?.trim() || `${peerPython} failed (${error ?? status})` }
  const row = JSON.parse(line) as T & PeerRecord
  if (!row.blas) return { reason: `the peer printed no BLAS record: ${line}` }
  const problem = peerProblem(row, threads)
  return problem ? { reason: problem, record: row } : { ok: row }
}

/** Runs `script` (in bench/peers/) with `threads` threads; its last stdout line is its JSON row. */
export function runPeer<T>(script: string, args: string[], threads = 1, timeoutMs = 30 * 60_000): PeerResult<T> {
  const run = spawnSync(peerPython, [join(peersDir, script), ...args, '--threads', String(threads)], {
    encoding: 'utf8',
    env: peerEnv(threads),
    timeout: timeoutMs
  })
  return parse<T>(run.status, run.stdout, run.stderr, run.error?.message, threads)
}

/**
 * Runs `processes` one-thread copies of `script` at once, all told to start timing at the same moment (--start-at),
 * and returns each one's row: the process-pool form of the all-cores peer.
 */
export async function runPeerPool<T>(
  script: string,
  args: string[],
  processes: number,
  timeoutMs = 30 * 60_000
): Promise<{ ok: Array<T & PeerRecord> } | { reason: string; record?: PeerRecord }> {
  // Start-up (importing torch) takes 1-3 s here; every copy waits for the same moment after that.
  const startAt = Date.now() + 6000
  const one = (): Promise<PeerResult<T>> =>
    new Promise((resolve) => {
      const child = spawn(peerPython, [join(peersDir, script), ...args, '--threads', '1', '--start-at', String(startAt)], { env: peerEnv(1) })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const timer = setTimeout(() => child.kill(), timeoutMs)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve(parse<T>(code, stdout, stderr, undefined, 1))
      })
      child.on('error', (e) => resolve({ reason: `${peerPython}: ${e.message}` }))
    })
  const results = await Promise.all(Array.from({ length: processes }, one))
  const failed = results.find((r) => 'reason' in r)
  if (failed && 'reason' in failed) return failed
  return { ok: results.map((r) => (r as { ok: T & PeerRecord }).ok) }
}

/**
 * A peer script kept running in `--serve` mode (torch_rnn.py, torch_gemm.py): it prints a ready line with its record
 * (proven at its best like any peer row, or refused with the reason), then answers each line it is sent with one JSON
 * line. A benchmark can so alternate GateLab and the peer many times in short turns, pairing each of GateLab's
 * measurements with the peer's next to it in time, without paying a process start (importing torch: 1-3 s) per turn;
 * between requests the peer blocks on its input and takes no CPU.
 */
export class PeerSession {
  private buffered = ''
  private waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = []
  private lines: string[] = []
  private stderr = ''
  private ended: Error | undefined

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    command: string
  ) {
    child.stdout.on('data', (d: Buffer) => {
      this.buffered += d.toString()
      let at: number
      while ((at = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, at)
        this.buffered = this.buffered.slice(at + 1)
        const next = this.waiting.shift()
        if (next) next.resolve(line)
        else this.lines.push(line)
      }
    })
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()))
    const end = (why: string): void => {
      this.ended = new Error(`${why}${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`)
      for (const w of this.waiting.splice(0)) w.reject(this.ended)
    }
    child.on('close', (code) => end(`the peer exited (status ${code})`))
    child.on('error', (e) => end(`${command}: ${e.message}`))
  }

  private nextLine(): Promise<string> {
    const line = this.lines.shift()
    if (line !== undefined) return Promise.resolve(line)
    if (this.ended) return Promise.reject(this.ended)
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }))
  }

  /** Starts `script --serve` with one thread by default; resolves once it is warmed up and proven at its best. */
  static async open(script: string, args: string[], threads = 1): Promise<{ session: PeerSession; record: PeerRecord } | { reason: string; record?: PeerRecord }> {
    const started = await PeerSession.start(peerPython, [join(peersDir, script), ...args, '--threads', String(threads), '--serve'], { env: peerEnv(threads) })
    if ('reason' in started) return started
    const { session, line } = started
    const ready = parse<{ ready: boolean }>(0, line, session.stderr, undefined, threads)
    if ('reason' in ready) {
      session.close()
      return ready
    }
    return { session, record: ready.ok }
  }

  /**
   * Starts any process that answers like a --serve peer (a ready line, then one JSON line per request line): the PyTorch
   * peers above, or GateLab's own whole step (bench/peers/gatelab_step.ts). Resolves with its ready line, or the reason
   * it ended before printing one.
   */
  static async start(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ session: PeerSession; line: string } | { reason: string }> {
    const session = new PeerSession(spawn(command, args, options), command)
    try {
      return { session, line: await session.nextLine() }
    } catch (e) {
      return { reason: (e as Error).message }
    }
  }

  /** Sends one request line and resolves with the peer's JSON answer. */
  async ask<T>(request: string): Promise<T> {
    this.child.stdin.write(`${request}\n`)
    const line = await this.nextLine()
    return JSON.parse(line) as T
  }

  close(): void {
    this.child.stdin.end()
  }
}

/** The peer's runtime record alone (no benchmark): printed by `npm run bench` before anything runs. */
export function peerRuntime(threads = 1): PeerResult<Record<string, never>> {
  const run = spawnSync(peerPython, [join(peersDir, 'peer_info.py')], { encoding: 'utf8', env: peerEnv(threads), timeout: 120_000 })
  if (run.status === 0) {
    const record = JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerRecord
    // peer_info.py does not set torch's thread count; judge the BLAS only.
    const problem = peerProblem({ ...record, torchThreads: threads }, threads)
    return problem ? { reason: problem, record } : { ok: record as Record<string, never> & PeerRecord }
  }
  return parse(run.status, run.stdout, run.stderr, run.error?.message, threads)
}
